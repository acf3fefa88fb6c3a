/**
 * The fields of a TTHC as the national public service portal exports them, parsed into the
 * catalogue's values: the code (an instance code maps to its base code), the levels, the
 * statutory time limit ("05 ngày làm việc" → 5 working days), the fee as text, the legal bases
 * as legal-document numbers, the status.
 */
import type { FieldError } from '../common/errors.js';
import { foldVietnamese } from '../common/text.js';
import type { DurationUnit } from '../documents/document-types.js';

export const TTHC_LEVELS = ['province', 'district', 'commune'] as const;
export type TthcLevel = (typeof TTHC_LEVELS)[number];
export const TTHC_STATUSES = ['in_force', 'abolished'] as const;
export type TthcStatus = (typeof TTHC_STATUSES)[number];

export const TTHC_FIELD_NAMES = ['code', 'name', 'field', 'levels', 'timeLimit', 'fee', 'legalBasisNumbers', 'status'] as const;
export type TthcFieldName = (typeof TTHC_FIELD_NAMES)[number];
export const REQUIRED_TTHC_COLUMNS: readonly TthcFieldName[] = ['code', 'name'];

export interface TimeLimit {
  value: number;
  unit: DurationUnit;
}

/** One catalogue entry as imported. */
export interface TthcFields {
  code: string;
  name: string;
  field: string;
  levels: TthcLevel[];
  timeLimit: TimeLimit | null;
  /** The time limit as published (kept also when it is not a simple duration). */
  timeLimitText: string | null;
  fee: string | null;
  legalBasisNumbers: string[];
  status: TthcStatus;
}

/** Column titles (folded, letters and digits only) to fields: the API names and the portal's Vietnamese titles. */
export const TTHC_COLUMN_ALIASES: ReadonlyMap<string, TthcFieldName> = (() => {
  const aliases: Record<TthcFieldName, string[]> = {
    code: ['Mã thủ tục', 'Mã TTHC', 'Mã số', 'Mã thủ tục hành chính', 'Mã'],
    name: ['Tên thủ tục', 'Tên TTHC', 'Tên thủ tục hành chính', 'Tên'],
    field: ['Lĩnh vực', 'Lĩnh vực thực hiện'],
    levels: ['Cấp thực hiện', 'Cấp', 'Cấp giải quyết'],
    timeLimit: ['Thời hạn giải quyết', 'Thời hạn', 'Thời gian giải quyết'],
    fee: ['Phí, lệ phí', 'Phí lệ phí', 'Phí', 'Lệ phí', 'Phí/Lệ phí'],
    legalBasisNumbers: ['Căn cứ pháp lý', 'Căn cứ', 'legalBases'],
    status: ['Tình trạng', 'Trạng thái', 'Tình trạng hiệu lực'],
  };
  const out = new Map<string, TthcFieldName>();
  for (const f of TTHC_FIELD_NAMES) {
    out.set(columnKey(f), f);
    for (const a of aliases[f]) out.set(columnKey(a), f);
  }
  return out;
})();

export function columnKey(title: string): string {
  return foldVietnamese(title).replace(/[^a-z0-9]/g, '');
}

