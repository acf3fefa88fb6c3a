/**
 * The fixed vocabulary of the registry: document types (loại văn bản, Law 80/2015/QH13 art. 4 plus
 * the individual documents and standards procedures also cite), statuses and relation kinds.
 * Codes are stable API values; labels are the Vietnamese names shown to users.
 */
import { foldVietnamese } from '../common/text.js';
import { LEGAL_STATUSES, LegalStatus } from './legal-document.entity.js';

export const LEGAL_TYPE_LABELS = {
  code: 'Bộ luật',
  law: 'Luật',
  ordinance: 'Pháp lệnh',
  order: 'Lệnh',
  resolution: 'Nghị quyết',
  joint_resolution: 'Nghị quyết liên tịch',
  decree: 'Nghị định',
  decision: 'Quyết định',
  circular: 'Thông tư',
  joint_circular: 'Thông tư liên tịch',
  directive: 'Chỉ thị',
  official_letter: 'Công văn',
  plan: 'Kế hoạch',
  guidance: 'Hướng dẫn',
  notice: 'Thông báo',
  standard: 'Tiêu chuẩn quốc gia (TCVN)',
  other: 'Văn bản khác',
} as const;

export type LegalType = keyof typeof LEGAL_TYPE_LABELS;
export const LEGAL_TYPES = Object.keys(LEGAL_TYPE_LABELS) as LegalType[];

export const LEGAL_STATUS_LABELS: Record<LegalStatus, string> = {
  in_force: 'Còn hiệu lực',
  amended: 'Được sửa đổi, bổ sung',
  replaced: 'Bị thay thế',
  repealed: 'Hết hiệu lực toàn bộ',
  partially_repealed: 'Hết hiệu lực một phần',
};

/** Statuses after which nothing further can happen to a document. */
export const TERMINAL_STATUSES: readonly LegalStatus[] = ['replaced', 'repealed'];

/** What a newer document does to an older one (legal_document_relations.kind). */
export const LEGAL_RELATION_KINDS = ['amends', 'replaces', 'repeals', 'partially_repeals'] as const;
export type LegalRelationKind = (typeof LEGAL_RELATION_KINDS)[number];

/** The status a relation gives the document it affects. */
export const STATUS_BY_RELATION: Record<LegalRelationKind, LegalStatus> = {
  amends: 'amended',
  replaces: 'replaced',
  repeals: 'repealed',
  partially_repeals: 'partially_repealed',
};

export const TERMINAL_RELATION_KINDS: readonly LegalRelationKind[] = ['replaces', 'repeals'];
/** Kinds that may be recorded without the affecting document (expired, or repealed by an act not in the registry). */
export const RELATION_KINDS_WITHOUT_SOURCE: readonly LegalRelationKind[] = ['repeals', 'partially_repeals'];

export function isLegalStatus(x: unknown): x is LegalStatus {
  return typeof x === 'string' && (LEGAL_STATUSES as readonly string[]).includes(x);
}

/** Maps (not plain objects): user input such as "constructor" must not find Object.prototype's members. */
const TYPE_ALIASES = new Map<string, LegalType>([
  ...(Object.entries(LEGAL_TYPE_LABELS) as [LegalType, string][]).flatMap(([code, label]): [string, LegalType][] => [
    [code, code],
    [foldVietnamese(label), code],
  ]),
  [foldVietnamese('Tiêu chuẩn quốc gia'), 'standard'],
  [foldVietnamese('Tiêu chuẩn'), 'standard'],
  ['tcvn', 'standard'],
]);

/**
 * A type code from its code or Vietnamese name, ignoring case and accents ("Quyết định", "quyet
 * dinh", "decision"). Every path that takes a legal document's type reads it with this: create,
 * update, the list filter and the import.
 */
export function parseLegalType(input: string): LegalType | null {
  const key = foldVietnamese(input).replace(/[\s_]+/g, ' ').trim();
  return TYPE_ALIASES.get(key) ?? TYPE_ALIASES.get(key.replace(/ /g, '_')) ?? null;
}

/** What a request may send as a type (the OpenAPI enum): the codes and their Vietnamese names. */
export const LEGAL_TYPE_INPUTS: readonly string[] = [...LEGAL_TYPES, ...Object.values(LEGAL_TYPE_LABELS)];

/** The field error of a type that is neither a code nor a Vietnamese name. */
export const LEGAL_TYPE_MESSAGE = `must be one of ${LEGAL_TYPES.join(', ')} (or its Vietnamese name, e.g. "Quyết định")`;

const STATUS_ALIASES = new Map<string, LegalStatus>([
  ...(Object.entries(LEGAL_STATUS_LABELS) as [LegalStatus, string][]).flatMap(([code, label]): [string, LegalStatus][] => [
    [code, code],
    [foldVietnamese(label), code],
  ]),
  [foldVietnamese('Có hiệu lực'), 'in_force'],
  [foldVietnamese('Hết hiệu lực'), 'repealed'],
]);

/** A status from its code or Vietnamese name (imports). */
export function parseLegalStatus(input: string): LegalStatus | null {
  const key = foldVietnamese(input).replace(/\s+/g, ' ').trim();
  return STATUS_ALIASES.get(key) ?? STATUS_ALIASES.get(key.replace(/ /g, '_')) ?? null;
}
