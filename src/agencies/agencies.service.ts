import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { escapeLike, foldVietnamese } from '../common/text.js';
import { Database } from '../database/database.js';
import { User } from '../identity/user.entity.js';
import {
  AgencyListQuery,
  AgencyView,
  CreateAgencyRequest,
  CreateDelegationRequest,
  DelegationView,
  MemberView,
  UpdateAgencyRequest,
} from './agencies.dto.js';
import { Agency, AgencyLevel, ALLOWED_PARENTS, Delegation, Membership } from './agency.entity.js';

export function toAgencyView(a: Agency): AgencyView {
  return {
    id: a.id,
    code: a.code,
    name: a.name,
    level: a.level,
    parentId: a.parentId,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** An agency of a subtree (AgenciesService.subtree). */
export interface SubtreeAgency {
  id: string;
  code: string;
  name: string;
  level: AgencyLevel;
  parentId: string | null;
  depth: number;
}

/**
 * SQL: every agency as other modules may see it — columns `id`, `code`, `name`, `level`,
 * `parent_id`, `path` (the materialised path: ids and slashes, root first; ordering by it lists a
 * tree in order). For a module that lists its own rows with their agency in one statement:
 * `JOIN (${agenciesSql()}) a ON a.id = x.agency_id`. PostgreSQL flattens the subquery: the plan is
 * the plain join's.
 */
export function agenciesSql(): string {
  return `SELECT a.id, a.code, a.name, a.level, a.parent_id, a.path FROM agencies a`;
}

/**
 * SQL: the ids (column `id`) of the agency `rootId` (an SQL expression: a parameter or a column)
 * and of every agency below it, for a module's "this agency and those below it" filter in one
 * statement: `AND x.agency_id IN (${agencySubtreeSql('$3')})`. Empty when the agency is unknown.
 */
export function agencySubtreeSql(rootId: string): string {
  return `SELECT a.id FROM agencies r JOIN agencies a ON a.path LIKE r.path || '%' WHERE r.id = ${rootId}`;
}

@Injectable()
export class AgenciesService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** An agency, without permission checks (for other modules' internal use). */
  findById(id: string): Promise<Agency | null> {
    return this.db.repo(Agency).findOneBy({ id });
  }

  /** The agency of this code (any case) with its parent's code, without permission checks (the public pages). */
  /**
   * SQL selecting the agency whose code is the text parameter `param` (case-insensitive), as
   * `id` and `code`: for a module that reads its own rows of an agency found by code in one query
   * (the public pages, PublicRegister.findInAgency). The same match as `findByCode`.
   */
  byCodeSql(param: string): string {
    return `SELECT a.id, a.code FROM agencies a WHERE lower(a.code) = lower(${param})`;
  }

  async findByCode(code: string): Promise<{ id: string; code: string; name: string; level: string; parentCode: string | null } | null> {
    const [a] = await this.db.query<{ id: string; code: string; name: string; level: string; parent_code: string | null }[]>(
      `SELECT a.id, a.code, a.name, a.level, p.code AS parent_code FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id WHERE lower(a.code) = lower($1)`,
      [code],
    );
    return a ? { id: a.id, code: a.code, name: a.name, level: a.level, parentCode: a.parent_code } : null;
  }

  /** The agency and its ancestors, root first (for headers such as "UBND TỈNH KON TUM / SỞ ..."). */
  async lineage(id: string): Promise<Agency[]> {
    const a = await this.findById(id);
    if (!a) return [];
    const ids = a.path.split('/').filter(Boolean);
    const rows = await this.db.repo(Agency).createQueryBuilder('a').where('a.id IN (:...ids)', { ids }).getMany();
    return ids.map((i) => rows.find((r) => r.id === i)!).filter(Boolean);
  }

  /** Of these agency ids, the ones that are `rootId` or lie below it (unknown ids are left out; paths hold only ids and slashes). */
  async withinSubtree(rootId: string, ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT a.id FROM agencies r JOIN agencies a ON a.path LIKE r.path || '%'
        WHERE r.id = $1 AND a.id = ANY($2::uuid[])`,
      [rootId, [...ids]],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The agency and every agency below it in tree order (by path), each with its depth below the
   * asked one (0 for it), without permission checks (the province overview). Empty when unknown.
   */
  async subtree(id: string): Promise<SubtreeAgency[]> {
    const rows = await this.db.query<{ id: string; code: string; name: string; level: AgencyLevel; parent_id: string | null; depth: number }[]>(
      `SELECT a.id, a.code, a.name, a.level, a.parent_id,
              (length(a.path) - length(replace(a.path, '/', ''))) - (length(root.path) - length(replace(root.path, '/', ''))) AS depth
         FROM agencies root JOIN agencies a ON a.path LIKE root.path || '%'
        WHERE root.id = $1
        ORDER BY a.path`,
      [id],
    );
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, level: r.level, parentId: r.parent_id, depth: Number(r.depth) }));
  }

  /** The agency's direct child agencies of level `unit` (its phòng, ban), by name. */
  async unitsOf(agencyId: string): Promise<Agency[]> {
    return this.db.repo(Agency).find({ where: { parentId: agencyId, level: 'unit' }, order: { name: 'ASC', id: 'ASC' } });
  }

  private async codeTaken(code: string, exceptId?: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>('SELECT 1 FROM agencies WHERE lower(code) = lower($1) AND id IS DISTINCT FROM $2', [code, exceptId ?? null]);
    return rows.length > 0;
  }

  private checkLevel(level: AgencyLevel, parent: Agency | null): void {
    const allowed = ALLOWED_PARENTS[level];
    if (!allowed.includes(parent ? parent.level : null)) {
      const where = parent ? `under a ${parent.level}` : 'at the top level';
      throw Errors.ruleViolated('agency_level_invalid', `A ${level} cannot be placed ${where}.`, [
        { field: parent ? 'parentId' : 'level', message: `a ${level} belongs under ${allowed.map((x) => x ?? 'nothing').join(' or ')}` },
      ]);
    }
  }

  async create(p: Principal, req: CreateAgencyRequest): Promise<AgencyView> {
    return this.db.transaction(async () => {
      let parent: Agency | null = null;
      if (req.parentId) {
        parent = await this.db.repo(Agency).findOne({ where: { id: req.parentId }, lock: { mode: 'pessimistic_read' } });
        if (!parent) throw Errors.notFound('Parent agency');
        await this.access.assert(p, 'agency.manage', parent.id, 'Parent agency');
      } else if (!p.isAdmin) {
        throw Errors.forbidden('Only the system administrator creates top-level agencies.');
      }
      this.checkLevel(req.level, parent);
      if (await this.codeTaken(req.code)) throw Errors.conflict('agency_code_taken', `The agency code "${req.code}" is already in use.`);
      const id = randomUUID();
      const agency = await this.db.repo(Agency).save(
        this.db.repo(Agency).create({ id, code: req.code, name: req.name, level: req.level, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${id}/` }),
      );
      await this.audit.record({
        action: 'agency.created',
        entityType: 'agency',
        entityId: agency.id,
        agencyId: agency.id,
        changes: diffFields(null, agency, ['code', 'name', 'level', 'parentId']),
      });
      // A new agency joins its ancestors' subtrees (cached agency scopes).
      this.db.afterCommit(() => this.access.invalidatePaths());
      return toAgencyView(agency);
    });
  }

  async list(p: Principal, q: AgencyListQuery): Promise<Page<AgencyView>> {
    const scope = await this.access.scope(p, 'agency.read');
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2);
    const qb = this.db.repo(Agency).createQueryBuilder('a');
    if (!scope.all) {
      if (!scope.agencyIds.length) return { items: [], nextCursor: null };
      qb.andWhere('a.id IN (:...scope)', { scope: scope.agencyIds });
    }
    if (q.parentId) qb.andWhere('a.parent_id = :parentId', { parentId: q.parentId });
    if (q.level) qb.andWhere('a.level = :level', { level: q.level });
    if (q.q) qb.andWhere(`search_fold(a.code || ' ' || a.name) LIKE :q`, { q: `%${escapeLike(foldVietnamese(q.q))}%` });
    if (after) qb.andWhere('(a.path, a.id) > (:a0, :a1)', { a0: after[0], a1: after[1] });
    const rows = await qb.orderBy('a.path', 'ASC').addOrderBy('a.id', 'ASC').limit(limit + 1).getMany();
    return toPage(rows, limit, (a) => [a.path, a.id], toAgencyView);
  }

  async get(p: Principal, id: string): Promise<AgencyView> {
    const a = await this.findById(id);
    if (!a) throw Errors.notFound('Agency');
    await this.access.assert(p, 'agency.read', a.id, 'Agency', { hide: true });
    return toAgencyView(a);
  }

  async update(p: Principal, id: string, req: UpdateAgencyRequest): Promise<AgencyView> {
    const result = await this.db.transaction(async () => {
      const a = await this.db.repo(Agency).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!a) throw Errors.notFound('Agency');
      await this.access.assert(p, 'agency.manage', a.id, 'Agency');
      const before = { ...a };
      if (req.code !== undefined && req.code !== a.code) {
        if (await this.codeTaken(req.code, a.id)) throw Errors.conflict('agency_code_taken', `The agency code "${req.code}" is already in use.`);
        a.code = req.code;
      }
      if (req.name !== undefined) a.name = req.name;
      if (req.parentId !== undefined && req.parentId !== a.parentId) {
        // Moving a subtree changes who sees it: the system administrator's call.
        if (!p.isAdmin) throw Errors.forbidden('Only the system administrator moves agencies.');
        // Serialise tree moves so two concurrent moves cannot build a cycle between them.
        await this.db.lock('e-iso:agency-tree');
        const parent = await this.db.repo(Agency).findOneBy({ id: req.parentId });
        if (!parent) throw Errors.notFound('Parent agency');
        if (parent.path.startsWith(a.path)) {
          throw Errors.ruleViolated('agency_cycle', 'An agency cannot be moved under itself or one of its descendants.', [
            { field: 'parentId', message: 'would create a cycle' },
          ]);
        }
        this.checkLevel(a.level, parent);
        const oldPath = a.path;
        const newPath = `${parent.path}${a.id}/`;
        await this.db.query(`UPDATE agencies SET path = $1 || substr(path, $3) WHERE path LIKE $2`, [newPath, escapeLike(oldPath) + '%', oldPath.length + 1]);
        a.parentId = parent.id;
        a.path = newPath;
        // Cached paths are forgotten once the move is visible to other requests.
        this.db.afterCommit(() => this.access.invalidatePaths());
      }
      const saved = await this.db.repo(Agency).save(a);
      const changes = diffFields(before, saved, ['code', 'name', 'parentId']);
      if (Object.keys(changes).length) {
        await this.audit.record({ action: 'agency.updated', entityType: 'agency', entityId: a.id, agencyId: a.id, changes });
      }
      return toAgencyView(saved);
    });
    return result;
  }

  // ---- Members ----

  async listMembers(p: Principal, agencyId: string, limit: number, cursor?: string): Promise<Page<MemberView>> {
    const a = await this.findById(agencyId);
    if (!a) throw Errors.notFound('Agency');
    await this.access.assert(p, 'agency.read', a.id, 'Agency', { hide: true });
    const after = Cursor.decode(cursor, 2);
    const rows = await this.db.query<{ user_id: string; username: string; full_name: string; title: string | null; roles: string[]; updated_at: Date }[]>(
      `SELECT m.user_id, u.username, u.full_name, u.title, m.roles, m.updated_at
         FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.agency_id = $1 AND ($2::text IS NULL OR (u.username, m.user_id) > ($2::text, $3::uuid))
        ORDER BY u.username, m.user_id LIMIT $4`,
      [agencyId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    return toPage(rows, limit, (r) => [r.username, r.user_id], (r) => ({
      agencyId,
      userId: r.user_id,
      username: r.username,
      fullName: r.full_name,
      title: r.title,
      roles: r.roles,
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }

  async setMemberRoles(p: Principal, agencyId: string, userId: string, roles: string[]): Promise<{ member: MemberView; created: boolean }> {
    return this.db.transaction(async () => {
      const a = await this.findById(agencyId);
      if (!a) throw Errors.notFound('Agency');
      await this.access.assert(p, 'agency.manage', a.id, 'Agency');
      const user = await this.db.repo(User).findOneBy({ id: userId });
      if (!user) throw Errors.notFound('User');
      if (!user.isActive) throw Errors.ruleViolated('user_inactive', 'A deactivated user cannot be given roles.');
      const existing = await this.db.repo(Membership).findOne({ where: { agencyId, userId }, lock: { mode: 'pessimistic_write' } });
      const oldRoles = existing ? [...existing.roles] : null;
      const sorted = [...new Set(roles)].sort();
      const m = await this.db.repo(Membership).save(existing ? Object.assign(existing, { roles: sorted }) : this.db.repo(Membership).create({ agencyId, userId, roles: sorted }));
      await this.audit.record({
        action: existing ? 'membership.updated' : 'membership.created',
        entityType: 'membership',
        entityId: userId,
        agencyId,
        changes: { userId, roles: { old: oldRoles, new: sorted } },
      });
      return {
        created: !existing,
        member: { agencyId, userId, username: user.username, fullName: user.fullName, title: user.title, roles: m.roles, updatedAt: m.updatedAt.toISOString() },
      };
    });
  }

  async removeMember(p: Principal, agencyId: string, userId: string): Promise<void> {
    await this.db.transaction(async () => {
      const a = await this.findById(agencyId);
      if (!a) throw Errors.notFound('Agency');
      await this.access.assert(p, 'agency.manage', a.id, 'Agency');
      const rows = await this.db.query<{ roles: string[] }[]>(`DELETE FROM memberships WHERE agency_id = $1 AND user_id = $2 RETURNING roles`, [agencyId, userId]);
      if (!rows.length) throw Errors.notFound('Membership');
      await this.audit.record({ action: 'membership.removed', entityType: 'membership', entityId: userId, agencyId, changes: { userId, roles: { old: rows[0].roles, new: null } } });
    });
  }

  // ---- Delegations ----

  async createDelegation(p: Principal, agencyId: string, req: CreateDelegationRequest): Promise<DelegationView> {
    return this.db.transaction(async () => {
      const a = await this.findById(agencyId);
      if (!a) throw Errors.notFound('Agency');
      // The head delegates their own signature; agency administrators may record it for them.
      const isSelf = req.fromUserId === p.id && (await this.access.hasRole(p, agencyId, 'head'));
      if (!isSelf) await this.access.assert(p, 'agency.manage', agencyId, 'Agency');
      const validFrom = new Date(req.validFrom);
      const validTo = new Date(req.validTo);
      const errors = [];
      if (validTo <= validFrom) errors.push({ field: 'validTo', message: 'must be after validFrom' });
      const roleOf = async (userId: string) =>
        (await this.db.query<{ roles: string[] }[]>('SELECT roles FROM memberships WHERE agency_id = $1 AND user_id = $2', [agencyId, userId]))[0]?.roles ?? [];
      if (!(await roleOf(req.fromUserId)).includes('head')) errors.push({ field: 'fromUserId', message: 'must be a head of this agency' });
      if (!(await roleOf(req.toUserId)).includes('deputy')) errors.push({ field: 'toUserId', message: 'must be a deputy of this agency' });
      if (req.fromUserId === req.toUserId) errors.push({ field: 'toUserId', message: 'must differ from fromUserId' });
      if (errors.length) throw Errors.ruleViolated('delegation_invalid', 'The delegation is not valid.', errors);
      const d = await this.db.repo(Delegation).save(
        this.db.repo(Delegation).create({ agencyId, fromUserId: req.fromUserId, toUserId: req.toUserId, validFrom, validTo, createdBy: p.id }),
      );
      await this.audit.record({
        action: 'delegation.created',
        entityType: 'delegation',
        entityId: d.id,
        agencyId,
        changes: diffFields(null, d, ['fromUserId', 'toUserId', 'validFrom', 'validTo']),
      });
      return (await this.delegationViews(agencyId, d.id))[0];
    });
  }

  async listDelegations(p: Principal, agencyId: string): Promise<DelegationView[]> {
    const a = await this.findById(agencyId);
    if (!a) throw Errors.notFound('Agency');
    await this.access.assert(p, 'agency.read', agencyId, 'Agency', { hide: true });
    return this.delegationViews(agencyId);
  }

  async revokeDelegation(p: Principal, agencyId: string, delegationId: string): Promise<DelegationView> {
    return this.db.transaction(async () => {
      const d = await this.db.repo(Delegation).findOne({ where: { id: delegationId, agencyId }, lock: { mode: 'pessimistic_write' } });
      if (!d) {
        await this.access.assert(p, 'agency.read', agencyId, 'Delegation', { hide: true });
        throw Errors.notFound('Delegation');
      }
      if (d.fromUserId !== p.id) await this.access.assert(p, 'agency.manage', agencyId, 'Delegation');
      if (d.revokedAt) throw Errors.conflict('delegation_revoked', 'The delegation is already revoked.');
      d.revokedAt = new Date();
      d.revokedBy = p.id;
      await this.db.repo(Delegation).save(d);
      await this.audit.record({ action: 'delegation.revoked', entityType: 'delegation', entityId: d.id, agencyId, changes: { revokedAt: { old: null, new: d.revokedAt } } });
      return (await this.delegationViews(agencyId, d.id))[0];
    });
  }

  private async delegationViews(agencyId: string, id?: string): Promise<DelegationView[]> {
    const rows = await this.db.query<
      { id: string; from_user_id: string; from_name: string; to_user_id: string; to_name: string; valid_from: Date; valid_to: Date; revoked_at: Date | null; created_at: Date; active: boolean }[]
    >(
      `SELECT d.id, d.from_user_id, f.full_name AS from_name, d.to_user_id, t.full_name AS to_name, d.valid_from, d.valid_to,
              d.revoked_at, d.created_at, (d.revoked_at IS NULL AND d.valid_from <= now() AND d.valid_to > now()) AS active
         FROM delegations d JOIN users f ON f.id = d.from_user_id JOIN users t ON t.id = d.to_user_id
        WHERE d.agency_id = $1 AND ($2::uuid IS NULL OR d.id = $2)
        ORDER BY d.valid_from DESC, d.id`,
      [agencyId, id ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      agencyId,
      fromUserId: r.from_user_id,
      fromUserName: r.from_name,
      toUserId: r.to_user_id,
      toUserName: r.to_name,
      validFrom: new Date(r.valid_from).toISOString(),
      validTo: new Date(r.valid_to).toISOString(),
      active: r.active,
      revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }
}
