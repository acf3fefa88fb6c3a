import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import type { CodeWithStatus } from '../common/problem-codes.js';
import { Database } from '../database/database.js';
import { DocumentAccess } from '../documents/document-access.js';
import { assertNotWithdrawn } from '../documents/document-rules.js';
import { Document, Revision } from '../documents/document.entities.js';
import type { RevisionState } from '../documents/document-types.js';
import { RevisionTransitions } from '../documents/revision-transitions.service.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { AuthService } from '../identity/auth.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { toInstant } from '../rendering/pdf/vn-format.js';
import { RenditionRequests } from '../renditions/rendition-requests.js';
import { EffectiveDates } from './effective-dates.service.js';
import { SignOffs } from './sign-offs.service.js';
import { ApproverCapacity, WorkflowPeople } from './workflow-people.js';
import { NoticeSubject, WorkflowNotices } from './workflow-notices.js';
import type { RevisionView } from '../documents/documents.dto.js';
import type { ApproveRevisionRequest, ReturnRevisionRequest, ReviewRevisionRequest, SignOffList } from './workflow.dto.js';

/** Latest accepted effective date, counted from the approval. */
const MAX_EFFECTIVE_AHEAD_YEARS = 5;

const STATE_CODES: Partial<Record<RevisionState, CodeWithStatus<409>>> = {
  draft: 'revision_not_draft',
  in_review: 'revision_not_in_review',
  pending_approval: 'revision_not_pending_approval',
};

function assertState(revision: Revision, expected: RevisionState): void {
  if (revision.state !== expected) {
    throw Errors.conflict(STATE_CODES[expected] ?? 'revision_state_conflict', `This needs a revision in state ${expected}; this one is ${revision.state}.`, {
      state: revision.state,
      expectedState: expected,
    });
  }
}

function separationOfDuties(detail: string) {
  return Errors.forbidden(detail, 'separation_of_duties');
}

/** `effectiveFrom` of an approval: a date-time, or a date meaning 00:00 in Vietnam; at most 5 years ahead. */
export function parseEffectiveFrom(value: string | undefined, now: Date = new Date()): Date | null {
  if (value === undefined) return null;
  const at = toInstant(value);
  if (Number.isNaN(at.getTime())) throw Errors.validation([{ field: 'effectiveFrom', message: 'must be an ISO 8601 date or date-time' }]);
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_EFFECTIVE_AHEAD_YEARS);
  if (at.getTime() > limit.getTime()) throw Errors.validation([{ field: 'effectiveFrom', message: `must be within ${MAX_EFFECTIVE_AHEAD_YEARS} years` }]);
  return at;
}

/**
 * The approval workflow of revisions: submit (draft → in_review), check (→ pending_approval or
 * back to draft), approve (→ approved, or effective at once) and return (→ draft). Each move checks
 * the permission, the state (409), separation of duties (403 `separation_of_duties`), runs in one
 * transaction with the document and revision rows locked, writes the sign-off, the state history,
 * the audit event and the notices for whoever acts next.
 */
