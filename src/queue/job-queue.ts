import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { withDependencyTimeout } from '../common/dependency-errors.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { JobOutboxEntry } from './job-outbox.entity.js';
import { retryPolicy } from './retry-policy.js';
import { JOBS, JobName, JobPayload, jobSpec, JobSpec, QUEUES, QueueName, safeJobId } from './jobs.js';

export interface EnqueueOptions {
  /** The job's identity: the same id is one unit of work, run once. */
  jobId: string;
  /** Run no earlier than this. */
  runAt?: Date;
  /**
   * BullMQ priority (1 goes first). Asking again for a job that still waits with a lower priority
   * raises it (the relay changes the waiting job's priority).
   */
  priority?: number;
}

/** One job to enqueue with `JobQueue.enqueueMany`. */
export type JobRequest = { [N in JobName]: { name: N; data: JobPayload<N>; opts: EnqueueOptions } }[JobName];

const REDIS_TIMEOUT_MS = 3000;
/** How often the relay runs a job again that failed for good without settling (see reconcile). */
export const MAX_RESENDS = 3;

/** Rejects (DependencyTimeoutError) when Redis has not answered within `ms` (BullMQ would otherwise wait for a reconnect). */
export function withTimeout<T>(p: Promise<T>, ms = REDIS_TIMEOUT_MS): Promise<T> {
  return withDependencyTimeout(p, ms, 'redis', 'Redis');
}

/**
 * Logs connection errors of a queue or worker at most every 30 s (while Redis is down BullMQ
 * reports every reconnect attempt; without a listener it would print them all to stderr).
 */
export function quietErrors(emitter: { on(event: 'error', fn: (err: Error) => void): unknown }, what: string, logger: Logger): void {
  let last = 0;
  emitter.on('error', (err: Error) => {
    if (Date.now() - last < 30_000) return;
    last = Date.now();
    logger.warn({ msg: `${what}: ${err.message}` });
  });
}

/** Access to the BullMQ queues by name. */
@Injectable()
export class Queues implements OnModuleInit {
  private readonly logger = new Logger('Queues');
  private readonly byName = new Map<QueueName, Queue>();
  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of QUEUES) this.get(name);
  }

  get(name: QueueName): Queue {
    let q = this.byName.get(name);
    if (!q) {
      q = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      quietErrors(q, `queue ${name}`, this.logger);
      this.byName.set(name, q);
    }
    return q;
  }

  all(): [QueueName, Queue][] {
    return QUEUES.map((n) => [n, this.get(n)]);
  }
}

export function jobOptions(spec: JobSpec, jobId: string, runAt?: Date | null, priority?: number | null): JobsOptions {
  const policy = retryPolicy(spec);
  return {
    jobId,
    priority: priority ?? undefined,
    // Attempts and back-off of genuine errors; outages are delayed by the worker (retry-policy.ts).
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    delay: runAt ? Math.max(0, runAt.getTime() - Date.now()) : undefined,
    removeOnComplete: spec.removeOnComplete ? true : { age: 24 * 3600, count: 5000 },
    removeOnFail: { age: 14 * 24 * 3600 },
  };
}

