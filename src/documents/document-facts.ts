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

  async figures(agencyIds: readonly string[], period: FactsPeriod): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    const rows = await this.db.query<{ agency_id: string; in_force: number; revised: number; overdue: number }[]>(
      `WITH bounds AS (SELECT $2::timestamptz AS t_from, $3::timestamptz AS t_to, least($3::timestamptz, now()) AS t_now)
       SELECT d.agency_id,
              count(*) FILTER (WHERE d.type = 'procedure' AND f.in_force_at_end)::int AS in_force,
              count(*) FILTER (WHERE f.revised)::int AS revised,
              count(*) FILTER (WHERE f.overdue)::int AS overdue
         FROM documents d CROSS JOIN bounds b
         CROSS JOIN LATERAL (
           SELECT bool_or(r.effective_at < b.t_to AND coalesce(r.superseded_at, r.obsolete_at, 'infinity') >= b.t_to
                          AND (d.withdrawn_at IS NULL OR d.withdrawn_at >= b.t_to)) AS in_force_at_end,
                  bool_or(r.effective_at >= b.t_from AND r.effective_at < b.t_to) AS revised,
                  bool_or(r.effective_at < b.t_now AND coalesce(r.superseded_at, r.obsolete_at, 'infinity') >= b.t_now
                          AND (d.withdrawn_at IS NULL OR d.withdrawn_at >= b.t_now)
                          AND r.effective_at + make_interval(months => d.review_interval_months) <= b.t_now) AS overdue
             FROM revisions r
            WHERE r.document_id = d.id AND r.effective_at IS NOT NULL AND r.effective_at < b.t_to
         ) f
        WHERE d.agency_id = ANY($1::uuid[])
        GROUP BY d.agency_id`,
      [[...agencyIds], period.from, period.to],
    );
    return new Map(rows.map((r) => [r.agency_id, { proceduresInForce: r.in_force, documentsRevisedInPeriod: r.revised, documentsOverdueReview: r.overdue }]));
  }
}
