import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Database } from '../database/database.js';
import { OnJob } from '../queue/job-registry.js';
import { LegalChange } from './legal-change.entities.js';
import { fanoutJobId, LegalChangeQueue } from './legal-change-queue.js';

/** A change that has not moved for this long is checked for lost jobs. */
export const STUCK_AFTER_MS = 10 * 60_000;

export interface SweepResult {
  /** Changes whose fan-out job was queued again. */
  fanouts: number;
  /** Batches queued again. */
  batches: number;
}

/**
 * Belt and braces next to the outbox relay's reconciliation: changes stuck in `pending` or
 * `running` (no progress for STUCK_AFTER_MS) whose jobs will not run any more (no outbox row, and
 * Redis does not hold them waiting, delayed or active: lost, or failed for good while a dependency
 * was down) get new jobs (next round, new job ids). Processing is idempotent, so a job queued again
 * in a race only finds its documents done. Runs every few minutes; callable directly.
 */
@Injectable()
export class LegalChangeSweep {
  private readonly logger = new Logger('LegalChangeSweep');

  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly queue: LegalChangeQueue,
  ) {}

  @OnJob('legal.change.sweep')
  async handleSweep(): Promise<SweepResult> {
    return this.sweep();
  }

  async sweep(opts: { stuckAfterMs?: number } = {}): Promise<SweepResult> {
    const result: SweepResult = { fanouts: 0, batches: 0 };
    const stuck = await this.db.query<{ id: string; status: string; fanout_job_id: string }[]>(
      `SELECT id, status, fanout_job_id FROM legal_changes
        WHERE status IN ('pending', 'running') AND updated_at < now() - make_interval(secs => $1::float8 / 1000)
        ORDER BY updated_at, id LIMIT 200`,
      [opts.stuckAfterMs ?? STUCK_AFTER_MS],
    );
    for (const c of stuck) {
      try {
        if (c.status === 'pending') {
          if (!(await this.queue.willRun(c.fanout_job_id)) && (await this.requeue(c.id, 'pending', []))) result.fanouts++;
          continue;
        }
        const batches = await this.db.query<{ batch_no: number; job_id: string }[]>(
          `SELECT b.batch_no, b.job_id FROM legal_change_batches b
            WHERE b.change_id = $1
              AND EXISTS (SELECT 1 FROM legal_change_items i WHERE i.change_id = b.change_id AND i.batch_no = b.batch_no AND i.status = 'pending')
            ORDER BY b.batch_no`,
          [c.id],
        );
        const lost: number[] = [];
        for (const b of batches) if (!(await this.queue.willRun(b.job_id))) lost.push(b.batch_no);
        if (lost.length && (await this.requeue(c.id, 'running', lost))) result.batches += lost.length;
      } catch (err) {
        this.logger.warn({ msg: 'legal change sweep: could not check a change', changeId: c.id, err: (err as Error).message });
      }
    }
    if (result.fanouts || result.batches) this.logger.warn({ msg: 'legal changes with lost jobs were queued again', ...result });
    return result;
  }

  /** Queues the change's fan-out (pending) or the given batches (running) again under the next round's job ids. */
  private async requeue(changeId: string, expected: 'pending' | 'running', batchNos: number[]): Promise<boolean> {
    return this.db.transaction(async () => {
      const change = await this.db.repo(LegalChange).findOne({ where: { id: changeId }, lock: { mode: 'pessimistic_write' } });
      if (!change || change.status !== expected) return false;
      const round = change.round + 1;
      const jobId = expected === 'pending' ? fanoutJobId(change.id, round) : change.fanoutJobId;
      await this.db.query('UPDATE legal_changes SET round = $2, fanout_job_id = $3, updated_at = now() WHERE id = $1', [change.id, round, jobId]);
      if (expected === 'pending') await this.queue.enqueueFanout(change.id, jobId);
      else await this.queue.enqueueBatches(change.id, batchNos, round);
      await this.audit.record({
        action: 'legal_change.requeued',
        entityType: 'legal_change',
        entityId: change.id,
        agencyId: null,
        actorId: null,
        actorName: null,
        changes: { reason: 'sweep', round, fanout: expected === 'pending', batches: batchNos },
      });
      return true;
    });
  }
}
