/**
 * renderOfficialPaperPdf: the PDF of an official paper (Decree 30 layout) or of an ISO record (the
 * controlled-copy layout), from an OfficialPaperModel. Built on the revision renderer's parts: the
 * flow layout (tables with repeated header rows, rows split across pages), the fonts (DejaVu with
 * the oblique styles for the place-and-date line and "Nơi nhận"), the Decree 30 header, the boxed
 * page header of controlled copies, the footer, the watermark and the page labels.
 *
 *   decree30: national header + agency block, "Số: …", place and date, KIND and title, body,
 *             signature blocks with "Nơi nhận"; "Trang X/Y" at the top of every page
 *   record:   boxed header on every page (agency | kind and title | code, number, date, Trang X/Y),
 *             title, body, signature grid
 *
 * Every page: the footer with the paper's digest, and the watermark ("BẢN NHÁP" until final).
 * Deterministic: no clock, fixed font names, so the same model gives the same bytes.
 */
import { formatPaperNumber, numberLine, placeDateLine, recipientLines, signatureStatus } from '../../common/decree30.js';
import {
  OfficialPaperModel,
  OfficialPaperResult,
  officialPaperDigest,
  PAPER_LAYOUT_VERSION,
  PaperBlock,
  PaperNumbering,
  PaperSignature,
} from '../official-paper-model.js';
import type { DateInput } from '../rendition-model.js';
import { decree30Header, keepBlanks } from './decree30-header.js';
import { FlowLayout, TableCell } from './layout.js';
import { applyMetadata } from './metadata.js';
import { signatureArea, signatureGrid } from './signatures.js';
import { drawBoxHeader, drawFooter, drawWatermark, pageLabel, PageStamp } from './stamps.js';
import { BLACK, RichText, Run } from './text.js';
import { formatDateShort, toCalendarDate, toInstant, upperVi } from '../../common/vn-format.js';
import { WATERMARK_DRAFT } from './vn-format.js';

const DECREE30_MARGINS = { top: 62, right: 57, bottom: 62, left: 85 } as const;
const RECORD_MARGINS = { top: 100, right: 57, bottom: 62, left: 85 } as const;
const FOOTER_TOP = 46;
const FALLBACK_DATE = new Date(Date.UTC(2000, 0, 1));
const EMPTY = 'Không có.';
/** About the height of a signature grid, kept on one page. */
const SIGNATURE_GRID_HEIGHT = 170;

/**
 * Renders an official paper or record. Rejects only a model that breaks its contract (layout version,
 * no agency, empty kind or title, a date that is not a date); everything else gives a PDF, with
 * warnings for what could not be printed as asked.
 */
export async function renderOfficialPaperPdf(model: OfficialPaperModel): Promise<OfficialPaperResult> {
  assertModel(model);
  const digest = officialPaperDigest(model);
  const layoutKind = model.layout ?? 'decree30';
  const margins = layoutKind === 'record' ? RECORD_MARGINS : DECREE30_MARGINS;
  const layout = await FlowLayout.create({ margins, italic: true });
  const warnings: string[] = [];

  if (layoutKind === 'record') recordTitle(layout, model);
  else decree30Title(layout, model);
  body(layout, model.body, model.numbering ?? (layoutKind === 'record' ? 'decimal' : 'roman'), layoutKind);
  if (layoutKind === 'record') recordSignatures(layout, model);
  else decree30Signatures(layout, model);
  warnings.push(...signatureWarnings(model));

  decorate(layout, model, digest);
  const unsupported = layout.painter.cleaner.warning();
  if (unsupported) warnings.push(unsupported);

  const issuer = model.agencies[model.agencies.length - 1];
  applyMetadata(layout.doc, {
    title: `${model.kind} - ${model.title}`,
    subject: model.metadata?.subject ?? subjectOf(model),
    author: issuer.name,
    keywords: model.metadata?.keywords,
    creator: `e-ISO renderer, paper layout ${PAPER_LAYOUT_VERSION}`,
    date: creationDate(model),
    custom: {
      ...model.metadata?.custom,
      EisoPaperSha256: digest,
      EisoPaperStatus: model.final ? 'final' : 'draft',
      EisoPaperLayoutVersion: String(PAPER_LAYOUT_VERSION),
    },
  });
  const bytes = await layout.doc.save();
  return { bytes, pageCount: layout.doc.getPageCount(), warnings, digest };
}

function assertModel(m: OfficialPaperModel): void {
  if (m.layoutVersion !== PAPER_LAYOUT_VERSION) {
    throw new TypeError(`OfficialPaperModel was built for paper layout ${m.layoutVersion}, the renderer is paper layout ${PAPER_LAYOUT_VERSION}`);
  }
  if (!m.agencies?.length || !m.agencies[m.agencies.length - 1].name?.trim()) throw new TypeError('OfficialPaperModel.agencies must name the issuing agency');
  if (!m.kind?.trim()) throw new TypeError('OfficialPaperModel.kind must not be empty');
  if (!m.title?.trim()) throw new TypeError('OfficialPaperModel.title must not be empty');
  const dates: (DateInput | null | undefined)[] = [m.date, m.metadata?.date, ...m.signatures.map((s) => s.signedAt)];
  for (const d of dates) if (d !== null && d !== undefined) toCalendarDate(d);
}

