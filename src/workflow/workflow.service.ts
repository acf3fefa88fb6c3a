import { Injectable } from '@nestjs/common';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { DocumentAccess } from '../documents/document-access.js';
import { Document, Revision } from '../documents/document.entities.js';
import type { RevisionView } from '../documents/documents.dto.js';
import { RevisionLifecycle } from '../documents/revision-lifecycle.js';
import type { RevisionMove } from '../documents/revision-moves.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { toInstant } from '../common/vn-format.js';
import { EffectiveDates } from './effective-dates.service.js';
import { SignOffs } from './sign-offs.service.js';
import { WorkflowPeople } from './workflow-people.js';
import { NoticeSubject, WorkflowNotices } from './workflow-notices.js';
import type { ApproveRevisionRequest, ReturnRevisionRequest, ReviewRevisionRequest, SignOffList } from './workflow.dto.js';

/** Latest accepted effective date, counted from the approval. */
const MAX_EFFECTIVE_AHEAD_YEARS = 5;

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
 * The approval workflow of revisions, the people side of the lifecycle: submit (draft →
 * in_review), check (→ pending_approval or back to draft), approve (→ approved, or effective at
 * once) and return (→ draft). RevisionLifecycle checks and makes each move (permission, state 409,
 * separation of duties 403, password, stamps, transition, audit, rendition); this service reads
 * the request, signs (the sign-off of the move, inside its transaction, with the document and
 * revision rows locked) and tells whoever acts next.
 */
@Injectable()
export class WorkflowService {
  constructor(
    private readonly db: Database,
    private readonly documentAccess: DocumentAccess,
    private readonly revisions: RevisionsService,
    private readonly lifecycle: RevisionLifecycle,
    private readonly notifications: NotificationsService,
    private readonly signOffs: SignOffs,
    private readonly people: WorkflowPeople,
    private readonly effective: EffectiveDates,
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

  /** POST /revisions/{id}/submit: the author or an ISO secretary; content rules (422). Signs "drafted". */
  async submit(p: Principal, id: string): Promise<RevisionView> {
    const pre = await this.visible(p, id);
    await this.lifecycle.authorize('submit', { revision: pre, actor: p });
    return this.db.transaction(async () => {
      const { revision, document } = await this.lock(id);
      await this.lifecycle.transition('submit', {
        revision,
        document,
        actor: p,
        sign: async () => {
          const digest = await this.revisions.digest(revision);
          const author = await this.people.signer(revision.authorId);
          const role = await this.people.drafterRole(author.id, revision.agencyId);
          const signOff = await this.signOffs.record({ revision, meaning: 'drafted', signer: author, role, digest });
          return { digest, signOffId: signOff.id };
        },
      });
      const subject = await this.subject(revision, document);
      const secretaries = (await this.people.secretaries(revision.agencyId)).filter((u) => u !== revision.authorId && u !== p.id);
      await this.notifications.notify(secretaries, WorkflowNotices.toCheck(subject, p.fullName));
      return this.view(revision.id);
    });
  }

  /** POST /revisions/{id}/review: an ISO secretary who is not the author; approve → pending_approval (signs "checked"), return → draft. */
  async review(p: Principal, id: string, req: ReviewRevisionRequest): Promise<RevisionView> {
    const comment = req.comment?.trim() ? req.comment : null;
    const move: RevisionMove = req.decision === 'return' ? 'return_from_check' : 'check';
    this.lifecycle.assertInput(move, { comment });
    const pre = await this.visible(p, id);
    await this.lifecycle.authorize(move, { revision: pre, actor: p, comment });
    return this.db.transaction(async () => {
      const { revision, document } = await this.lock(id);
      const subject = await this.subject(revision, document);
      if (move === 'return_from_check') {
        await this.returnToAuthor(move, revision, document, subject, p, comment!);
        return this.view(revision.id);
      }
      await this.lifecycle.transition('check', {
        revision,
        document,
        actor: p,
        comment,
        sign: async () => {
          const digest = await this.revisions.digest(revision);
          const signOff = await this.signOffs.record({ revision, meaning: 'checked', signer: await this.people.signer(p.id), role: 'iso_secretary', digest });
          return { digest, signOffId: signOff.id };
        },
      });
      await this.notifications.notify(await this.lifecycle.approversOf(revision), WorkflowNotices.toApprove(subject, p.fullName));
      return this.view(revision.id);
    });
  }

  /**
   * POST /revisions/{id}/approve: the head, or a deputy inside an active delegation, never the
   * author or a checker; re-authenticated with the password before anything changes; a valid
   * check of the current content (409 `check_stale`). Effective at once unless `effectiveFrom` is
   * in the future (then approved, with the delayed job).
   */
  async approve(p: Principal, id: string, req: ApproveRevisionRequest): Promise<RevisionView> {
    const requestedFrom = parseEffectiveFrom(req.effectiveFrom);
    const pre = await this.visible(p, id);
    const clearance = await this.lifecycle.authorize('approve', { revision: pre, actor: p, password: req.password });
    return this.db.transaction(async () => {
      const { revision, document } = await this.lock(id);
      const at = new Date();
      const due = !requestedFrom || requestedFrom.getTime() <= at.getTime();
      const effectiveFrom = due ? at : requestedFrom;
      await this.lifecycle.transition('approve', {
        revision,
        document,
        actor: p,
        at,
        effectiveFrom,
        clearance,
        sign: async ({ capacity }) => {
          const digest = await this.revisions.digest(revision);
          const checks = (await this.signOffs.valid(revision, digest)).filter((s) => s.meaning === 'checked');
          if (!checks.length) {
            throw Errors.conflict('check_stale', 'The revision changed after it was checked (no valid check for its current content); it must be checked again.', { digest });
          }
          const signOff = await this.signOffs.record({ revision, meaning: 'approved', signer: await this.people.signer(p.id), role: capacity!.role, capacity: capacity!, digest });
          return {
            digest,
            signOffId: signOff.id,
            capacity: capacity!.role === 'deputy' ? 'KT.' : null,
            onBehalfOf: capacity!.role === 'deputy' ? { userId: capacity!.onBehalfOf.id, name: capacity!.onBehalfOf.fullName, delegationId: capacity!.delegationId } : null,
          };
        },
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
    await this.lifecycle.authorize('return_from_approval', { revision: pre, actor: p, comment: req.comment });
    return this.db.transaction(async () => {
      const { revision, document } = await this.lock(id);
      await this.returnToAuthor('return_from_approval', revision, document, await this.subject(revision, document), p, req.comment);
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

  private async returnToAuthor(
    move: 'return_from_check' | 'return_from_approval',
    revision: Revision,
    document: Document,
    subject: NoticeSubject,
    p: Principal,
    comment: string,
  ): Promise<void> {
    await this.lifecycle.transition(move, { revision, document, actor: p, comment });
    await this.notifications.notify([revision.authorId].filter((u) => u !== p.id), WorkflowNotices.returned(subject, p.fullName, comment));
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
