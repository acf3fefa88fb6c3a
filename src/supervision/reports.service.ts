import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AgencyFactsService } from '../agency-facts/index.js';
import { ApprovalRights } from '../approval/approval-rights.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { nfc } from '../common/text.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { AuthService } from '../identity/auth.service.js';
import { People } from '../identity/people.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RecordPapers } from '../record-papers/index.js';
import { reportSymbol } from './report-signing.js';
import { factsPeriodOf, periodsOfYear, reportingPeriod, vnDate, type ReportingPeriod } from './reporting-periods.js';
import type { OpenReportRequest, ReportingPeriodView, ReportList, ReportSummaryView, ReportVersionView, ReportView, UpdateReportRequest } from './reports.dto.js';

export const REPORT_PAPER = 'periodic_report.report';

/** A periodic_reports row. */
export interface ReportRow {
  id: string;
  agency_id: string;
  period: string;
  year: number;
  kind: string;
  due_on: string;
  state: 'draft' | 'submitted' | 'returned';
  submission_count: number;
  late: boolean;
  place: string | null;
  results: string | null;
  difficulties: string | null;
  proposals: string | null;
  row_version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

/** A periodic_report_versions row. */
export interface ReportVersionRow {
  report_id: string;
  agency_id: string;
  version: number;
  state: 'submitted' | 'returned';
  figures: Record<string, number | string | null>;
  place: string;
  results: string | null;
  difficulties: string | null;
  proposals: string | null;
  number_year: number;
  number: number;
  symbol: string;
  late: boolean;
  submitted_at: Date;
  submitted_by: string;
  signer_name: string;
  signer_title: string | null;
  capacity: 'head' | 'deputy';
  delegation_id: string | null;
  on_behalf_of_name: string | null;
  on_behalf_of_title: string | null;
  returned_at: Date | null;
  returned_by: string | null;
  return_comment: string | null;
}

const REPORT_COLUMNS = `id, agency_id, period, year, kind, to_char(due_on, 'YYYY-MM-DD') AS due_on, state, submission_count, late, place, results, difficulties, proposals, row_version, created_by, created_at, updated_at`;

export function reportEtag(r: Pick<ReportRow, 'id' | 'row_version'>): string {
  return `"${r.id}:${r.row_version}"`;
}

/** "Ủy ban nhân dân xã Đăk Blá" → "Đăk Blá": the place of an agency's papers when none is given. */
export function placeOf(agencyName: string): string {
  const name = nfc(agencyName).trim();
  const m = /^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(.+)$/iu.exec(name);
  return (m ? m[1] : name).slice(0, 200);
}

function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);
}

