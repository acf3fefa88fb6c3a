import { Injectable } from '@nestjs/common';
import { Errors } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { escapeLike } from '../common/text.js';
import { Database } from '../database/database.js';
import { Grant, Principal } from './principal.js';
import { Permission, ROLE_PERMISSIONS, Role, SUBTREE_ROLES } from './roles.js';

/**
 * SQL: the grants (memberships with their agencies' paths) of the user `userId` (an SQL
 * expression) as a JSON array of Grant. The session lookup of each request selects it with the
 * user (one query), so Principal.grants are loaded with the principal; live, never cached.
 */
export function grantsJsonSql(userId: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('agencyId', m.agency_id, 'agencyPath', a.path, 'roles', m.roles)), '[]'::json)
             FROM memberships m JOIN agencies a ON a.id = m.agency_id WHERE m.user_id = ${userId})`;
}

/** Agency paths read by one miss of the path cache (all of a province's agencies, usually). */
const PATHS_READ_AT_ONCE = 20_000;

/** Which agencies a user may act on for a permission: every agency, or these ids. */
export type AgencyScope = { all: true } | { all: false; agencyIds: string[] };

/**
 * The one authorization layer: "may this user do X on this agency's object" and "which agencies'
 * objects may this user list". Objects of agencies the user has no relation to are reported as
 * 404 (never 403), so nothing leaks across agencies.
 */
@Injectable()
export class AccessService {
  private readonly pathCache = new Map<string, { path: string; at: number }>();
  private readonly subtreeCache = new Map<string, { ids: string[]; at: number }>();

  constructor(private readonly db: Database) {}

  async grants(p: Principal): Promise<Grant[]> {
    if (!p.grants) {
      const [row] = await this.db.query<{ grants: Grant[] }[]>(`SELECT ${grantsJsonSql('$1::uuid')} AS grants`, [p.id]);
      p.grants = row.grants;
    }
    return p.grants;
  }

  /**
   * The agency's materialised path, or null when it does not exist. On a miss every agency's path
   * is read at once (one query, kept like the others for 30 s): a supervisor reading documents of
   * many agencies does not pay a query per agency.
   */
  async agencyPath(agencyId: string): Promise<string | null> {
    const hit = this.pathCache.get(agencyId);
    if (hit && Date.now() - hit.at < 30_000) return hit.path;
    const rows = await this.db.query<{ id: string; path: string }[]>(
      `SELECT id, path FROM agencies WHERE id = $1 UNION ALL (SELECT id, path FROM agencies WHERE id <> $1 LIMIT ${PATHS_READ_AT_ONCE})`,
      [agencyId],
    );
    if (this.pathCache.size + rows.length > PATHS_READ_AT_ONCE * 2) this.pathCache.clear();
    const at = Date.now();
    for (const r of rows) this.pathCache.set(r.id, { path: r.path, at });
    return rows[0]?.id === agencyId ? rows[0].path : null;
  }

  /** Agency moves change paths, new agencies join subtrees: forget cached ones. */
  invalidatePaths(): void {
    this.pathCache.clear();
    this.subtreeCache.clear();
  }

  /** The ids of the agencies under these paths (themselves included), cached like paths. */
  private async subtreeIds(prefixes: string[]): Promise<string[]> {
    const key = [...prefixes].sort().join('|');
    const hit = this.subtreeCache.get(key);
    if (hit && Date.now() - hit.at < 30_000) return hit.ids;
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM agencies WHERE path LIKE ANY($1::text[])`, [prefixes.map((x) => escapeLike(x) + '%')]);
    if (this.subtreeCache.size > 1_000) this.subtreeCache.clear();
    this.subtreeCache.set(key, { ids: rows.map((r) => r.id), at: Date.now() });
    return rows.map((r) => r.id);
  }

  /** Roles the user holds on this agency: its own membership plus subtree roles held on ancestors. */
  async rolesOn(p: Principal, agencyId: string): Promise<Set<Role>> {
    const grants = await this.grants(p);
    const roles = new Set<Role>();
    const direct = grants.find((g) => g.agencyId === agencyId);
    direct?.roles.forEach((r) => roles.add(r));
    const inherited = grants.filter((g) => g.agencyId !== agencyId && g.roles.some((r) => SUBTREE_ROLES.includes(r)));
    if (inherited.length) {
      const path = await this.agencyPath(agencyId);
      if (path) {
        for (const g of inherited) {
          if (path.startsWith(g.agencyPath)) g.roles.filter((r) => SUBTREE_ROLES.includes(r)).forEach((r) => roles.add(r));
        }
      }
    }
    return roles;
  }

  async can(p: Principal, permission: Permission, agencyId: string): Promise<boolean> {
    if (p.isAdmin && (permission === 'agency.read' || permission === 'agency.manage')) return true;
    const roles = await this.rolesOn(p, agencyId);
    for (const r of roles) if (ROLE_PERMISSIONS[r].includes(permission)) return true;
    return false;
  }

  /** True when the user has any relation to the agency (so a refusal may say 403 rather than 404). */
  async isRelated(p: Principal, agencyId: string): Promise<boolean> {
    if (p.isAdmin) return true;
    return (await this.rolesOn(p, agencyId)).size > 0;
  }

  /**
   * Throws unless the user holds `permission` on the agency: 404 `entity` when the user has no
   * relation to the agency (or `hide` is set), 403 when related but not allowed.
   */
  async assert(p: Principal, permission: Permission, agencyId: string, entity: string, opts: { hide?: boolean } = {}): Promise<void> {
    if (await this.can(p, permission, agencyId)) return;
    // The object exists: the refusal goes to the security record (RefusalRecord) once answered.
    if (!opts.hide && (await this.isRelated(p, agencyId))) {
      RequestContexts.noteRefusal({ outcome: 'forbidden', agencyId, permission, entity });
      throw Errors.forbidden(`Your roles in this agency do not allow this (${permission}).`);
    }
    RequestContexts.noteRefusal({ outcome: 'hidden', agencyId, permission, entity });
    throw Errors.notFound(entity);
  }

  /** Agencies whose objects the user may list under `permission`. */
  async scope(p: Principal, permission: Permission): Promise<AgencyScope> {
    if (p.isAdmin && (permission === 'agency.read' || permission === 'agency.manage')) return { all: true };
    const grants = await this.grants(p);
    const direct: string[] = [];
    const subtreePrefixes: string[] = [];
    for (const g of grants) {
      const allowing = g.roles.filter((r) => ROLE_PERMISSIONS[r].includes(permission));
      if (!allowing.length) continue;
      if (allowing.some((r) => SUBTREE_ROLES.includes(r))) subtreePrefixes.push(g.agencyPath);
      else direct.push(g.agencyId);
    }
    if (!subtreePrefixes.length) return { all: false, agencyIds: [...new Set(direct)] };
    return { all: false, agencyIds: [...new Set([...direct, ...(await this.subtreeIds(subtreePrefixes))])] };
  }

  /**
   * Active users holding any of `roles` directly in these agencies (one query), per agency in the
   * order of `roles` (holders of the first role first), then by membership age.
   */
  async activeMembers(agencyIds: readonly string[], roles: readonly Role[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!agencyIds.length) return out;
    const rows = await this.db.query<{ agency_id: string; user_id: string }[]>(
      `SELECT m.agency_id, m.user_id FROM memberships m JOIN users u ON u.id = m.user_id AND u.is_active
        WHERE m.agency_id = ANY($1::uuid[]) AND m.roles && $2::text[]
        ORDER BY m.agency_id, (SELECT min(array_position($2::text[], r)) FROM unnest(m.roles) AS r), m.created_at, m.user_id`,
      [agencyIds, roles],
    );
    for (const r of rows) out.set(r.agency_id, [...(out.get(r.agency_id) ?? []), r.user_id]);
    return out;
  }

  /** True when the user holds this role directly in the agency. */
  async hasRole(p: Principal, agencyId: string, role: Role): Promise<boolean> {
    return (await this.grants(p)).some((g) => g.agencyId === agencyId && g.roles.includes(role));
  }

  /**
   * Whether `userId` (anyone, not the caller) holds `role` in the agency, or with `orAncestor` in
   * the agency or one of its ancestors (a provincial auditor may audit a commune). Active users only.
   */
  async userHoldsRole(userId: string, agencyId: string, role: Role, opts: { orAncestor?: boolean } = {}): Promise<boolean> {
    const rows = await this.db.query<{ ok: boolean }[]>(
      `SELECT EXISTS (
         SELECT 1 FROM memberships m JOIN agencies a ON a.id = m.agency_id JOIN users u ON u.id = m.user_id AND u.is_active
                  JOIN agencies t ON t.id = $2
          WHERE m.user_id = $1 AND $3 = ANY (m.roles)
            AND (m.agency_id = $2 OR ($4 AND starts_with(t.path, a.path)))
       ) AS ok`,
      [userId, agencyId, role, !!opts.orAncestor],
    );
    return !!rows[0]?.ok;
  }

  /** Whether `userId` is a member (any role) of the agency. */
  async isMember(userId: string, agencyId: string): Promise<boolean> {
    const rows = await this.db.query<{ ok: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id AND u.is_active WHERE m.user_id = $1 AND m.agency_id = $2) AS ok`,
      [userId, agencyId],
    );
    return !!rows[0]?.ok;
  }
}
