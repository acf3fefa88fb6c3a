import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { grantsJsonSql } from '../access/access.service.js';
import { Grant, Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { IS_PUBLIC, OWN_CREDENTIALS } from './auth.decorators.js';
import { CachedPrincipal, PrincipalCache } from './live-caches.js';
import { Tokens } from './tokens.js';

/** Users whose grants are kept (the map is emptied when full). */
const GRANTS_CACHE_SIZE = 10_000;

/**
 * Global guard: every route needs a valid access token unless marked @Public(). The token's
 * session must still be live and its user active, so logout and revocation take effect at once.
 * The user's grants come with the same query, built again only when the user's `grants_version`
 * (moved by the database on every membership change, migration GrantsVersion) is not the one of
 * the grants this process kept for the user: always live, usually without the memberships join.
 * A session seen before needs no query at all: its principal is kept (PrincipalCache) until the
 * database says the user's sessions, account or grants changed (live-caches.ts), checked against
 * the session's expiry at each use.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly grants = new Map<string, { version: string; grants: Grant[] }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: Tokens,
    private readonly db: Database,
    private readonly principals: PrincipalCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic && this.reflector.getAllAndOverride<boolean>(OWN_CREDENTIALS, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = req.header('authorization');
    if (!header) {
      if (isPublic) return true;
      throw Errors.unauthorized('missing_token', 'Send "Authorization: Bearer <accessToken>".');
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw Errors.unauthorized('invalid_token', 'The Authorization header must be "Bearer <accessToken>".');
    const claims = await this.tokens.verifyAccess(m[1]);
    if (!claims) throw Errors.unauthorized('invalid_token', 'The access token is invalid or expired.');
    const live = this.principals.live;
    let cached = this.principals.get(claims.sid, claims.sub);
    if (!cached && !live.usable && (await live.ready())) cached = this.principals.get(claims.sid, claims.sub);
    if (cached) return this.admit(req, cached, claims.sid);
    const epoch = live.epoch;
    // The session check and the principal's grants in one query (the only one of the request's
    // authentication); the grants only when the kept ones are not of the user's current version.
    const kept = this.grants.get(claims.sub);
    const rows = await this.db.query<{ id: string; username: string; full_name: string; is_admin: boolean; grants_version: string; grants: Grant[] | null; expires_at: Date }[]>(
      `SELECT u.id, u.username, u.full_name, u.is_admin, u.grants_version, s.expires_at,
              CASE WHEN u.grants_version IS DISTINCT FROM $3::bigint THEN ${grantsJsonSql('u.id')} END AS grants
         FROM users u JOIN auth_sessions s ON s.user_id = u.id
        WHERE u.id = $1 AND s.id = $2 AND u.is_active AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [claims.sub, claims.sid, kept?.version ?? null],
    );
    if (!rows.length) throw Errors.unauthorized('session_revoked', 'The session has ended; sign in again.');
    const u = rows[0];
    let grants = u.grants;
    if (grants === null && kept?.version === u.grants_version) grants = kept.grants;
    else if (grants === null) return this.canActivate(context);
    else {
      // Shared by the user's requests from now on: never changed in place.
      for (const g of grants) Object.freeze(g.roles);
      grants = Object.freeze(grants.map((g) => Object.freeze(g))) as Grant[];
      if (this.grants.size >= GRANTS_CACHE_SIZE) this.grants.clear();
      this.grants.set(u.id, { version: u.grants_version, grants });
    }
    const principal: CachedPrincipal = { userId: u.id, username: u.username, fullName: u.full_name, isAdmin: u.is_admin, grants, expiresAt: new Date(u.expires_at).getTime() };
    this.principals.set(claims.sid, principal, epoch);
    return this.admit(req, principal, claims.sid);
  }

  private admit(req: Request & { principal?: Principal }, c: CachedPrincipal, sessionId: string): true {
    req.principal = new Principal(c.userId, c.username, c.fullName, c.isAdmin, sessionId);
    req.principal.grants = c.grants as Grant[];
    RequestContexts.setActor(c.userId, c.fullName);
    return true;
  }
}
