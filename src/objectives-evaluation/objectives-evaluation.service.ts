import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors, FieldError } from '../common/errors.js';
import { Database } from '../database/database.js';
import { DocumentRegister, ObjectivesInForce } from '../documents/document-register.js';
import { DocumentsService } from '../documents/documents.service.js';
import { peopleSql } from '../identity/people.js';
import type {
  AgencyObjectivesView,
  CreateEvaluationRequest,
  EvaluationList,
  EvaluationResultView,
  EvaluationView,
  ObjectivesDocumentView,
  PublicObjectivesView,
} from './objectives-evaluation.dto.js';

interface EvaluationRow {
  id: string;
  agency_id: string;
  document_id: string;
  revision_id: string;
  period: string;
  year: number;
  results: EvaluationResultView[];
  achieved_count: number;
  total: number;
  corrects_id: string | null;
  correction_reason: string | null;
  corrected_by_id: string | null;
  evaluated_by: string;
  evaluated_by_name: string;
  created_at: Date;
}

const EVALUATION_SQL = `
  SELECT e.id, e.agency_id, e.document_id, e.revision_id, e.period, e.year, e.results, e.achieved_count, e.total,
         e.corrects_id, e.correction_reason, c.id AS corrected_by_id, e.evaluated_by, u.full_name AS evaluated_by_name, e.created_at
    FROM objective_evaluations e
    JOIN (${peopleSql()}) u ON u.id = e.evaluated_by
    LEFT JOIN objective_evaluations c ON c.corrects_id = e.id`;

function toView(r: EvaluationRow): EvaluationView {
  return {
    id: r.id,
    documentId: r.document_id,
    agencyId: r.agency_id,
    period: r.period,
    revisionId: r.revision_id,
    results: r.results,
    achievedCount: r.achieved_count,
    total: r.total,
    evaluatedBy: r.evaluated_by,
    evaluatedByName: r.evaluated_by_name,
    at: r.created_at.toISOString(),
    correctsId: r.corrects_id,
    correctionReason: r.correction_reason,
    correctedById: r.corrected_by_id,
    current: r.corrected_by_id === null,
  };
}

/** The current year in Vietnam (UTC+07:00). */
export function currentYearVn(now: Date = new Date()): number {
  return new Date(now.getTime() + 7 * 3600_000).getUTCFullYear();
}

/** The order of periods inside a year, for "the latest evaluation". */
const PERIOD_ORDER_SQL = `CASE substr(e.period, 6) WHEN 'Q1' THEN 1 WHEN 'Q2' THEN 2 WHEN 'H1' THEN 2 WHEN 'Q3' THEN 3 WHEN 'Q4' THEN 4 ELSE 5 END`;

/**
 * Evaluations of quality objectives (§6.2, §9.1.3): per period, each objective of the revision in
 * force measured and judged met or not. Recorded whole and never changed (the database refuses it);
 * a correction is a new evaluation of the same period naming the one it corrects, which then no
 * longer counts. The agency view rolls up its units' objectives; the public view shows the objectives
 * in force and, once the year is evaluated, the result.
 */
