/**
 * Numbers of legal documents (số, ký hiệu văn bản) as Decree 30/2020/NĐ-CP writes them:
 * `<số>/<năm>/<ký hiệu>` ("19/2014/QĐ-TTg", "15/2012/QH13", "01/2015/TTLT-BNV-BTC") or, for
 * individual (non-normative) documents, `<số>/<ký hiệu>` ("101/QĐ-BKHCN", "1234/BKHCN-TĐC").
 * National standards cited as bases are numbered "TCVN ISO 9001:2015".
 *
 * Two spellings are the same document when their keys are equal: NFC, case folded, accents removed
 * (đ → d), whitespace removed. The database computes the same key (legal_number_key()).
 */
import { normalizeNumberSpelling, SYMBOL_PATTERN } from '../common/decree30.js';
import { foldVietnamese } from '../common/text.js';

export type LegalNumberForm = 'act' | 'standard';

export interface ParsedLegalNumber {
  /** Display form: NFC, typographic dashes and slashes unified, spaces removed (single spaces in standards). */
  number: string;
  /** Comparison key, unique in the registry. */
  key: string;
  form: LegalNumberForm;
  /** The year written in the number (`19/2014/...`, `...:2015`), or null. */
  year: number | null;
}

export type LegalNumberResult = { ok: true; value: ParsedLegalNumber } | { ok: false; message: string };

export const LEGAL_NUMBER_MAX_LENGTH = 100;
export const LEGAL_NUMBER_MIN_YEAR = 1945;

const ACT = new RegExp(String.raw`^(\d{1,5}[a-zA-Z]?)\/(?:(\d{4})\/)?(${SYMBOL_PATTERN})$`, 'u');
const STANDARD = /^TCVN(?: ISO(?:\/IEC)?)? \d+(?:[.-]\d+)*(?::(\d{4}))?$/;

/** Collapses the spellings of one number to its display form (without validating it). */
export function canonicalLegalNumber(input: string): string {
  const s = normalizeNumberSpelling(input);
  if (/^tcvn/i.test(s)) {
    return s.replace(/\s+/g, ' ').replace(/\s*([:/.-])\s*/g, '$1').toUpperCase();
  }
  return s.replace(/\s+/g, '');
}

/** The registry's comparison key: `19/2014/QĐ-TTg` and `19/2014/qđ-ttg` give `19/2014/qd-ttg`. */
export function legalNumberKey(input: string): string {
  return foldVietnamese(canonicalLegalNumber(input)).replace(/\s+/g, '');
}

/** Parses and validates a number; `message` says what is wrong in the user's terms. */
export function parseLegalNumber(input: string, now: Date = new Date()): LegalNumberResult {
  const number = canonicalLegalNumber(input);
  if (!number) return { ok: false, message: 'must not be empty' };
  if (number.length > LEGAL_NUMBER_MAX_LENGTH) return { ok: false, message: `must be at most ${LEGAL_NUMBER_MAX_LENGTH} characters` };
  const maxYear = now.getUTCFullYear() + 1;
  const standard = STANDARD.exec(number);
  if (standard) {
    const year = standard[1] ? Number(standard[1]) : null;
    if (year !== null && (year < 1900 || year > maxYear)) return { ok: false, message: `has an impossible year ${year}` };
    return { ok: true, value: { number, key: legalNumberKey(number), form: 'standard', year } };
  }
  const act = ACT.exec(number);
  if (!act) {
    return {
      ok: false,
      message: 'is not a legal document number: expected <number>/<year>/<symbol> such as 19/2014/QĐ-TTg or 15/2012/QH13, <number>/<symbol> such as 101/QĐ-BKHCN, or a TCVN standard',
    };
  }
  if (/^0+[a-zA-Z]?$/.test(act[1])) return { ok: false, message: 'must not be numbered 0' };
  const year = act[2] ? Number(act[2]) : null;
  if (year !== null && (year < LEGAL_NUMBER_MIN_YEAR || year > maxYear)) {
    return { ok: false, message: `has an impossible year ${year} (expected ${LEGAL_NUMBER_MIN_YEAR}-${maxYear})` };
  }
  return { ok: true, value: { number, key: legalNumberKey(number), form: 'act', year } };
}
