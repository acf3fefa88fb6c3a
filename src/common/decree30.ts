/**
 * Decree 30/2020/NĐ-CP (công tác văn thư) conventions for the papers an agency issues: the number
 * and symbol ("Số: 15/QĐ-UBND"), the place-and-date line ("Đăk Blá, ngày 10 tháng 6 năm 2026"),
 * signing capacities ("TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"), the signature status
 * printed on electronic copies and the "Nơi nhận" list. Pure functions: used by the official-paper
 * renderer (src/rendering) and by the modules that validate decision and report numbers.
 *
 * Dates and upper case come from src/rendering/pdf/vn-format.ts (to be moved next to this file).
 */
import { formatDateLong, formatDateShort, toCalendarDate, upperVi } from './vn-format.js';
import type { DateInput } from '../rendering/rendition-model.js';
import { nfc } from './text.js';

// ---------------------------------------------------------------------------------------------
// Kinds of papers and their abbreviations (Decree 30, Appendix III)

/** Administrative paper kinds with their Decree 30 abbreviation, as printed in the symbol. */
export const PAPER_KINDS = {
  nghi_quyet: { name: 'Nghị quyết', abbreviation: 'NQ' },
  quyet_dinh: { name: 'Quyết định', abbreviation: 'QĐ' },
  chi_thi: { name: 'Chỉ thị', abbreviation: 'CT' },
  quy_che: { name: 'Quy chế', abbreviation: 'QC' },
  quy_dinh: { name: 'Quy định', abbreviation: 'QyĐ' },
  thong_cao: { name: 'Thông cáo', abbreviation: 'TC' },
  thong_bao: { name: 'Thông báo', abbreviation: 'TB' },
  huong_dan: { name: 'Hướng dẫn', abbreviation: 'HD' },
  chuong_trinh: { name: 'Chương trình', abbreviation: 'CTr' },
  ke_hoach: { name: 'Kế hoạch', abbreviation: 'KH' },
  phuong_an: { name: 'Phương án', abbreviation: 'PA' },
  de_an: { name: 'Đề án', abbreviation: 'ĐA' },
  du_an: { name: 'Dự án', abbreviation: 'DA' },
  bao_cao: { name: 'Báo cáo', abbreviation: 'BC' },
  bien_ban: { name: 'Biên bản', abbreviation: 'BB' },
  to_trinh: { name: 'Tờ trình', abbreviation: 'TTr' },
  hop_dong: { name: 'Hợp đồng', abbreviation: 'HĐ' },
  cong_dien: { name: 'Công điện', abbreviation: 'CĐ' },
  ban_ghi_nho: { name: 'Bản ghi nhớ', abbreviation: 'BGN' },
  ban_thoa_thuan: { name: 'Bản thỏa thuận', abbreviation: 'BTT' },
  giay_uy_quyen: { name: 'Giấy ủy quyền', abbreviation: 'GUQ' },
  giay_moi: { name: 'Giấy mời', abbreviation: 'GM' },
  giay_gioi_thieu: { name: 'Giấy giới thiệu', abbreviation: 'GGT' },
  phieu_gui: { name: 'Phiếu gửi', abbreviation: 'PG' },
  phieu_chuyen: { name: 'Phiếu chuyển', abbreviation: 'PC' },
  phieu_bao: { name: 'Phiếu báo', abbreviation: 'PB' },
} as const;

export type PaperKind = keyof typeof PAPER_KINDS;

const KIND_BY_ABBREVIATION = new Map<string, PaperKind>(Object.entries(PAPER_KINDS).map(([k, v]) => [v.abbreviation, k as PaperKind]));

/** "BÁO CÁO", "QUYẾT ĐỊNH": the kind as printed above the title. */
export function paperKindHeading(kind: PaperKind): string {
  return upperVi(PAPER_KINDS[kind].name);
}

// ---------------------------------------------------------------------------------------------
// Number and symbol (số, ký hiệu)

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const SLASHES = /[\u2044\u2215\uFF0F]/g;
/** "Số: 19/2014/QĐ-TTg", "số 15/QĐ-UBND": the word is not part of the number. */
const SO_PREFIX = /^s[oố]\s*[:.]?\s*(?=\d)/iu;

/**
 * One spelling for the numbers people type: NFC, typographic dashes and slashes unified, a leading
 * "Số:" removed, trimmed (inner whitespace is left to the caller). Shared with legal-document numbers.
 */
export function normalizeNumberSpelling(input: string): string {
  return nfc(input).replace(DASHES, '-').replace(SLASHES, '/').trim().replace(SO_PREFIX, '');
}

const LETTER = String.raw`\p{Script=Latin}`;
const ALNUM = String.raw`[\p{Script=Latin}\d]`;
const INNER = String.raw`[\p{Script=Latin}\d&.]*`;
/**
 * A symbol (ký hiệu), as a regular expression source (flag `u`): a first segment starting with a
 * letter ("QĐ", "QH13"), then up to 5 "-SEGMENT"s ("-UBND", "-BNV-BTC"). Shared with legal numbers.
 */
