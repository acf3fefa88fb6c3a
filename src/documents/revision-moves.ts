/**
 * The revision lifecycle as data: every move a revision can make — from which state, to which,
 * who may make it, what it requires, what it stamps and which audit event records it.
 * RevisionLifecycle (revision-lifecycle.ts) applies this table and nothing else moves a revision;
 * the `revisions_guard` trigger (migration RevisionLifecycleGuard) holds the same (from, to) pairs
 * in the database, and test/documents/lifecycle-table.spec.ts checks that they agree on every pair.
 */
import type { CodeWithStatus } from '../common/problem-codes.js';
import type { RevisionState } from './document-types.js';

export type RevisionMove =
  | 'create'
  | 'submit'
  | 'check'
  | 'return_from_check'
  | 'approve'
  | 'return_from_approval'
  | 'take_effect'
  | 'supersede'
  | 'obsolete';

/**
 * Who may make a move.
 * - `writer`: document.write on the agency (drafters, ISO secretaries).
 * - `submitter`: revision.submit, and the revision's author or an ISO secretary of the agency.
 * - `checker`: revision.check, never the revision's author.
 * - `approver`: revision.approve, in a capacity ApprovalRights grants (head, or deputy under an
 *   active delegation), never the author nor whoever checked the revision.
 * - `system`: no person decides; the move follows from another checked one (an approval whose
 *   date has come, a newer revision taking effect, the withdrawal of the document) or from a job
 *   (the effective-date job and sweep, a legal change's regeneration).
 */
export type MoveActor = 'writer' | 'submitter' | 'checker' | 'approver' | 'system';

/**
 * What a move requires besides its state and its actor.
 * - `comment`: a non-blank comment (400).
 * - `password`: the actor re-authenticated (RevisionLifecycle.authorize, before the transaction).
 * - `document_not_withdrawn`: 409 `document_withdrawn`.
 * - `no_open_revision`: the document has no open revision (409 `revision_open`).
 * - `complete`: the content rules of the document type (422 `revision_incomplete`).
 * - `due`: its effective date has come (409 `revision_not_due`).
 */
export type MoveRequirement = 'comment' | 'password' | 'document_not_withdrawn' | 'no_open_revision' | 'complete' | 'due';

/** Columns a move sets besides state, version (the ETag) and updated_at. */
export type MoveStamp = 'approved_at' | 'effective_from' | 'effective_at' | 'number' | 'superseded_at' | 'obsolete_at';

export interface MoveRule {
  /** States the move starts from (null: the revision does not exist yet). */
  from: readonly (RevisionState | null)[];
  to: RevisionState;
  by: readonly MoveActor[];
  requires: readonly MoveRequirement[];
  stamps: readonly MoveStamp[];
  /** The audit event of the move. */
  action: string;
  /** 409 code when the revision is not in a `from` state. */
  conflict: CodeWithStatus<409>;
  /** Facts every event of this move carries (`stage` of a return). */
  facts?: Record<string, unknown>;
  /** The event carries the revision's change summary (nội dung sửa đổi), for the document history. */
  recordsChangeSummary?: boolean;
  /** The purpose recorded with a failed re-authentication (moves that require `password`). */
  reauthPurpose?: string;
}

export const REVISION_MOVES: Readonly<Record<RevisionMove, MoveRule>> = {
  create: {
    from: [null],
    to: 'draft',
    by: ['writer', 'system'],
    requires: ['document_not_withdrawn', 'no_open_revision'],
    stamps: [],
    action: 'revision.created',
    conflict: 'revision_exists',
    recordsChangeSummary: true,
  },
  submit: {
    from: ['draft'],
    to: 'in_review',
    by: ['submitter'],
    requires: ['document_not_withdrawn', 'complete'],
    stamps: [],
    action: 'revision.submitted',
    conflict: 'revision_not_draft',
    recordsChangeSummary: true,
  },
  check: {
    from: ['in_review'],
    to: 'pending_approval',
    by: ['checker'],
    requires: [],
    stamps: [],
    action: 'revision.checked',
    conflict: 'revision_not_in_review',
  },
  return_from_check: {
    from: ['in_review'],
    to: 'draft',
    by: ['checker'],
    requires: ['comment'],
    stamps: [],
    action: 'revision.returned',
    conflict: 'revision_not_in_review',
    facts: { stage: 'check' },
  },
  approve: {
    from: ['pending_approval'],
    to: 'approved',
    by: ['approver'],
    requires: ['password', 'document_not_withdrawn'],
    stamps: ['approved_at', 'effective_from'],
    action: 'revision.approved',
    conflict: 'revision_not_pending_approval',
    reauthPurpose: 'revision.approve',
  },
  return_from_approval: {
    from: ['pending_approval'],
    to: 'draft',
    by: ['approver'],
    requires: ['comment'],
    stamps: [],
    action: 'revision.returned',
    conflict: 'revision_not_pending_approval',
    facts: { stage: 'approval' },
  },
  take_effect: {
    from: ['approved'],
    to: 'effective',
    by: ['system'],
    requires: ['document_not_withdrawn', 'due'],
    stamps: ['effective_at', 'number'],
    action: 'revision.effective',
    conflict: 'revision_not_approved',
    recordsChangeSummary: true,
  },
  supersede: {
    from: ['effective'],
    to: 'superseded',
    by: ['system'],
    requires: [],
    stamps: ['superseded_at'],
    action: 'revision.superseded',
    conflict: 'revision_not_effective',
  },
  obsolete: {
    from: ['effective', 'approved'],
    to: 'obsolete',
    by: ['system'],
    requires: [],
    stamps: ['obsolete_at'],
    action: 'revision.obsolete',
    conflict: 'revision_not_obsoletable',
  },
};

/**
 * The withdrawal (thu hồi) of a whole document: by an approver of its agency (no separation of
 * duties: it is not about one revision), re-authenticated, with a reason; refused while a revision
 * is being checked or approved. Its effective revision and an approved one waiting for its date
 * make the `obsolete` move; a plain draft stays (it can no longer be submitted).
 */
export const DOCUMENT_WITHDRAWAL = {
  by: 'approver' as const,
  requires: ['password', 'document_not_withdrawn', 'no_revision_in_workflow'] as const,
  obsoletes: ['effective', 'approved'] as readonly RevisionState[],
  blockedBy: ['in_review', 'pending_approval'] as readonly RevisionState[],
  action: 'document.withdrawn',
  reauthPurpose: 'document.withdraw',
};

/** Every (from, to) pair the table allows (from null: creation). */
export const LIFECYCLE_PAIRS: readonly (readonly [RevisionState | null, RevisionState])[] = Object.values(REVISION_MOVES).flatMap((m) => m.from.map((f) => [f, m.to] as const));

/** Whether the table lets a revision go from `from` to `to` (null: be created in `to`). */
export function isLifecyclePair(from: RevisionState | null, to: RevisionState): boolean {
  return LIFECYCLE_PAIRS.some(([f, t]) => f === from && t === to);
}
