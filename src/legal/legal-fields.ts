/**
 * Validation of a legal document's fields, shared by create, update and bulk import so every path
 * applies the same rules. Returns every problem at once as field errors.
 */
import type { FieldError } from '../common/errors.js';
import { nfc, stripControlChars } from '../common/text.js';
import { LegalStatus } from './legal-document.entity.js';
import { parseLegalNumber } from './legal-number.js';
import { isLegalStatus, LEGAL_TYPE_MESSAGE, LegalType, parseLegalStatus, parseLegalType } from './legal-types.js';

export const LEGAL_ISSUER_MAX = 300;
export const LEGAL_TITLE_MAX = 1000;

export interface LegalFields {
  number: string;
  numberKey: string;
  type: LegalType;
  issuer: string;
  title: string;
  issuedOn: string;
  effectiveFrom: string;
  status: LegalStatus;
}

export type LegalFieldName = Exclude<keyof LegalFields, 'numberKey'>;
export const LEGAL_FIELD_NAMES: readonly LegalFieldName[] = ['number', 'type', 'issuer', 'title', 'issuedOn', 'effectiveFrom', 'status'];

export interface ParseOptions {
  /**
   * Imports: also accept Vietnamese status names ("Còn hiệu lực") and dates written d/m/yyyy (as
   * spreadsheets export them). The type is read by its code or Vietnamese name on every path.
   */
  lenient?: boolean;
  now?: Date;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const VN_DATE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/;

/** A calendar date as YYYY-MM-DD, or null when `s` is not a real date. */
export function parseDate(s: string, lenient = false): string | null {
  let y: number, m: number, d: number;
  const iso = ISO_DATE.exec(s);
  const vn = lenient ? VN_DATE.exec(s) : null;
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (vn) [y, m, d] = [Number(vn[3]), Number(vn[2]), Number(vn[1])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Single-line text: NFC, control characters removed, runs of whitespace (including line breaks) collapsed. */
export function cleanText(s: string): string {
  return stripControlChars(nfc(s).replace(/\s+/g, ' ')).trim();
}

function text(value: unknown, field: string, max: number, errors: FieldError[]): string {
  if (value === undefined || value === null || value === '') {
    errors.push({ field, message: 'is required' });
    return '';
  }
  if (typeof value !== 'string') {
    errors.push({ field, message: 'must be a string' });
    return '';
  }
  const v = cleanText(value);
  if (!v) errors.push({ field, message: 'must not be blank' });
  else if (v.length > max) errors.push({ field, message: `must be at most ${max} characters` });
  return v;
}

function date(value: unknown, field: string, lenient: boolean, errors: FieldError[]): string {
  if (value === undefined || value === null || value === '') {
    errors.push({ field, message: 'is required' });
    return '';
  }
  const v = typeof value === 'string' ? parseDate(value.trim(), lenient) : null;
  if (!v) errors.push({ field, message: lenient ? 'must be a date YYYY-MM-DD (or dd/mm/yyyy)' : 'must be a date YYYY-MM-DD' });
  else if (Number(v.slice(0, 4)) < 1900 || Number(v.slice(0, 4)) > 2100) errors.push({ field, message: 'must be between 1900 and 2100' });
  return v ?? '';
}

/**
 * Validates a complete set of fields (create, import, or an update merged over the stored values).
 * `status` defaults to `in_force`.
 */
export function parseLegalFields(input: Record<string, unknown>, opts: ParseOptions = {}): { value: LegalFields | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const lenient = opts.lenient ?? false;

  let number = '';
  let numberKey = '';
  let numberYear: number | null = null;
  let numberForm: 'act' | 'standard' | null = null;
  const rawNumber = input.number;
  if (rawNumber === undefined || rawNumber === null || rawNumber === '') errors.push({ field: 'number', message: 'is required' });
  else if (typeof rawNumber !== 'string') errors.push({ field: 'number', message: 'must be a string' });
  else {
    const parsed = parseLegalNumber(rawNumber, opts.now);
    if (parsed.ok) ({ number, key: numberKey, year: numberYear, form: numberForm } = parsed.value);
    else errors.push({ field: 'number', message: parsed.message });
  }

  let type: LegalType | null = null;
  const rawType = input.type;
  if (rawType === undefined || rawType === null || rawType === '') errors.push({ field: 'type', message: 'is required' });
  else if (typeof rawType !== 'string') errors.push({ field: 'type', message: 'must be a string' });
  else {
    type = parseLegalType(rawType);
    if (!type) errors.push({ field: 'type', message: LEGAL_TYPE_MESSAGE });
  }
  if (type && numberForm) {
    if (numberForm === 'standard' && type !== 'standard') errors.push({ field: 'type', message: 'must be standard for a TCVN number' });
    if (numberForm === 'act' && type === 'standard') errors.push({ field: 'number', message: 'a standard is numbered "TCVN ..." (e.g. TCVN ISO 9001:2015)' });
  }

  const issuer = text(input.issuer, 'issuer', LEGAL_ISSUER_MAX, errors);
  const title = text(input.title, 'title', LEGAL_TITLE_MAX, errors);
  const issuedOn = date(input.issuedOn, 'issuedOn', lenient, errors);
  const effectiveFrom = date(input.effectiveFrom, 'effectiveFrom', lenient, errors);
  if (issuedOn && effectiveFrom && effectiveFrom < issuedOn) errors.push({ field: 'effectiveFrom', message: 'must not be before issuedOn' });
  if (issuedOn && numberYear !== null && numberForm === 'act' && Number(issuedOn.slice(0, 4)) !== numberYear) {
    errors.push({ field: 'issuedOn', message: `must be in ${numberYear}, the year in the number` });
  }

  let status: LegalStatus = 'in_force';
  const rawStatus = input.status;
  if (rawStatus !== undefined && rawStatus !== null && rawStatus !== '') {
    const s = typeof rawStatus === 'string' ? (lenient ? parseLegalStatus(rawStatus) : isLegalStatus(rawStatus) ? rawStatus : null) : null;
    if (s) status = s;
    else errors.push({ field: 'status', message: `must be one of in_force, amended, replaced, repealed, partially_repealed${lenient ? ' (or its Vietnamese name)' : ''}` });
  }

  if (errors.length || !type) return { value: null, errors };
  return { value: { number, numberKey, type, issuer, title, issuedOn, effectiveFrom, status }, errors };
}