@Injectable()
export class ObjectivesEvaluationService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly documents: DocumentsService,
    private readonly register: DocumentRegister,
    private readonly agencies: AgenciesService,
  ) {}

  async record(p: Principal, documentId: string, req: CreateEvaluationRequest): Promise<EvaluationView> {
    const doc = await this.documents.findById(documentId);
    if (!doc) throw Errors.notFound('Document');
    await this.access.assert(p, 'document.read', doc.agencyId, 'Document');
    await this.access.assert(p, 'objectives.evaluate', doc.agencyId, 'Document');
    if (req.correctsId !== undefined && req.reason === undefined) throw Errors.validation([{ field: 'reason', message: 'is required with correctsId' }]);
    if (req.correctsId === undefined && req.reason !== undefined) throw Errors.validation([{ field: 'reason', message: 'is only for a correction (correctsId)' }]);
    const dup = req.results.findIndex((r, i) => req.results.findIndex((x) => x.no === r.no) !== i);
    if (dup >= 0) throw Errors.validation([{ field: `results[${dup}].no`, message: `objective ${req.results[dup].no} is evaluated twice` }]);

    return this.db.transaction(async () => {
      await this.db.lock(`objective_evaluations:${doc.id}`);
      const inForce = doc.type === 'quality_objectives' ? await this.register.objectivesOfDocument(doc.id) : null;
      if (!inForce) throw Errors.ruleViolated('objectives_not_in_force', 'Only a quality_objectives document with an effective revision is evaluated.');
      const year = Number(req.period.slice(0, 4));
      if (year !== inForce.year) {
        throw Errors.ruleViolated('evaluation_period_invalid', `The objectives are for ${inForce.year}; the period must be of that year.`, [{ field: 'period', message: `must be of ${inForce.year}` }]);
      }
      const byNo = new Map(inForce.objectives.map((o) => [o.no, o]));
      const unknown: FieldError[] = req.results.flatMap((r, i) => (byNo.has(r.no) ? [] : [{ field: `results[${i}].no`, message: `objective ${r.no} is not in revision ${inForce.number ?? ''} in force` }]));
      if (unknown.length) throw Errors.ruleViolated('objective_unknown', 'Some objective numbers are not in the revision in force.', unknown);
      const given = new Set(req.results.map((r) => r.no));
      const missing = inForce.objectives.filter((o) => !given.has(o.no));
      if (missing.length) {
        throw Errors.ruleViolated('evaluation_incomplete', `Every objective of the revision in force is evaluated; missing: ${missing.map((o) => o.no).join(', ')}.`, [
          { field: 'results', message: `missing objectives ${missing.map((o) => o.no).join(', ')}` },
        ]);
      }

      const [existing] = await this.db.query<{ id: string }[]>(
        `SELECT e.id FROM objective_evaluations e WHERE e.document_id = $1 AND e.period = $2 AND NOT EXISTS (SELECT 1 FROM objective_evaluations c WHERE c.corrects_id = e.id)`,
        [doc.id, req.period],
      );
      if (req.correctsId === undefined && existing) {
        throw Errors.conflict('evaluation_exists', `${req.period} is already evaluated; record a correction naming evaluation ${existing.id}.`, { evaluationId: existing.id });
      }
      if (req.correctsId !== undefined) {
        const [target] = await this.db.query<{ id: string; document_id: string; period: string; corrected: boolean }[]>(
          `SELECT e.id, e.document_id, e.period, EXISTS (SELECT 1 FROM objective_evaluations c WHERE c.corrects_id = e.id) AS corrected FROM objective_evaluations e WHERE e.id = $1`,
          [req.correctsId],
        );
        if (!target || target.document_id !== doc.id || target.period !== req.period) {
          throw Errors.ruleViolated('evaluation_correction_invalid', 'A correction names an evaluation of the same document and period.', [{ field: 'correctsId', message: 'is not an evaluation of this document and period' }]);
        }
        if (target.corrected) throw Errors.conflict('evaluation_already_corrected', 'That evaluation was already corrected; correct the current one.');
      }

      const results: EvaluationResultView[] = inForce.objectives.map((o) => {
        const r = req.results.find((x) => x.no === o.no)!;
        return { no: o.no, objective: o.objective, target: o.target, actual: r.actual, achieved: r.achieved, note: r.note ?? null };
      });
      const achieved = results.filter((r) => r.achieved).length;
      const [row] = await this.db.query<{ id: string }[]>(
        `INSERT INTO objective_evaluations (agency_id, document_id, revision_id, period, year, results, achieved_count, total, corrects_id, correction_reason, evaluated_by)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11) RETURNING id`,
        [doc.agencyId, doc.id, inForce.revisionId, req.period, year, JSON.stringify(results), achieved, results.length, req.correctsId ?? null, req.reason ?? null, p.id],
      );
      await this.audit.record({
        action: req.correctsId ? 'objective_evaluation.corrected' : 'objective_evaluation.recorded',
        entityType: 'objective_evaluation',
        entityId: row.id,
        agencyId: doc.agencyId,
        changes: { documentId: doc.id, revisionId: inForce.revisionId, period: req.period, achievedCount: achieved, total: results.length, correctsId: req.correctsId ?? null, reason: req.reason ?? null },
      });
      return toView(await this.one(row.id));
    });
  }

  private async one(id: string): Promise<EvaluationRow> {
    const [row] = await this.db.query<EvaluationRow[]>(`${EVALUATION_SQL} WHERE e.id = $1`, [id]);
    return row;
  }

  async list(p: Principal, documentId: string): Promise<EvaluationList> {
    const doc = await this.documents.findById(documentId);
    if (!doc) throw Errors.notFound('Document');
    await this.access.assert(p, 'document.read', doc.agencyId, 'Document');
    const rows = await this.db.query<EvaluationRow[]>(`${EVALUATION_SQL} WHERE e.document_id = $1 ORDER BY e.created_at DESC, e.id DESC`, [doc.id]);
    return { items: rows.map(toView) };
  }

  /**
   * The objectives in force of the year of these agencies, each with its latest current evaluation and
   * its year result (no access checks: for the views below and the management review's inputs).
   */
  async objectivesWithResults(agencyIds: readonly string[], year: number): Promise<{ inForce: ObjectivesInForce; latest: EvaluationRow | null; yearResult: EvaluationRow | null }[]> {
    const inForce = await this.register.objectivesInForce(agencyIds, year);
    if (!inForce.length) return [];
    const rows = await this.db.query<(EvaluationRow & { rank_latest: number })[]>(
      `SELECT * FROM (
         SELECT x.*, row_number() OVER (PARTITION BY x.document_id ORDER BY x.period_order DESC, x.created_at DESC) AS rank_latest FROM (
           SELECT e.id, e.agency_id, e.document_id, e.revision_id, e.period, e.year, e.results, e.achieved_count, e.total, e.corrects_id, e.correction_reason,
                  NULL::uuid AS corrected_by_id, e.evaluated_by, u.full_name AS evaluated_by_name, e.created_at, ${PERIOD_ORDER_SQL} AS period_order
             FROM objective_evaluations e JOIN (${peopleSql()}) u ON u.id = e.evaluated_by
            WHERE e.document_id = ANY($1::uuid[]) AND e.year = $2
              AND NOT EXISTS (SELECT 1 FROM objective_evaluations c WHERE c.corrects_id = e.id)) x) y
        WHERE y.rank_latest = 1 OR y.period = $2::text`,
      [inForce.map((d) => d.documentId), year],
    );
    return inForce.map((d) => ({
      inForce: d,
      latest: rows.find((r) => r.document_id === d.documentId && Number(r.rank_latest) === 1) ?? null,
      yearResult: rows.find((r) => r.document_id === d.documentId && r.period === String(year)) ?? null,
    }));
  }

  /** GET /agencies/{id}/objectives: the agency's objectives in force and its units', each with its latest evaluation. */
  async agencyView(p: Principal, agencyId: string, year: number = currentYearVn()): Promise<AgencyObjectivesView> {
    const agency = await this.agencies.findById(agencyId);
    if (!agency) throw Errors.notFound('Agency');
    await this.access.assert(p, 'document.read', agencyId, 'Agency');
    const units = await this.agencies.unitsOf(agencyId);
    const names = new Map([[agency.id, agency.name], ...units.map((u) => [u.id, u.name] as [string, string])]);
    const found = await this.objectivesWithResults([agency.id, ...units.map((u) => u.id)], year);
    const items: ObjectivesDocumentView[] = found
      .map(({ inForce: d, latest, yearResult }) => ({
        agencyId: d.agencyId,
        agencyName: names.get(d.agencyId) ?? '',
        scope: (d.agencyId === agency.id ? 'agency' : 'unit') as 'agency' | 'unit',
        documentId: d.documentId,
        code: d.code,
        title: d.title,
        year: d.year,
        revisionId: d.revisionId,
        revisionNumber: d.number,
        objectives: d.objectives,
        latestEvaluation: latest ? { id: latest.id, period: latest.period, achievedCount: latest.achieved_count, total: latest.total, at: latest.created_at.toISOString() } : null,
        yearResult: yearResult ? toView(yearResult) : null,
      }))
      .sort((a, b) => (a.scope === b.scope ? a.agencyName.localeCompare(b.agencyName, 'vi') || a.code.localeCompare(b.code, 'vi') : a.scope === 'agency' ? -1 : 1));
    return { agencyId, year, items };
  }

  /** The public posting (niêm yết công khai): objectives in force and, once the year is evaluated, the results. */
  async publicView(agency: { id: string; code: string; name: string }, year: number): Promise<PublicObjectivesView> {
    const units = await this.agencies.unitsOf(agency.id);
    const names = new Map([[agency.id, agency.name], ...units.map((u) => [u.id, u.name] as [string, string])]);
    const found = await this.objectivesWithResults([agency.id, ...units.map((u) => u.id)], year);
    return {
      agencyCode: agency.code,
      year,
      items: found.map(({ inForce: d, yearResult }) => ({
        agencyName: names.get(d.agencyId) ?? '',
        code: d.code,
        title: d.title,
        year: d.year,
        evaluated: yearResult !== null,
        achievedCount: yearResult ? yearResult.achieved_count : null,
        objectives: d.objectives.map((o) => {
          const r = yearResult?.results.find((x) => x.no === o.no);
          return { no: o.no, objective: o.objective, indicator: o.indicator, target: o.target, actual: r?.actual ?? null, achieved: r ? r.achieved : null };
        }),
      })),
    };
  }
}