/**
 * Moves outbox rows onto the queues. Runs after each commit (kick) and on a timer; several
 * processes can run it at once (rows are claimed with SKIP LOCKED). Rows already sent are checked
 * against Redis after a while: a job Redis lost is sent again, a finished one's row is removed.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly queues: Queues,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulesEnabled) return;
    this.timer = setInterval(() => this.kick(), 2000);
    this.timer.unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Starts a flush unless one is running (then one more runs after it). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.flush()
      .catch((err) => this.logger.warn({ msg: 'outbox relay pass failed', err }))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** One full pass: send every pending row, then reconcile rows sent long ago. Returns when done. */
  async flush(): Promise<void> {
    while (!this.stopped && (await this.sendBatch()) > 0) {
      /* keep going while there is work */
    }
    await this.reconcile();
  }

  /** Waits for any running pass, then runs one more (used by tests and shutdown paths). */
  async drain(): Promise<void> {
    await this.running;
    await this.flush();
  }

  private async sendBatch(): Promise<number> {
    return this.db.transaction(async () => {
      const rows = await this.db.query<JobOutboxEntry[]>(
        `SELECT id, queue, name, job_id AS "jobId", data, run_at AS "runAt", priority
           FROM job_outbox WHERE dispatched_at IS NULL AND (namespace = $1 OR namespace IS NULL)
           ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED`,
        [this.config.redisPrefix],
      );
      let sent = 0;
      for (const row of rows) {
        const spec = jobSpec(row.name);
        try {
          if (!spec) throw new Error(`unknown job ${row.name}`);
          await this.send(spec, row);
          await this.db.query('UPDATE job_outbox SET dispatched_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1', [row.id]);
          sent++;
        } catch (err) {
          await this.db.query('UPDATE job_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [row.id, String((err as Error).message ?? err).slice(0, 500)]);
          // Redis is probably down: stop this pass, the rows stay for the next one.
          return 0;
        }
      }
      return sent;
    });
  }

  /**
   * Puts an outbox row's job on its queue. The row is the database asking for the work, and the
   * database is the truth: a job of the same id that BullMQ holds as failed (it failed for good
   * earlier) would make BullMQ ignore the add, so it is removed first and the job runs again. A
   * job of that id that is waiting, running or completed is the same unit of work: the add is a no-op.
   */
  private async send(spec: JobSpec, row: Pick<JobOutboxEntry, 'name' | 'jobId' | 'data' | 'runAt' | 'priority'>): Promise<void> {
    const queue = this.queues.get(spec.queue);
    const state = await withTimeout(queue.getJobState(row.jobId));
    if (state === 'failed') {
      this.logger.warn({ msg: 'job asked for again after it had failed for good: running it again', job: row.name, jobId: row.jobId });
      await withTimeout(queue.remove(row.jobId));
    } else if (row.priority && state === 'prioritized') {
      // Asked for again with a higher priority while it waits (a reader is waiting for it now).
      const job = await withTimeout(queue.getJob(row.jobId));
      if (job && (!job.opts.priority || job.opts.priority > row.priority)) await withTimeout(job.changePriority({ priority: row.priority }));
    }
    await withTimeout(queue.add(row.name, row.data, jobOptions(spec, row.jobId, row.runAt, row.priority)));
  }

  /**
   * Checks rows sent more than `graceMs` ago (and due that long ago) against Redis:
   * - a job Redis lost (restarted empty) is sent again;
   * - a completed job's row is removed (its worker could not reach the database to do it);
   * - a job that failed for good with its row still there failed without the database hearing of
   *   it (the worker could not settle it, or it stalled out when its worker was killed), so its
   *   handler may not have recorded its outcome either: it is run again, up to MAX_RESENDS times,
   *   then its row is dropped and the failure logged (it stays in BullMQ's failed set for operators).
   */
  async reconcile(graceMs = 60_000): Promise<void> {
    await this.db.transaction(async () => {
      const rows = await this.db.query<JobOutboxEntry[]>(
        `SELECT id, queue, name, job_id AS "jobId", data, run_at AS "runAt", priority, resends
           FROM job_outbox
          WHERE dispatched_at < now() - make_interval(secs => $1::float8 / 1000)
            AND (run_at IS NULL OR run_at < now() - make_interval(secs => $1::float8 / 1000))
            AND (namespace = $2 OR namespace IS NULL)
          ORDER BY dispatched_at LIMIT 200 FOR UPDATE SKIP LOCKED`,
        [graceMs, this.config.redisPrefix],
      );
      for (const row of rows) {
        const spec = jobSpec(row.name);
        if (!spec) continue;
        const queue = this.queues.get(spec.queue);
        const state = await withTimeout(queue.getJobState(row.jobId));
        if (state === 'unknown') {
          this.logger.warn({ msg: 'job lost by Redis, sending again', job: row.name, jobId: row.jobId });
          await this.send(spec, row);
          await this.db.query('UPDATE job_outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = $1', [row.id]);
        } else if (state === 'completed') {
          await this.db.query('DELETE FROM job_outbox WHERE id = $1', [row.id]);
        } else if (state === 'failed' && row.resends < MAX_RESENDS) {
          const job = await withTimeout(queue.getJob(row.jobId));
          this.logger.warn({ msg: 'job failed for good without settling: running it again', job: row.name, jobId: row.jobId, resend: row.resends + 1, err: job?.failedReason });
          await this.send(spec, row);
          await this.db.query('UPDATE job_outbox SET dispatched_at = now(), attempts = attempts + 1, resends = resends + 1, last_error = $2 WHERE id = $1', [
            row.id,
            job?.failedReason?.slice(0, 500) ?? null,
          ]);
        } else if (state === 'failed') {
          this.logger.error({ msg: 'job failed for good again after being re-sent: giving up', job: row.name, jobId: row.jobId, resends: row.resends });
          await this.db.query('DELETE FROM job_outbox WHERE id = $1', [row.id]);
        } else {
          await this.db.query('UPDATE job_outbox SET dispatched_at = now() WHERE id = $1', [row.id]);
        }
      }
    });
  }

  /** Called by the worker when a job finished for good (completed, or failed on its last attempt). */
  async settled(queue: string, jobId: string): Promise<void> {
    await this.db.query('DELETE FROM job_outbox WHERE queue = $1 AND job_id = $2 AND (namespace = $3 OR namespace IS NULL)', [queue, jobId, this.config.redisPrefix]);
  }
}

