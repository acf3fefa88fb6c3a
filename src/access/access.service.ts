import { Injectable } from '@nestjs/common';
import { Errors } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { escapeLike } from '../common/text.js';
import { Database } from '../database/database.js';
import { CacheInvalidation } from '../identity/live-caches.js';
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

/** Agencies read at once into the agencies this process keeps (all of a province's, usually); with more, each path is read when asked for. */
export const PATHS_READ_AT_ONCE = 20_000;
/** Subtrees kept (by their set of root paths); past it they are all forgotten and read again. */
const SUBTREES_KEPT = 1_000;

/**
 * Which agencies a user may act on for a permission: every agency, or these ids. A scope whose
 * agencies are every agency there is says so (`all`), so a list need not test the agency of each
 * row (a provincial supervisor on a province's own installation).
 */
export type AgencyScope = { all: true } | { all: false; agencyIds: string[] };

/**
 * The one authorization layer: "may this user do X on this agency's object" and "which agencies'
 * objects may this user list". Objects of agencies the user has no relation to are reported as
 * 404 (never 403), so nothing leaks across agencies.
 *
 * Agencies' paths and subtrees are kept in this process and kept true by the database: a new,
 * changed, moved or deleted agency is an `a:` notification (migrations CacheInvalidation and
 * AgencyCacheInsert) that empties them, and nothing kept is used while the cache listener is not
 * usable (CacheInvalidation): the agencies are read again instead.
 */
@Injectable()
export class AccessService {
  /** Every agency's path, once read (null until then, and after every change of the agencies). */
  private paths: Map<string, string> | null = null;
  /** More agencies than are read at once: each path is read when asked for, until the agencies change. */
  private tooMany = false;
  /** Subtrees by their sorted root paths: their agencies, and whether they are every agency there is. */
  private readonly subtrees = new Map<string, { ids: string[]; everyAgency: boolean }>();

  constructor(
    private readonly db: Database,
    private readonly live: CacheInvalidation,
  ) {
    live.on('a', () => this.invalidatePaths());
    live.onReset(() => this.invalidatePaths());
  }

  async grants(p: Principal): Promise<Grant[]> {
    if (!p.grants) {
      const [row] = await this.db.query<{ grants: Grant[] }[]>(`SELECT ${grantsJsonSql('$1::uuid')} AS grants`, [p.id]);
      p.grants = row.grants;
    }
    return p.grants;
  }

  /**
   * Every agency's path (kept), or null when the cache may not be used now or there are more
   * agencies than are kept at once. One query reads them all on a miss: a supervisor reading
   * documents of many agencies does not pay a query per agency.
   */
  private async allPaths(): Promise<Map<string, string> | null> {
    if (!this.live.usable || this.tooMany) return null;
    if (this.paths) return this.paths;
    const epoch = this.live.epoch;
    const rows = await this.db.query<{ id: string; path: string }[]>(`SELECT id, path FROM agencies LIMIT ${PATHS_READ_AT_ONCE + 1}`);
    if (rows.length > PATHS_READ_AT_ONCE) {
      if (this.live.mayStore(epoch)) this.tooMany = true;
      return null;
    }
    const paths = new Map(rows.map((r) => [r.id, r.path] as const));
    if (this.live.mayStore(epoch)) this.paths = paths;
    return paths;
  }

  /** The agency's materialised path, or null when it does not exist. */
  async agencyPath(agencyId: string): Promise<string | null> {
    const all = await this.allPaths();
    if (all) return all.get(agencyId) ?? null;
    const [row] = await this.db.query<{ path: string }[]>(`SELECT path FROM agencies WHERE id = $1`, [agencyId]);
    return row?.path ?? null;
  }

  /** Agency moves change paths, new agencies join subtrees: forget what is kept (also on `a:` notifications). */
  invalidatePaths(): void {
    this.paths = null;
    this.tooMany = false;
    this.subtrees.clear();
  }

  /** The agencies under these paths (themselves included), and whether they are every agency there is. */
  private async subtree(prefixes: string[]): Promise<{ ids: string[]; everyAgency: boolean }> {
    const key = [...prefixes].sort().join('|');
    const usable = this.live.usable;
    const hit = usable ? this.subtrees.get(key) : undefined;
    if (hit) return hit;
    const epoch = this.live.epoch;
    const all = await this.allPaths();
    let found: { ids: string[]; everyAgency: boolean };
    if (all) {
      const ids = [...all].filter(([, path]) => prefixes.some((x) => path.startsWith(x))).map(([id]) => id);
      found = { ids, everyAgency: ids.length === all.size };
    } else {
      const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM agencies WHERE path LIKE ANY($1::text[])`, [prefixes.map((x) => escapeLike(x) + '%')]);
      found = { ids: rows.map((r) => r.id), everyAgency: false };
    }
    if (usable && this.live.mayStore(epoch)) {
      if (this.subtrees.size >= SUBTREES_KEPT) this.subtrees.clear();
      this.subtrees.set(key, found);
    }
    return found;
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

  /**
   * Agencies whose objects the user may list under `permission`: `all` when they are every agency
   * there is (subtree roles held on the roots), which a list reads as "no agency to test".
   */
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
    const subtree = await this.subtree(subtreePrefixes);
    if (subtree.everyAgency) return { all: true };
    return { all: false, agencyIds: [...new Set([...direct, ...subtree.ids])] };
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
