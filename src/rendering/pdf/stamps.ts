/**
 * What is printed on every page of a rendition: the header (agency, code, revision, effective date,
 * "Trang X/Y"), the diagonal state watermark, and on generated pages a footer with the revision
 * digest. Generated pages get the boxed header of Vietnamese ISO documents in their top margin;
 * copied source pages get a compact two-line header in a band added above their content.
 */
import { rgb } from 'pdf-lib';
import { PageFrame } from './page-frame.js';
import { Align, lineHeightOf, TextPainter } from './text.js';

export interface PageStamp {
  /** Agency lineage lines, outermost first (printed upper case by the caller). */
  agencyLines: string[];
  /** e.g. "QUY TRÌNH". */
  typeName: string;
  title: string;
  /**
   * The right cell's lines above "Trang X/Y" (records: code, date...). Default, for revisions:
   * "Mã hiệu" (code), "Lần ban hành" (revision), "Ngày hiệu lực" (effective).
   */
  meta?: string[];
  code?: string;
  /** e.g. "02". */
  revision?: string;
  /** Short effective date, or "—". */
  effective?: string;
  watermark: string;
  /** Footer text on generated pages (e.g. the digest). */
  footer?: string;
}

const GRAY = rgb(0.3, 0.3, 0.3);
const GRID = rgb(0.35, 0.35, 0.35);
const WATERMARK_COLOR = rgb(0.75, 0.1, 0.1);
const WATERMARK_OPACITY = 0.16;

/** Height of the boxed header and its distance from the page top. */
export const BOX_HEADER = { top: 28, height: 60 } as const;
/** Height of the band added above copied source pages. */
export const SOURCE_BAND_HEIGHT = 34;

export function pageLabel(pageNumber: number, pageCount: number): string {
  return `Trang ${pageNumber}/${pageCount}`;
}

export function metaLines(stamp: PageStamp, pageNumber: number, pageCount: number): string[] {
  const head = stamp.meta ?? [`Mã hiệu: ${stamp.code ?? ''}`, `Lần ban hành: ${stamp.revision ?? ''}`, `Ngày hiệu lực: ${stamp.effective ?? '—'}`];
  return [...head, pageLabel(pageNumber, pageCount)];
}

/** The three-cell header box (agency | type and title | code, revision, date, page). */
export function drawBoxHeader(
  painter: TextPainter,
  frame: PageFrame,
  stamp: PageStamp,
  pageNumber: number,
  pageCount: number,
  area: { left: number; right: number },
): void {
  const width = frame.width - area.left - area.right;
  const top = frame.height - BOX_HEADER.top;
  const h = BOX_HEADER.height;
  const pad = 3;
  const widths = [width * 0.3, width * 0.42, width * 0.28];
  let x = area.left;
  widths.forEach((w) => {
    frame.rect({ x, y: top - h, width: w, height: h, border: GRID, borderWidth: 0.6 });
    x += w;
  });

  const size = 7.5;
  const lh = lineHeightOf(size);
  const maxLines = Math.floor((h - 2 * pad) / lh);
  // Agency: parent lines regular, the issuing agency bold.
  const agencyRuns = stamp.agencyLines.map((line, i, all) => ({
    text: (i > 0 ? '\n' : '') + line,
    bold: i === all.length - 1,
  }));
  const agency = painter.wrapClamped(agencyRuns, size, widths[0] - 2 * pad, maxLines);
  centeredBlock(painter, frame, agency, { x: area.left + pad, top, width: widths[0] - 2 * pad, h, size, align: 'center' });

  const titleSize = 8;
  const titleLines = painter.wrapClamped(
    [{ text: `${stamp.typeName}\n`, bold: true }, { text: stamp.title, bold: true }],
    titleSize,
    widths[1] - 2 * pad,
    Math.floor((h - 2 * pad) / lineHeightOf(titleSize)),
  );
  centeredBlock(painter, frame, titleLines, { x: area.left + widths[0] + pad, top, width: widths[1] - 2 * pad, h, size: titleSize, align: 'center' });

  const metaX = area.left + widths[0] + widths[1] + pad;
  const metaW = widths[2] - 2 * pad;
  const lines = metaLines(stamp, pageNumber, pageCount);
  const blockTop = top - (h - lines.length * lh) / 2;
  lines.forEach((text, i) => {
    const fitted = painter.fitSize(text, size, metaW);
    const [line] = painter.wrap(text, fitted, metaW + 1);
    if (line) painter.drawLines(frame, [line], { x: metaX, top: blockTop - i * lh, width: metaW, size: fitted, lineHeight: lh });
  });
}