/**
 * Queue work from services: `enqueue` writes an outbox row in the caller's transaction; after the
 * commit the relay puts it on the queue. Nothing here talks to Redis inside a request's transaction.
 */
@Injectable()
export class JobQueue {
  constructor(
    private readonly db: Database,
    private readonly relay: OutboxRelay,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * SQL condition for other modules' queries: the job whose id is the SQL expression `jobIdSql`
   * is still in this instance's outbox on `queue` (queued, running or waiting for a retry). The
   * outbox table and its namespace rule stay here.
   */
  outboxHolds(queue: QueueName, jobIdSql: string): string {
    const ns = this.config.redisPrefix.replace(/'/g, "''");
    return `EXISTS (SELECT 1 FROM job_outbox o WHERE o.queue = '${queue}' AND o.job_id = ${jobIdSql} AND (o.namespace = '${ns}' OR o.namespace IS NULL))`;
  }

  /** True when the job is still in this instance's outbox on `queue`. */
  async inOutbox(queue: QueueName, jobId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>('SELECT 1 FROM job_outbox WHERE queue = $1 AND job_id = $2 AND (namespace = $3 OR namespace IS NULL)', [queue, jobId, this.config.redisPrefix]);
    return rows.length > 0;
  }

  /** `data` is checked against the job's payload type (JobPayloads in jobs.ts). */
  async enqueue<N extends JobName>(name: N, data: JobPayload<N>, opts: EnqueueOptions): Promise<void> {
    await this.enqueueMany([{ name, data, opts } as JobRequest]);
  }

  /**
   * Several jobs with one statement (in the caller's transaction). A job id already in the outbox
   * is the same unit of work: nothing is added, except that a higher priority is taken over and
   * the row is sent again (so the relay raises the waiting job's priority).
   */
  async enqueueMany(requests: readonly JobRequest[]): Promise<void> {
    if (!requests.length) return;
    // One row per job id (a statement may not update the same row twice): the first request, with the best priority asked.
    const byJob = new Map<string, { namespace: string; queue: string; name: string; job_id: string; data: unknown; run_at: string | null; priority: number | null }>();
    for (const r of requests) {
      const row = {
        namespace: this.config.redisPrefix,
        queue: JOBS[r.name].queue,
        name: r.name,
        job_id: safeJobId(r.opts.jobId),
        data: r.data,
        run_at: r.opts.runAt?.toISOString() ?? null,
        priority: r.opts.priority ?? null,
      };
      const key = `${row.queue}\u0000${row.job_id}`;
      const seen = byJob.get(key);
      if (!seen) byJob.set(key, row);
      else if (row.priority !== null && seen.priority !== null && row.priority < seen.priority) seen.priority = row.priority;
    }
    const rows = [...byJob.values()];
    await this.db.query(
      `INSERT INTO job_outbox (namespace, queue, name, job_id, data, run_at, priority)
       SELECT v.namespace, v.queue, v.name, v.job_id, v.data, v.run_at, v.priority
         FROM jsonb_to_recordset($1::jsonb) AS v(namespace text, queue text, name text, job_id text, data jsonb, run_at timestamptz, priority int)
       ON CONFLICT ((coalesce(namespace, '')), queue, job_id) DO UPDATE SET priority = EXCLUDED.priority, dispatched_at = NULL
         WHERE job_outbox.priority IS NOT NULL AND EXCLUDED.priority < job_outbox.priority`,
      [JSON.stringify(rows)],
    );
    this.db.afterCommit(() => this.relay.kick());
  }
}
