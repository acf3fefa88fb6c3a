import { Injectable, Logger } from '@nestjs/common';
import { Database } from '../database/database.js';
import { DocumentFlags } from '../documents/document-flags.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { OnJob } from '../queue/job-registry.js';
import { formatDateShort } from '../common/vn-format.js';
import { WorkflowPeople } from './workflow-people.js';
import { WorkflowNotices } from './workflow-notices.js';

interface OverdueRow {
  agency_id: string;
  document_id: string;
  code: string;
  title: string;
  revision_id: string;
  number: number;
  effective_at: Date;
  review_interval_months: number;
  due_on: string;
}

const BATCH = 500;

/**
 * Periodic review (xem xét định kỳ): a document whose effective revision took effect more than
 * its review interval ago gets a `review_overdue` flag (one per effective revision, so raising is
 * idempotent), and the agency's ISO secretaries get one notice per run listing what became
 * overdue. The flag shows on the document and in /me/tasks; the next revision taking effect
 * clears it.
 */
@Injectable()
export class PeriodicReview {
  private readonly logger = new Logger('PeriodicReview');

  constructor(
    private readonly db: Database,
    private readonly flags: DocumentFlags,
    private readonly notifications: NotificationsService,
    private readonly people: WorkflowPeople,
  ) {}

  @OnJob('workflow.flag-overdue-reviews')
  async handle(): Promise<number> {
    return this.flagOverdue();
  }

  /**
   * Flags every overdue document (optionally of some agencies only, and as of another instant:
   * for operations and tests). Returns how many flags were newly raised.
   */
  async flagOverdue(opts: { now?: Date; agencyIds?: string[] } = {}): Promise<number> {
    const now = opts.now ?? new Date();
    let raised = 0;
    let after: [string, string] | null = null;
    for (;;) {
      const rows: OverdueRow[] = await this.db.query(
        `SELECT d.agency_id, d.id AS document_id, d.code, d.title, r.id AS revision_id, r.number, r.effective_at, d.review_interval_months,
                to_char((r.effective_at + make_interval(months => d.review_interval_months)) AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS due_on
           FROM revisions r JOIN documents d ON d.id = r.document_id
          WHERE r.state = 'effective' AND d.withdrawn_at IS NULL
            AND r.effective_at <= $1::timestamptz - interval '1 month'
            AND r.effective_at + make_interval(months => d.review_interval_months) <= $1
            AND ($2::uuid[] IS NULL OR d.agency_id = ANY($2::uuid[]))
            AND ($3::uuid IS NULL OR (d.agency_id, d.id) > ($3::uuid, $4::uuid))
            AND NOT EXISTS (SELECT 1 FROM document_flags f WHERE f.document_id = d.id AND f.kind = 'review_overdue' AND f.cleared_at IS NULL)
          ORDER BY d.agency_id, d.id LIMIT ${BATCH}`,
        [now, opts.agencyIds ?? null, after?.[0] ?? null, after?.[1] ?? null],
      );
      const byAgency = new Map<string, OverdueRow[]>();
      for (const r of rows) byAgency.set(r.agency_id, [...(byAgency.get(r.agency_id) ?? []), r]);
      for (const [agencyId, docs] of byAgency) {
        try {
          raised += await this.flagAgency(agencyId, docs);
        } catch (err) {
          this.logger.warn({ msg: 'could not flag overdue reviews', agencyId, err: (err as Error).message });
        }
      }
      if (rows.length < BATCH) break;
      after = [rows[rows.length - 1].agency_id, rows[rows.length - 1].document_id];
    }
    if (raised) this.logger.log({ msg: 'review-overdue flags raised', count: raised });
    return raised;
  }

  /** One agency's overdue documents: flags and one notice to its ISO secretaries, in one transaction. */
  private async flagAgency(agencyId: string, docs: OverdueRow[]): Promise<number> {
    return this.db.transaction(async () => {
      const fresh: { id: string; code: string; title: string; dueOn: string }[] = [];
      for (const d of docs) {
        const { raised } = await this.flags.raise({
          documentId: d.document_id,
          kind: 'review_overdue',
          reason: `Quá hạn xem xét định kỳ: lần ban hành ${d.number} có hiệu lực từ ngày ${formatDateShort(d.effective_at)}, chu kỳ xem xét ${d.review_interval_months} tháng (hạn ${formatDateShort(d.due_on)}).`,
          dueOn: d.due_on,
          sourceId: d.revision_id,
        });
        if (raised) fresh.push({ id: d.document_id, code: d.code, title: d.title, dueOn: d.due_on });
      }
      if (fresh.length) await this.notifications.notify(await this.people.secretaries(agencyId), WorkflowNotices.reviewOverdue(agencyId, fresh));
      return fresh.length;
    });
  }
}