function centeredBlock(
  painter: TextPainter,
  frame: PageFrame,
  lines: ReturnType<TextPainter['wrap']>,
  o: { x: number; top: number; width: number; h: number; size: number; align: Align },
): void {
  const lh = lineHeightOf(o.size);
  const blockTop = o.top - (o.h - lines.length * lh) / 2;
  painter.drawLines(frame, lines, { x: o.x, top: blockTop, width: o.width, size: o.size, align: o.align });
}

/** Two lines in the band above a copied source page: agency, then code · revision · date · page. */
export function drawCompactHeader(painter: TextPainter, frame: PageFrame, stamp: PageStamp, pageNumber: number, pageCount: number): void {
  const side = Math.min(24, frame.width * 0.05);
  const width = frame.width - 2 * side;
  const first = stamp.agencyLines.join(' - ');
  const second = metaLines(stamp, pageNumber, pageCount).join('   ·   ');
  const top = frame.height - 5;
  const size1 = painter.fitSize(first, 8, width, true);
  const size2 = painter.fitSize(second, 8, width);
  const l1 = painter.wrap(first, size1, width + 1, true).slice(0, 1);
  const l2 = painter.wrap(second, size2, width + 1).slice(0, 1);
  const y2 = painter.drawLines(frame, l1, { x: side, top, width, size: size1 });
  painter.drawLines(frame, l2, { x: side, top: y2, width, size: size2 });
  const lineY = frame.height - SOURCE_BAND_HEIGHT + 2;
  frame.line(side, lineY, frame.width - side, lineY, 0.6, GRID);
}

/** Small gray footer text on generated pages. */
export function drawFooter(painter: TextPainter, frame: PageFrame, text: string, area: { left: number; right: number; bottom: number }): void {
  const width = frame.width - area.left - area.right;
  const size = painter.fitSize(text, 6.5, width);
  const lines = painter.wrap(text, size, width + 1).slice(0, 1);
  frame.line(area.left, area.bottom + 2, frame.width - area.right, area.bottom + 2, 0.4, GRID);
  painter.drawLines(frame, lines, { x: area.left, top: area.bottom, width, size, color: GRAY });
}

/** The diagonal, semi-transparent stamp across the page (bottom-left to top-right). */
export function drawWatermark(painter: TextPainter, frame: PageFrame, text: string): void {
  const clean = painter.cleaner.clean(text);
  const angle = Math.atan2(frame.height, frame.width);
  const diagonal = Math.hypot(frame.width, frame.height);
  const unit = painter.measure(clean, 1, true);
  const size = Math.min((diagonal * 0.7) / unit, frame.width * 0.16);
  const textWidth = unit * size;
  const capHeight = size * 0.73;
  const [cx, cy] = [frame.width / 2, frame.height / 2];
  const [ux, uy] = [Math.cos(angle), Math.sin(angle)];
  const [nx, ny] = [-uy, ux];
  frame.text(clean, {
    x: cx - (ux * textWidth) / 2 - (nx * capHeight) / 2,
    y: cy - (uy * textWidth) / 2 - (ny * capHeight) / 2,
    size,
    font: painter.fonts.bold,
    color: WATERMARK_COLOR,
    opacity: WATERMARK_OPACITY,
    rotate: (angle * 180) / Math.PI,
  });
}