export const SYMBOL_PATTERN = `${LETTER}(?:${INNER}${ALNUM})?(?:-${ALNUM}(?:${INNER}${ALNUM})?){0,5}`;
/** `<number>/<symbol>` with an optional year (`01/2026/QĐ-UBND`, as normative acts are numbered). */
const PAPER_NUMBER = new RegExp(String.raw`^(\d{1,5})\/(?:(\d{4})\/)?(${SYMBOL_PATTERN})$`, 'u');

export interface PaperNumber {
  /** The sequence number of the year (1, 2, ...). */
  number: number;
  /** The year written in the number, if any (`01/2026/QĐ-UBND`). */
  year: number | null;
  /** Everything after the number (and year): "QĐ-UBND", "BC-SKHCN", "UBND-VP". */
  symbol: string;
  /** The kind when the symbol starts with a Decree 30 abbreviation ("QĐ"), else null (công văn). */
  kind: PaperKind | null;
  /** The issuing agency's abbreviation: the part after the kind ("UBND"), or the first part of a công văn's symbol. */
  issuer: string;
  /** Display form: the number with a leading zero below 10 (Decree 30): "05/QĐ-UBND". */
  display: string;
}

export type PaperNumberResult = { ok: true; value: PaperNumber } | { ok: false; message: string };

/**
 * Parses and validates a number and symbol of an administrative paper: `15/QĐ-UBND`,
 * `12/BC-UBND`, `101/QĐ-BKHCN`, a công văn's `1234/UBND-VP`, or with a year `01/2026/QĐ-UBND`.
 * `expectKind` refuses another kind ("must be a decision number (…/QĐ-…)").
 */
export function parsePaperNumber(input: string, o: { expectKind?: PaperKind } = {}): PaperNumberResult {
  const s = normalizeNumberSpelling(input).replace(/\s+/g, '');
  if (!s) return { ok: false, message: 'must not be empty' };
  if (s.length > 100) return { ok: false, message: 'must be at most 100 characters' };
  const m = PAPER_NUMBER.exec(s);
  if (!m) return { ok: false, message: 'is not a document number of Decree 30/2020/NĐ-CP: expected <number>/<symbol> such as 15/QĐ-UBND or 12/BC-UBND' };
  const number = Number(m[1]);
  if (number === 0) return { ok: false, message: 'must not be numbered 0' };
  const year = m[2] ? Number(m[2]) : null;
  if (year !== null && (year < 1945 || year > 2200)) return { ok: false, message: `has an impossible year ${year}` };
  const symbol = m[3];
  const parts = symbol.split('-');
  const kind = KIND_BY_ABBREVIATION.get(parts[0]) ?? null;
  if (o.expectKind && kind !== o.expectKind) {
    const abbr = PAPER_KINDS[o.expectKind].abbreviation;
    return { ok: false, message: `must be the number of a ${PAPER_KINDS[o.expectKind].name.toLowerCase()} (…/${abbr}-…), e.g. 15/${abbr}-UBND` };
  }
  if (kind && parts.length < 2) return { ok: false, message: `must name the issuing agency after the kind, e.g. ${m[1]}/${parts[0]}-UBND` };
  const issuer = kind ? parts[1] : parts[0];
  return { ok: true, value: { number, year, symbol, kind, issuer, display: formatPaperNumber(number, symbol, year) } };
}

/** The symbol of a paper: `BC-UBND` (kind, issuer[, unit]); a công văn has no kind: `UBND-VP`. */
export function paperSymbol(kind: PaperKind | null, issuer: string, unit?: string | null): string {
  return [kind ? PAPER_KINDS[kind].abbreviation : null, issuer, unit].filter(Boolean).join('-');
}

/** Spaces left for the number of a paper not numbered yet (it is numbered when it is issued). */
export const BLANK_NUMBER = '      ';

/** `12/BC-UBND`, `05/QĐ-UBND` (leading zero below 10), `01/2026/QĐ-UBND`; unnumbered: `      /BC-UBND`. */
export function formatPaperNumber(number: number | null | undefined, symbol: string, year?: number | null): string {
  const n = number === null || number === undefined ? BLANK_NUMBER : String(number).padStart(2, '0');
  return year ? `${n}/${year}/${symbol}` : `${n}/${symbol}`;
}

/** The number line under the agency block: "Số: 12/BC-UBND", or "Số:       /BC-UBND" when not numbered. */
export function numberLine(number: number | null | undefined, symbol: string, year?: number | null): string {
  return `Số: ${formatPaperNumber(number, symbol, year)}`;
}

// ---------------------------------------------------------------------------------------------
// Place and date

