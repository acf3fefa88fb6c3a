import { Injectable } from '@nestjs/common';
import { AgencyFactsProvider, AgencyFactsSource, FactsPeriod } from '../agency-facts/agency-facts-source.js';
import type { FactKey, FactValue } from '../agency-facts/fact-keys.js';
import { Database } from '../database/database.js';
import { DocumentRegister } from '../documents/document-register.js';

/**
 * The objectives figures of every agency asked: whether objectives of the year are in force and how
 * many (from the register, one query), and from the latest current evaluation recorded in the period
 * of each objectives document (one query over all of them) how many were evaluated and met.
 */
@Injectable()
@AgencyFactsProvider()
export class ObjectivesFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['objectivesIssued', 'objectivesTotal', 'objectivesEvaluated', 'objectivesMet'];

  constructor(
    private readonly db: Database,
    private readonly register: DocumentRegister,
  ) {}

  async figures(agencyIds: readonly string[], period: FactsPeriod): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    const out = new Map<string, Partial<Record<FactKey, FactValue>>>();
    const inForce = await this.register.objectivesInForce(agencyIds, period.year);
    for (const d of inForce) {
      const row = out.get(d.agencyId) ?? { objectivesIssued: 1, objectivesTotal: 0, objectivesEvaluated: 0, objectivesMet: 0 };
      row.objectivesTotal = Number(row.objectivesTotal) + d.objectives.length;
      out.set(d.agencyId, row);
    }
    if (!inForce.length) return out;
    const latest = await this.db.query<{ agency_id: string; total: number; achieved_count: number }[]>(
      `SELECT DISTINCT ON (e.document_id) e.agency_id, e.total, e.achieved_count
         FROM objective_evaluations e
        WHERE e.document_id = ANY($1::uuid[]) AND e.year = $2 AND e.created_at >= $3 AND e.created_at < $4
          AND NOT EXISTS (SELECT 1 FROM objective_evaluations c WHERE c.corrects_id = e.id AND c.created_at < $4)
        ORDER BY e.document_id, e.created_at DESC, e.id DESC`,
      [inForce.map((d) => d.documentId), period.year, period.from, period.to],
    );
    for (const r of latest) {
      const row = out.get(r.agency_id);
      if (!row) continue;
      row.objectivesEvaluated = Number(row.objectivesEvaluated) + r.total;
      row.objectivesMet = Number(row.objectivesMet) + r.achieved_count;
    }
    return out;
  }
}
