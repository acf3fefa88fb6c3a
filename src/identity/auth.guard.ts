import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { grantsJsonSql } from '../access/access.service.js';
import { Grant, Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { IS_PUBLIC, OWN_CREDENTIALS } from './auth.decorators.js';
import { Tokens } from './tokens.js';

/**
 * Global guard: every route needs a valid access token unless marked @Public(). The token's
 * session must still be live and its user active, so logout and revocation take effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: Tokens,
    private readonly db: Database,
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
    // The session check and the principal's grants in one query (the only one of the request's authentication).
    const rows = await this.db.query<{ id: string; username: string; full_name: string; is_admin: boolean; grants: Grant[] }[]>(
      `SELECT u.id, u.username, u.full_name, u.is_admin, ${grantsJsonSql('u.id')} AS grants
         FROM users u JOIN auth_sessions s ON s.user_id = u.id
        WHERE u.id = $1 AND s.id = $2 AND u.is_active AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [claims.sub, claims.sid],
    );
    if (!rows.length) throw Errors.unauthorized('session_revoked', 'The session has ended; sign in again.');
    const u = rows[0];
    req.principal = new Principal(u.id, u.username, u.full_name, u.is_admin, claims.sid);
    req.principal.grants = u.grants;
    RequestContexts.setActor(u.id, u.full_name);
    return true;
  }
}