/** Spaces left for a day or month not known yet. */
const BLANK_DAY = '     ';

/**
 * "Đăk Blá, ngày 10 tháng 6 năm 2026" (the day below 10 and January/February with a leading zero);
 * undated: "Đăk Blá, ngày      tháng      năm 2026" with the year of `year`, or blank too.
 */
export function placeDateLine(place: string | null | undefined, date: DateInput | null | undefined, year?: number | null): string {
  const prefix = place?.trim() ? `${nfc(place.trim())}, ` : '';
  if (date !== null && date !== undefined) return `${prefix}${formatDateLong(date)}`;
  return `${prefix}ngày ${BLANK_DAY} tháng ${BLANK_DAY} năm ${year ?? BLANK_DAY}`;
}

/** The year of a date input in Vietnam. */
export function yearOf(date: DateInput): number {
  return toCalendarDate(date).year;
}

// ---------------------------------------------------------------------------------------------
// Signing capacity (thẩm quyền ký)

/**
 * How the paper is signed: by the head (`head`), by a deputy for the head (`deputy`, "KT."), by the
 * acting head (`acting`, "Q."), by order of the head (`by_order`, "TL."), or under an authorization
 * (`by_authorization`, "TUQ.").
 */
export type SigningMode = 'head' | 'deputy' | 'acting' | 'by_order' | 'by_authorization';

export interface SigningCapacityInput {
  mode: SigningMode;
  /** The head's title: "Chủ tịch", "Giám đốc". */
  headTitle: string;
  /** The signer's own title when not the head: "Phó Chủ tịch", "Chánh Văn phòng". Default for a deputy: "Phó " + head title. */
  signerTitle?: string | null;
  /** A collective body signed for ("TM."): "Ủy ban nhân dân", "Ban Chỉ đạo". */
  collective?: string | null;
}

export interface SigningCapacity {
  /** Lines above the position, e.g. ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]. */
  capacity: string[];
  /** The signer's position, e.g. "PHÓ CHỦ TỊCH". */
  position: string;
}

/**
 * The capacity lines of a signature block (Decree 30, Article 13 and Appendix I):
 *   head of a collective:      TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH
 *   deputy of a collective:    TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH
 *   deputy of a head:          KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC
 *   by order:                  TL. GIÁM ĐỐC / CHÁNH VĂN PHÒNG
 *   under an authorization:    TUQ. GIÁM ĐỐC / TRƯỞNG PHÒNG ...
 *   acting head:               Q. GIÁM ĐỐC
 */
export function signingCapacity(i: SigningCapacityInput): SigningCapacity {
  const head = upperVi(i.headTitle.trim());
  const own = i.signerTitle?.trim() ? upperVi(i.signerTitle.trim()) : null;
  const tm = i.collective?.trim() ? [`TM. ${upperVi(i.collective.trim())}`] : [];
  const need = (what: string): string => {
    if (!own) throw new RangeError(`signingCapacity: a ${what} signature needs the signer's title`);
    return own;
  };
  switch (i.mode) {
    case 'head':
      return { capacity: tm, position: head };
    case 'acting':
      return { capacity: tm, position: `Q. ${head}` };
    case 'deputy':
      return { capacity: [...tm, onBehalfOf(i.headTitle)], position: own ?? upperVi(`Phó ${i.headTitle.trim()}`) };
    case 'by_order':
      return { capacity: [...tm, `TL. ${head}`], position: need('TL.') };
    case 'by_authorization':
      return { capacity: [`TUQ. ${head}`], position: need('TUQ.') };
  }
}

/** "Giám đốc" → "KT. GIÁM ĐỐC": a deputy signing for the head (ký thay). */
export function onBehalfOf(headTitle: string): string {
  return `KT. ${upperVi(headTitle.trim())}`;
}

/** What an electronic copy prints where the signature would be. */
export function signatureStatus(signedAt: DateInput | null | undefined, valid = true): string {
  if (signedAt === null || signedAt === undefined) return 'Chưa ký';
  if (!valid) return `Chữ ký ngày ${formatDateShort(signedAt)} không còn hiệu lực`;
  return `Đã ký điện tử ngày ${formatDateShort(signedAt)}`;
}

// ---------------------------------------------------------------------------------------------
// Nơi nhận

/**
 * The "Nơi nhận" list as printed: each recipient after "- ", ending with ";" and the last with "."
 * (unless the caller already ended it): ["Sở KH&CN", "Lưu: VT"] → ["- Sở KH&CN;", "- Lưu: VT."].
 */
export function recipientLines(recipients: readonly string[]): string[] {
  const items = recipients.map((r) => nfc(r).trim().replace(/^-\s*/, '')).filter((r) => r.length > 0);
  return items.map((r, i) => {
    const ended = /[;.,:]$/.test(r);
    return `- ${ended ? r : `${r}${i === items.length - 1 ? '.' : ';'}`}`;
  });
}
