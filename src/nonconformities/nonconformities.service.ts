import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { Errors, FieldError } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { Database } from '../database/database.js';
import { formatDateShort } from '../common/vn-format.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { AuthService } from '../identity/auth.service.js';
import { activeMembershipsSql, People } from '../identity/people.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { etagListMatches } from '../storage/http-files.js';
import { WorkflowPeople } from '../workflow/workflow-people.js';
import { isIsoClause } from './iso-clauses.js';
import { CorrectiveAction, Nonconformity, NonconformityVerification } from './nonconformity.entities.js';
import { NonconformitySourceWatchers } from './nonconformity-sources.js';
import {
  NONCONFORMITY_SEVERITIES,
  NONCONFORMITY_SOURCES,
  NonconformitySeverity,
  NonconformitySource,
  nonconformityCode,
} from './nonconformity-types.js';
import type {
  AddCorrectiveActionRequest,
  CompleteCorrectiveActionRequest,
  CorrectiveActionView,
  CreateNonconformityRequest,
  NonconformityListQuery,
  NonconformitySummary,
  NonconformityView,
  UpdateNonconformityRequest,
  VerificationView,
  VerifyNonconformityRequest,
} from './nonconformities.dto.js';

/** What another module gives to open a nonconformity (an audit finding, an inspection finding...). */
export interface OpenNonconformityInput {
  agencyId: string;
  source: NonconformitySource;
  /** The object of the calling module that raised it; its watcher is told when all of its nonconformities are closed. */
  sourceRef?: { kind: string; id: string } | null;
  severity: NonconformitySeverity;
  description: string;
  /** An ISO 9001:2015 clause (4.1 … 10.3). */
  clause?: string | null;
  /** A document of the agency's register concerned by it. */
  documentId?: string | null;
  createdBy: string;
}

