import { Injectable } from '@nestjs/common';
import { Brackets } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { escapeLike, foldVietnamese } from '../common/text.js';
import { Database } from '../database/database.js';
import { CreateUserRequest, MeView, UpdateUserRequest, UserListQuery, UserView } from './identity.dto.js';
import { Passwords } from './passwords.js';
import { User } from './user.entity.js';

export function toUserView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    fullName: u.fullName,
    title: u.title,
    email: u.email,
    isAdmin: u.isAdmin,
    isActive: u.isActive,
    createdAt: u.createdAt.toISOString(),
  };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly passwords: Passwords,
    private readonly audit: AuditService,
    private readonly access: AccessService,
  ) {}

  findByUsername(username: string): Promise<User | null> {
    return this.db.repo(User).findOneBy({ username: username.toLowerCase() });
  }

  findById(id: string): Promise<User | null> {
    return this.db.repo(User).findOneBy({ id });
  }

  /** Only system admins and agency administrators look users up (to add members). */
  private async assertMayManageUsers(p: Principal): Promise<void> {
    if (p.isAdmin) return;
    const grants = await this.access.grants(p);
    if (!grants.some((g) => g.roles.includes('admin'))) throw Errors.forbidden('Only administrators can manage users.');
  }

  async create(p: Principal, req: CreateUserRequest): Promise<UserView> {
    if (!p.isAdmin) throw Errors.forbidden('Only the system administrator creates users.');
    const username = req.username.toLowerCase();
    const passwordHash = await this.passwords.hash(req.password);
    return this.db.transaction(async () => {
      if (await this.findByUsername(username)) throw Errors.conflict('username_taken', `The username "${username}" is already in use.`);
      const user = await this.db.repo(User).save(
        this.db.repo(User).create({ username, fullName: req.fullName, title: req.title ?? null, email: req.email ?? null, passwordHash }),
      );
      await this.audit.record({
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        agencyId: null,
        changes: diffFields(null, user, ['username', 'fullName', 'title', 'email']),
      });
      return toUserView(user);
    });
  }

  /**
   * Users an agency administrator may see: members of the agencies they manage (their subtree).
   * Anyone else is found only by exact username (to add a new member), never by browsing.
   */
  private async visibleToAgencyAdmin(p: Principal): Promise<string[] | null> {
    const scope = await this.access.scope(p, 'agency.manage');
    // null: every agency (an agency administrator of the root of every agency there is).
    return scope.all ? null : scope.agencyIds;
  }

  async list(p: Principal, q: UserListQuery): Promise<Page<UserView>> {
    await this.assertMayManageUsers(p);
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2);
    const qb = this.db.repo(User).createQueryBuilder('u');
    if (!p.isAdmin) {
      const agencies = await this.visibleToAgencyAdmin(p);
      qb.andWhere(
        new Brackets((w) => {
          w.where('u.id IN (SELECT m.user_id FROM memberships m WHERE (:agencies::uuid[] IS NULL OR m.agency_id = ANY(:agencies::uuid[])))', { agencies });
          if (q.q) w.orWhere('u.username = :exact', { exact: q.q.toLowerCase() });
        }),
      );
    }
    if (q.q) qb.andWhere(`search_fold(u.username || ' ' || u.full_name) LIKE :q`, { q: `%${escapeLike(foldVietnamese(q.q))}%` });
    if (after) qb.andWhere('(u.username, u.id) > (:a0, :a1)', { a0: after[0], a1: after[1] });
    const rows = await qb.orderBy('u.username', 'ASC').addOrderBy('u.id', 'ASC').limit(limit + 1).getMany();
    return toPage(rows, limit, (u) => [u.username, u.id], toUserView);
  }

  async get(p: Principal, id: string): Promise<UserView> {
    if (p.id !== id) {
      await this.assertMayManageUsers(p);
      if (!p.isAdmin) {
        const agencies = await this.visibleToAgencyAdmin(p);
        const rows = await this.db.query<unknown[]>('SELECT 1 FROM memberships WHERE user_id = $1 AND ($2::uuid[] IS NULL OR agency_id = ANY($2::uuid[]))', [id, agencies]);
        if (!rows.length) throw Errors.notFound('User');
      }
    }
    const u = await this.findById(id);
    if (!u) throw Errors.notFound('User');
    return toUserView(u);
  }

  async update(p: Principal, id: string, req: UpdateUserRequest): Promise<UserView> {
    if (!p.isAdmin) throw Errors.forbidden('Only the system administrator edits users.');
    const passwordHash = req.password ? await this.passwords.hash(req.password) : null;
    return this.db.transaction(async () => {
      const u = await this.db.repo(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!u) throw Errors.notFound('User');
      if (u.id === p.id && req.isActive === false) throw Errors.ruleViolated('cannot_deactivate_self', 'You cannot deactivate your own account.');
      const before = { ...u };
      if (req.fullName !== undefined) u.fullName = req.fullName;
      if (req.title !== undefined) u.title = req.title;
      if (req.email !== undefined) u.email = req.email;
      if (req.isActive !== undefined) u.isActive = req.isActive;
      if (passwordHash) {
        u.passwordHash = passwordHash;
        u.passwordChangedAt = new Date();
      }
      const changes: Record<string, unknown> = diffFields(before, u, ['fullName', 'title', 'email', 'isActive']);
      if (passwordHash) changes.password = { old: '***', new: '***' };
      // A request that changes nothing writes nothing (no save, no event).
      if (!Object.keys(changes).length) return toUserView(u);
      await this.db.repo(User).save(u);
      if (passwordHash || (changes.isActive && !u.isActive)) await this.revokeSessions(u.id, passwordHash ? 'password_reset' : 'deactivated');
      await this.audit.record({ action: 'user.updated', entityType: 'user', entityId: u.id, agencyId: null, changes });
      return toUserView(u);
    });
  }

  async changeOwnPassword(p: Principal, currentPassword: string, newPassword: string, verify: (u: User, pw: string) => Promise<void>): Promise<void> {
    const u = await this.findById(p.id);
    if (!u) throw Errors.notFound('User');
    await verify(u, currentPassword);
    const hash = await this.passwords.hash(newPassword);
    await this.db.transaction(async () => {
      await this.db.repo(User).update({ id: u.id }, { passwordHash: hash, passwordChangedAt: new Date() });
      // Other sign-ins end; the current one stays.
      await this.db.query(
        `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'password_changed' WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`,
        [u.id, p.sessionId],
      );
      await this.audit.record({ action: 'user.password_changed', entityType: 'user', entityId: u.id, agencyId: null });
    });
  }

  async revokeSessions(userId: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL`, [userId, reason]);
  }

  async me(userId: string): Promise<MeView> {
    const u = await this.findById(userId);
    if (!u) throw Errors.notFound('User');
    const memberships = await this.db.query<{ agency_id: string; code: string; name: string; roles: string[] }[]>(
      `SELECT m.agency_id, a.code, a.name, m.roles FROM memberships m JOIN agencies a ON a.id = m.agency_id
        WHERE m.user_id = $1 ORDER BY a.path`,
      [userId],
    );
    return {
      ...toUserView(u),
      memberships: memberships.map((m) => ({ agencyId: m.agency_id, agencyCode: m.code, agencyName: m.name, roles: m.roles })),
    };
  }
}
