import { Injectable } from '@nestjs/common';
import { AgencyFactsProvider, type AgencyFactsSource, type FactKey, type FactValue, type FactsPeriod } from '../agency-facts/index.js';
import { Database } from '../database/database.js';

/** Internal audits held (started) in the period, for every agency in one query. */
@Injectable()
@AgencyFactsProvider()
export class InternalAuditFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['internalAuditsHeld'];

  constructor(private readonly db: Database) {}

  async figures(agencyIds: readonly string[], period: FactsPeriod): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    const rows = await this.db.query<{ agency_id: string; held: number }[]>(
      `SELECT agency_id, count(*)::int AS held FROM internal_audits
        WHERE agency_id = ANY($1::uuid[]) AND started_at >= $2 AND started_at < $3
        GROUP BY agency_id`,
      [[...agencyIds], period.from, period.to],
    );
    return new Map(rows.map((r) => [r.agency_id, { internalAuditsHeld: r.held }]));
  }
}