const CODE = /^(\d\.\d{6})(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$/;

/** The base code of a TTHC code ("1.001612.000.00.00.H01" → "1.001612"), or null when it is not one. */
export function baseTthcCode(raw: string): string | null {
  const m = CODE.exec(raw.trim().toUpperCase());
  return m ? m[1] : null;
}

const LEVEL_WORDS: [RegExp, TthcLevel][] = [
  [/^(cap )?(tinh|province|provincial)$/, 'province'],
  [/^(cap )?(huyen|district)$/, 'district'],
  [/^(cap )?(xa|commune)$/, 'commune'],
];

const UNITS: [RegExp, DurationUnit][] = [
  [/^ngay lam viec\b/, 'working_days'],
  [/^ngay\b/, 'days'],
  [/^(gio|tieng)( lam viec)?\b/, 'hours'],
];

/**
 * A statutory time limit from its published text: "05 ngày làm việc", "Không quá 10 ngày",
 * "1,5 ngày làm việc kể từ ngày nhận đủ hồ sơ", "24 giờ", "Trong ngày" (1 working day). Texts
 * that are not a duration ("Không quy định", "theo quy định") give null; so does an empty text.
 */
export function parseTimeLimit(text: string): TimeLimit | null {
  const folded = foldVietnamese(text).replace(/\s+/g, ' ').trim();
  if (!folded) return null;
  if (/^trong (ngay|ngay lam viec)\b/.test(folded)) return { value: 1, unit: 'working_days' };
  const m = /(\d+(?:[.,]\d+)?)\s*(.*)$/.exec(folded);
  if (!m) return null;
  const value = Number(m[1].replace(',', '.'));
  if (!(value > 0) || value > 100_000) return null;
  for (const [re, unit] of UNITS) if (re.test(m[2])) return { value, unit };
  return null;
}

/** Legal-document numbers in a text ("Luật số 45/2013/QH13; Nghị định 43/2014/NĐ-CP") or a list. */
export function legalNumbersIn(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map((v) => String(v ?? '')) : [String(value ?? '')];
  const out: string[] = [];
  for (const part of parts) {
    for (const m of part.normalize('NFC').matchAll(/\d{1,6}\/(?:\d{4}\/)?[0-9A-Za-zĐđ]+(?:[-–][0-9A-Za-zĐđ]+)*/g)) {
      const n = m[0].replace('–', '-');
      if (!out.includes(n)) out.push(n);
    }
  }
  return out;
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return '';
  return v.normalize('NFC').trim();
}

/** Parses one row's values; errors name the field. */
export function parseTthcFields(values: Record<string, unknown>): { value: TthcFields | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (field: TthcFieldName, message: string) => errors.push({ field, message });
  for (const [k, v] of Object.entries(values)) {
    if (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && k !== 'timeLimit') err(k as TthcFieldName, 'must be text');
  }
  const rawCode = text(values.code);
  const code = baseTthcCode(rawCode);
  if (!rawCode) err('code', 'is required');
  else if (!code) err('code', `"${rawCode.slice(0, 40)}" is not a TTHC code (1.001193, or the full form 1.001612.000.00.00.H01)`);
  const name = text(values.name);
  if (!name) err('name', 'is required');
  else if (name.length > 2000) err('name', 'is longer than 2000 characters');
  const field = text(values.field);
  if (field.length > 500) err('field', 'is longer than 500 characters');

  const levels: TthcLevel[] = [];
  const rawLevels = Array.isArray(values.levels) ? values.levels.map(text) : text(values.levels).split(/[,;/\n]+/);
  for (const l of rawLevels.map((s) => foldVietnamese(s).replace(/\s+/g, ' ').trim()).filter(Boolean)) {
    const level = LEVEL_WORDS.find(([re]) => re.test(l))?.[1];
    if (!level) err('levels', `"${l.slice(0, 40)}" is not a level (Cấp tỉnh, Cấp huyện, Cấp xã)`);
    else if (!levels.includes(level)) levels.push(level);
  }
  levels.sort((a, b) => TTHC_LEVELS.indexOf(a) - TTHC_LEVELS.indexOf(b));

  let timeLimit: TimeLimit | null = null;
  let timeLimitText: string | null = null;
  const tl = values.timeLimit;
  if (tl && typeof tl === 'object' && !Array.isArray(tl)) {
    const { value, unit } = tl as { value?: unknown; unit?: unknown };
    if (typeof value !== 'number' || !(value > 0) || value > 100_000) err('timeLimit', 'value must be a positive number');
    else if (unit !== 'working_days' && unit !== 'days' && unit !== 'hours') err('timeLimit', 'unit must be working_days, days or hours');
    else timeLimit = { value, unit };
  } else {
    timeLimitText = text(tl) || null;
    if (timeLimitText && timeLimitText.length > 2000) err('timeLimit', 'is longer than 2000 characters');
    else if (timeLimitText) timeLimit = parseTimeLimit(timeLimitText);
  }
  const fee = text(values.fee) || null;
  if (fee && fee.length > 4000) err('fee', 'is longer than 4000 characters');
  const legalBasisNumbers = legalNumbersIn(values.legalBasisNumbers);
  if (legalBasisNumbers.length > 200) err('legalBasisNumbers', 'lists more than 200 legal documents');

  let status: TthcStatus = 'in_force';
  const rawStatus = foldVietnamese(text(values.status));
  if (rawStatus) {
    if (/^(in_force|con hieu luc|dang ap dung|dang thuc hien|hieu luc|cong bo|da cong bo)$/.test(rawStatus)) status = 'in_force';
    else if (/^(abolished|bai bo|da bai bo|het hieu luc|bi bai bo|da huy bo|huy bo)$/.test(rawStatus)) status = 'abolished';
    else err('status', `"${rawStatus.slice(0, 40)}" is not a status (in_force / Còn hiệu lực, abolished / Đã bãi bỏ)`);
  }
  if (errors.length || !code) return { value: null, errors };
  return { value: { code, name, field, levels, timeLimit, timeLimitText, fee, legalBasisNumbers, status }, errors };
}
