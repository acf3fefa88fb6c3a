import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { passwordProblem } from '../identity/password-policy.js';

/**
 * The whole runtime configuration, read once from the environment and validated in one place.
 * Every module receives this object (token `AppConfig`) instead of reading `process.env`.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicBaseUrl: string;
  /**
   * Express "trust proxy": the proxies whose X-Forwarded-For is believed for client addresses
   * (addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`, or a hop count); false: none,
   * the socket's address is the client's.
   */
  trustProxy: false | number | string[];
  /** Browser origins allowed to call the API (CORS); empty: no cross-origin access. */
  corsOrigins: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key this instance writes (queues, throttles): lets tests and tenants share a server. */
  redisPrefix: string;
  storage: {
    /**
     * `local`: files under `${dataDir}/storage` (LocalObjectStorage), the default without
     * S3_ENDPOINT; `s3`: an S3 server (S3ObjectStorage).
     */
    driver: 'local' | 's3';
  };
  s3: {
    /** With the s3 driver and no endpoint: an embedded S3 server (s3rver) on loopback, storing under `${dataDir}/s3` (development only). */
    endpoint: string | null;
    accessKey: string;
    secretKey: string;
    bucket: string;
    region: string;
    embeddedPort: number;
  };
  jwt: { secret: string; accessTtlSeconds: number; refreshTtlSeconds: number; issuer: string };
  adminPassword: string | null;
  dataDir: string;
  /** The built web application (`web/dist`), served at `/`; absent: the service serves the API only. */
  webDir: string;
  runWorkers: boolean;
  /** Jobs each queue's worker runs at once. */
  workerConcurrency: number;
  /** How long queued work waits out a dependency outage before failures count as attempts (src/queue/retry-policy.ts). */
  jobOutageRetryMs: number;
  limits: {
    jsonBodyBytes: number;
    uploadBytes: number;
    loginMaxFailures: number;
    loginWindowSeconds: number;
    /** Largest source PDF appended to a controlled copy (pdf-lib holds it in memory); larger ones are listed only. */
    renderSourceBytes: number;
    /** First wait once a throttle's max is reached; doubles with each further failure, up to loginWindowSeconds. */
    loginBackoffSeconds: number;
    /** A request's headers, and a body that is not a streamed upload, must arrive within this many seconds. */
    bodyTimeoutSeconds: number;
    /** Slowest average rate of a streamed upload (multipart, CSV) after bodyTimeoutSeconds; slower ones are cut (408). */
    minUploadBytesPerSecond: number;
    /** Requests to the public (no sign-in) pages and downloads per client address per minute (429 above). */
    publicRequestsPerMinute: number;
  };
  /** GET /metrics: a bearer token it requires, and/or a separate listener that serves it instead of the API port. */
  metrics: { token: string | null; port: number | null; host: string };
  smtp: { url: string | null; from: string };
  legalChangeDueDays: number;
  /**
   * Vectors holding a search's words up to which a search over many agencies looks them up in the
   * GIN indexes and sorts them; more are walked in code order (DocumentSearch.page).
   */
  searchLookUpMax: number;
  /**
   * Rows in code order a search over many agencies tests first, in each arm, before it looks its
   * words up in the indexes: the page when they hold it (a common word), else only wasted; 0: never.
   */
  searchWalkPrefix: number;
  /**
   * Due dates of the periodic reports to the Sở KH&CN (day and month, Vietnam time): the six-month
   * report YYYY-H1, the annual report YYYY, and the day of the quarter's last month for YYYY-Qn.
   */
  reporting: { halfYearDue: { month: number; day: number }; yearDue: { month: number; day: number }; quarterDueDay: number };
  /** Set only by the test harness: run the in-process scheduled jobs (sweeps) on demand instead of on a timer. */
  schedulesEnabled: boolean;
}