/** Decree 30: the parent agency above the issuing agency (the last two of the lineage). */
function agencyLines(m: OfficialPaperModel): string[] {
  return m.agencies.slice(-2).map((a) => upperVi(a.name));
}

function placeDate(m: OfficialPaperModel): string | null {
  if (m.place === undefined && m.date === undefined) return null;
  return placeDateLine(m.place, m.date, m.year);
}

function decree30Title(layout: FlowLayout, m: OfficialPaperModel): void {
  decree30Header(layout, {
    agencyLines: agencyLines(m),
    numberLine: m.number ? numberLine(m.number.value, m.number.symbol, m.number.year) : null,
    placeDate: placeDate(m),
  });
  layout.spacer(16);
  layout.paragraph(m.kind, { size: 13.5, bold: true, align: 'center', spaceAfter: 2 });
  layout.paragraph(m.title, { size: 12, bold: true, align: 'center', spaceAfter: 2 });
  if (m.subtitle) layout.paragraph(m.subtitle, { size: 11, italic: true, align: 'center', spaceAfter: 2 });
  // The short rule under the title (trích yếu).
  const frame = layout.currentFrame();
  const cx = layout.margins.left + layout.contentWidth / 2;
  frame.line(cx - 40, layout.y - 2, cx + 40, layout.y - 2, 0.6, BLACK);
  layout.advance(12);
}

function recordTitle(layout: FlowLayout, m: OfficialPaperModel): void {
  layout.spacer(6);
  layout.paragraph(m.kind, { size: 15, bold: true, align: 'center', spaceAfter: 4 });
  layout.paragraph(m.title, { size: 12.5, bold: true, align: 'center', spaceAfter: 4 });
  if (m.subtitle) layout.paragraph(m.subtitle, { size: 11, italic: true, align: 'center', spaceAfter: 4 });
  const pd = placeDate(m);
  if (pd) layout.paragraph([{ text: keepBlanks(pd), italic: true }], { size: 10, align: 'right', spaceAfter: 4 });
  layout.spacer(8);
}

// ---------------------------------------------------------------------------------------------
// Body

const ROMAN: [number, string][] = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];

export function romanNumeral(n: number): string {
  let out = '';
  let rest = n;
  for (const [value, sym] of ROMAN) {
    while (rest >= value) {
      out += sym;
      rest -= value;
    }
  }
  return out;
}

/** Latin letters for the third level of administrative papers: a, b, ..., z, aa, ab, ... */
function letters(n: number): string {
  let s = '';
  let k = n;
  while (k > 0) {
    k--;
    s = String.fromCharCode(97 + (k % 26)) + s;
    k = Math.floor(k / 26);
  }
  return s;
}

/** Numbers headings by level: counters reset below a higher heading. */
class HeadingNumbers {
  private readonly counters = [0, 0, 0];
  constructor(private readonly style: PaperNumbering) {}

  next(level: 1 | 2 | 3): string | null {
    const i = level - 1;
    this.counters[i]++;
    for (let j = i + 1; j < 3; j++) this.counters[j] = 0;
    const [a, b, c] = this.counters;
    switch (this.style) {
      case 'none':
        return null;
      case 'roman':
        return level === 1 ? `${romanNumeral(a)}.` : level === 2 ? `${b}.` : `${letters(c)})`;
      case 'decimal':
        return `${this.counters.slice(0, level).map((n) => Math.max(n, 1)).join('.')}.`;
    }
  }
}

const asRuns = (t: RichText): Run[] => (typeof t === 'string' ? [{ text: t }] : t);