/**
 * Periodic reports of an agency to the Sở KH&CN: opened for a period by the agency (the figures come
 * from every module through AgencyFactsService and are live until submission), edited while draft
 * or returned, signed and submitted by the head or a deputy "KT." with re-authentication (late after
 * the due date; the figures and texts frozen in a version row), returned by a supervisor of an
 * ancestor with a comment, and submitted again as a new version. Every move is audited in its
 * transaction; the database guards the frozen rows (migration Supervision).
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly facts: AgencyFactsService,
    private readonly approval: ApprovalRights,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly papers: RecordPapers,
    private readonly people: People,
    private readonly agencies: AgenciesService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  // ---------------------------------------------------------------- periods

  period(name: string): ReportingPeriod | null {
    return reportingPeriod(name, this.config.reporting);
  }

  periods(year: number): ReportingPeriodView[] {
    return periodsOfYear(year, this.config.reporting).map((p) => {
      const f = factsPeriodOf(p);
      return { period: p.period, kind: p.kind, dueOn: p.dueOn, from: vnDate(f.from), to: vnDate(new Date(f.to.getTime() - 1)) };
    });
  }

  // ---------------------------------------------------------------- reads

  async find(id: string): Promise<ReportRow | null> {
    const [row] = await this.db.query<ReportRow[]>(`SELECT ${REPORT_COLUMNS} FROM periodic_reports WHERE id = $1`, [id]);
    return row ?? null;
  }

  async versions(id: string): Promise<ReportVersionRow[]> {
    return this.db.query<ReportVersionRow[]>(`SELECT * FROM periodic_report_versions WHERE report_id = $1 ORDER BY version`, [id]);
  }

  /** The report the caller may read, or 404. */
  async visible(p: Principal, id: string): Promise<ReportRow> {
    const row = await this.find(id);
    if (!row) throw Errors.notFound('Report');
    await this.access.assert(p, 'report.read', row.agency_id, 'Report');
    return row;
  }

  /** The figures of the report: the frozen ones once submitted, else computed now. */
  async figuresOf(row: ReportRow, versions?: ReportVersionRow[]): Promise<Record<string, number | string | null>> {
    if (row.state === 'submitted') {
      const last = (versions ?? (await this.versions(row.id))).at(-1);
      if (last) return last.figures;
    }
    const period = this.period(row.period)!;
    const all = await this.facts.collect([row.agency_id], factsPeriodOf(period));
    return (all.get(row.agency_id) ?? {}) as Record<string, number | string | null>;
  }

  async get(p: Principal, id: string): Promise<ReportView> {
    return this.view(await this.visible(p, id));
  }

  async list(p: Principal, agencyId: string, year: number | undefined): Promise<ReportList> {
    await this.access.assert(p, 'report.read', agencyId, 'Agency');
    const rows = await this.db.query<ReportRow[]>(
      `SELECT ${REPORT_COLUMNS} FROM periodic_reports WHERE agency_id = $1 AND ($2::int IS NULL OR year = $2) ORDER BY due_on DESC, period`,
      [agencyId, year ?? null],
    );
    return { items: rows.map(summaryOf) };
  }

  async view(row: ReportRow): Promise<ReportView> {
    const versions = await this.versions(row.id);
    const last = versions.at(-1);
    const agencyName = await this.agencyName(row.agency_id);
    return {
      id: row.id,
      agencyId: row.agency_id,
      period: row.period,
      kind: row.kind,
      year: row.year,
      dueOn: row.due_on,
      state: row.state,
      late: row.late,
      figures: await this.figuresOf(row, versions),
      figuresFrozenAt: row.state === 'submitted' && last ? last.submitted_at.toISOString() : null,
      place: row.place ?? placeOf(agencyName),
      results: row.results,
      difficulties: row.difficulties,
      proposals: row.proposals,
      submissionCount: row.submission_count,
      versions: versions.map(versionView),
      paper: await this.papers.status(REPORT_PAPER, row.id),
      etag: reportEtag(row),
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  private async agencyName(agencyId: string): Promise<string> {
    return (await this.agencies.findById(agencyId))?.name ?? '';
  }

  // ---------------------------------------------------------------- moves

  /** POST /agencies/{id}/reports: one per agency and period, once the period has started. */
  async open(p: Principal, agencyId: string, req: OpenReportRequest, now = new Date()): Promise<ReportView> {
    await this.access.assert(p, 'report.write', agencyId, 'Agency');
    const period = this.period(req.period);
    if (!period) throw Errors.ruleViolated('report_period_not_started', 'Not a reporting period.', [{ field: 'period', message: 'must be YYYY-H1, YYYY or YYYY-Qn' }]);
    if (factsPeriodOf(period).from.getTime() > now.getTime()) {
      throw Errors.ruleViolated('report_period_not_started', `The period ${period.period} has not started; its report can be opened from its first day.`, [
        { field: 'period', message: 'has not started' },
      ]);
    }
    const id = await this.db.transaction(async () => {
      await this.db.lock(`periodic-report:${agencyId}:${period.period}`);
      const [existing] = await this.db.query<{ id: string }[]>('SELECT id FROM periodic_reports WHERE agency_id = $1 AND period = $2', [agencyId, period.period]);
      if (existing) throw Errors.conflict('report_exists', `The agency already has a report for ${period.period}.`, { reportId: existing.id });
      const [row] = await this.db.query<{ id: string }[]>(
        `INSERT INTO periodic_reports (agency_id, period, year, kind, due_on, state, created_by) VALUES ($1, $2, $3, $4, $5, 'draft', $6) RETURNING id`,
        [agencyId, period.period, period.year, period.kind, period.dueOn, p.id],
      );
      await this.audit.record({ action: 'periodic_report.opened', entityType: 'periodic_report', entityId: row.id, agencyId, changes: { period: period.period, dueOn: period.dueOn } });
      return row.id;
    });
    return this.view((await this.find(id))!);
  }

  /** PATCH /reports/{id}: the free text and the place, while draft or returned, with If-Match. */
  async update(p: Principal, id: string, ifMatch: string | undefined, req: UpdateReportRequest): Promise<ReportView> {
    const pre = await this.visible(p, id);
    await this.access.assert(p, 'report.write', pre.agency_id, 'Report');
    await this.db.transaction(async () => {
      const [row] = await this.db.query<ReportRow[]>(`SELECT ${REPORT_COLUMNS} FROM periodic_reports WHERE id = $1 FOR UPDATE`, [id]);
      if (!ifMatch) throw Errors.preconditionRequired();
      if (!etagMatches(ifMatch, reportEtag(row))) throw Errors.preconditionFailed();
      if (row.state === 'submitted') throw Errors.conflict('report_not_editable', 'The report has been submitted; it changes only when a supervisor returns it.');
      const text = (v: string | null | undefined, old: string | null) => (v === undefined ? old : v === null || !v.trim() ? null : nfc(v).trim());
      const next = {
        results: text(req.results, row.results),
        difficulties: text(req.difficulties, row.difficulties),
        proposals: text(req.proposals, row.proposals),
        place: req.place === undefined ? row.place : nfc(req.place).trim(),
      };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const k of Object.keys(next) as (keyof typeof next)[]) if (next[k] !== row[k]) changes[k] = { from: row[k], to: next[k] };
      if (!Object.keys(changes).length) return;
      await this.db.query(
        `UPDATE periodic_reports SET results = $2, difficulties = $3, proposals = $4, place = $5, row_version = row_version + 1, updated_at = now() WHERE id = $1`,
        [id, next.results, next.difficulties, next.proposals, next.place],
      );
      await this.audit.record({ action: 'periodic_report.updated', entityType: 'periodic_report', entityId: id, agencyId: row.agency_id, changes });
    });
    return this.view((await this.find(id))!);
  }

  /**
   * POST /reports/{id}/submit: the head, or a deputy under an active delegation ("KT."), after the
   * password; the figures are computed and frozen with the texts in a new version, numbered
   * "NN/BC-…" in the agency's sequence of the year; late when the day (Vietnam) is after dueOn.
   */
  async submit(p: Principal, id: string, password: string): Promise<ReportView> {
    const pre = await this.visible(p, id);
    await this.access.assert(p, 'report.submit', pre.agency_id, 'Report');
    await this.approval.capacity(p, pre.agency_id);
    if (pre.state === 'submitted') throw Errors.conflict('report_not_editable', 'The report has already been submitted.');
    await this.auth.confirmPassword(p.id, password, 'periodic_report.submit', pre.agency_id);
    await this.db.transaction(async () => {
      const [row] = await this.db.query<ReportRow[]>(`SELECT ${REPORT_COLUMNS} FROM periodic_reports WHERE id = $1 FOR UPDATE`, [id]);
      if (row.state === 'submitted') throw Errors.conflict('report_not_editable', 'The report has already been submitted.');
      const at = new Date();
      const capacity = await this.approval.capacity(p, row.agency_id, { at });
      const figures = await this.figuresOf({ ...row, state: 'draft' });
      const late = vnDate(at) > row.due_on;
      const numberYear = Number(vnDate(at).slice(0, 4));
      await this.db.lock(`periodic-report-number:${row.agency_id}:${numberYear}`);
      const [{ next }] = await this.db.query<{ next: number }[]>(
        'SELECT coalesce(max(number), 0) + 1 AS next FROM periodic_report_versions WHERE agency_id = $1 AND number_year = $2',
        [row.agency_id, numberYear],
      );
      const agency = (await this.agencies.findById(row.agency_id))!;
      const person = await this.people.person(p.id);
      const signer = { fullName: person?.fullName ?? '', title: person?.title ?? null };
      const version = row.submission_count + 1;
      await this.db.query(
        `INSERT INTO periodic_report_versions (report_id, agency_id, version, state, figures, place, results, difficulties, proposals, number_year, number, symbol, late,
                                               submitted_at, submitted_by, signer_name, signer_title, capacity, delegation_id, on_behalf_of_name, on_behalf_of_title)
         VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
        [
          id, row.agency_id, version, JSON.stringify(figures), row.place ?? placeOf(agency.name), row.results, row.difficulties, row.proposals, numberYear, next,
          reportSymbol(agency), late, at, p.id, signer.fullName, signer.title, capacity.role,
          capacity.role === 'deputy' ? capacity.delegationId : null,
          capacity.role === 'deputy' ? capacity.onBehalfOf.fullName : null,
          capacity.role === 'deputy' ? capacity.onBehalfOf.title : null,
        ],
      );
      await this.db.query(
        `UPDATE periodic_reports SET state = 'submitted', submission_count = $2, late = $3, row_version = row_version + 1, updated_at = now() WHERE id = $1`,
        [id, version, late],
      );
      await this.audit.record({
        action: 'periodic_report.submitted',
        entityType: 'periodic_report',
        entityId: id,
        agencyId: row.agency_id,
        changes: { version, late, number: `${String(next).padStart(2, '0')}/${reportSymbol(agency)}`, capacity: capacity.role, figures },
      });
      await this.papers.request(REPORT_PAPER, id);
      await this.notifications.notify(await this.people.holdersOver(row.agency_id, 'supervisor'), {
        kind: 'periodic_report.submitted',
        title: `${agency.name} đã gửi báo cáo kỳ ${row.period}${late ? ' (quá hạn)' : ''}`,
        body: `Báo cáo tình hình duy trì, áp dụng HTQLCL kỳ ${row.period} của ${agency.name} đã được gửi${version > 1 ? ` lại (lần ${version})` : ''}.`,
        agencyId: row.agency_id,
        entityType: 'periodic_report',
        entityId: id,
      });
    });
    return this.view((await this.find(id))!);
  }

  /** POST /reports/{id}/return: a supervisor of the agency (or an ancestor) returns a submitted report with a comment. */
  async return(p: Principal, id: string, comment: string): Promise<ReportView> {
    const pre = await this.visible(p, id);
    await this.access.assert(p, 'supervision.manage', pre.agency_id, 'Report');
    const text = nfc(comment).trim();
    if (!text) throw Errors.validation([{ field: 'comment', message: 'must not be empty' }]);
    await this.db.transaction(async () => {
      const [row] = await this.db.query<ReportRow[]>(`SELECT ${REPORT_COLUMNS} FROM periodic_reports WHERE id = $1 FOR UPDATE`, [id]);
      if (row.state !== 'submitted') throw Errors.conflict('report_not_submitted', 'Only a submitted report can be returned.');
      await this.db.query(
        `UPDATE periodic_report_versions SET state = 'returned', returned_at = now(), returned_by = $3, return_comment = $4 WHERE report_id = $1 AND version = $2`,
        [id, row.submission_count, p.id, text],
      );
      await this.db.query(`UPDATE periodic_reports SET state = 'returned', row_version = row_version + 1, updated_at = now() WHERE id = $1`, [id]);
      await this.audit.record({ action: 'periodic_report.returned', entityType: 'periodic_report', entityId: id, agencyId: row.agency_id, changes: { version: row.submission_count, comment: text } });
      const [last] = await this.db.query<{ submitted_by: string }[]>('SELECT submitted_by FROM periodic_report_versions WHERE report_id = $1 AND version = $2', [id, row.submission_count]);
      await this.notifications.notify([...(await this.people.members(row.agency_id, ['head', 'deputy', 'iso_secretary'])), last.submitted_by], {
        kind: 'periodic_report.returned',
        title: `Báo cáo kỳ ${row.period} bị trả lại`,
        body: `Sở KH&CN trả lại báo cáo kỳ ${row.period}: ${text}`,
        agencyId: row.agency_id,
        entityType: 'periodic_report',
        entityId: id,
      });
    });
    return this.view((await this.find(id))!);
  }
}

function summaryOf(r: ReportRow): ReportSummaryView {
  return { id: r.id, agencyId: r.agency_id, period: r.period, kind: r.kind, dueOn: r.due_on, state: r.state, late: r.late, submissionCount: r.submission_count, updatedAt: r.updated_at.toISOString() };
}

function versionView(v: ReportVersionRow): ReportVersionView {
  return {
    version: v.version,
    state: v.state,
    number: `${String(v.number).padStart(2, '0')}/${v.symbol}`,
    figures: v.figures,
    place: v.place,
    results: v.results,
    difficulties: v.difficulties,
    proposals: v.proposals,
    late: v.late,
    submittedAt: v.submitted_at.toISOString(),
    submittedBy: v.submitted_by,
    signature: { fullName: v.signer_name, title: v.signer_title, capacity: v.capacity, onBehalfOfName: v.on_behalf_of_name, onBehalfOfTitle: v.on_behalf_of_title },
    returnedAt: v.returned_at?.toISOString() ?? null,
    returnedBy: v.returned_by,
    returnComment: v.return_comment,
  };
}
