/**
 * The input of the official-paper renderer (`renderOfficialPaperPdf`): a paper an agency issues
 * under Decree 30/2020/NĐ-CP (báo cáo, biên bản, kế hoạch, quyết định...) or an ISO record printed in
 * the controlled-copy layout (the internal-audit report, the management-review minutes). Everything
 * printed is in the model, resolved and independent of the ORM, so that the same model always gives
 * the same bytes and its digest identifies the printed text (docs/RENDERING.md "Official papers").
 *
 * Dates: `'YYYY-MM-DD'` is a calendar date; an ISO instant or a Date is printed as its date in Vietnam
 * (UTC+07:00). Text should be NFC (the renderer normalises again). Helpers for the Decree 30 parts
 * (numbers, capacities, place and date, "Nơi nhận") are in src/common/decree30.ts.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.js';
import type { Align, RichText } from './pdf/text.js';
import type { DateInput, RenditionAgency } from './rendition-model.js';

/**
 * Version of the official-paper layout, written into each PDF (/EisoPaperLayoutVersion) and part of
 * a record paper's identity (record_papers.layout_version): bump it whenever the printed output of an
 * existing model changes, so stored papers are rendered again on their next request.
 */
export const PAPER_LAYOUT_VERSION = 1;

/**
 * `decree30`: an administrative paper — national header, agency block, "Số:", place and date, the
 * kind and title centred, the body, Decree 30 signature blocks and "Nơi nhận"; "Trang X/Y" at the top.
 * `record`: the controlled-copy layout of ISO records — the boxed header of controlled copies on
 * every page (agency | kind and title | code, number, date, "Trang X/Y"), the title, the body, and the
 * signature grid (one column per signer).
 */
export type PaperLayout = 'decree30' | 'record';

/** Heading numbers: `roman` I. / 1. / a) (administrative papers), `decimal` 1. / 1.1. / 1.1.1. (records), or none. */
export type PaperNumbering = 'roman' | 'decimal' | 'none';

/** One agency of the lineage, outermost first; the last is the issuing agency. */
export type PaperAgency = RenditionAgency;

/** "Số: 12/BC-UBND"; `value` absent or null prints the blank "Số:       /BC-UBND" of a paper not numbered yet. */
export interface PaperNumberLine {
  value?: number | null;
  /** "BC-UBND", "QĐ-UBND" (see paperSymbol in src/common/decree30.ts). */
  symbol: string;
  /** Normative acts carry the year in the number: "01/2026/QĐ-UBND". */
  year?: number | null;
}

export interface PaperSignature {
  /** Record layout: the column heading ("Người lập", "Trưởng đoàn đánh giá", "Chủ trì"). Decree 30 layout: not printed. */
  role?: string | null;
  /** Capacity lines above the position, e.g. ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"] (signingCapacity()). */
  capacity?: string[] | null;
  /** e.g. "Phó Chủ tịch" (printed upper case in the Decree 30 layout). */
  position?: string | null;
  fullName?: string | null;
  /** When it was signed electronically (with re-authentication); absent or null: not signed ("Chưa ký"). */
  signedAt?: DateInput | null;
  /** False when the signature no longer holds (printed as such, with a warning). Default true. */
  valid?: boolean;
}

export interface PaperTableColumn {
  header: RichText;
  /** Relative width. */
  width: number;
  align?: Align;
}

/** A table cell: text, nothing, or text with its own weight and alignment. */
export type PaperCell = RichText | null | { text: RichText; bold?: boolean; align?: Align };

export type PaperBlock =
  /** A numbered heading (numbers by `numbering`; `number` gives one explicitly, `null` none). */
  | { type: 'heading'; text: string; level?: 1 | 2 | 3; number?: string | null }
  | { type: 'paragraph'; text: RichText; align?: Align; bold?: boolean; italic?: boolean }
  /** "- item" lines; no items print `empty` (default "Không có."). */
  | { type: 'bullets'; items: RichText[]; bullet?: string; empty?: string }
  /** Label–value lines: "Thời gian: 08 giờ 00, ngày 10 tháng 6 năm 2026"; a null value prints "—". */
  | { type: 'facts'; items: { label: string; value: RichText | null }[] }
  /** A table: cells wrap, the header row repeats on every page; no rows print `empty` (default "Không có."). */
  | { type: 'table'; columns: PaperTableColumn[]; rows: PaperCell[][]; caption?: string | null; empty?: string; size?: number }
  | { type: 'pageBreak' };

export interface OfficialPaperModel {
  /** Must equal PAPER_LAYOUT_VERSION. */
  layoutVersion: number;
  /** Default `decree30`. */
  layout?: PaperLayout;
  /** Agency lineage, outermost first: the parent agency is printed above the issuing agency (the last). */
  agencies: PaperAgency[];
  /** The number line; absent: none (minutes and records often have none). */
  number?: PaperNumberLine | null;
  /** The place of the place-and-date line ("Đăk Blá"); absent: the line starts with "ngày". */
  place?: string | null;
  /** The date of the paper; null or absent prints blank day and month (a paper not issued yet). */
  date?: DateInput | null;
  /** The year printed on a blank date line (default: blank too). */
  year?: number | null;
  /** "BÁO CÁO", "BIÊN BẢN", "KẾ HOẠCH", "QUYẾT ĐỊNH" (paperKindHeading()). */
  kind: string;
  /** The title (trích yếu), e.g. "Tình hình duy trì, áp dụng Hệ thống quản lý chất lượng ...". */
  title: string;
  subtitle?: string | null;
  /** Record layout: the record's code in the page header (e.g. "ĐGNB-2026-01"). */
  code?: string | null;
  body: PaperBlock[];
  signatures: PaperSignature[];
  /** "Nơi nhận" as given ("Sở KH&CN", "Lưu: VT"): printed "- Sở KH&CN;" ... "- Lưu: VT.". */
  recipients?: string[] | null;
  /** The record's final text (signed, approved, closed): no draft watermark, and kept as a record. */
  final: boolean;
  /** The diagonal stamp; absent: "BẢN NHÁP" unless final; null: none. */
  watermark?: string | null;
  /** Default: `roman` for decree30, `decimal` for record. */
  numbering?: PaperNumbering;
  metadata?: {
    /** The PDF creation date (never the clock); default `date`, else 2000-01-01. */
    date?: DateInput | null;
    subject?: string | null;
    keywords?: string[];
    /** Extra Info keys (names without the slash). */
    custom?: Record<string, string>;
  };
}

export interface OfficialPaperResult {
  bytes: Uint8Array;
  pageCount: number;
  /** `unsupported_characters: ...`, `signature_missing: ...`, `signature_invalid: ...`. */
  warnings: string[];
  /** officialPaperDigest(model): printed in the footer and the metadata. */
  digest: string;
}

/**
 * SHA-256 (hex) of the model's canonical JSON: what is printed, with the layout version. The paper's
 * identity in the record papers pipeline and the "SHA-256" of its footer.
 */
export function officialPaperDigest(model: OfficialPaperModel): string {
  return createHash('sha256').update(canonicalJson(model), 'utf8').digest('hex');
}