export const AppConfig = Symbol('AppConfig');

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: { variable: string; message: string }[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | null {
    return this.raw(name) ?? null;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      this.problems.push({ variable: name, message: `must be an integer between ${min} and ${max} (got "${v}")` });
      return fallback;
    }
    return Number(v);
  }

  /** A day and month `DD/MM` (as printed in Vietnam), from `minMonth` on (a report is due after its period starts). */
  dayOfYear(name: string, fallback: { month: number; day: number }, o: { minMonth: number }): { month: number; day: number } {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const m = /^(\d{1,2})\/(\d{1,2})$/.exec(v);
    const day = m ? Number(m[1]) : NaN;
    const month = m ? Number(m[2]) : NaN;
    const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (!m || month < o.minMonth || month > 12 || day < 1 || day > (month === 2 ? 28 : days[month - 1])) {
      this.problems.push({ variable: name, message: `must be a day and month DD/MM from month ${o.minMonth} on, e.g. 15/12 (got "${v}")` });
      return fallback;
    }
    return { month, day };
  }

  /** Sizes accept plain bytes or a unit suffix: 512kb, 10mb, 2gb. */
  bytes(name: string, fallback: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(v);
    const mult = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;
    const n = m ? Number(m[1]) * mult[(m[2]?.toLowerCase() ?? 'b') as keyof typeof mult] : NaN;
    if (!Number.isFinite(n) || n < 1 || n > max) {
      this.problems.push({ variable: name, message: `must be a size such as 10mb, at most ${max} bytes (got "${v}")` });
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    this.problems.push({ variable: name, message: `must be true or false (got "${v}")` });
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!allowed.includes(v as T)) {
      this.problems.push({ variable: name, message: `must be one of ${allowed.join(', ')} (got "${v}")` });
      return fallback;
    }
    return v as T;
  }

  /** A comma-separated list of origins such as https://iso.kontum.gov.vn (no paths). */
  origins(name: string): string[] {
    const v = this.raw(name);
    if (v === undefined) return [];
    const out: string[] = [];
    for (const part of v.split(',').map((x) => x.trim()).filter(Boolean)) {
      try {
        const u = new URL(part);
        if (!['http:', 'https:'].includes(u.protocol) || u.origin !== part.replace(/\/$/, '')) throw new Error('not an origin');
        out.push(u.origin);
      } catch {
        this.problems.push({ variable: name, message: `must be a comma-separated list of origins such as https://iso.example.gov.vn (got "${part}")` });
      }
    }
    return out;
  }

  /**
   * TRUST_PROXY: unset, `false` or `none` trusts no proxy; a hop count; or a comma-separated list
   * of addresses, CIDR ranges and the names loopback, linklocal, uniquelocal. `true` (believe
   * every X-Forwarded-For) is refused: any client could then choose its own address.
   */
  trustProxy(name: string): false | number | string[] {
    const v = this.raw(name);
    if (v === undefined || ['false', 'none', '0'].includes(v.toLowerCase())) return false;
    if (/^\d+$/.test(v)) return Number(v);
    const parts = v.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = parts.filter((p) => {
      if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return false;
      const [addr, bits, extra] = p.split('/');
      if (extra !== undefined || !isIP(addr)) return true;
      return bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > (isIP(addr) === 4 ? 32 : 128));
    });
    if (v.toLowerCase() === 'true' || bad.length || !parts.length) {
      this.problems.push({
        variable: name,
        message: `must be false, a hop count, or a comma-separated list of proxy addresses / CIDR ranges / loopback, linklocal, uniquelocal (got "${v}"); "true" would let any client choose its address`,
      });
      return false;
    }
    return parts;
  }

  url(name: string, fallback: string | null, protocols: string[]): string | null {
    const v = this.raw(name) ?? fallback;
    if (v === null) return null;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return v;
    } catch {
      // Never echo the value: URLs carry passwords.
      this.problems.push({ variable: name, message: `must be a URL with scheme ${protocols.join(' or ')}` });
      return fallback;
    }
  }
}

