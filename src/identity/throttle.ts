import { Injectable } from '@nestjs/common';
import { Errors } from '../common/errors.js';
import { isDependencyDown } from '../common/problem.js';
import { RedisClient } from '../redis/redis.module.js';

/**
 * Counts failures per key in a fixed window (Redis INCR + EXPIRE). Used for logins (per
 * username and per client address) and for password re-authentication on approvals.
 */
@Injectable()
export class FailureThrottle {
  constructor(private readonly redis: RedisClient) {}

  private k(key: string): string {
    return this.redis.key('throttle', key);
  }

  /** Throws 429 when any key has reached `max` failures in its window. */
  async check(keys: { key: string; max: number }[]): Promise<void> {
    try {
      const pipeline = this.redis.redis.multi();
      for (const { key } of keys) pipeline.get(this.k(key)).ttl(this.k(key));
      const res = (await pipeline.exec()) ?? [];
      for (let i = 0; i < keys.length; i++) {
        const count = Number(res[i * 2]?.[1] ?? 0);
        const ttl = Number(res[i * 2 + 1]?.[1] ?? 0);
        if (count >= keys[i].max) throw Errors.throttled(Math.max(ttl, 1));
      }
    } catch (err) {
      if (isDependencyDown(err)) throw Errors.unavailable('Redis');
      throw err;
    }
  }

  async fail(keys: string[], windowSeconds: number): Promise<void> {
    try {
      const pipeline = this.redis.redis.multi();
      for (const key of keys) pipeline.incr(this.k(key)).expire(this.k(key), windowSeconds, 'NX');
      await pipeline.exec();
    } catch (err) {
      if (isDependencyDown(err)) throw Errors.unavailable('Redis');
      throw err;
    }
  }

  async reset(keys: string[]): Promise<void> {
    await this.redis.redis.del(...keys.map((k) => this.k(k))).catch(() => undefined);
  }
}
