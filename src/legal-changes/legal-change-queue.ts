import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { JobQueue, Queues } from '../queue/job-queue.js';
import { JOBS } from '../queue/jobs.js';

/** Documents per `legal.change.batch` job. */
export const LEGAL_CHANGE_BATCH_SIZE = 100;

/** Job ids from the domain; a re-queue round (retry endpoint, sweep) adds `_a<round>` (ARCHITECTURE.md "Queued work"). */
export function fanoutJobId(changeId: string, round = 0): string {
  return `legal-change_${changeId}${round ? `_a${round}` : ''}`;
}

export function batchJobId(changeId: string, batchNo: number, round = 0): string {
  return `legal-change_${changeId}_b${batchNo}${round ? `_a${round}` : ''}`;
}

/** BullMQ states of a job that will still run (or is running). */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused']);

/**
 * The queued work of legal changes: the fan-out job of a change and its batch jobs, written to the
 * outbox in the caller's transaction, and the question the sweep asks: will this job still run?
 */
@Injectable()
export class LegalChangeQueue {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
    private readonly queues: Queues,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async enqueueFanout(changeId: string, jobId: string): Promise<void> {
    await this.jobs.enqueue('legal.change.fanout', { changeId }, { jobId });
  }

  /** Queues the batches (in the caller's transaction) and records the job that now runs each one: one statement per table, whatever the number of batches. */
  async enqueueBatches(changeId: string, batchNos: number[], round: number): Promise<void> {
    const batches = [...new Set(batchNos)].sort((a, b) => a - b);
    if (!batches.length) return;
    const jobIds = batches.map((batch) => batchJobId(changeId, batch, round));
    await this.db.query(
      `INSERT INTO legal_change_batches (change_id, batch_no, job_id, round)
       SELECT $1, b.batch_no, b.job_id, $4 FROM unnest($2::int[], $3::text[]) AS b(batch_no, job_id)
       ON CONFLICT (change_id, batch_no) DO UPDATE SET job_id = EXCLUDED.job_id, round = EXCLUDED.round, enqueued_at = now()`,
      [changeId, batches, jobIds, round],
    );
    await this.jobs.enqueueMany(batches.map((batch, k) => ({ name: 'legal.change.batch' as const, data: { changeId, batch }, opts: { jobId: jobIds[k] } })));
  }

  /**
   * True when the job will still run: its outbox row is still there (the relay owns it: it sends it,
   * or re-sends it when Redis lost it) or Redis holds it waiting, delayed or active.
   * Throws when Redis does not answer (the caller tries again later).
   */
  async willRun(jobId: string): Promise<boolean> {
    if (await this.jobs.inOutbox(JOBS['legal.change.batch'].queue, jobId)) return true;
    const job = await this.queues.get(JOBS['legal.change.batch'].queue).getJob(jobId);
    if (!job) return false;
    return LIVE_STATES.has(await job.getState());
  }
}