/** "Today" in Vietnam, in SQL: an action is overdue from the day after its due date. */
export const VN_TODAY_SQL = `(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;

const NC_FIELDS: (keyof Nonconformity)[] = ['correction', 'rootCause'];

export function nonconformityEtag(nc: Pick<Nonconformity, 'id' | 'version'>): string {
  return `"${nc.id}:${nc.version}"`;
}

/**
 * Nonconformities and their corrective actions (ISO 9001 §10.2): open (from any source, also
 * inside another module's transaction), correction and root cause, actions with a responsible
 * member and a due date (an action naming a document completes only once a revision of it
 * approved after the action was raised is effective), verification of effectiveness by an auditor
 * or ISO secretary responsible for none of the actions, closing (the source's watcher is told when
 * the last nonconformity of its object closes). Every change is an audit event of the same transaction.
 */
@Injectable()
export class NonconformitiesService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly notifications: NotificationsService,
    private readonly revisions: RevisionsService,
    private readonly people: WorkflowPeople,
    private readonly watchers: NonconformitySourceWatchers,
    private readonly directory: People,
  ) {}

  // ------------------------------------------------------------------ the API of other modules

  /**
   * Opens a nonconformity (state `open`), with its audit event and the secretaries' notice. With
   * `manager` (or inside a Database transaction) it joins the caller's transaction; otherwise it
   * runs in its own. Bad input is a DomainError: 400 naming the field, 422 for a document that is
   * not the agency's.
   */
  async open(input: OpenNonconformityInput, manager?: EntityManager): Promise<Nonconformity> {
    const errors: FieldError[] = [];
    if (!NONCONFORMITY_SOURCES.includes(input.source)) errors.push({ field: 'source', message: `must be one of ${NONCONFORMITY_SOURCES.join(', ')}` });
    if (!NONCONFORMITY_SEVERITIES.includes(input.severity)) errors.push({ field: 'severity', message: 'must be major or minor' });
    const description = typeof input.description === 'string' ? input.description.normalize('NFC').trim() : '';
    if (!description || description.length > 8000) errors.push({ field: 'description', message: 'must be a text of 1 to 8000 characters' });
    if (input.clause != null && !isIsoClause(input.clause)) errors.push({ field: 'clause', message: 'must be a clause of ISO 9001:2015 (4.1 … 10.3)' });
    const ref = input.sourceRef ?? null;
    if (ref && (typeof ref.kind !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(ref.kind) || typeof ref.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(ref.id))) {
      errors.push({ field: 'sourceRef', message: 'must be {kind: snake_case name, id: uuid}' });
    }
    if (errors.length) throw Errors.validation(errors);
    return this.db.using(manager, () =>
      this.db.transaction(async () => {
        if (input.documentId) await this.assertAgencyDocument(input.agencyId, input.documentId, 'documentId');
        await this.db.lock(`nonconformity-number:${input.agencyId}`);
        const [{ next }] = await this.db.query<{ next: number }[]>('SELECT coalesce(max(number), 0) + 1 AS next FROM nonconformities WHERE agency_id = $1', [input.agencyId]);
        const [row] = await this.db.query<{ id: string }[]>(
          `INSERT INTO nonconformities (agency_id, number, source, source_kind, source_id, severity, description, clause, document_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
          [input.agencyId, next, input.source, ref?.kind ?? null, ref?.id ?? null, input.severity, description, input.clause ?? null, input.documentId ?? null, input.createdBy],
        );
        const nc = (await this.db.repo(Nonconformity).findOneBy({ id: row.id }))!;
        await this.audit.record({
          action: 'nonconformity.opened',
          entityType: 'nonconformity',
          entityId: nc.id,
          agencyId: nc.agencyId,
          changes: { number: nc.number, source: nc.source, sourceRef: ref, severity: nc.severity, description: nc.description, clause: nc.clause, documentId: nc.documentId },
        });
        await this.notifications.notify(
          (await this.people.secretaries(nc.agencyId)).filter((id) => id !== input.createdBy),
          { agencyId: nc.agencyId, kind: 'nonconformity.opened', title: `Điểm không phù hợp mới ${nonconformityCode(nc.number)}`, body: description.slice(0, 500), entityType: 'nonconformity', entityId: nc.id },
        );
        return nc;
      }),
    );
  }

  /** Counts for the management review and reports: open at `to`, of those overdue now, closed in [from, to). */
  async summary(agencyId: string, period: { from: Date; to: Date }): Promise<NonconformitySummary> {
    const rows = await this.db.query<{ id: string; number: number; source: NonconformitySource; severity: NonconformitySeverity; description: string; state: string; created_at: Date; closed_at: Date | null; overdue: boolean }[]>(
      `SELECT n.id, n.number, n.source, n.severity, n.description, n.state, n.created_at, n.closed_at,
              (n.state <> 'closed' AND EXISTS (SELECT 1 FROM corrective_actions a WHERE a.nonconformity_id = n.id AND a.state = 'open' AND a.due_on < ${VN_TODAY_SQL})) AS overdue
         FROM nonconformities n
        WHERE n.agency_id = $1 AND n.created_at < $3 AND (n.closed_at IS NULL OR n.closed_at >= $2)
        ORDER BY n.number`,
      [agencyId, period.from, period.to],
    );
    const open = rows.filter((r) => !r.closed_at || r.closed_at >= period.to);
    const closed = rows.filter((r) => r.closed_at && r.closed_at < period.to);
    const bySource = Object.fromEntries(NONCONFORMITY_SOURCES.map((s) => [s, rows.filter((r) => r.source === s).length])) as Record<NonconformitySource, number>;
    return {
      open: open.length,
      overdue: open.filter((r) => r.overdue).length,
      closed: closed.length,
      bySource,
      items: rows.map((r) => ({
        id: r.id,
        code: nonconformityCode(r.number),
        source: r.source,
        severity: r.severity,
        description: r.description,
        state: r.state as NonconformityView['state'],
        overdue: r.overdue,
        openedAt: r.created_at.toISOString(),
        closedAt: r.closed_at ? r.closed_at.toISOString() : null,
      })),
    };
  }

  /** The nonconformities of one source object (e.g. an audit's), with their states. */
  async ofSource(source: NonconformitySource, sourceId: string): Promise<{ id: string; code: string; state: string }[]> {
    const rows = await this.db.query<{ id: string; number: number; state: string }[]>(
      'SELECT id, number, state FROM nonconformities WHERE source = $1 AND source_id = $2 ORDER BY number',
      [source, sourceId],
    );
    return rows.map((r) => ({ id: r.id, code: nonconformityCode(r.number), state: r.state }));
  }

  // ------------------------------------------------------------------ HTTP operations

  async create(p: Principal, req: CreateNonconformityRequest): Promise<NonconformityView> {
    await this.assertAgencyExists(req.agencyId);
    await this.access.assert(p, 'nonconformity.write', req.agencyId, 'Agency');
    const nc = await this.open({ agencyId: req.agencyId, source: req.source, severity: req.severity, description: req.description, clause: req.clause ?? null, documentId: req.documentId ?? null, createdBy: p.id });
    return this.view(nc);
  }

  async list(p: Principal, q: NonconformityListQuery): Promise<Page<NonconformityView>> {
    const limit = pageLimit(q);
    const scope = await this.access.scope(p, 'nonconformity.read');
    const params: unknown[] = [p.id];
    const where: string[] = [];
    const visible = scope.all ? 'true' : `n.agency_id = ANY($${params.push(scope.agencyIds)}::uuid[])`;
    where.push(`(${visible} OR EXISTS (SELECT 1 FROM corrective_actions r WHERE r.nonconformity_id = n.id AND r.responsible_user_id = $1))`);
    if (q.agencyId) where.push(`n.agency_id = $${params.push(q.agencyId)}`);
    if (q.state) where.push(`n.state = $${params.push(q.state)}`);
    if (q.source) where.push(`n.source = $${params.push(q.source)}`);
    if (q.severity) where.push(`n.severity = $${params.push(q.severity)}`);
    if (q.documentId) {
      const i = params.push(q.documentId);
      where.push(`(n.document_id = $${i} OR EXISTS (SELECT 1 FROM corrective_actions d WHERE d.nonconformity_id = n.id AND d.document_id = $${i}))`);
    }
    if (q.overdue === 'true') where.push(`n.state <> 'closed' AND EXISTS (SELECT 1 FROM corrective_actions o WHERE o.nonconformity_id = n.id AND o.state = 'open' AND o.due_on < ${VN_TODAY_SQL})`);
    if (q.overdue === 'false') where.push(`NOT EXISTS (SELECT 1 FROM corrective_actions o WHERE o.nonconformity_id = n.id AND o.state = 'open' AND o.due_on < ${VN_TODAY_SQL})`);
    const after = Cursor.decode(q.cursor, 2);
    if (after) where.push(`(n.created_at, n.id) < ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`);
    const rows = await this.db.query<{ id: string; created_at: Date }[]>(
      `SELECT n.id, n.created_at FROM nonconformities n WHERE ${where.join(' AND ')} ORDER BY n.created_at DESC, n.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const ncs = rows.length ? await this.db.repo(Nonconformity).findBy({ id: In(rows.map((r) => r.id)) }) : [];
    const byId = new Map(ncs.map((n) => [n.id, n]));
    const views = await this.views(rows.slice(0, limit).map((r) => byId.get(r.id)!));
    const viewById = new Map(views.map((v) => [v.id, v]));
    return toPage(rows, limit, (r) => [r.created_at.toISOString(), r.id], (r) => viewById.get(r.id)!);
  }

  async get(p: Principal, id: string): Promise<NonconformityView> {
    const nc = await this.readable(p, id);
    return this.view(nc);
  }

  /** PATCH: correction and root cause, with If-Match, until closed. */
  async update(p: Principal, id: string, ifMatch: string | undefined, req: UpdateNonconformityRequest): Promise<NonconformityView> {
    return this.db.transaction(async () => {
      const nc = await this.lock(id);
      await this.access.assert(p, 'nonconformity.write', nc.agencyId, 'Nonconformity');
      if (!ifMatch) throw Errors.preconditionRequired();
      if (!etagListMatches(ifMatch, nonconformityEtag(nc))) throw Errors.preconditionFailed();
      this.assertNotClosed(nc);
      const after = { ...nc };
      if (req.correction !== undefined) after.correction = req.correction ?? null;
      if (req.rootCause !== undefined) {
        if (req.rootCause === null && nc.state !== 'open') {
          throw Errors.ruleViolated('root_cause_required', 'The root cause cannot be removed once corrective actions are planned.', [{ field: 'rootCause', message: 'is required once actions are planned' }]);
        }
        after.rootCause = req.rootCause ?? null;
      }
      const changes = diffFields(nc, after, NC_FIELDS);
      if (!Object.keys(changes).length) return this.view(nc);
      await this.db.query('UPDATE nonconformities SET correction = $2, root_cause = $3, version = version + 1, updated_at = now() WHERE id = $1', [nc.id, after.correction, after.rootCause]);
      await this.audit.record({ action: 'nonconformity.updated', entityType: 'nonconformity', entityId: nc.id, agencyId: nc.agencyId, changes });
      return this.view((await this.db.repo(Nonconformity).findOneBy({ id }))!);
    });
  }

  /** POST /nonconformities/{id}/actions: needs the root cause; → action_planned. */
  async addAction(p: Principal, id: string, req: AddCorrectiveActionRequest): Promise<CorrectiveActionView> {
    return this.db.transaction(async () => {
      const nc = await this.lock(id);
      await this.access.assert(p, 'nonconformity.write', nc.agencyId, 'Nonconformity');
      this.assertNotClosed(nc);
      if (!nc.rootCause) {
        throw Errors.ruleViolated('root_cause_required', 'State the root cause of the nonconformity before planning a corrective action (ISO 9001 §10.2.1 b).', [
          { field: 'rootCause', message: 'is required before any corrective action is planned' },
        ]);
      }
      if (!(await this.access.isMember(req.responsibleUserId, nc.agencyId))) {
        throw Errors.ruleViolated('responsible_not_member', 'The responsible person must be an active member of the agency.', [{ field: 'responsibleUserId', message: 'is not an active member of the agency' }]);
      }
      const [{ past }] = await this.db.query<{ past: boolean }[]>(`SELECT $1::date < ${VN_TODAY_SQL} AS past`, [req.dueOn]);
      if (past) throw Errors.ruleViolated('due_date_past', 'The due date of a new corrective action cannot be in the past.', [{ field: 'dueOn', message: 'is before today' }]);
      if (req.documentId) await this.assertAgencyDocument(nc.agencyId, req.documentId, 'documentId');
      const [row] = await this.db.query<{ id: string }[]>(
        `INSERT INTO corrective_actions (nonconformity_id, agency_id, description, responsible_user_id, due_on, document_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [nc.id, nc.agencyId, req.description, req.responsibleUserId, req.dueOn, req.documentId ?? null, p.id],
      );
      const action = (await this.db.repo(CorrectiveAction).findOneBy({ id: row.id }))!;
      await this.audit.record({
        action: 'corrective_action.planned',
        entityType: 'corrective_action',
        entityId: action.id,
        agencyId: nc.agencyId,
        changes: { nonconformityId: nc.id, description: action.description, responsibleUserId: action.responsibleUserId, dueOn: action.dueOn, documentId: action.documentId },
      });
      if (nc.state !== 'action_planned') await this.moveTo(nc, 'action_planned', {});
      else await this.db.query('UPDATE nonconformities SET version = version + 1, updated_at = now() WHERE id = $1', [nc.id]);
      if (req.responsibleUserId !== p.id) {
        await this.notifications.notify([req.responsibleUserId], {
          agencyId: nc.agencyId,
          kind: 'corrective_action.assigned',
          title: `Hành động khắc phục cho ${nonconformityCode(nc.number)}, hạn ${formatDateShort(action.dueOn)}`,
          body: action.description.slice(0, 500),
          entityType: 'nonconformity',
          entityId: nc.id,
        });
      }
      return this.actionView(action, await this.names([action.responsibleUserId]));
    });
  }

  /** POST /corrective-actions/{id}/complete: the responsible user; a document-linked action needs its revision in effect. */
  async completeAction(p: Principal, actionId: string, req: CompleteCorrectiveActionRequest): Promise<NonconformityView> {
    return this.db.transaction(async () => {
      const head = await this.db.repo(CorrectiveAction).findOneBy({ id: actionId });
      if (!head) throw Errors.notFound('Corrective action');
      const nc = await this.lock(head.nonconformityId);
      const action = (await this.db.repo(CorrectiveAction).findOne({ where: { id: actionId }, lock: { mode: 'pessimistic_write' } }))!;
      if (action.responsibleUserId !== p.id) {
        await this.access.assert(p, 'nonconformity.read', nc.agencyId, 'Corrective action');
        RequestContexts.noteRefusal({ outcome: 'forbidden', agencyId: nc.agencyId, permission: 'nonconformity.write', entity: 'Corrective action' });
        throw Errors.forbidden('Only the person responsible for the corrective action records its completion.', 'not_action_responsible');
      }
      if (action.state === 'complete') throw Errors.conflict('action_complete', 'The corrective action is already complete.');
      this.assertNotClosed(nc);
      let revisionId: string | null = null;
      if (action.documentId) {
        const document = await this.revisions.findDocument(action.documentId);
        const effective = await this.revisions.effectiveOf(action.documentId);
        if (!effective || !effective.approvedAt || effective.approvedAt <= action.createdAt) {
          const code = document?.code ?? action.documentId;
          throw Errors.ruleViolated(
            'action_document_not_revised',
            `The corrective action changes document ${code}: it completes only once a revision of ${code} approved after the action was raised is effective.`,
            [{ field: 'documentId', message: `${code} has no effective revision approved after ${action.createdAt.toISOString()}` }],
            { documentId: action.documentId, documentCode: document?.code ?? null },
          );
        }
        revisionId = effective.id;
      }
      await this.db.query(
        `UPDATE corrective_actions SET state = 'complete', evidence = $2, completed_at = now(), completed_by = $3, completed_revision_id = $4 WHERE id = $1`,
        [action.id, req.evidence, p.id, revisionId],
      );
      await this.audit.record({
        action: 'corrective_action.completed',
        entityType: 'corrective_action',
        entityId: action.id,
        agencyId: nc.agencyId,
        changes: { nonconformityId: nc.id, evidence: req.evidence, revisionId, state: { old: 'open', new: 'complete' } },
      });
      const [{ open }] = await this.db.query<{ open: number }[]>(`SELECT count(*)::int AS open FROM corrective_actions WHERE nonconformity_id = $1 AND state = 'open'`, [nc.id]);
      if (open === 0) {
        await this.moveTo(nc, 'awaiting_verification', {});
        const verifiers = await this.verifierCandidates(nc);
        await this.notifications.notify(verifiers, {
          agencyId: nc.agencyId,
          kind: 'nonconformity.awaiting_verification',
          title: `${nonconformityCode(nc.number)} chờ xác nhận hiệu lực của hành động khắc phục`,
          body: nc.description.slice(0, 500),
          entityType: 'nonconformity',
          entityId: nc.id,
        });
      } else {
        await this.db.query('UPDATE nonconformities SET version = version + 1, updated_at = now() WHERE id = $1', [nc.id]);
      }
      return this.view((await this.db.repo(Nonconformity).findOneBy({ id: nc.id }))!);
    });
  }

  /** POST /nonconformities/{id}/verify: an auditor or ISO secretary responsible for none of the actions, with the password. */
  async verify(p: Principal, id: string, req: VerifyNonconformityRequest): Promise<NonconformityView> {
    const pre = await this.db.repo(Nonconformity).findOneBy({ id });
    if (!pre) throw Errors.notFound('Nonconformity');
    await this.assertMayVerify(p, pre);
    await this.auth.confirmPassword(p.id, req.password, 'nonconformity.verify', pre.agencyId);
    return this.db.transaction(async () => {
      const nc = await this.lock(id);
      await this.assertMayVerify(p, nc);
      const signer = await this.people.signer(p.id);
      await this.db.query(
        `INSERT INTO nonconformity_verifications (nonconformity_id, agency_id, effective, comment, verified_by, verifier_name, verifier_title) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [nc.id, nc.agencyId, req.effective, req.comment, p.id, signer.fullName, signer.title],
      );
      if (req.effective) {
        await this.moveTo(nc, 'closed', { actorId: p.id, comment: req.comment, effective: true });
        if (nc.sourceKind && nc.sourceId) {
          const [{ left }] = await this.db.query<{ left: number }[]>(
            `SELECT count(*)::int AS left FROM nonconformities WHERE source = $1 AND source_id = $2 AND state <> 'closed'`,
            [nc.source, nc.sourceId],
          );
          if (left === 0) await this.watchers.watcherOf(nc.source)?.onSourceClosed(nc.sourceId, this.db.manager);
        }
      } else {
        await this.moveTo(nc, 'action_planned', { comment: req.comment, effective: false });
        const responsible = await this.db.query<{ responsible_user_id: string }[]>('SELECT DISTINCT responsible_user_id FROM corrective_actions WHERE nonconformity_id = $1', [nc.id]);
        await this.notifications.notify([...responsible.map((r) => r.responsible_user_id), ...(await this.people.secretaries(nc.agencyId))].filter((u) => u !== p.id), {
          agencyId: nc.agencyId,
          kind: 'nonconformity.not_effective',
          title: `Hành động khắc phục ${nonconformityCode(nc.number)} chưa hiệu quả`,
          body: req.comment.slice(0, 500),
          entityType: 'nonconformity',
          entityId: nc.id,
        });
      }
      return this.view((await this.db.repo(Nonconformity).findOneBy({ id: nc.id }))!);
    });
  }

  // ------------------------------------------------------------------ helpers

  private async assertMayVerify(p: Principal, nc: Nonconformity): Promise<void> {
    await this.access.assert(p, 'nonconformity.verify', nc.agencyId, 'Nonconformity');
    if (nc.state !== 'awaiting_verification') {
      throw Errors.conflict('nonconformity_not_awaiting_verification', `The nonconformity is ${nc.state}: only one whose actions are all complete is verified.`, { state: nc.state });
    }
    const [{ responsible }] = await this.db.query<{ responsible: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM corrective_actions WHERE nonconformity_id = $1 AND responsible_user_id = $2) AS responsible',
      [nc.id, p.id],
    );
    if (responsible) throw Errors.forbidden('Whoever is responsible for one of its corrective actions cannot verify their effectiveness.', 'separation_of_duties');
  }

  /** Auditors and ISO secretaries of the agency responsible for none of the actions. */
  private async verifierCandidates(nc: Nonconformity): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(
      `SELECT m.user_id FROM (${activeMembershipsSql()}) m
        WHERE m.agency_id = $1 AND m.roles && ARRAY['auditor', 'iso_secretary']
          AND NOT EXISTS (SELECT 1 FROM corrective_actions a WHERE a.nonconformity_id = $2 AND a.responsible_user_id = m.user_id)`,
      [nc.agencyId, nc.id],
    );
    return rows.map((r) => r.user_id);
  }

  private async moveTo(nc: Nonconformity, state: Nonconformity['state'], note: { actorId?: string; comment?: string; effective?: boolean }): Promise<void> {
    const { actorId: _actor, ...extra } = note;
    void _actor;
    const closing = state === 'closed';
    await this.db.query(
      `UPDATE nonconformities SET state = $2, version = version + 1, updated_at = now(),
              closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE NULL END, closed_by = CASE WHEN $2 = 'closed' THEN $3::uuid ELSE NULL END
        WHERE id = $1`,
      [nc.id, state, closing ? (note.actorId ?? null) : null],
    );
    await this.audit.record({ action: `nonconformity.${state}`, entityType: 'nonconformity', entityId: nc.id, agencyId: nc.agencyId, changes: { state: { old: nc.state, new: state }, ...extra } });
    nc.state = state;
  }

  private assertNotClosed(nc: Nonconformity): void {
    if (nc.state === 'closed') throw Errors.conflict('nonconformity_closed', 'The nonconformity is closed; it and its actions can no longer change.');
  }

  private async lock(id: string): Promise<Nonconformity> {
    const nc = await this.db.repo(Nonconformity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!nc) throw Errors.notFound('Nonconformity');
    return nc;
  }

  /** The caller reads it through nonconformity.read on its agency, or as the person responsible for one of its actions. */
  private async readable(p: Principal, id: string): Promise<Nonconformity> {
    const nc = await this.db.repo(Nonconformity).findOneBy({ id });
    if (!nc) throw Errors.notFound('Nonconformity');
    if (await this.access.can(p, 'nonconformity.read', nc.agencyId)) return nc;
    const [{ responsible }] = await this.db.query<{ responsible: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM corrective_actions WHERE nonconformity_id = $1 AND responsible_user_id = $2) AS responsible',
      [nc.id, p.id],
    );
    if (responsible) return nc;
    await this.access.assert(p, 'nonconformity.read', nc.agencyId, 'Nonconformity');
    return nc;
  }

  private async assertAgencyExists(agencyId: string): Promise<void> {
    if (!(await this.access.agencyPath(agencyId))) throw Errors.notFound('Agency');
  }

  private async assertAgencyDocument(agencyId: string, documentId: string, field: string): Promise<void> {
    const doc = await this.revisions.findDocument(documentId);
    if (!doc || doc.agencyId !== agencyId) {
      throw Errors.ruleViolated('document_not_in_agency', 'The document must be one of the agency\'s register.', [{ field, message: 'is not a document of this agency' }]);
    }
  }

  private async names(ids: string[]): Promise<Map<string, string>> {
    const persons = await this.directory.persons(ids);
    return new Map([...persons.values()].map((u) => [u.id, u.fullName]));
  }

  private actionView(a: CorrectiveAction, names: Map<string, string>, overdue?: boolean): CorrectiveActionView {
    return {
      id: a.id,
      nonconformityId: a.nonconformityId,
      description: a.description,
      responsibleUserId: a.responsibleUserId,
      responsibleName: names.get(a.responsibleUserId) ?? null,
      dueOn: a.dueOn,
      documentId: a.documentId,
      state: a.state,
      overdue: overdue ?? false,
      evidence: a.evidence,
      completedAt: a.completedAt ? a.completedAt.toISOString() : null,
      completedBy: a.completedBy,
      completedRevisionId: a.completedRevisionId,
      createdAt: a.createdAt.toISOString(),
    };
  }

  async view(nc: Nonconformity): Promise<NonconformityView> {
    return (await this.views([nc]))[0];
  }

  private async views(ncs: Nonconformity[]): Promise<NonconformityView[]> {
    if (!ncs.length) return [];
    const ids = ncs.map((n) => n.id);
    const actions = await this.db.query<{ id: string; overdue: boolean }[]>(
      `SELECT id, (state = 'open' AND due_on < ${VN_TODAY_SQL}) AS overdue FROM corrective_actions WHERE nonconformity_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [ids],
    );
    const actionRows = actions.length ? await this.db.repo(CorrectiveAction).findBy({ id: In(actions.map((a) => a.id)) }) : [];
    const actionById = new Map(actionRows.map((a) => [a.id, a]));
    const verifications = await this.db.repo(NonconformityVerification).find({ where: ids.map((nonconformityId) => ({ nonconformityId })), order: { verifiedAt: 'ASC', id: 'ASC' } });
    const names = await this.names([...ncs.map((n) => n.createdBy), ...actionRows.map((a) => a.responsibleUserId)]);
    return ncs.map((nc) => {
      const mine = actions.filter((a) => actionById.get(a.id)!.nonconformityId === nc.id).map((a) => this.actionView(actionById.get(a.id)!, names, a.overdue));
      const checks: VerificationView[] = verifications
        .filter((v) => v.nonconformityId === nc.id)
        .map((v) => ({ id: v.id, effective: v.effective, comment: v.comment, verifiedBy: v.verifiedBy, verifierName: v.verifierName, verifiedAt: v.verifiedAt.toISOString() }));
      return {
        id: nc.id,
        agencyId: nc.agencyId,
        number: nc.number,
        code: nonconformityCode(nc.number),
        source: nc.source,
        sourceRef: nc.sourceKind && nc.sourceId ? { kind: nc.sourceKind, id: nc.sourceId } : null,
        severity: nc.severity,
        description: nc.description,
        clause: nc.clause,
        documentId: nc.documentId,
        correction: nc.correction,
        rootCause: nc.rootCause,
        state: nc.state,
        overdue: nc.state !== 'closed' && mine.some((a) => a.overdue),
        actions: mine,
        verifications: checks,
        createdBy: nc.createdBy,
        createdByName: names.get(nc.createdBy) ?? null,
        createdAt: nc.createdAt.toISOString(),
        updatedAt: nc.updatedAt.toISOString(),
        closedAt: nc.closedAt ? nc.closedAt.toISOString() : null,
        etag: nonconformityEtag(nc),
      };
    });
  }
}
