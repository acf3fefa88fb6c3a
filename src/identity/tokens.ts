import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';

export interface AccessClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

/** Access tokens (short-lived JWT) and opaque refresh tokens (random, stored hashed). */
@Injectable()
export class Tokens {
  constructor(
    private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  get accessTtlSeconds(): number {
    return this.config.jwt.accessTtlSeconds;
  }

  get refreshTtlSeconds(): number {
    return this.config.jwt.refreshTtlSeconds;
  }

  signAccess(userId: string, sessionId: string): Promise<string> {
    const claims: AccessClaims = { sub: userId, sid: sessionId, typ: 'access' };
    return this.jwt.signAsync(claims, {
      secret: this.config.jwt.secret,
      expiresIn: this.config.jwt.accessTtlSeconds,
      issuer: this.config.jwt.issuer,
      algorithm: 'HS256',
    });
  }

  async verifyAccess(token: string): Promise<AccessClaims | null> {
    try {
      const c = await this.jwt.verifyAsync<AccessClaims>(token, {
        secret: this.config.jwt.secret,
        issuer: this.config.jwt.issuer,
        algorithms: ['HS256'],
      });
      // A token without an expiry would never die: refused even when its signature is good.
      const exp = (c as AccessClaims & { exp?: unknown }).exp;
      return c.typ === 'access' && typeof c.sub === 'string' && typeof c.sid === 'string' && typeof exp === 'number' && Number.isFinite(exp) ? c : null;
    } catch {
      return null;
    }
  }

  newRefreshToken(): string {
    return 'rt_' + randomBytes(32).toString('base64url');
  }

  hashRefreshToken(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }
}
