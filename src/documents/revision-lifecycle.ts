import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { ApprovalRights, ApproverCapacity, Exclusion } from '../approval/approval-rights.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { AuthService } from '../identity/auth.service.js';
import { RenditionRequests } from '../renditions/rendition-requests.js';
import { DocumentAccess } from './document-access.js';
import { assertNotWithdrawn } from './document-rules.js';
import { DocumentFlags } from './document-flags.service.js';
import { Document, Revision } from './document.entities.js';
import type { RevisionState } from './document-types.js';
import { DOCUMENT_WITHDRAWAL, MoveRule, MoveStamp, REVISION_MOVES, RevisionMove } from './revision-moves.js';
import { NewDraft, RevisionsService } from './revisions.service.js';
import { RevisionTransitions } from './revision-transitions.service.js';

/**
 * Proof that a move's pre-checks passed outside its transaction, including the password
 * re-authentication of moves that require it (AuthService.confirmPassword records a failure in
 * its own transaction, so it can never run inside the move's). Issued by `authorize`, used once.
 */
export interface Clearance {
  readonly move: RevisionMove | 'withdraw';
  readonly subjectId: string;
  readonly actorId: string;
}

/** A move of a revision whose row and document row the caller holds FOR UPDATE (RevisionsService.findWithDocument({lock: true})). */
export interface MoveInput {
  revision: Revision;
  document: Document;
  /** The person making the move; null for the system (jobs). */
  actor: Principal | null;
  /** When it happens (default now): the stamps and the approver's capacity are taken at this instant. */
  at?: Date;
  comment?: string | null;
  /** approve: when the revision takes effect (default `at`). */
  effectiveFrom?: Date;
  /** From `authorize`, for moves that require the password. */
  clearance?: Clearance;
  /**
   * The move's signature (a sign-off), written once every check has passed and before the state
   * changes, with the approver's capacity; what it returns joins the audit event.
   */
  sign?: (ctx: { capacity: ApproverCapacity | null }) => Promise<Record<string, unknown>>;
  /** More facts for the audit event (e.g. what supersedes the revision). */
  facts?: Record<string, unknown>;
}

/** What `authorize` checks before the transaction: the revision as read, the request's comment and password. */
export interface AuthorizeInput {
  revision: Revision;
  actor: Principal;
  comment?: string | null;
  password?: string;
}

/** The SQL of a move's state change (kept pure so the table/trigger agreement test runs exactly this). */
export function moveSql(rule: MoveRule, from: RevisionState, values: Partial<Record<MoveStamp, unknown>>): { sql: string; params: unknown[] } {
  const params: unknown[] = [null, from, rule.to];
  const sets = ['state = $3', 'version = version + 1', 'updated_at = now()'];
  for (const stamp of rule.stamps) {
    params.push(values[stamp] ?? null);
    sets.push(`${stamp} = $${params.length}`);
  }
  return { sql: `UPDATE revisions SET ${sets.join(', ')} WHERE id = $1 AND state = $2`, params };
}

const EXCLUSION_DETAILS: Record<string, string> = {
  author: 'The author of a revision cannot approve or return it.',
  checker: 'Whoever checked a revision cannot approve or return it.',
};

/**
 * The one owner of the revision lifecycle: every move of a revision (create, submit, check,
 * return, approve, take effect, supersede, obsolete) and the withdrawal of a document go through
 * here, following the table in revision-moves.ts. `transition()` checks the move's state (409),
 * its requirements, its actor (403), the password clearance, then signs (the caller's sign-off),
 * writes the state, stamps and version (ETag), records the transition row and the audit event
 * and requests the rendition of the revision's new state, all in the caller's transaction.
 * Notices, sign-offs and work lists are the workflow's; this service only moves revisions.
 */
