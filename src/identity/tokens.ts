import { createHash, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';

export interface AccessClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

/** Access tokens whose signature was checked, kept (the map is emptied when full). */
const VERIFIED_CACHE_SIZE = 10_000;

/** Access tokens (short-lived JWT) and opaque refresh tokens (random, stored hashed). */
@Injectable()
export class Tokens {
  /**
   * The HS256 secret as a key object: given as a string, the JWT library first tries it as a
   * public key and throws, on every verification (most of a request's CPU time).
   */
  private readonly key: KeyObject;
  /** Tokens already verified (signature, issuer, shape) with their claims; the expiry is checked at each use. */
  private readonly verified = new Map<string, AccessClaims & { exp: number }>();

  constructor(
    private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.jwt.secret, 'utf8'));
  }

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

  /**
   * The claims of a valid access token, or null. A token verified before is not verified again
   * (the same text has the same signature): only its expiry is checked, as the JWT library would.
   */
  async verifyAccess(token: string): Promise<AccessClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp > Date.now() / 1000) return known;
      this.verified.delete(token);
      return null;
    }
    try {
      const c = await this.jwt.verifyAsync<AccessClaims>(token, {
        secret: this.key as unknown as string,
        issuer: this.config.jwt.issuer,
        algorithms: ['HS256'],
      });
      // A token without an expiry would never die: refused even when its signature is good.
      const exp = (c as AccessClaims & { exp?: unknown }).exp;
      if (!(c.typ === 'access' && typeof c.sub === 'string' && typeof c.sid === 'string' && typeof exp === 'number' && Number.isFinite(exp))) return null;
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
      this.verified.set(token, { ...c, exp });
      return c;
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