/**
 * Reads and validates the configuration. Throws a ConfigError naming every bad variable;
 * secret values never appear in the message.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf('NODE_ENV', 'development', ['development', 'production', 'test'] as const);
  const port = r.int('PORT', 3000, 1, 65535);
  const dataDirRaw = r.string('DATA_DIR', './data');
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(process.cwd(), dataDirRaw);
  const webDirRaw = r.string('WEB_DIR', './web/dist');
  const webDir = isAbsolute(webDirRaw) ? webDirRaw : resolve(process.cwd(), webDirRaw);

  const s3Endpoint = r.url('S3_ENDPOINT', null, ['http:', 'https:']);
  const s3AccessKey = r.optional('S3_ACCESS_KEY');
  const s3SecretKey = r.optional('S3_SECRET_KEY');
  if (s3Endpoint && (!s3AccessKey || !s3SecretKey)) {
    if (!s3AccessKey) r.problems.push({ variable: 'S3_ACCESS_KEY', message: 'is required when S3_ENDPOINT is set' });
    if (!s3SecretKey) r.problems.push({ variable: 'S3_SECRET_KEY', message: 'is required when S3_ENDPOINT is set' });
  }
  const storageDriver = r.oneOf('STORAGE_DRIVER', s3Endpoint ? 's3' : 'local', ['local', 's3'] as const);
  const bucket = r.string('S3_BUCKET', 'eiso');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    r.problems.push({ variable: 'S3_BUCKET', message: 'must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)' });
  }

  let jwtSecret = r.optional('JWT_SECRET');
  if (jwtSecret !== null && jwtSecret.length < 32) {
    r.problems.push({ variable: 'JWT_SECRET', message: 'must be at least 32 characters long' });
  } else if (jwtSecret === null && nodeEnv === 'production') {
    r.problems.push({ variable: 'JWT_SECRET', message: 'is required in production (at least 32 characters)' });
  }

  const adminPassword = r.optional('ADMIN_PASSWORD');
  const adminPasswordProblem = adminPassword !== null ? passwordProblem(adminPassword, ['admin']) : null;
  if (adminPasswordProblem) r.problems.push({ variable: 'ADMIN_PASSWORD', message: adminPasswordProblem });

  const metricsToken = r.optional('METRICS_TOKEN');
  if (metricsToken !== null && metricsToken.length < 16) r.problems.push({ variable: 'METRICS_TOKEN', message: 'must be at least 16 characters long' });
  const metricsPort = r.optional('METRICS_PORT') === null ? null : r.int('METRICS_PORT', 0, 1, 65535);

  const config: AppConfig = {
    nodeEnv,
    port,
    host: r.string('HOST', '0.0.0.0'),
    trustProxy: r.trustProxy('TRUST_PROXY'),
    corsOrigins: r.origins('CORS_ORIGINS'),
    publicBaseUrl: r.url('PUBLIC_BASE_URL', `http://localhost:${port}`, ['http:', 'https:'])!,
    logLevel: r.oneOf('LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info', ['debug', 'info', 'warn', 'error'] as const),
    databaseUrl: r.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/eiso', ['postgres:', 'postgresql:'])!,
    redisUrl: r.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])!,
    redisPrefix: r.string('REDIS_PREFIX', 'eiso'),
    storage: { driver: storageDriver },
    s3: {
      endpoint: s3Endpoint,
      accessKey: s3AccessKey ?? 'S3RVER',
      secretKey: s3SecretKey ?? 'S3RVER',
      bucket,
      region: r.string('S3_REGION', 'us-east-1'),
      embeddedPort: r.int('S3_EMBEDDED_PORT', 9090, 0, 65535),
    },
    jwt: {
      secret: jwtSecret ?? '',
      accessTtlSeconds: r.int('ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86400),
      refreshTtlSeconds: r.int('REFRESH_TOKEN_TTL_SECONDS', 30 * 86400, 300, 365 * 86400),
      issuer: 'e-iso',
    },
    adminPassword,
    dataDir,
    webDir,
    runWorkers: r.bool('RUN_WORKERS', true),
    workerConcurrency: r.int('WORKER_CONCURRENCY', 4, 1, 64),
    jobOutageRetryMs: r.int('JOB_OUTAGE_RETRY_SECONDS', 3600, 0, 7 * 24 * 3600) * 1000,
    limits: {
      jsonBodyBytes: r.bytes('JSON_BODY_LIMIT', 1024 * 1024, 64 * 1024 * 1024),
      uploadBytes: r.bytes('MAX_UPLOAD_SIZE', 1024 * 1024 * 1024, 5 * 1024 * 1024 * 1024),
      loginMaxFailures: r.int('LOGIN_MAX_FAILURES', 5, 1, 1000),
      loginWindowSeconds: r.int('LOGIN_WINDOW_SECONDS', 900, 1, 86400),
      renderSourceBytes: r.bytes('RENDER_SOURCE_MAX_SIZE', 100 * 1024 * 1024, 2 * 1024 * 1024 * 1024),
      loginBackoffSeconds: r.int('LOGIN_BACKOFF_SECONDS', 30, 1, 86400),
      bodyTimeoutSeconds: r.int('BODY_TIMEOUT_SECONDS', 30, 1, 3600),
      minUploadBytesPerSecond: r.bytes('MIN_UPLOAD_RATE', 16 * 1024, 1024 * 1024 * 1024),
      publicRequestsPerMinute: r.int('PUBLIC_REQUESTS_PER_MINUTE', 120, 1, 100_000),
    },
    metrics: { token: metricsToken, port: metricsPort, host: r.string('METRICS_HOST', '127.0.0.1') },
    smtp: { url: r.url('SMTP_URL', null, ['smtp:', 'smtps:']), from: r.string('MAIL_FROM', 'e-ISO <no-reply@e-iso.local>') },
    legalChangeDueDays: r.int('LEGAL_CHANGE_DUE_DAYS', 30, 1, 365),
    searchLookUpMax: r.int('SEARCH_LOOKUP_MAX', 500, 0, 1_000_000),
    searchWalkPrefix: r.int('SEARCH_WALK_PREFIX', 2000, 0, 1_000_000),
    reporting: {
      halfYearDue: r.dayOfYear('REPORT_DUE_HALF_YEAR', { month: 6, day: 15 }, { minMonth: 6 }),
      yearDue: r.dayOfYear('REPORT_DUE_YEAR', { month: 12, day: 15 }, { minMonth: 10 }),
      quarterDueDay: r.int('REPORT_DUE_QUARTER_DAY', 20, 1, 30),
    },
    schedulesEnabled: r.bool('SCHEDULES_ENABLED', true),
  };

  if (r.problems.length > 0) throw new ConfigError(r.problems);

  if (!config.jwt.secret) config.jwt.secret = persistentDevSecret(dataDir);
  return config;
}

/**
 * Outside production a missing JWT_SECRET is generated once and kept in DATA_DIR, so a restart
 * does not sign everybody out and no secret is ever a constant in the code.
 */
function persistentDevSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** A loggable view of the configuration: no secrets, no passwords in URLs. */
export function describeConfig(c: AppConfig): Record<string, unknown> {
  const redact = (u: string) => {
    try {
      const url = new URL(u);
      if (url.password) url.password = '***';
      return url.toString();
    } catch {
      return '***';
    }
  };
  return {
    nodeEnv: c.nodeEnv,
    port: c.port,
    database: redact(c.databaseUrl),
    redis: redact(c.redisUrl),
    redisPrefix: c.redisPrefix,
    storage:
      c.storage.driver === 'local'
        ? { driver: 'local' }
        : { driver: 's3', ...(c.s3.endpoint ? { endpoint: c.s3.endpoint } : { embedded: true }), bucket: c.s3.bucket },
    dataDir: c.dataDir,
    webDir: c.webDir,
    runWorkers: c.runWorkers,
    trustProxy: c.trustProxy,
    metrics: { token: c.metrics.token ? '***' : null, port: c.metrics.port, host: c.metrics.host },
    smtp: c.smtp.url ? redact(c.smtp.url) : null,
  };
}