function body(layout: FlowLayout, blocks: PaperBlock[], numbering: PaperNumbering, kind: 'decree30' | 'record'): void {
  const numbers = new HeadingNumbers(numbering);
  const indent = kind === 'decree30' ? 20 : 0;
  for (const b of blocks) {
    switch (b.type) {
      case 'heading': {
        const level = b.level ?? 1;
        const auto = numbers.next(level);
        const number = b.number === undefined ? auto : b.number;
        layout.heading(number ? `${number} ${b.text}` : b.text, { level });
        break;
      }
      case 'paragraph':
        layout.paragraph(b.text, { align: b.align, bold: b.bold, italic: b.italic, firstLineIndent: b.align && b.align !== 'left' ? 0 : indent, spaceAfter: 4 });
        break;
      case 'bullets':
        if (b.items.length === 0) layout.paragraph(b.empty ?? EMPTY, { italic: true, spaceAfter: 4 });
        else layout.bulletList(b.items, { bullet: b.bullet, indent: indent / 2 });
        break;
      case 'facts':
        for (const f of b.items) {
          const label: Run = { text: `${f.label}: `, bold: true };
          layout.paragraph([label, ...(f.value === null || (typeof f.value === 'string' && f.value.trim() === '') ? [{ text: '—' }] : asRuns(f.value))], {
            spaceAfter: 2,
          });
        }
        layout.spacer(4);
        break;
      case 'table':
        if (b.caption) layout.paragraph(b.caption, { bold: true, spaceAfter: 3, keepWithNext: 40 });
        if (b.rows.length === 0) layout.paragraph(b.empty ?? EMPTY, { italic: true, spaceAfter: 4 });
        else layout.table({ columns: b.columns.map((c) => ({ header: c.header, width: c.width, align: c.align })), rows: b.rows as TableCell[][], size: b.size ?? 9 });
        break;
      case 'pageBreak':
        layout.pageBreak();
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures

function decree30Signatures(layout: FlowLayout, m: OfficialPaperModel): void {
  if (!m.signatures.length && !m.recipients?.length) return;
  signatureArea(layout, {
    blocks: m.signatures.map((s) => ({
      capacity: (s.capacity ?? []).map(upperVi),
      position: s.position ? upperVi(s.position) : '',
      status: `(${signatureStatus(s.signedAt, s.valid ?? true)})`,
      fullName: s.fullName ?? '',
    })),
    recipients: m.recipients?.length ? recipientLines(m.recipients) : null,
  });
}

function recordSignatures(layout: FlowLayout, m: OfficialPaperModel): void {
  if (m.signatures.length) {
    layout.spacer(10);
    // The grid on one page (header and four rows of a few lines each).
    layout.ensureSpace(Math.min(SIGNATURE_GRID_HEIGHT, layout.contentHeight));
    signatureGrid(
      layout,
      m.signatures.map((s) => ({
        heading: s.role ?? s.position ?? '',
        name: s.fullName ?? '',
        position: [...(s.capacity ?? []), s.position ?? ''].filter((l) => l.trim()).join('\n'),
        signature: !s.signedAt ? 'Chưa ký' : (s.valid ?? true) ? 'Đã ký điện tử' : 'Chữ ký không còn hiệu lực',
        date: s.signedAt ? formatDateShort(s.signedAt) : '',
      })),
    );
  }
  if (m.recipients?.length) signatureArea(layout, { blocks: [], recipients: recipientLines(m.recipients) });
}

function signatureWarnings(m: OfficialPaperModel): string[] {
  const who = (s: PaperSignature) => s.fullName || s.role || s.position || 'a signer';
  const out = m.signatures.filter((s) => s.signedAt && s.valid === false).map((s) => `signature_invalid: the signature of ${who(s)} is no longer valid`);
  if (m.final) out.push(...m.signatures.filter((s) => !s.signedAt).map((s) => `signature_missing: the final paper is not signed by ${who(s)}`));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Every page

function watermarkOf(m: OfficialPaperModel): string | null {
  if (m.watermark !== undefined) return m.watermark?.trim() ? m.watermark : null;
  return m.final ? null : WATERMARK_DRAFT;
}

function decorate(layout: FlowLayout, m: OfficialPaperModel, digest: string): void {
  const watermark = watermarkOf(m);
  const record = (m.layout ?? 'decree30') === 'record';
  const margins = record ? RECORD_MARGINS : DECREE30_MARGINS;
  const numberText = m.number ? formatPaperNumber(m.number.value, m.number.symbol, m.number.year) : null;
  const footer = [m.code, numberText ? `Số ${numberText.trim()}` : null, m.final ? null : 'Dự thảo', `SHA-256 ${digest}`].filter(Boolean).join(' · ');
  const stamp: PageStamp = {
    agencyLines: agencyLines(m),
    typeName: m.kind,
    title: m.title,
    meta: [
      ...(m.code ? [`Mã hiệu: ${m.code}`] : []),
      ...(numberText ? [`Số: ${numberText.trim()}`] : []),
      `Ngày: ${m.date ? formatDateShort(m.date) : '—'}`,
    ],
    watermark: watermark ?? '',
  };
  const painter = layout.painter;
  layout.decorate(({ frame, pageNumber, pageCount }) => {
    if (record) drawBoxHeader(painter, frame, stamp, pageNumber, pageCount, margins);
    else {
      const label = pageLabel(pageNumber, pageCount);
      const w = painter.measure(label, 8);
      painter.drawLines(frame, painter.wrap(label, 8, w + 1), { x: frame.width - margins.right - w, top: frame.height - 30, width: w + 1, size: 8 });
    }
    drawFooter(painter, frame, footer, { left: margins.left, right: margins.right, bottom: FOOTER_TOP });
    if (watermark) drawWatermark(painter, frame, watermark);
  });
}

/** "12/BC-UBND · Kỳ báo cáo: 6 tháng đầu năm 2026", or undefined. */
function subjectOf(m: OfficialPaperModel): string | undefined {
  const parts = [m.number ? formatPaperNumber(m.number.value, m.number.symbol, m.number.year).trim() : null, m.subtitle];
  return parts.filter(Boolean).join(' · ') || undefined;
}

function creationDate(m: OfficialPaperModel): Date {
  const d = m.metadata?.date ?? m.date;
  return d ? toInstant(d) : FALLBACK_DATE;
}
