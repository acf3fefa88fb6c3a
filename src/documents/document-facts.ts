import { Injectable } from '@nestjs/common';
import { AgencyFactsProvider, type AgencyFactsSource, type FactKey, type FactValue, type FactsPeriod } from '../agency-facts/index.js';
import { Database } from '../database/database.js';

/**
 * The documents' figures of an agency for a period, for every asked agency in one query over the
 * register and its revisions: procedures in force at the end of the period, documents with a
 * revision that took effect in the period, and documents in force past their periodic review date
 * (as of the end of the period, or now when the period has not ended).
 */
@Injectable()
@AgencyFactsProvider()
export class DocumentFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['proceduresInForce', 'documentsRevisedInPeriod', 'documentsOverdueReview'];

  constructor(private readonly db: Database) {}

  async figures(agencyIds: readonly string[], period: FactsPeriod, wanted?: ReadonlySet<FactKey>): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    // At most one revision of a document is in force at an instant (the next one supersedes it), so
    // counting revisions in force counts documents. Only the wanted figures are computed: without
    // documentsRevisedInPeriod (a distinct count) the rows are grouped by hashing, not sorted.
    const want = (k: FactKey) => !wanted || wanted.has(k);
    const columns = [
      want('proceduresInForce') &&
        `count(*) FILTER (WHERE d.type = 'procedure' AND coalesce(r.superseded_at, r.obsolete_at, 'infinity') >= b.t_to
                            AND (d.withdrawn_at IS NULL OR d.withdrawn_at >= b.t_to))::int AS in_force`,
      want('documentsRevisedInPeriod') && `count(DISTINCT r.document_id) FILTER (WHERE r.effective_at >= b.t_from)::int AS revised`,
      want('documentsOverdueReview') &&
        `count(*) FILTER (WHERE r.effective_at < b.t_now AND coalesce(r.superseded_at, r.obsolete_at, 'infinity') >= b.t_now
                            AND (d.withdrawn_at IS NULL OR d.withdrawn_at >= b.t_now)
                            AND r.effective_at + make_interval(months => d.review_interval_months) <= b.t_now)::int AS overdue`,
    ].filter((c): c is string => typeof c === 'string');
    const rows = await this.db.query<{ agency_id: string; in_force?: number; revised?: number; overdue?: number }[]>(
      `WITH b AS (SELECT $2::timestamptz AS t_from, $3::timestamptz AS t_to, least($3::timestamptz, now()) AS t_now)
       SELECT r.agency_id, ${columns.join(', ')}
         FROM revisions r JOIN documents d ON d.id = r.document_id CROSS JOIN b
        WHERE r.agency_id = ANY($1::uuid[]) AND r.effective_at < b.t_to
        GROUP BY r.agency_id`,
      [[...agencyIds], period.from, period.to],
    );
    return new Map(rows.map((r) => [r.agency_id, { proceduresInForce: r.in_force, documentsRevisedInPeriod: r.revised, documentsOverdueReview: r.overdue }]));
  }
}
