import { Injectable, Logger } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { RevisionState } from '../documents/document-types.js';
import { JobQueue } from '../queue/job-queue.js';
import type { JobPayload } from '../queue/jobs.js';
import { LAYOUT_VERSION, renditionJobId } from '../rendering/rendition-model.js';
import type { RenditionRequestStatus } from './rendition.entities.js';

/** What the render job receives (declared with the other payloads in src/queue/jobs.ts). */
export type RenderJobData = JobPayload<'render.revision'>;

/** The render job's id: `render_<revisionId>_<state>_<layout>`, with `_r<round>` after a failure. */
export function renderJobId(revisionId: string, state: RevisionState, round: number, layoutVersion: number = LAYOUT_VERSION): string {
  const base = renditionJobId(revisionId, state, layoutVersion);
  return round > 0 ? `${base}_r${round}` : base;
}


/** SQL SET items: a request that is not pending starts without the retry state of an earlier failure. */
const CLEAR_RETRY_UNLESS_PENDING = ['retry_reason', 'retry_dependency', 'next_attempt_at', 'gives_up_at']
  .map((c) => `${c} = CASE WHEN q.status = 'pending' THEN q.${c} END`)
  .join(', ');

/**
 * BullMQ priorities of render jobs: a copy somebody is waiting for (a read found nothing queued)
 * goes ahead of the background renders that follow lifecycle moves and saves.
 */
export const RENDER_PRIORITY = { interactive: 1, background: 100 } as const;
export type RenderUrgency = keyof typeof RENDER_PRIORITY;

/** A pending request whose job left neither the outbox nor a rendition for this long is re-sent. */
export const LOST_REQUEST_AFTER_MS = 2 * 60_000;

/**
 * Render requests: "this revision's stamp would change, render its controlled copy". Called inside
 * the transaction of the change (documents: draft created, content saved, file added or removed;
 * every workflow move; taking effect, supersession, obsolescence), so the request commits with it,
 * or not at all.
 *
 * A request upserts the `rendition_requests` row of (revision, current state, layout) to pending,
 * bumps its generation and enqueues `render.revision` with the job id of that key. Requests for
 * the same key share one job while it is queued (outbox and BullMQ dedup); a job that finds the
 * generation changed while it rendered renders again, so the last request always wins. A failed
 * request asked again gets a new round and a new job id (failed jobs stay in BullMQ for operators).
 */
