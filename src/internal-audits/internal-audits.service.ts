import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Principal } from '../access/principal.js';
import { ApprovalRights, Exclusion } from '../approval/approval-rights.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors, FieldError } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { Database } from '../database/database.js';
import { formatDateShort } from '../common/vn-format.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { AuthService } from '../identity/auth.service.js';
import { peopleSql } from '../identity/people.js';
import { NonconformitiesService } from '../nonconformities/nonconformities.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RecordPapers } from '../record-papers/record-papers.service.js';
import { SignOffs } from '../workflow/sign-offs.service.js';
import { WorkflowPeople } from '../workflow/workflow-people.js';
import { AuditFinding, InternalAudit, InternalAuditAuditor } from './internal-audit.entities.js';
import { DEFAULT_AUDIT_CRITERIA, FINDING_KINDS, FindingKind } from './internal-audit-types.js';
import type {
  AddFindingRequest,
  AuditReportView,
  AuditYearSummary,
  CreateInternalAuditRequest,
  AuditFindingView,
  InternalAuditListQuery,
  InternalAuditView,
  ReportInternalAuditRequest,
  ApproveInternalAuditRequest,
} from './internal-audits.dto.js';

export const AUDIT_REPORT_PAPER = 'internal_audit.report';

/** The impartiality rule's name, as refusals print it. */
const IMPARTIALITY_RULE = 'ISO 9001:2015 §9.2.2 c: an auditor does not audit their own work';

function zeroCounts(): Record<FindingKind, number> {
  return Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
}

/**
 * Internal audits (ISO 9001 §9.2): plan (scope, criteria, dates, a team of auditors holding the
 * `auditor` role in the agency or an ancestor), approval by the head or a deputy "KT." with the
 * password, start and findings by the team (impartiality: never against a document whose effective
 * revision the auditor drafted, checked or approved), the report signed by the lead auditor, and
 * closing by itself when every nonconformity it opened is closed (the nonconformities' source
 * watcher, InternalAuditClosing). Every move is one transaction with its audit event.
 */
