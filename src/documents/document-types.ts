/** Vocabulary of controlled documents: types, revision states, file roles, units, code patterns. */

export const DOCUMENT_TYPES = ['procedure', 'form', 'quality_policy', 'quality_objectives', 'manual', 'decision', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Types whose substance is a file: a `source` file is required to submit. */
export const FILE_BASED_TYPES: readonly DocumentType[] = ['form', 'manual', 'decision', 'other'];

export const REVISION_STATES = ['draft', 'in_review', 'pending_approval', 'approved', 'effective', 'superseded', 'obsolete'] as const;
export type RevisionState = (typeof REVISION_STATES)[number];

/**
 * Open revisions: the one revision per document that is still on its way to taking effect. While
 * one is open no other draft can be opened (the database holds this with a partial unique index).
 * `approved` counts as open: it waits for its effective date and nothing may overtake it.
 */
export const OPEN_STATES: readonly RevisionState[] = ['draft', 'in_review', 'pending_approval', 'approved'];

/**
 * Frozen revisions: their content, change summary and files can never change again, and they
 * cannot be deleted; only the lifecycle moves on (enforced by the revisions_guard trigger too).
 */
export const FROZEN_STATES: readonly RevisionState[] = ['approved', 'effective', 'superseded', 'obsolete'];

export const FILE_ROLES = ['source', 'attachment'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

import { DURATION_UNITS, HOURS_PER_WORKING_DAY, type DurationUnit } from '../common/vn-format.js';

export { DURATION_UNITS, HOURS_PER_WORKING_DAY, type DurationUnit };

/**
 * Document codes: Latin letters (Vietnamese ones too: Đ, Ư, Ơ, ...), digits, `.`, `-`, `/`, starting
 * with a letter or digit, at most 64. "QT-01", "QT.TTHC-05", "BM.01/QT-01", "QT-ĐT-01". Written with
 * explicit ranges (no `\p{L}`, no `u` flag) so that the same pattern in the OpenAPI document means
 * the same to every client's validator.
 */
const CODE_CHAR = '0-9A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u1E00-\\u1EFF';
export const DOCUMENT_CODE_PATTERN = new RegExp(`^[${CODE_CHAR}][${CODE_CHAR}./-]{0,63}$`);

/** National TTHC codes: "1.001193" or the full form "1.001612.000.00.00.H01". */
export const TTHC_CODE_PATTERN = /^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$/;

/** The comparison key of a code: NFC, then lower case (accents stay significant). */
export function codeKey(code: string): string {
  return code.normalize('NFC').toLowerCase();
}

/** Kinds of flags the system raises on documents (others may be added by later features). */
export const FLAG_KINDS = ['legal_basis_changed', 'review_overdue', 'tthc_changed'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number] | (string & {});
