/**
 * The Decree 30/2020/NĐ-CP header of a first page, shared by the revision cover and official papers:
 * on the left the agency lineage (the parent agency above the issuing agency, upper case, the issuing
 * agency bold, a short rule below), on the right the national motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
 * NAM / Độc lập - Tự do - Hạnh phúc" (bold, the second line underlined), each centred in its column;
 * optionally a row below with the number ("Số: 12/BC-UBND", under the agency) and the place and date
 * (italic, under the motto).
 */
import type { FlowLayout } from './layout.js';
import { BLACK, lineHeightOf, Run } from './text.js';

export const NATIONAL_NAME = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const NATIONAL_MOTTO = 'Độc lập - Tự do - Hạnh phúc';

export interface Decree30HeaderOptions {
  /** Agency lineage lines, outermost first, upper case; the last is the issuing agency (bold). */
  agencyLines: string[];
  /** Printed centred under the agency block, e.g. "Số: 12/BC-UBND". */
  numberLine?: string | null;
  /** Printed centred in italics under the motto, e.g. "Đăk Blá, ngày 10 tháng 6 năm 2026". */
  placeDate?: string | null;
}

/** Share of the content width taken by the agency column. */
const LEFT_SHARE = 0.46;
const SIZE = 10;

/** Runs of two or more spaces (blank day, month or number) kept as they are: the painter would collapse them. */
export function keepBlanks(s: string): string {
  return s.replace(/ {2,}/g, (m) => '\u00a0'.repeat(m.length));
}

/** Draws the header at the layout's cursor and moves the cursor below it. */
export function decree30Header(layout: FlowLayout, o: Decree30HeaderOptions): void {
  const frame = layout.currentFrame();
  const p = layout.painter;
  const width = layout.contentWidth;
  const leftW = width * LEFT_SHARE;
  const rightW = width - leftW;
  const x0 = layout.margins.left;
  const top = layout.y;
  const lh = lineHeightOf(SIZE);

  const lines = o.agencyLines;
  const runs: Run[] = lines.map((text, i) => ({ text: (i > 0 ? '\n' : '') + text, bold: i === lines.length - 1 }));
  const agency = p.wrap(runs, SIZE, leftW - 6);
  const agencyBottom = p.drawLines(frame, agency, { x: x0, top, width: leftW - 6, size: SIZE, align: 'center' });
  const ruleW = Math.min(leftW * 0.4, 80);
  frame.line(x0 + (leftW - 6 - ruleW) / 2, agencyBottom - 3, x0 + (leftW - 6 + ruleW) / 2, agencyBottom - 3, 0.6, BLACK);

  const motto = p.wrap([{ text: `${NATIONAL_NAME}\n`, bold: true }, { text: NATIONAL_MOTTO, bold: true }], SIZE, rightW);
  const mottoBottom = p.drawLines(frame, motto, { x: x0 + leftW, top, width: rightW, size: SIZE, align: 'center' });
  const lastW = motto.length > 0 ? motto[motto.length - 1].width : 0;
  frame.line(x0 + leftW + (rightW - lastW) / 2, mottoBottom - 3, x0 + leftW + (rightW + lastW) / 2, mottoBottom - 3, 0.6, BLACK);

  layout.advance(Math.max(agency.length, motto.length) * lh + 6);
  if (!o.numberLine && !o.placeDate) return;

  const rowTop = layout.y - 4;
  const numberLines = o.numberLine ? p.wrap(keepBlanks(o.numberLine), SIZE, leftW - 6) : [];
  const dateLines = o.placeDate ? p.wrap([{ text: keepBlanks(o.placeDate), italic: true }], SIZE, rightW) : [];
  p.drawLines(frame, numberLines, { x: x0, top: rowTop, width: leftW - 6, size: SIZE, align: 'center' });
  p.drawLines(frame, dateLines, { x: x0 + leftW, top: rowTop, width: rightW, size: SIZE, align: 'center' });
  layout.advance(4 + Math.max(numberLines.length, dateLines.length) * lh + 6);
}
