import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { Errors } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { OnJob } from '../queue/job-registry.js';
import { TokenPair } from './identity.dto.js';
import { Passwords } from './passwords.js';
import { AuthSession, RefreshToken } from './session.entity.js';
import { addressKey, FailureThrottle, ThrottledAttempt, ThrottleRule } from './throttle.js';
import { Tokens } from './tokens.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';

const INVALID_CREDENTIALS = 'The username or password is incorrect.';

@Injectable()
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly passwords: Passwords,
    private readonly tokens: Tokens,
    private readonly throttle: FailureThrottle,
    private readonly audit: AuditService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * A username's failures count per client address, and every address's failures over all
   * usernames (20 times the limit), each with exponential back-off: an attacker guessing from
   * one address slows down themself, and the account's owner signs in from their own address.
   */
  private loginRules(username: string): ThrottleRule[] {
    const address = addressKey(RequestContexts.current()?.clientIp);
    const { loginMaxFailures: max, loginWindowSeconds: windowSeconds, loginBackoffSeconds: backoffSeconds } = this.config.limits;
    return [
      { key: { kind: 'login', subject: username, address }, max, backoffSeconds, windowSeconds },
      { key: { kind: 'address', subject: '', address }, max: max * 20, backoffSeconds, windowSeconds },
    ];
  }

  /**
   * The attempt is counted before the password is checked (atomically, in Redis or, while Redis
   * is down, in PostgreSQL), so parallel guesses never get past the limit. A locked key answers
   * 429 to every attempt, even with the right password, the same for existing and unknown
   * usernames, so the answer never reveals whether a user exists.
   */
  async login(usernameRaw: string, password: string): Promise<TokenPair> {
    const username = usernameRaw.toLowerCase();
    const rules = this.loginRules(username);
    const attempt = await this.throttle.attempt(rules);
    const user = await this.users.findByUsername(username);
    const ok = user && user.isActive ? await this.passwords.verify(user.passwordHash, password) : await this.passwords.verifyNothing(password);
    if (!ok || !user) {
      await this.db.transaction(async () => {
        await this.audit.record({
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: user?.id ?? null,
          agencyId: null,
          actorId: user?.id ?? null,
          actorName: null,
          changes: { username },
        });
        await this.recordLocks(attempt, { userId: user?.id ?? null, username, agencyId: null, action: 'auth.login_locked' });
      });
      throw Errors.unauthorized('invalid_credentials', INVALID_CREDENTIALS);
    }
    await attempt.succeeded({ reset: [rules[0].key], release: [rules[1]] });
    return this.db.transaction(async () => {
      const ctx = RequestContexts.current();
      const session = await this.db.repo(AuthSession).save(
        this.db.repo(AuthSession).create({
          userId: user.id,
          expiresAt: new Date(Date.now() + this.tokens.refreshTtlSeconds * 1000),
          clientIp: ctx?.clientIp ?? null,
          userAgent: ctx?.userAgent?.slice(0, 300) ?? null,
        }),
      );
      await this.audit.record({
        action: 'auth.login',
        entityType: 'user',
        entityId: user.id,
        agencyId: null,
        actorId: user.id,
        actorName: user.fullName,
        changes: { sessionId: session.id },
      });
      return this.issue(user, session);
    });
  }

  private async issue(user: User, session: AuthSession): Promise<TokenPair> {
    const refreshToken = this.tokens.newRefreshToken();
    await this.db.repo(RefreshToken).insert({
      sessionId: session.id,
      tokenHash: this.tokens.hashRefreshToken(refreshToken),
      expiresAt: session.expiresAt,
    });
    return {
      accessToken: await this.tokens.signAccess(user.id, session.id),
      refreshToken,
      expiresIn: this.tokens.accessTtlSeconds,
      tokenType: 'Bearer',
      user: await this.users.me(user.id),
    };
  }

  /**
   * Exchanges a refresh token for a new pair. A token is good once: presenting a used one means
   * it was stolen or replayed, and the whole session (every token of the family) is revoked.
   */
  async refresh(token: string): Promise<TokenPair> {
    const hash = this.tokens.hashRefreshToken(token);
    let reuse: { userId: string; sessionId: string } | null = null;
    const pair = await this.db.transaction(async () => {
      const rows = await this.db.query<{ id: string; session_id: string; used_at: Date | null; expires_at: Date; user_id: string; revoked_at: Date | null; session_expires: Date }[]>(
        `SELECT t.id, t.session_id, t.used_at, t.expires_at, s.user_id, s.revoked_at, s.expires_at AS session_expires
           FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
          WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
        [hash],
      );
      const row = rows[0];
      if (!row) return null;
      if (row.revoked_at || row.session_expires <= new Date() || row.expires_at <= new Date()) return null;
      if (row.used_at) {
        await this.db.query(`UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'refresh_token_reuse' WHERE id = $1`, [row.session_id]);
        await this.audit.record({
          action: 'auth.refresh_token_reused',
          entityType: 'user',
          entityId: row.user_id,
          agencyId: null,
          actorId: row.user_id,
          actorName: null,
          changes: { sessionId: row.session_id },
        });
        reuse = { userId: row.user_id, sessionId: row.session_id };
        return null;
      }
      await this.db.query(`UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, [row.id]);
      const user = await this.users.findById(row.user_id);
      if (!user || !user.isActive) return null;
      const session = await this.db.repo(AuthSession).findOneByOrFail({ id: row.session_id });
      return this.issue(user, session);
    });
    if (reuse) throw Errors.unauthorized('refresh_token_reused', 'This refresh token was already used; the session has been revoked. Sign in again.');
    if (!pair) throw Errors.unauthorized('invalid_refresh_token', 'The refresh token is invalid, expired or revoked.');
    return pair;
  }

  async logout(p: Principal): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.query(`UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL`, [p.sessionId]);
      await this.audit.record({ action: 'auth.logout', entityType: 'user', entityId: p.id, agencyId: null, changes: { sessionId: p.sessionId } });
    });
  }

  /**
   * Re-authentication for signatures (approve, withdraw) and password changes: a wrong password is
   * 401, recorded, and throttled like logins. `agencyId` places the audit event in that agency's chain.
   */
  async confirmPassword(userId: string, password: string, purpose: string, agencyId: string | null = null): Promise<void> {
    // The failure must be recorded even though the caller's change is refused: never inside its transaction.
    if (this.db.inTransaction) throw new Error('confirmPassword() must be called before the transaction of the change');
    const { loginMaxFailures: max, loginWindowSeconds: windowSeconds, loginBackoffSeconds: backoffSeconds } = this.config.limits;
    const rule: ThrottleRule = { key: { kind: 'reauth', subject: userId, address: '' }, max, backoffSeconds, windowSeconds };
    const attempt = await this.throttle.attempt([rule]);
    const user = await this.users.findById(userId);
    if (user && user.isActive && (await this.passwords.verify(user.passwordHash, password))) {
      await attempt.succeeded({ reset: [rule.key], release: [] });
      return;
    }
    await this.db.transaction(async () => {
      await this.audit.record({ action: 'auth.reauth_failed', entityType: 'user', entityId: userId, agencyId, changes: { purpose } });
      await this.recordLocks(attempt, { userId, username: user?.username ?? null, agencyId, action: 'auth.reauth_locked', purpose });
    });
    throw Errors.unauthorized('invalid_password', 'The password is incorrect; nothing was changed.');
  }

  /** Every lock a failed attempt set is an audit event: which key, after how many failures, for how long. */
  private async recordLocks(
    attempt: ThrottledAttempt,
    who: { userId: string | null; username: string | null; agencyId: string | null; action: string; purpose?: string },
  ): Promise<void> {
    for (const lock of attempt.locked()) {
      const byAddress = lock.rule.key.kind === 'address';
      await this.audit.record({
        action: who.action,
        entityType: byAddress ? 'client_address' : 'user',
        entityId: byAddress ? null : who.userId,
        agencyId: who.agencyId,
        changes: {
          scope: lock.rule.key.kind === 'login' ? 'username_address' : lock.rule.key.kind,
          username: who.username,
          address: lock.rule.key.address || null,
          failures: lock.failures,
          lockedSeconds: lock.lockedSeconds,
          ...(who.purpose ? { purpose: who.purpose } : {}),
          store: attempt.storeName,
        },
      });
    }
  }

  /** Deletes sessions and refresh tokens that expired more than a week ago, and throttle rows past their window. */
  @OnJob('identity.purge-expired-sessions')
  async purgeExpired(): Promise<number> {
    const res = await this.db.query<unknown[]>(`DELETE FROM auth_sessions WHERE expires_at < now() - interval '7 days' RETURNING id`);
    await this.throttle.purgeExpired();
    return res.length;
  }
}
