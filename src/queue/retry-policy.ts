import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { dependencyFailure, Dependency } from '../common/dependency-errors.js';
import { jobSpec, JobSpec } from './jobs.js';

/*
 * How queued work is retried, for every job (JobSpec fields, defaults below):
 *
 * - A dependency outage (src/common/dependency-errors.ts: PostgreSQL, Redis, S3, SMTP unreachable)
 *   is not the job's fault. It is retried on the outage schedule — exponential from `backoffMs`,
 *   capped at `outageMaxDelayMs`, with a little jitter — for up to `outageRetryMs` from the first
 *   failure of the outage, and spends none of the job's attempts. The job waits in BullMQ's delayed
 *   set, its progress saying what it waits for ({outage: {...}}), shown in /admin/queues.
 * - Any other error (a bug, bad data a retry cannot fix) spends one of `attempts`, with
 *   exponential back-off from `backoffMs`: a genuine error fails in about half a minute.
 * - An outage longer than `outageRetryMs` then counts like any other error.
 *
 * Whether a failure is an outage retry, an error retry or final depends only on the job's
 * counters, its progress and the start of this run (`processedOn`), so a handler asking "is this
 * failure final?" (to record its domain outcome) gets the same answer as the worker that then
 * delays or fails the job.
 */

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 2000;
/** Outages are retried this long by default (periodic jobs: not at all, their next run is the retry). */
export const DEFAULT_OUTAGE_RETRY_MS = 3600_000;
export const DEFAULT_OUTAGE_MAX_DELAY_MS = 60_000;
/** A job whose last outage retry is older than this is in a new outage (the budget starts again). */
const OUTAGE_CONTINUES_MS = 5 * 60_000;

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  outageRetryMs: number;
  outageMaxDelayMs: number;
}

/** The policy of a job: its JobSpec's fields, else the defaults (`outageRetryMs` from JOB_OUTAGE_RETRY_SECONDS). */
export function retryPolicy(spec: JobSpec | undefined, defaults: { outageRetryMs?: number } = {}): RetryPolicy {
  return {
    attempts: spec?.attempts ?? DEFAULT_ATTEMPTS,
    backoffMs: spec?.backoffMs ?? DEFAULT_BACKOFF_MS,
    outageRetryMs: spec?.outageRetryMs ?? (spec?.everyMs ? 0 : (defaults.outageRetryMs ?? DEFAULT_OUTAGE_RETRY_MS)),
    outageMaxDelayMs: spec?.outageMaxDelayMs ?? DEFAULT_OUTAGE_MAX_DELAY_MS,
  };
}

/** The policy the worker running a job resolved for it (with the configuration), for its handler's questions. */
const bound = new WeakMap<object, RetryPolicy>();

/** Called by the worker before it runs a job: planFailure(job, ...) then uses this policy. */
export function bindRetryPolicy(job: object, policy: RetryPolicy): void {
  bound.set(job, policy);
}

function policyOf(job: JobRun): RetryPolicy {
  return bound.get(job) ?? retryPolicy(job.name ? jobSpec(job.name) : undefined);
}

/** What a job waiting out an outage keeps in its progress (and /admin/queues shows). */
export interface OutageState {
  dependency: Dependency;
  /** First failure of this outage. */
  since: string;
  /** Outage retries so far (this one included). */
  retries: number;
  lastError: string;
  /** When this failure happened. */
  lastAt: string;
  nextAttemptAt: string;
  givesUpAt: string;
}

/** The parts of a BullMQ job the plan reads (tests pass plain objects). */
export type JobRun = Pick<Job, 'attemptsMade' | 'opts'> & Partial<Pick<Job, 'name' | 'id' | 'processedOn' | 'progress'>>;

export interface FailurePlan {
  /** `outage`: a dependency is down, retried without spending an attempt; `error`: spends one. */
  kind: 'outage' | 'error';
  /** The job fails for good with this failure (record the domain outcome). */
  final: boolean;
  /** When it runs again (null when final). */
  nextAttemptAt: Date | null;
  /** Outages: until when they are retried. */
  givesUpAt: Date | null;
  /** Outages: the state the job keeps while it waits. */
  outage: OutageState | null;
}

export function outageOf(progress: unknown): OutageState | null {
  const o = (progress as { outage?: OutageState } | null | undefined)?.outage;
  return o && typeof o.since === 'string' && typeof o.retries === 'number' ? o : null;
}

function errorText(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return (m.split('\n')[0] || 'unknown error').slice(0, 500);
}

/** 0.8–1.2, fixed per job and retry (so the plan is the same each time it is computed). */
function jitter(job: JobRun, retry: number): number {
  const h = createHash('sha1').update(`${job.id ?? ''}:${retry}`).digest();
  return 0.8 + (h.readUInt16BE(0) / 0xffff) * 0.4;
}

/** What happens to a job after `err`: retried as an outage, retried as an error, or failed for good. */
export function planFailure(job: JobRun, err: unknown, policy: RetryPolicy = policyOf(job)): FailurePlan {
  // Decisions (outage or error, final or not) are taken at the start of this run, so that every
  // call during the run agrees; the next attempt is timed from the failure itself.
  const now = job.processedOn ?? Date.now();
  const failedAt = Math.max(now, Date.now());
  const attempts = job.opts?.attempts ?? policy.attempts;
  const down = dependencyFailure(err);
  if (down && policy.outageRetryMs > 0) {
    const prev = outageOf(job.progress);
    const continues = prev !== null && now - new Date(prev.lastAt).getTime() <= Math.max(OUTAGE_CONTINUES_MS, 2 * policy.outageMaxDelayMs);
    const since = continues ? new Date(prev.since).getTime() : now;
    const givesUpAt = since + policy.outageRetryMs;
    if (now < givesUpAt) {
      const retries = continues ? prev.retries + 1 : 1;
      const delay = Math.min(policy.outageMaxDelayMs, policy.backoffMs * 2 ** Math.min(retries - 1, 30)) * jitter(job, retries);
      const next = Math.max(failedAt, Math.min(failedAt + Math.round(delay), givesUpAt));
      return {
        kind: 'outage',
        final: false,
        nextAttemptAt: new Date(next),
        givesUpAt: new Date(givesUpAt),
        outage: {
          dependency: down.dependency,
          since: new Date(since).toISOString(),
          retries,
          lastError: errorText(err),
          lastAt: new Date(failedAt).toISOString(),
          nextAttemptAt: new Date(next).toISOString(),
          givesUpAt: new Date(givesUpAt).toISOString(),
        },
      };
    }
  }
  // BullMQ fails an UnrecoverableError at once, whatever attempts are left.
  const final = job.attemptsMade + 1 >= attempts || (err instanceof Error && err.name === 'UnrecoverableError');
  return {
    kind: 'error',
    final,
    nextAttemptAt: final ? null : new Date(failedAt + policy.backoffMs * 2 ** job.attemptsMade),
    givesUpAt: null,
    outage: null,
  };
}

/** True when `err` ends the job for good: a handler records its domain outcome as failed then. */
export function isFinalFailure(job: JobRun, err: unknown): boolean {
  return planFailure(job, err).final;
}
