import { Injectable } from '@nestjs/common';
import { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { LoginLockQuery, LoginLockView } from './identity.dto.js';
import { addressKey, FailureThrottle, ThrottleFilter, ThrottleState } from './throttle.js';
import { UsersService } from './users.service.js';

const MAX_LISTED = 500;

/**
 * The system administrator's view of the sign-in throttle: which usernames and addresses are
 * counted or locked, and clearing them (an audited act), e.g. for an official locked out by
 * their own mistakes.
 */
@Injectable()
export class LoginLocksService {
  constructor(
    private readonly db: Database,
    private readonly throttle: FailureThrottle,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  private assertAdmin(p: Principal): void {
    if (!p.isAdmin) throw Errors.forbidden('Only the system administrator manages sign-in locks.');
  }

  /** The throttle keys a query names: a username's (per address, and its re-confirmations), an address's, or both's. */
  private async filters(q: LoginLockQuery): Promise<ThrottleFilter[]> {
    const username = q.username?.toLowerCase();
    const address = q.address !== undefined ? addressKey(q.address) : undefined;
    if (username === undefined && address === undefined) return [{ kinds: ['login', 'address', 'reauth'] }];
    if (username === undefined) return [{ kinds: ['login', 'address'], address }];
    const filters: ThrottleFilter[] = [{ kinds: ['login'], subject: username, address }];
    const user = await this.users.findByUsername(username);
    if (user && address === undefined) filters.push({ kinds: ['reauth'], subject: user.id });
    return filters;
  }

  private async views(states: (ThrottleState & { store: string })[]): Promise<LoginLockView[]> {
    const ids = [...new Set(states.filter((s) => s.kind === 'reauth').map((s) => s.subject))];
    const names = [...new Set(states.filter((s) => s.kind === 'login').map((s) => s.subject))];
    const rows = ids.length || names.length
      ? await this.db.query<{ id: string; username: string }[]>(`SELECT id, username FROM users WHERE id = ANY($1::uuid[]) OR username = ANY($2::text[])`, [ids, names])
      : [];
    const byId = new Map(rows.map((r) => [r.id, r.username]));
    const byName = new Map(rows.map((r) => [r.username, r.id]));
    return states.map((s) => ({
      kind: s.kind,
      username: s.kind === 'login' ? s.subject : s.kind === 'reauth' ? (byId.get(s.subject) ?? null) : null,
      userId: s.kind === 'reauth' ? s.subject : s.kind === 'login' ? (byName.get(s.subject) ?? null) : null,
      address: s.address || null,
      failures: s.failures,
      lockedUntil: s.lockedUntil ? s.lockedUntil.toISOString() : null,
      store: s.store,
    }));
  }

  async list(p: Principal, q: LoginLockQuery): Promise<LoginLockView[]> {
    this.assertAdmin(p);
    const states: (ThrottleState & { store: string })[] = [];
    for (const f of await this.filters(q)) states.push(...(await this.throttle.find(f)));
    states.sort((a, b) => (b.lockedUntil?.getTime() ?? 0) - (a.lockedUntil?.getTime() ?? 0) || b.failures - a.failures);
    return this.views(states.slice(0, MAX_LISTED));
  }

  /** Clears what the query names (a username or an address is required); recorded as `auth.locks_cleared`. */
  async clear(p: Principal, q: LoginLockQuery): Promise<LoginLockView[]> {
    this.assertAdmin(p);
    if (q.username === undefined && q.address === undefined) {
      throw Errors.validation([{ field: 'username', message: 'or address is required: name what to unlock' }]);
    }
    const states: (ThrottleState & { store: string })[] = [];
    for (const f of await this.filters(q)) states.push(...(await this.throttle.clear(f)));
    const cleared = await this.views(states);
    const user = q.username ? await this.users.findByUsername(q.username.toLowerCase()) : null;
    await this.db.transaction(() =>
      this.audit.record({
        action: 'auth.locks_cleared',
        entityType: user ? 'user' : 'client_address',
        entityId: user?.id ?? null,
        agencyId: null,
        changes: {
          username: q.username?.toLowerCase() ?? null,
          address: q.address !== undefined ? addressKey(q.address) : null,
          cleared: cleared.length,
          locked: cleared.filter((c) => c.lockedUntil).length,
          keys: cleared.slice(0, 50).map((c) => ({ kind: c.kind, username: c.username, address: c.address, failures: c.failures })),
        },
      }),
    );
    return cleared;
  }
}
