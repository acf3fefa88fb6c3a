import { isIPv6 } from 'node:net';
import { Injectable } from '@nestjs/common';
import { Errors } from '../common/errors.js';
import { appLogger } from '../common/logger.js';
import { isDependencyDown } from '../common/problem.js';
import { Database } from '../database/database.js';
import { RedisClient } from '../redis/redis.module.js';

/**
 * What a throttle counts: sign-in failures of a username from one client address (`login`), of
 * one client address over every username (`address`), password re-confirmations of a user
 * (`reauth`), and requests of an address to the public pages (`public`).
 */
export type ThrottleKind = 'login' | 'address' | 'reauth' | 'public';

export interface ThrottleKey {
  kind: ThrottleKind;
  /** The username (login), the user id (reauth), or '' (address, public). */
  subject: string;
  /** The client address (see `addressKey`), or '' (reauth). */
  address: string;
}

/** A key with its limit: `max` attempts in a row are free, then each one waits twice as long. */
export interface ThrottleRule {
  key: ThrottleKey;
  max: number;
  /** First wait once `max` is reached; doubles with every further attempt. */
  backoffSeconds: number;
  /** Longest wait; also how long a key is remembered after its last attempt. */
  windowSeconds: number;
}

/** A key's state, for the administrator. */
export interface ThrottleState extends ThrottleKey {
  failures: number;
  /** When the next attempt is allowed (null: not locked). */
  lockedUntil: Date | null;
}

export type AttemptOutcome = { allowed: true; counts: number[] } | { allowed: false; key: ThrottleKey; retryAfterSeconds: number };

export interface ThrottleFilter {
  /** Username or user id. */
  subject?: string;
  address?: string;
  kinds: ThrottleKind[];
}

/**
 * Where counters live. `attempt` is atomic over all its keys: refused when any key is locked,
 * else every key counts this attempt first (before the password is verified, so parallel
 * attempts can never all be evaluated) and a key at or over its max is locked for the back-off.
 */