@Injectable()
export class InternalAuditsService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly approvalRights: ApprovalRights,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly nonconformities: NonconformitiesService,
    private readonly notifications: NotificationsService,
    private readonly revisions: RevisionsService,
    private readonly signOffs: SignOffs,
    private readonly people: WorkflowPeople,
    private readonly papers: RecordPapers,
    private readonly agencies: AgenciesService,
  ) {}

  // ------------------------------------------------------------------ the API of other modules

  /** The audits of the agency's year with their findings counted by kind (management review inputs). */
  async summaryForYear(agencyId: string, year: number): Promise<AuditYearSummary> {
    const audits = await this.db.query<{ id: string; title: string; state: InternalAudit['state']; planned_from: string; planned_to: string; reported_at: Date | null }[]>(
      `SELECT id, title, state, to_char(planned_from, 'YYYY-MM-DD') AS planned_from, to_char(planned_to, 'YYYY-MM-DD') AS planned_to, reported_at
         FROM internal_audits WHERE agency_id = $1 AND year = $2 ORDER BY planned_from, id`,
      [agencyId, year],
    );
    const counts = audits.length
      ? await this.db.query<{ audit_id: string; kind: FindingKind; n: number }[]>(
          'SELECT audit_id, kind, count(*)::int AS n FROM audit_findings WHERE audit_id = ANY($1::uuid[]) GROUP BY audit_id, kind',
          [audits.map((a) => a.id)],
        )
      : [];
    const total = zeroCounts();
    const items = [];
    for (const a of audits) {
      const findings = zeroCounts();
      for (const c of counts.filter((x) => x.audit_id === a.id)) {
        findings[c.kind] = c.n;
        total[c.kind] += c.n;
      }
      const ncs = await this.nonconformities.ofSource('internal_audit', a.id);
      items.push({
        id: a.id,
        title: a.title,
        state: a.state,
        plannedFrom: a.planned_from,
        plannedTo: a.planned_to,
        reportedAt: a.reported_at ? a.reported_at.toISOString() : null,
        findings,
        nonconformitiesOpen: ncs.filter((n) => n.state !== 'closed').length,
      });
    }
    return { year, audits: items, held: audits.filter((a) => ['in_progress', 'reported', 'closed'].includes(a.state)).length, findings: total };
  }

  /**
   * Called in the transaction that closed the last open nonconformity the audit opened: a
   * reported audit becomes closed (an audit still in progress closes when it is reported).
   */
  async closeIfDone(auditId: string, manager?: EntityManager): Promise<void> {
    await this.db.using(manager, () =>
      this.db.transaction(async () => {
        const a = await this.db.repo(InternalAudit).findOne({ where: { id: auditId }, lock: { mode: 'pessimistic_write' } });
        if (!a || a.state !== 'reported') return;
        const ncs = await this.nonconformities.ofSource('internal_audit', a.id);
        if (ncs.some((n) => n.state !== 'closed')) return;
        await this.db.query(`UPDATE internal_audits SET state = 'closed', closed_at = now(), updated_at = now() WHERE id = $1`, [a.id]);
        await this.audit.record({
          action: 'internal_audit.closed',
          entityType: 'internal_audit',
          entityId: a.id,
          agencyId: a.agencyId,
          changes: { state: { old: 'reported', new: 'closed' }, nonconformities: ncs.map((n) => n.code) },
        });
        await this.papers.request(AUDIT_REPORT_PAPER, a.id);
      }),
    );
  }

  // ------------------------------------------------------------------ HTTP operations

  async create(p: Principal, req: CreateInternalAuditRequest): Promise<InternalAuditView> {
    if (!(await this.access.agencyPath(req.agencyId))) throw Errors.notFound('Agency');
    await this.access.assert(p, 'internal_audit.plan', req.agencyId, 'Agency');
    if (req.plannedTo < req.plannedFrom) throw Errors.validation([{ field: 'plannedTo', message: 'must not be before plannedFrom' }]);
    const team = [req.leadAuditorId, ...req.auditorIds.filter((id) => id !== req.leadAuditorId)];
    if (new Set(team).size !== team.length) throw Errors.validation([{ field: 'auditorIds', message: 'must not repeat an auditor' }]);
    const errors: FieldError[] = [];
    for (const [i, userId] of team.entries()) {
      if (!(await this.access.userHoldsRole(userId, req.agencyId, 'auditor', { orAncestor: true }))) {
        errors.push({ field: i === 0 ? 'leadAuditorId' : `auditorIds[${req.auditorIds.indexOf(userId)}]`, message: 'does not hold the auditor role in the agency or an agency above it' });
      }
    }
    if (errors.length) throw Errors.ruleViolated('auditor_not_qualified', 'Every auditor must hold the auditor role in the agency or an agency above it.', errors);
    const documentIds = [...new Set(req.scope.documentIds ?? [])];
    for (const [i, documentId] of documentIds.entries()) {
      const doc = await this.revisions.findDocument(documentId);
      if (!doc || doc.agencyId !== req.agencyId) errors.push({ field: `scope.documentIds[${i}]`, message: 'is not a document of this agency' });
    }
    if (errors.length) throw Errors.ruleViolated('document_not_in_agency', 'The scope names documents of the agency\'s register only.', errors);
    return this.db.transaction(async () => {
      const scope = { units: req.scope.units ?? [], processes: req.scope.processes ?? [], documentIds };
      const [row] = await this.db.query<{ id: string }[]>(
        `INSERT INTO internal_audits (agency_id, year, title, scope, criteria, planned_from, planned_to, lead_auditor_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [req.agencyId, req.year, req.title, JSON.stringify(scope), req.criteria ?? DEFAULT_AUDIT_CRITERIA, req.plannedFrom, req.plannedTo, req.leadAuditorId, p.id],
      );
      for (const userId of team) {
        await this.db.query('INSERT INTO internal_audit_auditors (audit_id, user_id, lead) VALUES ($1, $2, $3)', [row.id, userId, userId === req.leadAuditorId]);
      }
      await this.audit.record({
        action: 'internal_audit.planned',
        entityType: 'internal_audit',
        entityId: row.id,
        agencyId: req.agencyId,
        changes: { year: req.year, title: req.title, scope, criteria: req.criteria ?? DEFAULT_AUDIT_CRITERIA, plannedFrom: req.plannedFrom, plannedTo: req.plannedTo, leadAuditorId: req.leadAuditorId, auditorIds: team },
      });
      await this.notifications.notify(await this.approvalRights.approvers(req.agencyId, { exclude: [p.id, ...team] }), {
        agencyId: req.agencyId,
        kind: 'internal_audit.to_approve',
        title: `Kế hoạch đánh giá nội bộ chờ phê duyệt: ${req.title}`,
        body: `Thời gian dự kiến ${formatDateShort(req.plannedFrom)} – ${formatDateShort(req.plannedTo)}.`,
        entityType: 'internal_audit',
        entityId: row.id,
      });
      return this.view((await this.db.repo(InternalAudit).findOneBy({ id: row.id }))!);
    });
  }

  async list(p: Principal, q: InternalAuditListQuery): Promise<Page<InternalAuditView>> {
    const limit = pageLimit(q);
    const scope = await this.access.scope(p, 'internal_audit.read');
    const params: unknown[] = [p.id];
    const where: string[] = [];
    const visible = scope.all ? 'true' : `a.agency_id = ANY($${params.push(scope.agencyIds)}::uuid[])`;
    where.push(`(${visible} OR EXISTS (SELECT 1 FROM internal_audit_auditors t WHERE t.audit_id = a.id AND t.user_id = $1))`);
    if (q.agencyId) where.push(`a.agency_id = $${params.push(q.agencyId)}`);
    if (q.year) where.push(`a.year = $${params.push(q.year)}`);
    if (q.state) where.push(`a.state = $${params.push(q.state)}`);
    const after = Cursor.decode(q.cursor, 2);
    if (after) where.push(`(a.created_at, a.id) < ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`);
    const rows = await this.db.query<{ id: string; created_at: Date }[]>(
      `SELECT a.id, a.created_at FROM internal_audits a WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const views = new Map<string, InternalAuditView>();
    for (const r of rows.slice(0, limit)) views.set(r.id, await this.view((await this.db.repo(InternalAudit).findOneBy({ id: r.id }))!));
    return toPage(rows, limit, (r) => [r.created_at.toISOString(), r.id], (r) => views.get(r.id)!);
  }

  async get(p: Principal, id: string): Promise<InternalAuditView> {
    return this.view(await this.readable(p, id));
  }

  /** The audit if the caller may read it (internal_audit.read on its agency, or on its team); 404/403 otherwise. */
  async readable(p: Principal, id: string): Promise<InternalAudit> {
    const a = await this.db.repo(InternalAudit).findOneBy({ id });
    if (!a) throw Errors.notFound('Internal audit');
    if ((await this.access.can(p, 'internal_audit.read', a.agencyId)) || (await this.onTeam(a.id, p.id))) return a;
    await this.access.assert(p, 'internal_audit.read', a.agencyId, 'Internal audit');
    return a;
  }

  /** POST /internal-audits/{id}/approve: head, or deputy "KT."; never its planner nor one of its auditors. */
  async approve(p: Principal, id: string, req: ApproveInternalAuditRequest): Promise<InternalAuditView> {
    const pre = await this.db.repo(InternalAudit).findOneBy({ id });
    if (!pre) throw Errors.notFound('Internal audit');
    await this.access.assert(p, 'internal_audit.approve', pre.agencyId, 'Internal audit');
    this.assertState(pre, 'planned');
    const exclusions = await this.approvalExclusions(pre);
    await this.approvalRights.capacity(p, pre.agencyId, { exclusions });
    await this.auth.confirmPassword(p.id, req.password, 'internal_audit.approve', pre.agencyId);
    return this.db.transaction(async () => {
      const a = await this.lock(id);
      this.assertState(a, 'planned');
      const at = new Date();
      const capacity = await this.approvalRights.capacity(p, a.agencyId, { at, exclusions: await this.approvalExclusions(a) });
      const signer = await this.people.signer(p.id);
      await this.db.query(
        `UPDATE internal_audits SET state = 'approved', approved_by = $2, approver_name = $3, approver_title = $4, approver_role = $5, delegation_id = $6,
                on_behalf_of_id = $7, on_behalf_of_name = $8, on_behalf_of_title = $9, approved_at = $10, updated_at = now()
          WHERE id = $1`,
        [
          a.id, p.id, signer.fullName, signer.title, capacity.role,
          capacity.role === 'deputy' ? capacity.delegationId : null,
          capacity.role === 'deputy' ? capacity.onBehalfOf.id : null,
          capacity.role === 'deputy' ? capacity.onBehalfOf.fullName : null,
          capacity.role === 'deputy' ? capacity.onBehalfOf.title : null,
          at,
        ],
      );
      await this.audit.record({
        action: 'internal_audit.approved',
        entityType: 'internal_audit',
        entityId: a.id,
        agencyId: a.agencyId,
        changes: { state: { old: 'planned', new: 'approved' }, role: capacity.role, ...(capacity.role === 'deputy' ? { delegationId: capacity.delegationId, onBehalfOf: capacity.onBehalfOf.id } : {}) },
      });
      const team = await this.team(a.id);
      await this.notifications.notify([a.createdBy, ...team.map((t) => t.userId)].filter((u) => u !== p.id), {
        agencyId: a.agencyId,
        kind: 'internal_audit.approved',
        title: `Kế hoạch đánh giá nội bộ đã được phê duyệt: ${a.title}`,
        body: `${capacity.role === 'deputy' ? 'KT. ' : ''}${signer.fullName} phê duyệt. Thời gian ${formatDateShort(a.plannedFrom)} – ${formatDateShort(a.plannedTo)}.`,
        entityType: 'internal_audit',
        entityId: a.id,
      });
      return this.view((await this.db.repo(InternalAudit).findOneBy({ id }))!);
    });
  }

  /** POST /internal-audits/{id}/start: the lead auditor; approved → in_progress. */
  async start(p: Principal, id: string): Promise<InternalAuditView> {
    return this.db.transaction(async () => {
      const a = await this.lock(id);
      await this.assertLead(p, a);
      if (a.state !== 'approved') throw Errors.conflict('audit_not_approved', `The audit is ${a.state}: only an audit whose plan is approved is started.`, { state: a.state });
      await this.db.query(`UPDATE internal_audits SET state = 'in_progress', started_at = now(), updated_at = now() WHERE id = $1`, [a.id]);
      await this.audit.record({ action: 'internal_audit.started', entityType: 'internal_audit', entityId: a.id, agencyId: a.agencyId, changes: { state: { old: 'approved', new: 'in_progress' } } });
      return this.view((await this.db.repo(InternalAudit).findOneBy({ id }))!);
    });
  }

  /** POST /internal-audits/{id}/findings: an auditor of the team while in progress; a nonconformity opens one. */
  async addFinding(p: Principal, id: string, req: AddFindingRequest): Promise<AuditFindingView> {
    return this.db.transaction(async () => {
      const a = await this.lock(id);
      if (!(await this.onTeam(a.id, p.id))) {
        await this.access.assert(p, 'internal_audit.read', a.agencyId, 'Internal audit');
        RequestContexts.noteRefusal({ outcome: 'forbidden', agencyId: a.agencyId, permission: 'internal_audit.read', entity: 'Internal audit' });
        throw Errors.forbidden('Only an auditor of this audit records its findings.', 'not_audit_team');
      }
      if (a.state !== 'in_progress') throw Errors.conflict('audit_not_in_progress', `The audit is ${a.state}: findings are recorded while it is in progress.`, { state: a.state });
      if (req.documentId) {
        const doc = await this.revisions.findDocument(req.documentId);
        if (!doc || doc.agencyId !== a.agencyId) {
          throw Errors.ruleViolated('document_not_in_agency', 'The document must be one of the audited agency\'s register.', [{ field: 'documentId', message: 'is not a document of this agency' }]);
        }
        const effective = await this.revisions.effectiveOf(doc.id);
        if (effective && (await this.signOffs.participantIds(effective)).includes(p.id)) {
          throw Errors.ruleViolated(
            'auditor_impartiality',
            `${IMPARTIALITY_RULE}: you drafted, checked or approved the effective revision of ${doc.code}; another auditor of the team records this finding.`,
            [{ field: 'documentId', message: `the auditor took part in the effective revision of ${doc.code}` }],
            { rule: 'auditor_impartiality', documentId: doc.id, documentCode: doc.code },
          );
        }
      }
      const [{ next }] = await this.db.query<{ next: number }[]>('SELECT coalesce(max(no), 0) + 1 AS next FROM audit_findings WHERE audit_id = $1', [a.id]);
      let nonconformityId: string | null = null;
      if (req.kind === 'nonconformity') {
        const nc = await this.nonconformities.open(
          {
            agencyId: a.agencyId,
            source: 'internal_audit',
            sourceRef: { kind: 'internal_audit', id: a.id },
            severity: req.severity ?? 'minor',
            description: req.description,
            clause: req.clause,
            documentId: req.documentId ?? null,
            createdBy: p.id,
          },
          this.db.manager,
        );
        nonconformityId = nc.id;
      }
      const signer = await this.people.signer(p.id);
      const [row] = await this.db.query<{ id: string }[]>(
        `INSERT INTO audit_findings (audit_id, agency_id, no, kind, clause, description, evidence, document_id, nonconformity_id, auditor_id, auditor_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [a.id, a.agencyId, next, req.kind, req.clause, req.description, req.evidence ?? null, req.documentId ?? null, nonconformityId, p.id, signer.fullName],
      );
      await this.db.query('UPDATE internal_audits SET updated_at = now() WHERE id = $1', [a.id]);
      await this.audit.record({
        action: 'internal_audit.finding_added',
        entityType: 'internal_audit',
        entityId: a.id,
        agencyId: a.agencyId,
        changes: { findingId: row.id, no: next, kind: req.kind, clause: req.clause, description: req.description, evidence: req.evidence ?? null, documentId: req.documentId ?? null, nonconformityId },
      });
      return (await this.findingViews(a.id)).find((f) => f.id === row.id)!;
    });
  }

  /** POST /internal-audits/{id}/report: the lead auditor signs (password); → reported, and closed at once when no nonconformity it opened is open. */
  async report(p: Principal, id: string, req: ReportInternalAuditRequest): Promise<InternalAuditView> {
    const pre = await this.db.repo(InternalAudit).findOneBy({ id });
    if (!pre) throw Errors.notFound('Internal audit');
    await this.assertLead(p, pre);
    if (pre.state !== 'in_progress') throw Errors.conflict('audit_not_in_progress', `The audit is ${pre.state}: only an audit in progress is reported.`, { state: pre.state });
    await this.assertReportable(pre, req);
    await this.auth.confirmPassword(p.id, req.password, 'internal_audit.report', pre.agencyId);
    return this.db.transaction(async () => {
      const a = await this.lock(id);
      if (a.state !== 'in_progress') throw Errors.conflict('audit_not_in_progress', `The audit is ${a.state}: only an audit in progress is reported.`, { state: a.state });
      await this.assertReportable(a, req);
      const signer = await this.people.signer(p.id);
      await this.db.query(
        `UPDATE internal_audits SET state = 'reported', summary = $2, conclusion = $3, reported_by = $4, reporter_name = $5, reporter_title = $6, reported_at = now(), updated_at = now() WHERE id = $1`,
        [a.id, req.summary, req.conclusion, p.id, signer.fullName, signer.title],
      );
      await this.audit.record({
        action: 'internal_audit.reported',
        entityType: 'internal_audit',
        entityId: a.id,
        agencyId: a.agencyId,
        changes: { state: { old: 'in_progress', new: 'reported' }, summary: req.summary, conclusion: req.conclusion, noFindings: !!req.noFindings },
      });
      await this.notifications.notify((await this.approvalRights.approvers(a.agencyId)).concat(await this.people.secretaries(a.agencyId)).filter((u) => u !== p.id), {
        agencyId: a.agencyId,
        kind: 'internal_audit.reported',
        title: `Báo cáo đánh giá nội bộ: ${a.title}`,
        body: req.conclusion.slice(0, 500),
        entityType: 'internal_audit',
        entityId: a.id,
      });
      await this.papers.request(AUDIT_REPORT_PAPER, a.id);
      await this.closeIfDone(a.id);
      return this.view((await this.db.repo(InternalAudit).findOneBy({ id }))!);
    });
  }

  /** GET /internal-audits/{id}/report (JSON): the audit, its agency, findings counted by kind, and the PDF's status. */
  async reportView(a: InternalAudit): Promise<AuditReportView> {
    const audit = await this.view(a);
    const counts = zeroCounts();
    for (const f of audit.findings) counts[f.kind] += 1;
    const agency = await this.agencies.findById(a.agencyId);
    return { audit, agencyName: agency?.name ?? '', counts, pdf: await this.papers.status(AUDIT_REPORT_PAPER, a.id) };
  }

  // ------------------------------------------------------------------ helpers

  private async assertReportable(a: InternalAudit, req: ReportInternalAuditRequest): Promise<void> {
    const [{ n }] = await this.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM audit_findings WHERE audit_id = $1', [a.id]);
    if (n === 0 && !req.noFindings) {
      throw Errors.ruleViolated('audit_report_empty', 'The report needs at least one finding, or a conclusion stating that the audit found nothing (noFindings: true).', [
        { field: 'noFindings', message: 'must be true to report an audit without findings' },
      ]);
    }
    if (n > 0 && req.noFindings) throw Errors.validation([{ field: 'noFindings', message: 'cannot be true: the audit has findings' }]);
  }

  private async approvalExclusions(a: InternalAudit): Promise<Exclusion[]> {
    const team = await this.team(a.id);
    return [
      { userId: a.createdBy, reason: 'planner', detail: 'Whoever planned an internal audit cannot approve its plan.' },
      ...team.map((t) => ({ userId: t.userId, reason: 'auditor', detail: 'An auditor of the audit cannot approve its plan.' })),
    ];
  }

  private async assertLead(p: Principal, a: InternalAudit): Promise<void> {
    if (a.leadAuditorId === p.id) return;
    if (!(await this.onTeam(a.id, p.id))) await this.access.assert(p, 'internal_audit.read', a.agencyId, 'Internal audit');
    RequestContexts.noteRefusal({ outcome: 'forbidden', agencyId: a.agencyId, permission: 'internal_audit.read', entity: 'Internal audit' });
    throw Errors.forbidden('Only the lead auditor of this audit may do this.', 'not_lead_auditor');
  }

  private assertState(a: InternalAudit, state: 'planned'): void {
    if (a.state !== state) throw Errors.conflict('audit_not_planned', `The audit is ${a.state}: only a planned audit is approved.`, { state: a.state });
  }

  private async onTeam(auditId: string, userId: string): Promise<boolean> {
    return (await this.db.repo(InternalAuditAuditor).countBy({ auditId, userId })) > 0;
  }

  private async team(auditId: string): Promise<{ userId: string; fullName: string; title: string | null; lead: boolean }[]> {
    const rows = await this.db.query<{ user_id: string; full_name: string; title: string | null; lead: boolean }[]>(
      `SELECT x.user_id, u.full_name, u.title, x.lead FROM internal_audit_auditors x JOIN (${peopleSql()}) u ON u.id = x.user_id WHERE x.audit_id = $1 ORDER BY x.lead DESC, u.full_name, x.user_id`,
      [auditId],
    );
    return rows.map((r) => ({ userId: r.user_id, fullName: r.full_name, title: r.title, lead: r.lead }));
  }

  private async lock(id: string): Promise<InternalAudit> {
    const a = await this.db.repo(InternalAudit).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!a) throw Errors.notFound('Internal audit');
    return a;
  }

  async findingViews(auditId: string): Promise<AuditFindingView[]> {
    const rows = await this.db.repo(AuditFinding).find({ where: { auditId }, order: { no: 'ASC' } });
    const ncs = new Map((await this.nonconformities.ofSource('internal_audit', auditId)).map((n) => [n.id, n]));
    return rows.map((f) => ({
      id: f.id,
      no: f.no,
      kind: f.kind,
      clause: f.clause,
      description: f.description,
      evidence: f.evidence,
      documentId: f.documentId,
      nonconformityId: f.nonconformityId,
      nonconformityCode: f.nonconformityId ? (ncs.get(f.nonconformityId)?.code ?? null) : null,
      nonconformityState: f.nonconformityId ? (ncs.get(f.nonconformityId)?.state ?? null) : null,
      auditorId: f.auditorId,
      auditorName: f.auditorName,
      createdAt: f.createdAt.toISOString(),
    }));
  }

  async view(a: InternalAudit): Promise<InternalAuditView> {
    return {
      id: a.id,
      agencyId: a.agencyId,
      year: a.year,
      title: a.title,
      scope: { units: a.scope.units ?? [], processes: a.scope.processes ?? [], documentIds: a.scope.documentIds ?? [] },
      criteria: a.criteria,
      plannedFrom: a.plannedFrom,
      plannedTo: a.plannedTo,
      leadAuditorId: a.leadAuditorId,
      auditors: await this.team(a.id),
      state: a.state,
      findings: await this.findingViews(a.id),
      approval: a.approvedAt
        ? { userId: a.approvedBy!, fullName: a.approverName!, title: a.approverTitle, role: a.approverRole!, onBehalfOfName: a.onBehalfOfName, at: a.approvedAt.toISOString() }
        : null,
      startedAt: a.startedAt ? a.startedAt.toISOString() : null,
      summary: a.summary,
      conclusion: a.conclusion,
      report: a.reportedAt ? { userId: a.reportedBy!, fullName: a.reporterName!, title: a.reporterTitle, at: a.reportedAt.toISOString() } : null,
      closedAt: a.closedAt ? a.closedAt.toISOString() : null,
      createdBy: a.createdBy,
      createdAt: a.createdAt.toISOString(),
    };
  }
}
