/**
 * The one classifier of "a dependency is down" errors (PostgreSQL, Redis, object storage, SMTP or
 * any network peer). The problem filter turns them into 503 with Retry-After; the job queue retries
 * them on its outage schedule instead of spending the job's attempts (src/queue/retry-policy.ts).
 *
 * Errors are recognised by what the drivers give a program to check, never by the server's
 * message text (PostgreSQL localises its messages):
 * - PostgreSQL: the SQLSTATE (`code` of pg's DatabaseError, copied onto TypeORM's QueryFailedError);
 * - TypeORM: its error classes for a connection that is gone;
 * - Node sockets: the system error code (ECONNREFUSED, ECONNRESET, ...);
 * - ioredis / BullMQ: their error classes, and the Redis error code a reply starts with (LOADING ...);
 * - S3 (minio client): the S3 error code, and the HTTP status of a server that is failing;
 * - the few connection errors pg, pg-pool, ioredis and minio raise as plain `Error`s: their fixed
 *   texts are the libraries' own constants (listed below), not a server's words.
 * Causes are followed (`cause`, TypeORM's `driverError`, AggregateError's `errors`).
 */

export type Dependency = 'database' | 'redis' | 'storage' | 'network';

export interface DependencyFailure {
  dependency: Dependency;
  /** What identified it, e.g. `SQLSTATE 57P01`, `ECONNREFUSED`, `QueryRunnerAlreadyReleasedError`. */
  reason: string;
}

/** A call to a dependency that did not answer in time (our own timeouts throw this). */
export class DependencyTimeoutError extends Error {
  constructor(
    readonly dependency: Dependency,
    message: string,
  ) {
    super(message);
    this.name = 'DependencyTimeoutError';
  }
}

/** SQLSTATEs of a database that cannot serve now (PostgreSQL Appendix A). */
function pgStateDown(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception (08000, 08001, 08003, 08004, 08006, 08P01 ...)
    code.startsWith('53') || // insufficient resources (53300 too_many_connections, 53100 disk_full ...)
    code === '57P01' || // admin_shutdown: "terminating connection due to administrator command"
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now: "the database system is starting up / shutting down"
    code === '57P05' || // idle_session_timeout
    code === '58030' // io_error
  );
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Socket errors of a peer that cannot be reached (Node system error codes). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ESOCKETTIMEDOUT']);

/**
 * TypeORM's errors for a connection (or query runner) that is not there any more. A transaction's
 * query runner releases itself when its connection emits 'error' (a PostgreSQL restart's FATAL
 * 57P01 arriving between two statements), and the transaction's next statement then fails with
 * QueryRunnerProviderAlreadyReleasedError: seen once in CI's fault test as a 500.
 */
const TYPEORM_CONNECTION_ERRORS = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
  'CannotExecuteNotConnectedError',
  'ConnectionIsNotSetError',
]);

/** ioredis / BullMQ error classes of a Redis that is not reachable. */
const REDIS_CONNECTION_ERRORS = new Set(['MaxRetriesPerRequestError', 'ConnectionClosedError', 'ClusterAllFailedError']);

/** Redis error codes (the first word of an error reply) of a server that cannot serve now. */
const REDIS_REPLY_CODES = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)\b/;

/** S3 error codes of a server that is failing or overloaded (not the caller's fault). */
const S3_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'XMinioServerNotInitialized']);

/**
 * Connection errors the client libraries raise as plain `Error`s with fixed texts (their source
 * constants: pg lib/client.js, pg-pool index.js, ioredis utils, minio internal/request).
 */
const LIBRARY_CONNECTION_MESSAGES: [RegExp, Dependency][] = [
  [/^Connection terminated( unexpectedly| due to connection timeout)?$/, 'database'], // pg, pg-pool
  [/^timeout exceeded when trying to connect$/, 'database'], // pg-pool
  [/^Client has encountered a connection error and is not queryable$/, 'database'], // pg
  [/^Client was closed and is not queryable$/, 'database'], // pg
  [/^Query read timeout$/, 'database'], // pg
  [/^Connection is closed\.$/, 'redis'], // ioredis CONNECTION_CLOSED_ERROR_MSG
  [/^Stream isn't writeable and enableOfflineQueue options is false$/, 'redis'], // ioredis
  [/^Command timed out$/, 'redis'], // ioredis commandTimeout
  [/^Request failed after \d+ retries: Error: Retryable HTTP status: 5\d\d$/, 'storage'], // minio requestWithRetry
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  status?: unknown;
  cause?: unknown;
  driverError?: unknown;
  errors?: unknown;
  dependency?: unknown;
  amzRequestid?: unknown;
}

function classify(err: unknown, seen: Set<unknown>): DependencyFailure | null {
  if (!err || typeof err !== 'object' || seen.has(err)) return null;
  seen.add(err);
  const e = err as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';

  // Our own 503 (e.g. the local object store refusing to serve from a missing volume) is an outage too.
  if (name === 'DomainError' && code === 'dependency_unavailable') return { dependency: 'network', reason: 'dependency_unavailable' };
  if (name === 'DependencyTimeoutError') return { dependency: (e.dependency as Dependency) ?? 'network', reason: 'timeout' };
  if (TYPEORM_CONNECTION_ERRORS.has(name)) return { dependency: 'database', reason: name };
  if (REDIS_CONNECTION_ERRORS.has(name)) return { dependency: 'redis', reason: name };
  if (name === 'ReplyError' && REDIS_REPLY_CODES.test(message)) return { dependency: 'redis', reason: `Redis ${message.split(' ')[0]}` };
  if (code && SOCKET_CODES.has(code)) return { dependency: 'network', reason: code };
  // pg's DatabaseError (and TypeORM's QueryFailedError, which copies it) carries the SQLSTATE.
  // (No Node system code has the shape of these SQLSTATE classes.)
  if (SQLSTATE.test(code) && pgStateDown(code)) return { dependency: 'database', reason: `SQLSTATE ${code}` };
  if ((name === 'S3Error' || e.amzRequestid !== undefined) && S3_CODES.has(code)) return { dependency: 'storage', reason: `S3 ${code}` };
  for (const [pattern, dependency] of LIBRARY_CONNECTION_MESSAGES) if (pattern.test(message)) return { dependency, reason: message };

  const nested = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const inner of nested) {
    const found = classify(inner, seen);
    if (found) return found;
  }
  return null;
}

/** What dependency is down according to this error, or null when the error is something else. */
export function dependencyFailure(err: unknown): DependencyFailure | null {
  return classify(err, new Set());
}

/** True for errors that mean a dependency (PostgreSQL, Redis, S3, SMTP ...) could not be reached or cannot serve now. */
export function isDependencyDown(err: unknown): boolean {
  return dependencyFailure(err) !== null;
}

/** Rejects with a DependencyTimeoutError when `p` has not settled within `ms`. */
export function withDependencyTimeout<T>(p: Promise<T>, ms: number, dependency: Dependency, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new DependencyTimeoutError(dependency, `${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