export interface ThrottleStore {
  readonly name: string;
  attempt(rules: ThrottleRule[]): Promise<AttemptOutcome>;
  /** Forgets the keys (a correct password). */
  reset(keys: ThrottleKey[]): Promise<void>;
  /** Takes this attempt back from the rules' counts (a success that must not clear others' failures); no lock is left below a rule's max. */
  release(rules: ThrottleRule[]): Promise<void>;
  /** Fixed-window counter: the count of this window including this hit, and the seconds left of it. */
  hit(key: ThrottleKey, windowSeconds: number): Promise<{ count: number; ttlSeconds: number }>;
  find(filter: ThrottleFilter): Promise<ThrottleState[]>;
  clear(filter: ThrottleFilter): Promise<ThrottleState[]>;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

/** `kind:base64url(subject):base64url(address)`: no separator or glob character can come from the parts. */
export function storeKey(k: ThrottleKey): string {
  return `${k.kind}:${b64(k.subject)}:${b64(k.address)}`;
}

function parseStoreKey(key: string): ThrottleKey {
  const [kind, subject, address] = key.split(':');
  return { kind: kind as ThrottleKind, subject: unb64(subject ?? ''), address: unb64(address ?? '') };
}

/**
 * The address a throttle counts: IPv4 as it is (an IPv4-mapped IPv6 address as IPv4), IPv6 by
 * its /64 network (one subscriber's whole allocation, so rotating within it does not help).
 */
export function addressKey(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * One Lua script per attempt: refuse if any key's `next` is in the future, else HINCRBY every
 * key's `n`, set `next` = now + min(cap, base * 2^(n - max)) where n >= max, and keep the key
 * for the window. Redis's own clock, so that several API processes agree.
 */
const ATTEMPT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, k in ipairs(KEYS) do
  local nextAt = tonumber(redis.call('HGET', k, 'next') or '0')
  if nextAt > now then return {0, i, nextAt - now} end
end
local out = {1}
for i, k in ipairs(KEYS) do
  local o = (i - 1) * 3
  local max, base, win = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3])
  local n = redis.call('HINCRBY', k, 'n', 1)
  if n >= max then
    local wait = math.min(win, base * (2 ^ (n - max)))
    redis.call('HSET', k, 'next', string.format('%d', now + math.floor(wait)))
  end
  redis.call('PEXPIRE', k, win)
  out[#out + 1] = n
end
return out`;

/** Takes one attempt back: n - 1, and no lock left below the max. */
const RELEASE_LUA = `
for i, k in ipairs(KEYS) do
  local n = tonumber(redis.call('HGET', k, 'n') or '0')
  if n > 0 then
    n = redis.call('HINCRBY', k, 'n', -1)
    if n < tonumber(ARGV[i]) then redis.call('HDEL', k, 'next') end
  end
end
return 1`;

export class RedisThrottleStore implements ThrottleStore {
  readonly name = 'redis';
  constructor(private readonly client: RedisClient) {}

  private k(key: ThrottleKey): string {
    return this.client.key('throttle', storeKey(key));
  }

  async attempt(rules: ThrottleRule[]): Promise<AttemptOutcome> {
    const args = rules.flatMap((r) => [r.max, r.backoffSeconds * 1000, r.windowSeconds * 1000]);
    const res = (await this.client.redis.eval(ATTEMPT_LUA, rules.length, ...rules.map((r) => this.k(r.key)), ...args)) as number[];
    if (res[0] === 0) return { allowed: false, key: rules[res[1] - 1].key, retryAfterSeconds: Math.max(1, Math.ceil(res[2] / 1000)) };
    return { allowed: true, counts: res.slice(1).map(Number) };
  }

  async reset(keys: ThrottleKey[]): Promise<void> {
    if (keys.length) await this.client.redis.del(...keys.map((k) => this.k(k)));
  }

  async release(rules: ThrottleRule[]): Promise<void> {
    if (rules.length) await this.client.redis.eval(RELEASE_LUA, rules.length, ...rules.map((r) => this.k(r.key)), ...rules.map((r) => r.max));
  }

  async hit(key: ThrottleKey, windowSeconds: number): Promise<{ count: number; ttlSeconds: number }> {
    const k = this.k(key);
    const res = await this.client.redis.multi().incr(k).expire(k, windowSeconds, 'NX').ttl(k).exec();
    return { count: Number(res?.[0]?.[1] ?? 0), ttlSeconds: Math.max(1, Number(res?.[2]?.[1] ?? windowSeconds)) };
  }

  private patterns(f: ThrottleFilter): string[] {
    const prefix = this.client.key('throttle');
    const subject = f.subject !== undefined ? b64(f.subject) : '*';
    const address = f.address !== undefined ? b64(f.address) : '*';
    return f.kinds.map((kind) => `${prefix}:${kind}:${subject}:${address}`);
  }

  async find(f: ThrottleFilter): Promise<ThrottleState[]> {
    const out: ThrottleState[] = [];
    const prefixLength = this.client.key('throttle').length + 1;
    for (const pattern of this.patterns(f)) {
      let cursor = '0';
      do {
        const [next, keys] = await this.client.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          const h = await this.client.redis.hgetall(key);
          const failures = Number(h.n ?? 0);
          const next = Number(h.next ?? 0);
          if (failures > 0) out.push({ ...parseStoreKey(key.slice(prefixLength)), failures, lockedUntil: next > Date.now() ? new Date(next) : null });
        }
      } while (cursor !== '0');
    }
    return out;
  }

  async clear(f: ThrottleFilter): Promise<ThrottleState[]> {
    const found = await this.find(f);
    if (found.length) await this.reset(found);
    return found;
  }
}

interface ThrottleRow {
  kind: ThrottleKind;
  subject: string;
  address: string;
  failures: number;
  next_at: Date | null;
}

/**
 * The same counters in PostgreSQL (`auth_throttles`), used while Redis is down: each attempt
 * locks the keys' rows (in key order) in its own transaction; rows past `expires_at` count as new.
 */
export class PgThrottleStore implements ThrottleStore {
  readonly name = 'postgresql';
  constructor(private readonly db: Database) {}

  async attempt(rules: ThrottleRule[]): Promise<AttemptOutcome> {
    if (this.db.inTransaction) throw new Error('throttle attempts run in their own transaction');
    const sorted = rules.map((r, i) => ({ r, i, key: storeKey(r.key) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.db.transaction(async () => {
      for (const s of sorted) {
        await this.db.query(
          `INSERT INTO auth_throttles (key, kind, subject, address, expires_at) VALUES ($1, $2, $3, $4, now()) ON CONFLICT (key) DO NOTHING`,
          [s.key, s.r.key.kind, s.r.key.subject, s.r.key.address],
        );
      }
      const rows = await this.db.query<{ key: string; failures: number; wait_ms: number | null }[]>(
        `SELECT key, CASE WHEN expires_at > now() THEN failures ELSE 0 END AS failures,
                CASE WHEN expires_at > now() AND next_at > now() THEN ceil(extract(epoch FROM next_at - now()) * 1000)::float8 END AS wait_ms
           FROM auth_throttles WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`,
        [sorted.map((s) => s.key)],
      );
      const byKey = new Map(rows.map((r) => [r.key, r]));
      for (const s of sorted) {
        const wait = byKey.get(s.key)?.wait_ms;
        if (wait && wait > 0) return { allowed: false as const, key: s.r.key, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
      }
      const counts: number[] = [];
      for (const s of sorted) {
        const n = (byKey.get(s.key)?.failures ?? 0) + 1;
        counts[s.i] = n;
        const waitSeconds = n >= s.r.max ? Math.min(s.r.windowSeconds, s.r.backoffSeconds * 2 ** (n - s.r.max)) : null;
        await this.db.query(
          `UPDATE auth_throttles SET failures = $2,
                  next_at = CASE WHEN $3::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $3::float8) END,
                  expires_at = now() + make_interval(secs => $4::float8)
            WHERE key = $1`,
          [s.key, n, waitSeconds, s.r.windowSeconds],
        );
      }
      return { allowed: true as const, counts };
    });
  }

  async reset(keys: ThrottleKey[]): Promise<void> {
    if (keys.length) await this.db.query(`DELETE FROM auth_throttles WHERE key = ANY($1::text[])`, [keys.map(storeKey)]);
  }

  async release(rules: ThrottleRule[]): Promise<void> {
    for (const r of rules) {
      await this.db.query(
        `UPDATE auth_throttles SET failures = failures - 1, next_at = CASE WHEN failures - 1 < $2 THEN NULL ELSE next_at END
          WHERE key = $1 AND failures > 0 AND expires_at > now()`,
        [storeKey(r.key), r.max],
      );
    }
  }

  async hit(key: ThrottleKey, windowSeconds: number): Promise<{ count: number; ttlSeconds: number }> {
    const [row] = await this.db.query<{ failures: number; ttl: number }[]>(
      `INSERT INTO auth_throttles AS t (key, kind, subject, address, failures, expires_at)
       VALUES ($1, $2, $3, $4, 1, now() + make_interval(secs => $5::float8))
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.expires_at > now() THEN t.failures + 1 ELSE 1 END,
         expires_at = CASE WHEN t.expires_at > now() THEN t.expires_at ELSE now() + make_interval(secs => $5::float8) END
       RETURNING failures, ceil(extract(epoch FROM expires_at - now()))::int AS ttl`,
      [storeKey(key), key.kind, key.subject, key.address, windowSeconds],
    );
    return { count: row.failures, ttlSeconds: Math.max(1, row.ttl) };
  }

  private where(f: ThrottleFilter, params: unknown[]): string {
    params.push(f.kinds);
    let sql = `kind = ANY($${params.length}::text[]) AND expires_at > now() AND failures > 0`;
    if (f.subject !== undefined) {
      params.push(f.subject);
      sql += ` AND subject = $${params.length}`;
    }
    if (f.address !== undefined) {
      params.push(f.address);
      sql += ` AND address = $${params.length}`;
    }
    return sql;
  }

  private toState(r: ThrottleRow): ThrottleState {
    return { kind: r.kind, subject: r.subject, address: r.address, failures: r.failures, lockedUntil: r.next_at && r.next_at > new Date() ? r.next_at : null };
  }

  async find(f: ThrottleFilter): Promise<ThrottleState[]> {
    const params: unknown[] = [];
    const rows = await this.db.query<ThrottleRow[]>(
      `SELECT kind, subject, address, failures, next_at FROM auth_throttles WHERE ${this.where(f, params)} ORDER BY kind, subject, address`,
      params,
    );
    return rows.map((r) => this.toState(r));
  }

  async clear(f: ThrottleFilter): Promise<ThrottleState[]> {
    const params: unknown[] = [];
    const rows = await this.db.query<ThrottleRow[]>(
      `DELETE FROM auth_throttles WHERE ${this.where(f, params)} RETURNING kind, subject, address, failures, next_at`,
      params,
    );
    return rows.map((r) => this.toState(r));
  }

  /** Rows past their expiry (run by the periodic session purge). */
  async purgeExpired(): Promise<number> {
    return (await this.db.execute(`DELETE FROM auth_throttles WHERE expires_at < now()`)).affected;
  }
}

/** One attempt let through: what it counted, and how to settle it once the password was checked. */
export class ThrottledAttempt {
  constructor(
    private readonly store: ThrottleStore,
    readonly rules: ThrottleRule[],
    readonly counts: number[],
  ) {}

  /** The store that counted it (`redis`, or `postgresql` while Redis is down). */
  get storeName(): string {
    return this.store.name;
  }

  /** After a wrong password: the rules this attempt locked (their count reached the max), with the wait. */
  locked(): { rule: ThrottleRule; failures: number; lockedSeconds: number }[] {
    return this.rules
      .map((rule, i) => ({ rule, failures: this.counts[i] }))
      .filter((x) => x.failures >= x.rule.max)
      .map((x) => ({ ...x, lockedSeconds: Math.min(x.rule.windowSeconds, x.rule.backoffSeconds * 2 ** (x.failures - x.rule.max)) }));
  }

  /** After a correct password: forget `reset` keys' failures; take this attempt back from `release` keys. */
  async succeeded(opts: { reset: ThrottleKey[]; release: ThrottleRule[] }): Promise<void> {
    try {
      await this.store.reset(opts.reset);
      await this.store.release(opts.release);
    } catch (err) {
      // The success stands; a counter left behind only delays a later failure.
      appLogger.write('warn', 'could not settle a throttle after a success', { store: this.store.name, err: (err as Error).message });
    }
  }
}

/**
 * Throttles password attempts (sign-in per username and address and per address; password
 * re-confirmation per user) and public requests per address. Counters live in Redis; while Redis
 * is down they live in PostgreSQL (`auth_throttles`), so a Redis outage neither opens the door to
 * guessing nor stops heads from approving. Counts from one store are not carried to the other.
 */
@Injectable()
export class FailureThrottle {
  private readonly redisStore: RedisThrottleStore;
  private readonly pgStore: PgThrottleStore;
  private redisDownSince: number | null = null;

  constructor(redis: RedisClient, db: Database) {
    this.redisStore = new RedisThrottleStore(redis);
    this.pgStore = new PgThrottleStore(db);
  }

  /** Runs `fn` on Redis, or on PostgreSQL when Redis cannot be reached. */
  private async withStore<T>(fn: (store: ThrottleStore) => Promise<T>): Promise<T> {
    try {
      const result = await fn(this.redisStore);
      if (this.redisDownSince !== null) {
        appLogger.write('info', 'throttle: Redis is back; counting there again', { downForMs: Date.now() - this.redisDownSince });
        this.redisDownSince = null;
      }
      return result;
    } catch (err) {
      if (!isDependencyDown(err)) throw err;
      if (this.redisDownSince === null) {
        this.redisDownSince = Date.now();
        appLogger.write('warn', 'throttle: Redis is unavailable; counting in PostgreSQL', { err: (err as Error).message });
      }
      return fn(this.pgStore);
    }
  }

  /**
   * Counts an attempt on every rule's key before the password is checked; 429 (with Retry-After)
   * when any key is locked, and then nothing is counted.
   */
  async attempt(rules: ThrottleRule[]): Promise<ThrottledAttempt> {
    let store: ThrottleStore = this.redisStore;
    const outcome = await this.withStore((s) => {
      store = s;
      return s.attempt(rules);
    });
    if (!outcome.allowed) throw Errors.throttled(outcome.retryAfterSeconds);
    return new ThrottledAttempt(store, rules, outcome.counts);
  }

  /** Fixed window: 429 once `limit` hits of this key fell in the current window. */
  async limit(key: ThrottleKey, limit: number, windowSeconds: number, detail?: string): Promise<void> {
    const { count, ttlSeconds } = await this.withStore((s) => s.hit(key, windowSeconds));
    if (count > limit) throw Errors.throttled(ttlSeconds, detail);
  }

  /** Current counters and locks matching the filter, in both stores. */
  find(filter: ThrottleFilter): Promise<(ThrottleState & { store: string })[]> {
    return this.inBothStores((store) => store.find(filter));
  }

  /** Removes the counters and locks matching the filter from both stores; what was removed. */
  clear(filter: ThrottleFilter): Promise<(ThrottleState & { store: string })[]> {
    return this.inBothStores((store) => store.clear(filter));
  }

  /** `fn` on Redis (skipped while it is down) and on PostgreSQL, each state named by its store. */
  private async inBothStores(fn: (store: ThrottleStore) => Promise<ThrottleState[]>): Promise<(ThrottleState & { store: string })[]> {
    const out: (ThrottleState & { store: string })[] = [];
    for (const store of [this.redisStore, this.pgStore]) {
      try {
        out.push(...(await fn(store)).map((s) => ({ ...s, store: store.name })));
      } catch (err) {
        if (!isDependencyDown(err) || store === this.pgStore) throw err;
      }
    }
    return out;
  }

  purgeExpired(): Promise<number> {
    return this.pgStore.purgeExpired();
  }
}