@Injectable()
export class RenditionRequests {
  private readonly logger = new Logger('RenditionRequests');

  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
  ) {}

  /** SQL: the request `q`'s job is still in the outbox (queued, running, or waiting for a retry). */
  private jobInOutbox(): string {
    return this.jobs.outboxHolds('render', 'q.job_id');
  }

  /**
   * Requests the rendition of the revision in its current state (in the caller's transaction, or
   * its own); `interactive` when a reader waits for it (it goes ahead of background renders).
   */
  async request(revisionId: string, urgency: RenderUrgency = 'background'): Promise<void> {
    await this.db.transaction(async () => {
      const [rev] = await this.db.query<{ state: RevisionState; agency_id: string }[]>('SELECT state, agency_id FROM revisions WHERE id = $1', [revisionId]);
      if (!rev) return;
      // A new round (new job id) when the request failed, or is pending but its job has left the
      // outbox: that job finished, failed for good or was lost, and BullMQ would ignore its id.
      const [row] = await this.db.query<{ round: number; job_id: string }[]>(
        `INSERT INTO rendition_requests AS q (revision_id, state, layout_version, agency_id, status, job_id)
         VALUES ($1, $2, $3, $4, 'pending', $5)
         ON CONFLICT (revision_id, state, layout_version) DO UPDATE SET
           generation = q.generation + 1,
           round = q.round + CASE WHEN q.status = 'failed' OR (q.status = 'pending' AND NOT ${this.jobInOutbox()}) THEN 1 ELSE 0 END,
           attempts = CASE WHEN q.status = 'pending' THEN q.attempts ELSE 0 END,
           last_error = CASE WHEN q.status = 'pending' THEN q.last_error ELSE NULL END,
           ${CLEAR_RETRY_UNLESS_PENDING},
           status = 'pending', requested_at = now(), updated_at = now()
         RETURNING round, job_id`,
        [revisionId, rev.state, LAYOUT_VERSION, rev.agency_id, renderJobId(revisionId, rev.state, 0)],
      );
      await this.enqueueRound(revisionId, rev.state, row, urgency);
    });
  }

  /** Points the request at its round's job id and enqueues that job. */
  private async enqueueRound(revisionId: string, state: RevisionState, row: { round: number; job_id: string }, urgency: RenderUrgency = 'background'): Promise<void> {
    const jobId = renderJobId(revisionId, state, row.round);
    if (jobId !== row.job_id) {
      await this.db.query('UPDATE rendition_requests SET job_id = $4 WHERE revision_id = $1 AND state = $2 AND layout_version = $3', [revisionId, state, LAYOUT_VERSION, jobId]);
    }
    await this.jobs.enqueue('render.revision', { revisionId, state, layoutVersion: LAYOUT_VERSION, round: row.round } satisfies RenderJobData, { jobId, priority: RENDER_PRIORITY[urgency] });
  }

  /**
   * Pending requests whose job is gone (no outbox row) and that have not moved for `olderThanMs`:
   * the job finished while a request of the same key committed, failed for good without recording
   * it (the database was down then), or stalled out. The database says the work is not done, so each
   * gets a new round and job id (the old id may sit in BullMQ's failed set, where an add of the same
   * id is ignored). Requests for a state the revision has left are moot. Returns how many were re-sent.
   */
  async resendLost(olderThanMs = LOST_REQUEST_AFTER_MS, limit = 500): Promise<number> {
    // Everything it writes is in its transaction (the jobs leave through the outbox), so when
    // PostgreSQL picks it as a deadlock's victim (a request or outbox row taken by a render in
    // another order) it can simply run again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.resendLostOnce(olderThanMs, limit);
      } catch (err) {
        const e = err as { driverError?: { code?: string }; code?: string };
        if ((e.driverError?.code ?? e.code) !== '40P01' || attempt >= 3) throw err;
        this.logger.warn({ msg: 'render requests re-send chosen as a deadlock victim: running it again', attempt });
      }
    }
  }

  private async resendLostOnce(olderThanMs: number, limit: number): Promise<number> {
    return this.db.transaction(async () => {
      const rows = await this.db.query<{ revision_id: string; state: RevisionState; current: RevisionState | null; round: number; job_id: string }[]>(
        `SELECT q.revision_id, q.state, r.state AS current, q.round, q.job_id
           FROM rendition_requests q LEFT JOIN revisions r ON r.id = q.revision_id
          WHERE q.status = 'pending' AND q.layout_version = $3
            AND q.updated_at < now() - make_interval(secs => $1::float8 / 1000)
            AND NOT ${this.jobInOutbox()}
          ORDER BY q.updated_at LIMIT $2
          FOR UPDATE OF q SKIP LOCKED`,
        [olderThanMs, limit, LAYOUT_VERSION],
      );
      let resent = 0;
      for (const r of rows) {
        if (r.current !== r.state) {
          await this.db.query(`UPDATE rendition_requests SET status = 'moot', updated_at = now() WHERE revision_id = $1 AND state = $2 AND layout_version = $3`, [r.revision_id, r.state, LAYOUT_VERSION]);
          continue;
        }
        const [row] = await this.db.query<{ round: number; job_id: string }[]>(
          `UPDATE rendition_requests SET round = round + 1, updated_at = now() WHERE revision_id = $1 AND state = $2 AND layout_version = $3 RETURNING round, job_id`,
          [r.revision_id, r.state, LAYOUT_VERSION],
        );
        await this.enqueueRound(r.revision_id, r.state, row);
        resent++;
      }
      if (resent) this.logger.warn({ msg: 'render requests without a job were queued again under a new round', count: resent });
      return resent;
    });
  }

  /** The request row of (revision, state, current layout), if any. */
  async find(revisionId: string, state: RevisionState): Promise<RenditionRequestRow | null> {
    const [row] = await this.db.query<RenditionRequestRow[]>(
      `SELECT q.status, q.generation, q.round, q.job_id AS "jobId", q.digest, q.attempts, q.last_error AS "lastError",
              q.requested_at AS "requestedAt", q.updated_at AS "updatedAt",
              q.retry_reason AS "retryReason", q.retry_dependency AS "retryDependency", q.next_attempt_at AS "nextAttemptAt", q.gives_up_at AS "givesUpAt",
              ${this.jobInOutbox()} AS "queued"
         FROM rendition_requests q WHERE q.revision_id = $1 AND q.state = $2 AND q.layout_version = $3`,
      [revisionId, state, LAYOUT_VERSION],
    );
    return row ?? null;
  }
}

export interface RenditionRequestRow {
  status: RenditionRequestStatus;
  generation: number;
  round: number;
  jobId: string;
  digest: string | null;
  attempts: number;
  lastError: string | null;
  requestedAt: Date;
  updatedAt: Date;
  retryReason: 'dependency_unavailable' | 'error' | null;
  retryDependency: string | null;
  nextAttemptAt: Date | null;
  givesUpAt: Date | null;
  /** Its job is still in the outbox (queued, running or waiting for a retry). */
  queued: boolean;
}
