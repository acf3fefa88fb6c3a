import { Injectable } from '@nestjs/common';
import { AgencyFactsProvider, AgencyFactsSource, FactsPeriod } from '../agency-facts/agency-facts-source.js';
import type { FactKey, FactValue } from '../agency-facts/fact-keys.js';
import { Database } from '../database/database.js';

/** Management reviews approved in the period, for every agency asked (one query). */
@Injectable()
@AgencyFactsProvider()
export class ManagementReviewFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['managementReviewsHeld'];

  constructor(private readonly db: Database) {}

  async figures(agencyIds: readonly string[], period: FactsPeriod): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    if (!agencyIds.length) return new Map();
    const rows = await this.db.query<{ agency_id: string; n: number }[]>(
      `SELECT agency_id, count(*)::int AS n FROM management_reviews
        WHERE agency_id = ANY($1::uuid[]) AND state = 'approved' AND approved_at >= $2 AND approved_at < $3 GROUP BY agency_id`,
      [[...agencyIds], period.from, period.to],
    );
    return new Map(rows.map((r) => [r.agency_id, { managementReviewsHeld: r.n }]));
  }
}
