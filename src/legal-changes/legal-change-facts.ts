import { Inject, Injectable } from '@nestjs/common';
import { AgencyFactsProvider, type AgencyFactsSource, type FactKey, type FactValue, type FactsPeriod } from '../agency-facts/index.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';

/**
 * The legal changes' figures of an agency for a period, for every asked agency in one query over
 * the change items and the drafts they made: drafts that took effect in the period (applied),
 * drafts not effective at the end of the period (outstanding), and of those, the ones past their
 * deadline (LEGAL_CHANGE_DUE_DAYS after the change takes effect, or after it was posted when later:
 * the same date as the document's `legal_basis_changed` flag), as of the end of the period or now.
 */
@Injectable()
@AgencyFactsProvider()
export class LegalChangeFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['legalChangesApplied', 'legalChangesOutstanding', 'legalUpdatesOverdue'];

  constructor(
    private readonly db: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async figures(agencyIds: readonly string[], period: FactsPeriod): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    const rows = await this.db.query<{ agency_id: string; applied: number; outstanding: number; overdue: number }[]>(
      `WITH b AS (SELECT $2::timestamptz AS t_from, $3::timestamptz AS t_to, least($3::timestamptz, now()) AS t_now)
       SELECT i.agency_id,
              count(*) FILTER (WHERE r.effective_at >= b.t_from AND r.effective_at < b.t_to)::int AS applied,
              count(*) FILTER (WHERE c.created_at < b.t_to AND (r.effective_at IS NULL OR r.effective_at >= b.t_to) AND r.state <> 'obsolete')::int AS outstanding,
              count(*) FILTER (WHERE c.created_at < b.t_now AND (r.effective_at IS NULL OR r.effective_at >= b.t_now) AND r.state <> 'obsolete'
                                 AND greatest(c.effective_from, (c.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) + $4::int
                                     < (b.t_now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::int AS overdue
         FROM legal_change_items i
         JOIN legal_changes c ON c.id = i.change_id
         JOIN revisions r ON r.id = i.draft_revision_id
         CROSS JOIN b
        WHERE i.agency_id = ANY($1::uuid[])
        GROUP BY i.agency_id`,
      [[...agencyIds], period.from, period.to, this.config.legalChangeDueDays],
    );
    return new Map(rows.map((r) => [r.agency_id, { legalChangesApplied: r.applied, legalChangesOutstanding: r.outstanding, legalUpdatesOverdue: r.overdue }]));
  }
}
