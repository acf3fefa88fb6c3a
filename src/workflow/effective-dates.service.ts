import { Injectable, Logger } from '@nestjs/common';
import { Database } from '../database/database.js';
import { DistributionService } from '../distribution/distribution.service.js';
import { DocumentFlags } from '../documents/document-flags.service.js';
import { Document, Revision } from '../documents/document.entities.js';
import { RevisionLifecycle } from '../documents/revision-lifecycle.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { JobQueue } from '../queue/job-queue.js';
import { OnJob } from '../queue/job-registry.js';
import { WorkflowNotices } from './workflow-notices.js';

export type TakeEffectOutcome = 'effective' | 'already_effective' | 'not_due' | 'not_approved' | 'withdrawn' | 'missing';

/** What a refused `take_effect` means for the job: nothing to do, for this reason. */
const REFUSAL_OUTCOMES: Record<string, TakeEffectOutcome> = {
  revision_not_approved: 'not_approved',
  document_withdrawn: 'withdrawn',
  revision_not_due: 'not_due',
};

/** The identity of the delayed job that makes an approved revision effective on its date. */
export function effectiveJobId(revisionId: string): string {
  return `effective_${revisionId}`;
}

/**
 * Flags a new effective revision may resolve: the review is done; a legal change is dealt with
 * when the revision no longer cites the act it replaced or repealed; a TTHC change when the revision
 * carries the catalogue's time limit, fee and legal bases (SQL flag_resolved_by; DocumentFlags onlyIfResolved).
 */
const FLAGS_RESOLVED_BY_NEW_REVISION = ['legal_basis_changed', 'review_overdue', 'tthc_changed'] as const;

/**
 * Effective dates: approved revisions take effect at their `effective_from`, through a delayed
 * job per revision and a periodic sweep that catches whatever the job missed (Redis or worker
 * restarts). Taking effect is one transaction (RevisionLifecycle's `take_effect` move: the
 * previous effective revision is superseded; the partial unique index allows only one effective
 * revision per document), which also clears the document's review and legal-change flags and
 * tells the author. Both paths are idempotent.
 */
@Injectable()
export class EffectiveDates {
  private readonly logger = new Logger('EffectiveDates');

  constructor(
    private readonly db: Database,
    private readonly revisions: RevisionsService,
    private readonly lifecycle: RevisionLifecycle,
    private readonly flags: DocumentFlags,
    private readonly notifications: NotificationsService,
    private readonly jobs: JobQueue,
    private readonly distribution: DistributionService,
  ) {}

  /** Enqueues the delayed job (inside the approval's transaction). */
  async schedule(revisionId: string, runAt: Date): Promise<void> {
    await this.jobs.enqueue('workflow.make-effective', { revisionId }, { jobId: effectiveJobId(revisionId), runAt });
  }

  /**
   * Makes an approved revision whose date has come effective (in the caller's transaction, or its
   * own). Anything else is a no-op with the reason: already effective, not due yet, no longer
   * approved (withdrawn, obsolete), missing.
   */
  async takeEffect(revisionId: string, opts: { at?: Date } = {}): Promise<TakeEffectOutcome> {
    return this.db.transaction(async () => {
      const found = await this.revisions.findWithDocument(revisionId, { lock: true });
      if (!found) return 'missing';
      const { revision, document } = found;
      if (revision.state === 'effective') return 'already_effective';
      const move = { revision, document, actor: null, at: opts.at ?? new Date() };
      const refusal = await this.lifecycle.refusal('take_effect', move);
      if (refusal) {
        const outcome = REFUSAL_OUTCOMES[refusal.code];
        if (!outcome) throw refusal;
        return outcome;
      }
      const effective = await this.lifecycle.transition('take_effect', move);
      await this.afterTakingEffect(document, effective, move.at);
      return 'effective';
    });
  }

  private async afterTakingEffect(document: Document, revision: Revision, at: Date): Promise<void> {
    for (const kind of FLAGS_RESOLVED_BY_NEW_REVISION) {
      await this.flags.clear({ documentId: document.id, kind, byRevisionId: revision.id, onlyIfResolved: true, note: `Lần ban hành ${revision.number} có hiệu lực.` });
    }
    await this.distribution.askFor(document, revision);
    await this.notifications.notify(
      [revision.authorId],
      WorkflowNotices.effective(
        { agencyId: document.agencyId, documentId: document.id, revisionId: revision.id, code: document.code, title: document.title, number: revision.number! },
        at,
      ),
    );
  }

  /** The delayed job of one approved revision. */
  @OnJob('workflow.make-effective')
  async handleMakeEffective(data: { revisionId: string }): Promise<TakeEffectOutcome> {
    const outcome = await this.takeEffect(data.revisionId);
    if (outcome === 'not_due') this.logger.log({ msg: 'effective-date job ran early; the sweep applies it when due', revisionId: data.revisionId });
    return outcome;
  }

  /** The periodic sweep (also callable directly). */
  @OnJob('workflow.sweep-due-effective')
  async handleSweep(): Promise<number> {
    return this.sweepDue();
  }

  /**
   * Makes every approved revision whose effective date has passed effective, each in its own
   * transaction (one failure does not hold up the others). Returns how many took effect.
   */
  async sweepDue(): Promise<number> {
    let taken = 0;
    let after: { effectiveFrom: Date; id: string } | null = null;
    for (;;) {
      const rows: { id: string; effective_from: Date }[] = await this.db.query(
        `SELECT id, effective_from FROM revisions
          WHERE state = 'approved' AND effective_from <= now()
            AND ($1::timestamptz IS NULL OR (effective_from, id) > ($1::timestamptz, $2::uuid))
          ORDER BY effective_from, id LIMIT 200`,
        [after?.effectiveFrom ?? null, after?.id ?? null],
      );
      for (const row of rows) {
        try {
          if ((await this.takeEffect(row.id, { at: new Date() })) === 'effective') taken++;
        } catch (err) {
          this.logger.warn({ msg: 'a due revision could not take effect', revisionId: row.id, err: (err as Error).message });
        }
      }
      if (rows.length < 200) break;
      after = { effectiveFrom: rows[rows.length - 1].effective_from, id: rows[rows.length - 1].id };
    }
    if (taken) this.logger.log({ msg: 'due revisions took effect', count: taken });
    return taken;
  }
}