@Injectable()
export class WorkflowService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly documentAccess: DocumentAccess,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly revisions: RevisionsService,
    private readonly transitions: RevisionTransitions,
    private readonly notifications: NotificationsService,
    private readonly signOffs: SignOffs,
    private readonly people: WorkflowPeople,
    private readonly effective: EffectiveDates,
    private readonly renditions: RenditionRequests,
  ) {}

  // ---------------------------------------------------------------- reads

  /** GET /revisions/{id}/sign-offs: readDrafts, or read for the effective revision. */
  async signOffList(p: Principal, id: string): Promise<SignOffList> {
    const revision = await this.visible(p, id);
    const { digest, items } = await this.signOffs.viewsOf(revision);
    return { revisionId: revision.id, state: revision.state, digest, items };
  }

  /** The revision as it is now (its view includes the sign-offs with their validity). */
  async view(revisionId: string): Promise<RevisionView> {
    return this.revisions.view((await this.revisions.findById(revisionId))!);
  }

  // ---------------------------------------------------------------- moves

  /** POST /revisions/{id}/submit: the author or an ISO secretary; content rules (422). */
  async submit(p: Principal, id: string): Promise<RevisionView> {
    const pre = await this.visible(p, id);
    await this.access.assert(p, 'revision.submit', pre.agencyId, 'Revision');
    if (pre.authorId !== p.id && !(await this.access.hasRole(p, pre.agencyId, 'iso_secretary'))) {
      throw Errors.forbidden("Only the revision's author or an ISO secretary of the agency may submit it.", 'not_revision_author');
    }
    return this.db.transaction(async () => {
      const { revision, document } = await this.lock(id);
      assertState(revision, 'draft');
      assertNotWithdrawn(document);
      await this.revisions.assertComplete(revision, document);
      const digest = await this.revisions.digest(revision);
      await this.move(revision, 'draft', 'in_review');
      const author = await this.people.signer(revision.authorId);
      const signOff = await this.signOffs.record({
        revision,
        meaning: 'drafted',
        signer: author,
        role: await this.people.drafterRole(author.id, revision.agencyId),
        digest,
      });
      await this.transitions.record(revision.id, 'draft', 'in_review');
      await this.auditMove('revision.submitted', revision, document, 'draft', 'in_review', { digest, signOffId: signOff.id });
      const subject = await this.subject(revision, document);
      const secretaries = (await this.people.secretaries(revision.agencyId)).filter((u) => u !== revision.authorId && u !== p.id);
      await this.notifications.notify(secretaries, WorkflowNotices.toCheck(subject, p.fullName));
      return this.view(revision.id);
    });
  }

  /** POST /revisions/{id}/review: an ISO secretary who is not the author; approve → pending_approval, return → draft. */
  async review(p: Principal, id: string, req: ReviewRevisionRequest): Promise<RevisionView> {
    const comment = req.comment?.trim() ? req.comment : null;
    if (req.decision === 'return' && !comment) throw Errors.validation([{ field: 'comment', message: 'is required to return a revision' }]);
    const pre = await this.visible(p, id);
    await this.access.assert(p, 'revision.check', pre.agencyId, 'Revision');
    if (pre.authorId === p.id) throw separationOfDuties('The author of a revision cannot check it.');
    return this.db.transaction(async () => {
      const { revision, document } = await this.lock(id);
      assertState(revision, 'in_review');
      const subject = await this.subject(revision, document);
      if (req.decision === 'return') {
        await this.returnToAuthor(revision, document, subject, 'in_review', p, comment!, 'check');
        return this.view(revision.id);
      }
      const digest = await this.revisions.digest(revision);
      const signOff = await this.signOffs.record({ revision, meaning: 'checked', signer: await this.people.signer(p.id), role: 'iso_secretary', digest });
      await this.move(revision, 'in_review', 'pending_approval');
      await this.transitions.record(revision.id, 'in_review', 'pending_approval', { comment });
      await this.auditMove('revision.checked', revision, document, 'in_review', 'pending_approval', { digest, signOffId: signOff.id, comment });
      const approvers = (await this.people.approvers(revision.agencyId)).filter((u) => u !== revision.authorId && u !== p.id);
      await this.notifications.notify(approvers, WorkflowNotices.toApprove(subject, p.fullName));
      return this.view(revision.id);
    });
  }

  /**
   * POST /revisions/{id}/approve: the head, or a deputy inside an active delegation, never the
   * author or a checker; re-authenticated with the password before anything changes. Effective at
   * once unless `effectiveFrom` is in the future (then approved, with the delayed job).
   */
  async approve(p: Principal, id: string, req: ApproveRevisionRequest): Promise<RevisionView> {
    const requestedFrom = parseEffectiveFrom(req.effectiveFrom);
    const pre = await this.visible(p, id);
    await this.assertApprover(p, pre);
    assertState(pre, 'pending_approval');
    await this.auth.confirmPassword(p.id, req.password, 'revision.approve', pre.agencyId);
    return this.db.transaction(async () => {
      const { revision, document } = await this.lock(id);
      assertState(revision, 'pending_approval');
      assertNotWithdrawn(document);
      const at = new Date();
      const capacity = await this.assertApprover(p, revision, at);
      const digest = await this.revisions.digest(revision);
      const checks = (await this.signOffs.valid(revision, digest)).filter((s) => s.meaning === 'checked');
      if (!checks.length) {
        throw Errors.conflict('check_stale', 'The revision changed after it was checked (no valid check for its current content); it must be checked again.', { digest });
      }
      const signOff = await this.signOffs.record({ revision, meaning: 'approved', signer: await this.people.signer(p.id), role: capacity.role, capacity, digest });
      const due = !requestedFrom || requestedFrom.getTime() <= at.getTime();
      const effectiveFrom = due ? at : requestedFrom;
      await this.move(revision, 'pending_approval', 'approved', { approvedAt: at, effectiveFrom });
      await this.transitions.record(revision.id, 'pending_approval', 'approved');
      await this.auditMove('revision.approved', revision, document, 'pending_approval', 'approved', {
        digest,
        signOffId: signOff.id,
        capacity: capacity.role === 'deputy' ? 'KT.' : null,
        onBehalfOf: capacity.role === 'deputy' ? { userId: capacity.onBehalfOf.id, name: capacity.onBehalfOf.fullName, delegationId: capacity.delegationId } : null,
        effectiveFrom: effectiveFrom.toISOString(),
      });
      if (due) {
        await this.effective.takeEffect(revision.id, { at });
      } else {
        await this.effective.schedule(revision.id, effectiveFrom);
        await this.notifications.notify([revision.authorId], WorkflowNotices.approved(await this.subject(revision, document), p.fullName, effectiveFrom));
      }
      return this.view(revision.id);
    });
  }

  /** POST /revisions/{id}/return: pending_approval → draft by an approver, with a comment. */
  async returnToDraft(p: Principal, id: string, req: ReturnRevisionRequest): Promise<RevisionView> {
    const pre = await this.visible(p, id);
    await this.assertApprover(p, pre);
    return this.db.transaction(async () => {
      const { revision, document } = await this.lock(id);
      assertState(revision, 'pending_approval');
      await this.assertApprover(p, revision);
      await this.returnToAuthor(revision, document, await this.subject(revision, document), 'pending_approval', p, req.comment, 'approval');
      return this.view(revision.id);
    });
  }

  // ---------------------------------------------------------------- building blocks

  /** The revision, 404 unless the caller may read it (drafts need readDrafts). */
  private async visible(p: Principal, id: string): Promise<Revision> {
    const revision = await this.revisions.findById(id);
    if (!revision) throw Errors.notFound('Revision');
    await this.documentAccess.assertReadRevision(p, revision);
    return revision;
  }

  private async lock(id: string): Promise<{ revision: Revision; document: Document }> {
    const found = await this.revisions.findWithDocument(id, { lock: true });
    if (!found) throw Errors.notFound('Revision');
    return found;
  }

  /** Approver checks: permission (403), head or deputy with delegation (403), not the author nor a checker (403). */
  private async assertApprover(p: Principal, revision: Revision, at: Date = new Date()): Promise<ApproverCapacity> {
    await this.access.assert(p, 'revision.approve', revision.agencyId, 'Revision');
    const capacity = await this.people.approverCapacity(p, revision.agencyId, at);
    if (revision.authorId === p.id) throw separationOfDuties('The author of a revision cannot approve or return it.');
    if ((await this.signOffs.checkerIds(revision.id)).includes(p.id)) throw separationOfDuties('Whoever checked a revision cannot approve or return it.');
    return capacity;
  }

  private async returnToAuthor(
    revision: Revision,
    document: Document,
    subject: NoticeSubject,
    from: 'in_review' | 'pending_approval',
    p: Principal,
    comment: string,
    stage: 'check' | 'approval',
  ): Promise<void> {
    await this.move(revision, from, 'draft');
    await this.transitions.record(revision.id, from, 'draft', { comment });
    await this.auditMove('revision.returned', revision, document, from, 'draft', { stage, comment });
    await this.notifications.notify([revision.authorId].filter((u) => u !== p.id), WorkflowNotices.returned(subject, p.fullName, comment));
  }

  /**
   * The state change itself (the row is locked and its state checked); the ETag changes with it,
   * and so does the stamp of its controlled copy (a new rendition is requested).
   */
  private async move(revision: Revision, from: RevisionState, to: RevisionState, dates: { approvedAt?: Date; effectiveFrom?: Date } = {}): Promise<void> {
    const { affected } = await this.db.execute(
      `UPDATE revisions SET state = $3, version = version + 1, updated_at = now(),
              approved_at = coalesce($4, approved_at), effective_from = coalesce($5, effective_from)
        WHERE id = $1 AND state = $2`,
      [revision.id, from, to, dates.approvedAt ?? null, dates.effectiveFrom ?? null],
    );
    if (affected !== 1) throw Errors.conflict('revision_state_conflict', 'The revision changed state meanwhile; reload it.');
    await this.renditions.request(revision.id);
  }

  private async auditMove(action: string, revision: Revision, document: Document, from: RevisionState, to: RevisionState, extra: Record<string, unknown>): Promise<void> {
    await this.audit.record({
      action,
      entityType: 'revision',
      entityId: revision.id,
      agencyId: revision.agencyId,
      changes: { documentId: document.id, code: document.code, state: { old: from, new: to }, ...extra },
    });
  }

  private async subject(revision: Revision, document: Document): Promise<NoticeSubject> {
    return {
      agencyId: document.agencyId,
      documentId: document.id,
      revisionId: revision.id,
      code: document.code,
      title: document.title,
      number: revision.number ?? (await this.revisions.nextNumber(document.id)),
    };
  }
}
