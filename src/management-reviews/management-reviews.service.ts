import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { ApprovalRights } from '../approval/approval-rights.js';
import { AuditService, diffFields } from '../audit/audit.service.js';

import { isCalendarDate, todayInVietnam } from '../common/calendar-date.js';
import { Errors } from '../common/errors.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { Database } from '../database/database.js';
import { AuthService } from '../identity/auth.service.js';
import { People, peopleSql } from '../identity/people.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RecordPapers } from '../record-papers/index.js';
import { etagListMatches } from '../storage/http-files.js';
import type {
  ApproveManagementReviewRequest,
  AttendeeView,
  CompleteDecisionRequest,
  CreateDecisionRequest,
  CreateManagementReviewRequest,
  DecisionView,
  ManagementReviewListItem,
  ManagementReviewListQuery,
  ManagementReviewView,
  ReviewInputsView,
  ReviewState,
  UpdateManagementReviewRequest,
} from './management-reviews.dto.js';
import { DECISION_SQL, decisionViewOf, type DecisionRow } from './review-decisions.js';
import { ReviewInputs } from './review-inputs.js';

/** The paper kind of the minutes. */
export const MINUTES_KIND = 'management_review.minutes';

export interface ReviewRow {
  id: string;
  agency_id: string;
  year: number;
  held_on: string;
  chair_user_id: string;
  chair_name: string;
  chair_title: string | null;
  attendees: AttendeeView[];
  inputs: ReviewInputsView;
  inputs_at: Date;
  minutes: string | null;
  feedback: string | null;
  resources: string | null;
  risks: string | null;
  state: ReviewState;
  version: number;
  approved_by: string | null;
  approver_name: string | null;
  approver_title: string | null;
  approved_at: Date | null;
  capacity: 'head' | 'deputy' | null;
  on_behalf_of: string | null;
  head_name: string | null;
  head_title: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const REVIEW_SQL = `
  SELECT r.id, r.agency_id, r.year, to_char(r.held_on, 'YYYY-MM-DD') AS held_on, r.chair_user_id, cu.full_name AS chair_name, cu.title AS chair_title,
         r.attendees, r.inputs, r.inputs_at, r.minutes, r.feedback, r.resources, r.risks, r.state, r.version,
         r.approved_by, au.full_name AS approver_name, au.title AS approver_title, r.approved_at, r.capacity, r.on_behalf_of,
         hu.full_name AS head_name, hu.title AS head_title, r.created_by, r.created_at, r.updated_at
    FROM management_reviews r
    JOIN (${peopleSql()}) cu ON cu.id = r.chair_user_id
    LEFT JOIN (${peopleSql()}) au ON au.id = r.approved_by
    LEFT JOIN (${peopleSql()}) hu ON hu.id = r.on_behalf_of`;

export const reviewEtag = (r: { id: string; version: number }): string => `"${r.id}:${r.version}"`;

/**
 * Management reviews (§9.3): a draft for an agency and year, chaired by the head or a deputy, whose
 * inputs the system collects (fresh on every read of a draft, stored when it is created, edited and
 * approved); free-text inputs and minutes edited with If-Match; decisions (§9.3.3) with a responsible
 * person and a due date; approval by the chair (head, or deputy "KT." under a delegation) with password
 * re-authentication, after which the review and its decisions never change. Decisions are completed
 * afterwards by their responsible person or the ISO secretary; open ones show in tasks and in the next
 * review's inputs.
 */
@Injectable()
export class ManagementReviewsService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly approval: ApprovalRights,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly agencies: AgenciesService,
    private readonly inputs: ReviewInputs,
    private readonly papers: RecordPapers,
    private readonly notifications: NotificationsService,
    private readonly people: People,
  ) {}

  // ---------------------------------------------------------------- reading

  async findRow(id: string, opts: { lock?: boolean } = {}): Promise<ReviewRow | null> {
    if (opts.lock) await this.db.query(`SELECT 1 FROM management_reviews WHERE id = $1 FOR UPDATE`, [id]);
    const [row] = await this.db.query<ReviewRow[]>(`${REVIEW_SQL} WHERE r.id = $1`, [id]);
    return row ?? null;
  }

  async decisionsOf(reviewId: string): Promise<DecisionView[]> {
    const rows = await this.db.query<DecisionRow[]>(`${DECISION_SQL} WHERE d.review_id = $1 ORDER BY d.no`, [reviewId]);
    return rows.map(decisionViewOf);
  }

  /** The view of a review; `inputs` given: those instead of the stored ones (a draft's fresh inputs). */
  async view(row: ReviewRow, inputs?: ReviewInputsView): Promise<ManagementReviewView> {
    return {
      id: row.id,
      agencyId: row.agency_id,
      year: row.year,
      heldOn: row.held_on,
      chair: { id: row.chair_user_id, fullName: row.chair_name, title: row.chair_title },
      attendees: row.attendees,
      state: row.state,
      inputs: inputs ?? row.inputs,
      minutes: row.minutes,
      feedback: row.feedback,
      resources: row.resources,
      risks: row.risks,
      decisions: await this.decisionsOf(row.id),
      approvedBy: row.approved_by ? { id: row.approved_by, fullName: row.approver_name ?? '', title: row.approver_title } : null,
      approvedAt: row.approved_at?.toISOString() ?? null,
      capacity: row.capacity,
      onBehalfOf: row.on_behalf_of ? { id: row.on_behalf_of, fullName: row.head_name ?? '', title: row.head_title } : null,
      etag: reviewEtag(row),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  /** A visible review (404 otherwise) for the permission's holders. */
  private async visible(p: Principal, id: string): Promise<ReviewRow> {
    const row = await this.findRow(id);
    if (!row) throw Errors.notFound('Management review');
    await this.access.assert(p, 'quality_record.read', row.agency_id, 'ManagementReview');
    return row;
  }

  async get(p: Principal, id: string): Promise<ManagementReviewView> {
    const row = await this.visible(p, id);
    const fresh = row.state === 'draft' ? await this.inputs.collect({ id: row.id, agencyId: row.agency_id, year: row.year }) : undefined;
    return this.view(row, fresh);
  }

  /** For the minutes: the review as stored (the paper prints what is recorded). */
  async getStored(p: Principal, id: string): Promise<ManagementReviewView> {
    return this.view(await this.visible(p, id));
  }

  async list(p: Principal, q: ManagementReviewListQuery): Promise<Page<ManagementReviewListItem>> {
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2) as [string, string] | null;
    let agencyIds: string[] | null = null;
    if (q.agencyId) {
      if (!(await this.agencies.findById(q.agencyId))) throw Errors.notFound('Agency');
      await this.access.assert(p, 'quality_record.read', q.agencyId, 'Agency');
      agencyIds = [q.agencyId];
    } else {
      const scope = await this.access.scope(p, 'quality_record.read');
      agencyIds = scope.all ? null : scope.agencyIds;
    }
    const rows = await this.db.query<(ReviewRow & { decisions: number })[]>(
      `SELECT x.* FROM (${REVIEW_SQL}) x
        WHERE ($1::uuid[] IS NULL OR x.agency_id = ANY($1::uuid[])) AND ($2::int IS NULL OR x.year = $2)
          AND ($3::date IS NULL OR (x.held_on::date, x.id) < ($3::date, $4::uuid))
        ORDER BY x.held_on::date DESC, x.id DESC LIMIT ${limit + 1}`,
      [agencyIds, q.year ?? null, after?.[0] ?? null, after?.[1] ?? null],
    );
    const counts = new Map(
      (
        await this.db.query<{ review_id: string; n: number }[]>(`SELECT review_id, count(*)::int AS n FROM management_review_decisions WHERE review_id = ANY($1::uuid[]) GROUP BY review_id`, [
          rows.map((r) => r.id),
        ])
      ).map((c) => [c.review_id, c.n]),
    );
    return toPage(
      rows,
      limit,
      (r) => [r.held_on, r.id],
      (r) => ({
        id: r.id,
        agencyId: r.agency_id,
        year: r.year,
        heldOn: r.held_on,
        state: r.state,
        chair: { id: r.chair_user_id, fullName: r.chair_name, title: r.chair_title },
        decisions: counts.get(r.id) ?? 0,
        approvedAt: r.approved_at?.toISOString() ?? null,
      }),
    );
  }

  // ---------------------------------------------------------------- changes

  private async assertChair(agencyId: string, userId: string, field = 'chairUserId'): Promise<void> {
    const members = await this.people.rolesIn(agencyId, [userId]);
    const roles = members.get(userId) ?? [];
    if (!roles.includes('head') && !roles.includes('deputy')) {
      throw Errors.ruleViolated('chair_not_approver', 'The chair of a management review is the head of the agency or a deputy.', [{ field, message: 'is not the head or a deputy of the agency' }]);
    }
  }

  async create(p: Principal, req: CreateManagementReviewRequest): Promise<ManagementReviewView> {
    if (!(await this.agencies.findById(req.agencyId))) throw Errors.notFound('Agency');
    await this.access.assert(p, 'management_review.prepare', req.agencyId, 'Agency');
    if (Number(req.heldOn.slice(0, 4)) !== req.year) throw Errors.validation([{ field: 'heldOn', message: `must be in ${req.year}` }]);
    await this.assertChair(req.agencyId, req.chairUserId);
    return this.db.transaction(async () => {
      await this.db.lock(`management_reviews:${req.agencyId}`);
      const [open] = await this.db.query<{ id: string }[]>(`SELECT id FROM management_reviews WHERE agency_id = $1 AND state = 'draft'`, [req.agencyId]);
      if (open) throw Errors.conflict('management_review_draft_open', 'The agency has a management review not approved yet; finish it first.', { reviewId: open.id });
      const now = new Date();
      const inputs = await this.inputs.collect({ id: null, agencyId: req.agencyId, year: req.year }, now);
      const attendees: AttendeeView[] = req.attendees.map((a) => ({ fullName: a.fullName, title: a.title }));
      const [row] = await this.db.query<{ id: string }[]>(
        `INSERT INTO management_reviews (agency_id, year, held_on, chair_user_id, attendees, inputs, inputs_at, created_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8) RETURNING id`,
        [req.agencyId, req.year, req.heldOn, req.chairUserId.toLowerCase(), JSON.stringify(attendees), JSON.stringify(inputs), now, p.id],
      );
      await this.audit.record({
        action: 'management_review.created',
        entityType: 'management_review',
        entityId: row.id,
        agencyId: req.agencyId,
        changes: { year: req.year, heldOn: req.heldOn, chairUserId: req.chairUserId, attendees },
      });
      return this.view((await this.findRow(row.id))!);
    });
  }

  /** The row locked, visible, preparable by `p`, and a draft (409 otherwise). */
  private async draftFor(p: Principal, id: string): Promise<ReviewRow> {
    const row = await this.findRow(id, { lock: true });
    if (!row) throw Errors.notFound('Management review');
    await this.access.assert(p, 'quality_record.read', row.agency_id, 'ManagementReview');
    await this.access.assert(p, 'management_review.prepare', row.agency_id, 'ManagementReview');
    if (row.state !== 'draft') throw Errors.conflict('management_review_not_draft', 'The management review is approved and can no longer change.');
    return row;
  }

  async update(p: Principal, id: string, ifMatch: string | undefined, req: UpdateManagementReviewRequest): Promise<ManagementReviewView> {
    if (req.heldOn !== undefined && !isCalendarDate(req.heldOn)) throw Errors.validation([{ field: 'heldOn', message: 'must be a date YYYY-MM-DD' }]);
    return this.db.transaction(async () => {
      const row = await this.draftFor(p, id);
      if (!ifMatch) throw Errors.preconditionRequired();
      if (!etagListMatches(ifMatch, reviewEtag(row))) throw Errors.preconditionFailed();
      if (req.heldOn !== undefined && Number(req.heldOn.slice(0, 4)) !== row.year) throw Errors.validation([{ field: 'heldOn', message: `must be in ${row.year}` }]);
      const next = {
        minutes: req.minutes === undefined ? row.minutes : req.minutes,
        feedback: req.feedback === undefined ? row.feedback : req.feedback,
        resources: req.resources === undefined ? row.resources : req.resources,
        risks: req.risks === undefined ? row.risks : req.risks,
        heldOn: req.heldOn ?? row.held_on,
        attendees: req.attendees ? req.attendees.map((a) => ({ fullName: a.fullName, title: a.title })) : row.attendees,
      };
      const now = new Date();
      const inputs = await this.inputs.collect({ id: row.id, agencyId: row.agency_id, year: row.year }, now);
      await this.db.query(
        `UPDATE management_reviews SET minutes = $2, feedback = $3, resources = $4, risks = $5, held_on = $6, attendees = $7::jsonb,
                inputs = $8::jsonb, inputs_at = $9, version = version + 1, updated_at = now() WHERE id = $1`,
        [row.id, next.minutes, next.feedback, next.resources, next.risks, next.heldOn, JSON.stringify(next.attendees), JSON.stringify(inputs), now],
      );
      await this.audit.record({
        action: 'management_review.updated',
        entityType: 'management_review',
        entityId: row.id,
        agencyId: row.agency_id,
        changes: diffFields({ ...row, heldOn: row.held_on } as Record<string, unknown>, next as Record<string, unknown>, ['minutes', 'feedback', 'resources', 'risks', 'heldOn', 'attendees']),
      });
      return this.view((await this.findRow(row.id))!, inputs);
    });
  }

  async addDecision(p: Principal, id: string, req: CreateDecisionRequest): Promise<DecisionView> {
    if (req.dueOn < todayInVietnam()) throw Errors.ruleViolated('due_date_past', 'A decision is due today or later.', [{ field: 'dueOn', message: 'must not be in the past' }]);
    return this.db.transaction(async () => {
      const row = await this.draftFor(p, id);
      const members = await this.people.memberIds(row.agency_id, [req.responsibleUserId.toLowerCase()]);
      if (!members.length) throw Errors.ruleViolated('responsible_not_member', 'The responsible person is a member of the agency.', [{ field: 'responsibleUserId', message: 'is not a member of the agency' }]);
      const [{ no }] = await this.db.query<{ no: number }[]>(`SELECT coalesce(max(no), 0) + 1 AS no FROM management_review_decisions WHERE review_id = $1`, [row.id]);
      const [d] = await this.db.query<{ id: string }[]>(
        `INSERT INTO management_review_decisions (review_id, agency_id, no, kind, description, responsible_user_id, due_on, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [row.id, row.agency_id, no, req.kind, req.description, req.responsibleUserId.toLowerCase(), req.dueOn, p.id],
      );
      await this.db.query(`UPDATE management_reviews SET version = version + 1, updated_at = now() WHERE id = $1`, [row.id]);
      await this.audit.record({
        action: 'management_review.decision_added',
        entityType: 'management_review',
        entityId: row.id,
        agencyId: row.agency_id,
        changes: { decisionId: d.id, no, kind: req.kind, description: req.description, responsibleUserId: req.responsibleUserId, dueOn: req.dueOn },
      });
      const [view] = await this.db.query<DecisionRow[]>(`${DECISION_SQL} WHERE d.id = $1`, [d.id]);
      return decisionViewOf(view);
    });
  }

  async approve(p: Principal, id: string, req: ApproveManagementReviewRequest): Promise<ManagementReviewView> {
    const first = await this.findRow(id);
    if (!first) throw Errors.notFound('Management review');
    await this.access.assert(p, 'quality_record.read', first.agency_id, 'ManagementReview');
    await this.access.assert(p, 'management_review.approve', first.agency_id, 'ManagementReview');
    await this.approval.capacity(p, first.agency_id);
    if (first.chair_user_id !== p.id) throw Errors.forbidden('The chair of the meeting signs its minutes.', 'not_review_chair');
    if (first.state !== 'draft') throw Errors.conflict('management_review_not_draft', 'The management review is already approved.');
    await this.auth.confirmPassword(p.id, req.password, 'management_review.approve', first.agency_id);

    return this.db.transaction(async () => {
      const row = await this.findRow(id, { lock: true });
      if (!row || row.state !== 'draft') throw Errors.conflict('management_review_not_draft', 'The management review is already approved.');
      const now = new Date();
      const capacity = await this.approval.capacity(p, row.agency_id, { at: now });
      const inputs = await this.inputs.collect({ id: row.id, agencyId: row.agency_id, year: row.year }, now);
      await this.db.query(
        `UPDATE management_reviews SET state = 'approved', approved_by = $2, approved_at = $3, capacity = $4, delegation_id = $5, on_behalf_of = $6,
                inputs = $7::jsonb, inputs_at = $3, version = version + 1, updated_at = $3 WHERE id = $1`,
        [
          row.id,
          p.id,
          now,
          capacity.role,
          capacity.role === 'deputy' ? capacity.delegationId : null,
          capacity.role === 'deputy' ? capacity.onBehalfOf.id : null,
          JSON.stringify(inputs),
        ],
      );
      await this.audit.record({
        action: 'management_review.approved',
        entityType: 'management_review',
        entityId: row.id,
        agencyId: row.agency_id,
        changes: { state: { old: 'draft', new: 'approved' }, capacity: capacity.role, onBehalfOf: capacity.role === 'deputy' ? capacity.onBehalfOf.id : null },
      });
      const decisions = await this.decisionsOf(row.id);
      const responsible = [...new Set(decisions.map((d) => d.responsible.id))];
      await this.notifications.notify(responsible, {
        agencyId: row.agency_id,
        kind: 'management_review.decision_assigned',
        title: `Kết luận của cuộc họp xem xét của lãnh đạo năm ${row.year} giao cho bạn`,
        body: decisions.map((d) => `${d.no}. ${d.description} (hạn ${d.dueOn.split('-').reverse().join('/')})`).join('\n').slice(0, 4000),
        entityType: 'management_review',
        entityId: row.id,
      });
      await this.papers.request(MINUTES_KIND, row.id);
      return this.view((await this.findRow(row.id))!);
    });
  }

  async completeDecision(p: Principal, decisionId: string, req: CompleteDecisionRequest): Promise<DecisionView> {
    return this.db.transaction(async () => {
      const [d] = await this.db.query<(DecisionRow & { agency_id: string; state: ReviewState })[]>(
        `SELECT x.*, r.agency_id, r.state FROM (${DECISION_SQL} WHERE d.id = $1) x JOIN management_reviews r ON r.id = x.review_id FOR UPDATE OF r`,
        [decisionId],
      );
      if (!d) throw Errors.notFound('Decision');
      await this.access.assert(p, 'quality_record.read', d.agency_id, 'ManagementReview');
      const secretary = await this.access.hasRole(p, d.agency_id, 'iso_secretary');
      if (d.responsible_user_id !== p.id && !secretary) throw Errors.forbidden('Only the person responsible for the decision, or the ISO secretary, reports it done.', 'not_decision_responsible');
      if (d.state !== 'approved') throw Errors.conflict('management_review_not_approved', 'Decisions are carried out once the review is approved.');
      if (d.completed_at) throw Errors.conflict('decision_completed', 'The decision is already reported done.');
      await this.db.query(`INSERT INTO management_review_decision_completions (decision_id, agency_id, note, completed_by) VALUES ($1, $2, $3, $4)`, [d.id, d.agency_id, req.note, p.id]);
      await this.audit.record({
        action: 'management_review.decision_completed',
        entityType: 'management_review_decision',
        entityId: d.id,
        agencyId: d.agency_id,
        changes: { reviewId: d.review_id, note: req.note },
      });
      const [view] = await this.db.query<DecisionRow[]>(`${DECISION_SQL} WHERE d.id = $1`, [d.id]);
      return decisionViewOf(view);
    });
  }
}