@Injectable()
export class RevisionLifecycle {
  private readonly issued = new WeakSet<Clearance>();

  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly approval: ApprovalRights,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly documentAccess: DocumentAccess,
    private readonly flags: DocumentFlags,
    private readonly revisions: RevisionsService,
    private readonly transitions: RevisionTransitions,
    private readonly renditions: RenditionRequests,
  ) {}

  // ---------------------------------------------------------------- checks

  /** The move's input rules (400), for callers that validate the request before anything else. */
  assertInput(move: RevisionMove, input: { comment?: string | null }): void {
    if (REVISION_MOVES[move].requires.includes('comment') && !input.comment?.trim()) {
      throw Errors.validation([{ field: 'comment', message: 'is required to return a revision' }]);
    }
  }

  /**
   * The checks of a move that can run before its transaction, in this order: input (400), actor
   * (403), state (409), then the password when the move requires it (401/429). Returns the
   * clearance `transition` needs for password moves.
   */
  async authorize(move: RevisionMove, input: AuthorizeInput): Promise<Clearance> {
    const rule = REVISION_MOVES[move];
    this.assertInput(move, input);
    await this.assertActor(move, rule, input.revision, input.actor, new Date());
    this.assertFrom(rule, input.revision.state);
    if (rule.requires.includes('password')) {
      await this.auth.confirmPassword(input.actor.id, input.password ?? '', rule.reauthPurpose!, input.revision.agencyId);
    }
    return this.issue(move, input.revision.id, input.actor.id);
  }

  /**
   * Why the move cannot be made now (the error `transition` would throw before writing
   * anything), or null. For callers that report an outcome rather than fail (the effective-date job).
   */
  async refusal(move: RevisionMove, input: MoveInput): Promise<DomainError | null> {
    try {
      await this.clear(move, input);
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err;
      throw err;
    }
  }

  /** Who may not approve or return the revision although they hold a capacity: its author, its checkers. */
  async approvalExclusions(revisionId: string): Promise<Exclusion[]> {
    const rows = await this.db.query<{ user_id: string; reason: string }[]>('SELECT user_id, reason FROM revision_approval_exclusions($1) ORDER BY reason, user_id', [revisionId]);
    return rows.map((r) => ({ userId: r.user_id, reason: r.reason, detail: EXCLUSION_DETAILS[r.reason] ?? 'Separation of duties forbids this.' }));
  }

  /** Who may approve the revision now (for the notice that it waits for approval). */
  async approversOf(revision: Pick<Revision, 'id' | 'agencyId'>, at: Date = new Date()): Promise<string[]> {
    return this.approval.approvers(revision.agencyId, { at, exclude: (await this.approvalExclusions(revision.id)).map((x) => x.userId) });
  }

  // ---------------------------------------------------------------- moves

  /** Makes the move (see the class comment). In the caller's transaction, or its own. */
  async transition(move: RevisionMove, input: MoveInput): Promise<Revision> {
    return this.db.transaction(async () => {
      const rule = REVISION_MOVES[move];
      const { revision, document } = input;
      const at = input.at ?? new Date();
      const capacity = await this.clear(move, { ...input, at });
      if (rule.requires.includes('password')) this.redeem(move, revision.id, input.actor, input.clearance);
      const signed = input.sign ? await input.sign({ capacity }) : {};
      let superseded: Revision | null = null;
      if (move === 'take_effect') {
        const current = await this.db.repo(Revision).findOne({ where: { documentId: document.id, state: 'effective' }, lock: { mode: 'pessimistic_write' } });
        if (current) superseded = await this.transition('supersede', { revision: current, document, actor: input.actor, at, facts: { supersededBy: revision.id } });
      }
      const number = rule.stamps.includes('number') ? await this.revisions.nextNumber(document.id) : revision.number;
      const { sql, params } = moveSql(rule, revision.state, {
        approved_at: at,
        effective_from: input.effectiveFrom ?? at,
        effective_at: at,
        number,
        superseded_at: at,
        obsolete_at: at,
      });
      params[0] = revision.id;
      const { affected } = await this.db.execute(sql, params);
      if (affected !== 1) throw Errors.conflict('revision_state_conflict', 'The revision changed state meanwhile; reload it.');
      await this.transitions.record(revision.id, revision.state, rule.to, { comment: input.comment ?? null });
      await this.audit.record({
        action: rule.action,
        entityType: 'revision',
        entityId: revision.id,
        agencyId: revision.agencyId,
        changes: {
          documentId: document.id,
          code: document.code,
          state: { old: revision.state, new: rule.to },
          ...(number !== null ? { number } : {}),
          ...rule.facts,
          ...(input.comment !== undefined ? { comment: input.comment } : {}),
          ...(rule.recordsChangeSummary ? { changeSummary: revision.changeSummary } : {}),
          ...(rule.stamps.includes('effective_from') ? { effectiveFrom: (input.effectiveFrom ?? at).toISOString() } : {}),
          ...(rule.stamps.includes('effective_at') ? { effectiveAt: at.toISOString(), supersedes: superseded?.id ?? null } : {}),
          ...input.facts,
          ...signed,
        },
      });
      await this.renditions.request(revision.id);
      return (await this.revisions.findById(revision.id))!;
    });
  }

  /** `transition` for callers holding only the id: locks the document and the revision first. */
  async transitionById(move: RevisionMove, revisionId: string, input: Omit<MoveInput, 'revision' | 'document'>): Promise<Revision> {
    return this.db.transaction(async () => {
      const found = await this.revisions.findWithDocument(revisionId, { lock: true });
      if (!found) throw Errors.notFound('Revision');
      return this.transition(move, { ...input, ...found });
    });
  }

  /**
   * Creates a draft of `document` (the caller holds its row FOR UPDATE): the `create` move —
   * document not withdrawn, no open revision, a writer (or the system) — then the row with its
   * content, citations and the files of `base`, the creation transition, the audit event and the
   * rendition request.
   */
  async create(document: Document, draft: NewDraft, base: Revision | null, actor: Principal | null): Promise<Revision> {
    const [created] = await this.createMany([{ document, draft, base }], { actor });
    if (created instanceof DomainError) throw created;
    return created;
  }

  /**
   * `create` for a set of documents (the caller holds their rows FOR UPDATE), with one statement
   * per table: each entry's new draft, or the error that refused it (409 withdrawn or open
   * revision, 403, 400 content) — nothing is written for a refused entry. `rendition: 'on_demand'`
   * requests no rendition: the first read of the draft's copy asks for it (a legal change's
   * regeneration, whose drafts may never be read before they are edited).
   */
  async createMany(
    entries: readonly { document: Document; draft: NewDraft; base: Revision | null }[],
    opts: { actor: Principal | null; rendition?: 'eager' | 'on_demand' },
  ): Promise<(Revision | DomainError)[]> {
    return this.db.transaction(async () => {
      const rule = REVISION_MOVES.create;
      const at = new Date();
      const out: (Revision | DomainError | null)[] = entries.map(() => null);
      const open = rule.requires.includes('no_open_revision') ? await this.revisions.openOfMany(entries.map((e) => e.document.id)) : new Map<string, Revision>();
      for (const [i, e] of entries.entries()) {
        try {
          await this.assertRequirements(rule, { document: e.document, at, open: open.get(e.document.id) ?? null });
          await this.assertActor('create', rule, { agencyId: e.document.agencyId, authorId: e.draft.authorId }, opts.actor, at);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          out[i] = err;
        }
      }
      const cleared = entries.map((e, i) => ({ ...e, i })).filter(({ i }) => out[i] === null);
      const contents = await this.revisions.draftContents(cleared.map((e) => ({ doc: e.document, draft: e.draft, base: e.base })));
      const writable = cleared.flatMap((e, k) => {
        const content = contents[k];
        if (content instanceof DomainError) {
          out[e.i] = content;
          return [];
        }
        return [{ ...e, content }];
      });
      const inserted = await this.revisions.insertDrafts(writable.map((e) => ({ doc: e.document, draft: e.draft, base: e.base, content: e.content })));
      await this.transitions.recordMany(inserted.map(({ revision }) => ({ revisionId: revision.id, from: null, to: rule.to })));
      await this.audit.recordMany(
        inserted.map(({ revision, copiedFiles }, k) => ({
          action: rule.action,
          entityType: 'revision',
          entityId: revision.id,
          agencyId: writable[k].document.agencyId,
          changes: { documentId: writable[k].document.id, basedOnRevisionId: writable[k].base?.id ?? null, copiedFiles, changeSummary: revision.changeSummary },
        })),
      );
      if (opts.rendition !== 'on_demand') for (const { revision } of inserted) await this.renditions.request(revision.id);
      inserted.forEach(({ revision }, k) => (out[writable[k].i] = revision));
      return out as (Revision | DomainError)[];
    });
  }

  /** A new draft copied from the effective revision (else the latest one), locking the document. */
  async openDraft(documentId: string, draft: NewDraft, actor: Principal | null): Promise<Revision> {
    return this.db.transaction(async () => {
      const document = await this.revisions.lockDocument(documentId);
      const base = (await this.revisions.effectiveOf(document.id)) ?? (await this.revisions.latestOf(document.id));
      return this.create(document, draft, base, actor);
    });
  }

  // ---------------------------------------------------------------- withdrawal of a document

  /** The withdrawal's checks before its transaction: approver (403), withdrawable (409), password (401/429). */
  async authorizeWithdrawal(document: Document, actor: Principal, password: string): Promise<Clearance> {
    await this.assertAgencyApprover(document, actor, new Date());
    await this.assertWithdrawable(document);
    await this.auth.confirmPassword(actor.id, password, DOCUMENT_WITHDRAWAL.reauthPurpose, document.agencyId);
    return this.issue('withdraw', document.id, actor.id);
  }

  /**
   * Withdraws the document (in the caller's transaction, or its own): marked withdrawn with the
   * reason; its effective revision and an approved one waiting for its date make the `obsolete`
   * move; its flags are cleared; the `document.withdrawn` event names the approver's capacity.
   */
  async withdraw(
    documentId: string,
    input: { actor: Principal; reason: string; clearance: Clearance; at?: Date },
  ): Promise<{ document: Document; obsolete: Revision[]; capacity: ApproverCapacity }> {
    return this.db.transaction(async () => {
      const document = await this.revisions.lockDocument(documentId);
      await this.assertWithdrawable(document);
      const at = input.at ?? new Date();
      const capacity = await this.assertAgencyApprover(document, input.actor, at);
      this.redeem('withdraw', document.id, input.actor, input.clearance);
      await this.db.query(`UPDATE documents SET withdrawn_at = $2, withdrawn_reason = $3, withdrawn_by = $4, updated_at = now() WHERE id = $1`, [
        document.id,
        at,
        input.reason,
        input.actor.id,
      ]);
      const obsolete: Revision[] = [];
      for (const state of DOCUMENT_WITHDRAWAL.obsoletes) {
        const rev = await this.db.repo(Revision).findOne({ where: { documentId: document.id, state }, lock: { mode: 'pessimistic_write' } });
        if (rev) obsolete.push(await this.transition('obsolete', { revision: rev, document, actor: input.actor, at, comment: input.reason }));
      }
      const kinds = [...new Set((await this.flags.listActive(document.id)).map((f) => f.kind))];
      for (const kind of kinds) await this.flags.clear({ documentId: document.id, kind, note: 'Tài liệu đã bị thu hồi.' });
      const draft = await this.db.repo(Revision).findOneBy({ documentId: document.id, state: 'draft' });
      await this.audit.record({
        action: DOCUMENT_WITHDRAWAL.action,
        entityType: 'document',
        entityId: document.id,
        agencyId: document.agencyId,
        changes: {
          code: document.code,
          reason: input.reason,
          withdrawnAt: at.toISOString(),
          capacity: capacity.role === 'deputy' ? { capacity: 'KT.', onBehalfOf: capacity.onBehalfOf.fullName, delegationId: capacity.delegationId } : null,
          obsoleteRevisionIds: obsolete.map((r) => r.id),
          draftRevisionId: draft?.id ?? null,
        },
      });
      return { document: (await this.revisions.findDocument(document.id))!, obsolete, capacity };
    });
  }

  // ---------------------------------------------------------------- building blocks

  /** Every check of `transition` before it writes: input, state, requirements, actor. Returns the approver's capacity. */
  private async clear(move: RevisionMove, input: MoveInput): Promise<ApproverCapacity | null> {
    const rule = REVISION_MOVES[move];
    const at = input.at ?? new Date();
    this.assertInput(move, input);
    this.assertFrom(rule, input.revision.state);
    await this.assertRequirements(rule, { revision: input.revision, document: input.document, at });
    return this.assertActor(move, rule, input.revision, input.actor, at);
  }

  private assertFrom(rule: MoveRule, state: RevisionState): void {
    if (rule.from.includes(state)) return;
    const expected = rule.from.join(' or ');
    throw Errors.conflict(rule.conflict, `This needs a revision in state ${expected}; this one is ${state}.`, { state, expectedState: expected });
  }

  /** `open`: the document's open revision when the caller read it already (a set of creations). */
  private async assertRequirements(rule: MoveRule, input: { revision?: Revision; document: Document; at: Date; open?: Revision | null }): Promise<void> {
    const { revision, document } = input;
    for (const requirement of rule.requires) {
      switch (requirement) {
        case 'document_not_withdrawn':
          assertNotWithdrawn(document);
          break;
        case 'no_open_revision': {
          const open = input.open !== undefined ? input.open : await this.revisions.openOf(document.id);
          if (open) {
            throw Errors.conflict('revision_open', `The document already has an open revision (${open.state}); finish or return it first.`, {
              openRevisionId: open.id,
              openRevisionState: open.state,
            });
          }
          break;
        }
        case 'complete':
          await this.revisions.assertComplete(revision!, document);
          break;
        case 'due':
          if (revision!.effectiveFrom && revision!.effectiveFrom.getTime() > input.at.getTime()) {
            throw Errors.conflict('revision_not_due', `The revision takes effect on ${revision!.effectiveFrom.toISOString()}.`, { effectiveFrom: revision!.effectiveFrom.toISOString() });
          }
          break;
        case 'comment':
        case 'password':
          // The input (assertInput) and the clearance (authorize / redeem).
          break;
      }
    }
  }

  /**
   * The move's actor rule (revision-moves.ts MoveActor). A move the system may make is not
   * checked against the person whose request caused it (their own move was).
   */
  private async assertActor(
    move: RevisionMove,
    rule: MoveRule,
    revision: { id?: string; agencyId: string; authorId: string },
    actor: Principal | null,
    at: Date,
  ): Promise<ApproverCapacity | null> {
    if (rule.by.includes('system')) {
      if (!actor || rule.by.length === 1) return null;
    } else if (!actor) {
      throw new Error(`The ${move} move is made by a person, not by the system`);
    }
    const p = actor!;
    const agencyId = revision.agencyId;
    for (const kind of rule.by) {
      switch (kind) {
        case 'writer':
          await this.documentAccess.assertWrite(p, agencyId, 'Document');
          return null;
        case 'submitter':
          await this.access.assert(p, 'revision.submit', agencyId, 'Revision');
          if (revision.authorId !== p.id && !(await this.access.hasRole(p, agencyId, 'iso_secretary'))) {
            throw Errors.forbidden("Only the revision's author or an ISO secretary of the agency may submit it.", 'not_revision_author');
          }
          return null;
        case 'checker':
          await this.access.assert(p, 'revision.check', agencyId, 'Revision');
          if (revision.authorId === p.id) throw Errors.forbidden('The author of a revision cannot check it.', 'separation_of_duties');
          return null;
        case 'approver':
          await this.access.assert(p, 'revision.approve', agencyId, 'Revision');
          return this.approval.capacity(p, agencyId, { at, exclusions: await this.approvalExclusions(revision.id!) });
        case 'system':
          break;
      }
    }
    return null;
  }

  /** The withdrawal's actor: revision.approve on the agency and an approver's capacity (no exclusions). */
  private async assertAgencyApprover(document: Document, actor: Principal, at: Date): Promise<ApproverCapacity> {
    await this.access.assert(actor, 'revision.approve', document.agencyId, 'Document');
    return this.approval.capacity(actor, document.agencyId, { at });
  }

  private async assertWithdrawable(document: Document): Promise<void> {
    assertNotWithdrawn(document);
    const moving = await this.db.query<{ id: string; state: string }[]>(`SELECT id, state FROM revisions WHERE document_id = $1 AND state = ANY($2::text[])`, [
      document.id,
      DOCUMENT_WITHDRAWAL.blockedBy,
    ]);
    if (moving.length) {
      throw Errors.conflict('revision_in_workflow', `A revision of this document is ${moving[0].state}; return it to draft before withdrawing the document.`, {
        revisionId: moving[0].id,
        state: moving[0].state,
      });
    }
  }

  private issue(move: Clearance['move'], subjectId: string, actorId: string): Clearance {
    const clearance: Clearance = Object.freeze({ move, subjectId, actorId });
    this.issued.add(clearance);
    return clearance;
  }

  /** Uses up the clearance of a password move; a missing one is a programming error (the move was not authorized). */
  private redeem(move: Clearance['move'], subjectId: string, actor: Principal | null, clearance: Clearance | undefined): void {
    if (!clearance || !this.issued.has(clearance) || clearance.move !== move || clearance.subjectId !== subjectId || clearance.actorId !== actor?.id) {
      throw new Error(`The ${move} move needs RevisionLifecycle.authorize (password re-authentication) before its transaction`);
    }
    this.issued.delete(clearance);
  }
}
