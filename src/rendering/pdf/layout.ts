/**
 * A small flowing-layout engine on pdf-lib: text that wraps and continues on the next page,
 * headings kept with what follows, bullet lists, and tables whose cells wrap, whose header row is
 * repeated on every page the table continues on, and whose rows break across pages (a row taller
 * than a page is always split between lines; a shorter row is split only when each part keeps at
 * least two lines, otherwise it moves to the next page).
 *
 * Headers and footers live in the page margins and are drawn in a last pass with `decorate`, when
 * the page count is known ("Trang X/Y").
 *
 *   const layout = await FlowLayout.create({ margins: { top: 90 } });
 *   layout.heading('1. MỤC ĐÍCH');
 *   layout.paragraph('Quy định trình tự...');
 *   layout.table({ columns: [{ header: 'Bước', width: 1 }, ...], rows });
 *   layout.decorate(({ frame, pageNumber, pageCount }) => ...);
 *   const bytes = await layout.doc.save();
 */
import { Color, PDFDocument, PDFPage, rgb } from 'pdf-lib';
import { embedFonts, TextCleaner } from './fonts.js';
import { PageFrame } from './page-frame.js';
import { Align, BLACK, lineHeightOf, RichText, TextLine, TextPainter } from './text.js';

export const A4: [number, number] = [595.28, 841.89];

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Decree 30 margins, roughly: left 30 mm, right 20 mm, top and bottom 20 mm. */
export const DEFAULT_MARGINS: Margins = { top: 57, right: 57, bottom: 57, left: 85 };

export interface FlowLayoutOptions {
  /** Document to add pages to; a new one by default. */
  doc?: PDFDocument;
  /** Painter with fonts embedded in `doc`; created (fonts embedded) when absent. */
  painter?: TextPainter;
  pageSize?: [number, number];
  margins?: Partial<Margins>;
  /** Body text size in points (default 11). */
  fontSize?: number;
  /** Embed the oblique fonts too, for italic runs (only when `painter` is not given). */
  italic?: boolean;
}

export interface ParagraphOptions {
  size?: number;
  bold?: boolean;
  /** Italic (needs the oblique fonts embedded: FlowLayout.create({ italic: true })). */
  italic?: boolean;
  align?: Align;
  /** Left indent in points. */
  indent?: number;
  /** Indent of the first line relative to `indent` (negative for a hanging indent). */
  firstLineIndent?: number;
  spaceBefore?: number;
  spaceAfter?: number;
  color?: Color;
  /** Keep at least this much space after the paragraph on its page (for headings). */
  keepWithNext?: number;
}

export interface TableColumn {
  header: RichText;
  /** Relative width (weights are scaled to the table width). */
  width: number;
  align?: Align;
  headerAlign?: Align;
}

export type TableCell = RichText | null | undefined | { text: RichText; bold?: boolean; align?: Align };

export interface TableOptions {
  columns: TableColumn[];
  rows: TableCell[][];
  /** Body cell text size (default: body size - 1.5). */
  size?: number;
  headerSize?: number;
  padding?: number;
  /** Repeat the header row at the top of every page the table continues on (default true). */
  repeatHeader?: boolean;
  headerFill?: Color;
  /** Table width (default: the content width). */
  width?: number;
  spaceAfter?: number;
}

export interface PageDecorationContext {
  page: PDFPage;
  frame: PageFrame;
  /** 1-based. */
  pageNumber: number;
  pageCount: number;
  painter: TextPainter;
}

interface LaidOutCell {
  lines: TextLine[];
  align: Align;
}

interface LaidOutRow {
  cells: LaidOutCell[];
  /** Number of line slots (the tallest cell). */
  slots: number;
}

const GRID = rgb(0.35, 0.35, 0.35);
const HEADER_FILL = rgb(0.9, 0.9, 0.9);

export class FlowLayout {
  readonly pages: PDFPage[] = [];
  readonly margins: Margins;
  readonly pageWidth: number;
  readonly pageHeight: number;
  readonly fontSize: number;
  private frame: PageFrame | undefined;
  private cursor = 0;

  private constructor(
    readonly doc: PDFDocument,
    readonly painter: TextPainter,
    o: FlowLayoutOptions,
  ) {
    [this.pageWidth, this.pageHeight] = o.pageSize ?? A4;
    this.margins = { ...DEFAULT_MARGINS, ...o.margins };
    this.fontSize = o.fontSize ?? 11;
  }

  static async create(o: FlowLayoutOptions = {}): Promise<FlowLayout> {
    const doc = o.doc ?? (await PDFDocument.create({ updateMetadata: false }));
    let painter = o.painter;
    if (!painter) {
      const fonts = await embedFonts(doc, { italic: o.italic });
      painter = new TextPainter(fonts, new TextCleaner(fonts));
    }
    return new FlowLayout(doc, painter, o);
  }

  get contentWidth(): number {
    return this.pageWidth - this.margins.left - this.margins.right;
  }

  get contentHeight(): number {
    return this.pageHeight - this.margins.top - this.margins.bottom;
  }

  private get top(): number {
    return this.pageHeight - this.margins.top;
  }

  /** Space left on the current page (a full page if none is started). */
  get remaining(): number {
    return this.frame ? this.cursor - this.margins.bottom : this.contentHeight;
  }

  /** True if nothing has been placed on the current page yet. */
  get atPageTop(): boolean {
    return !this.frame || this.cursor >= this.top - 0.01;
  }

  /** Starts a new page (unless the current one is still empty). */
  pageBreak(): void {
    if (this.frame && this.atPageTop) return;
    const page = this.doc.addPage([this.pageWidth, this.pageHeight]);
    this.pages.push(page);
    this.frame = new PageFrame(page);
    this.cursor = this.top;
  }

  /** Breaks the page if less than `height` is left. */
  ensureSpace(height: number): void {
    if (!this.frame || (height > this.remaining + 0.01 && !this.atPageTop)) this.pageBreak();
  }

  spacer(height: number): void {
    if (!this.frame) return;
    this.cursor = Math.max(this.margins.bottom, this.cursor - height);
  }

  paragraph(text: RichText, o: ParagraphOptions = {}): void {
    const size = o.size ?? this.fontSize;
    const indent = o.indent ?? 0;
    const first = o.firstLineIndent ?? 0;
    const lh = lineHeightOf(size);
    const width = this.contentWidth - indent;
    const lines = this.wrapWithFirstIndent(text, size, width, first, o.bold, o.italic);
    if (lines.length === 0) return;
    if (o.spaceBefore && !this.atPageTop) this.spacer(o.spaceBefore);
    // Keep the first lines (and what must follow) together.
    this.ensureSpace(Math.min(lines.length, 2) * lh + (o.keepWithNext ?? 0));
    lines.forEach((line, i) => {
      this.ensureSpace(lh);
      const x = this.margins.left + indent + (i === 0 ? first : 0);
      const w = width - (i === 0 ? first : 0);
      this.painter.drawLines(this.frame!, [line], { x, top: this.cursor, width: w, size, align: o.align, color: o.color });
      this.cursor -= lh;
    });
    if (o.spaceAfter) this.spacer(o.spaceAfter);
  }

  /** A section heading, kept on the page with at least three lines of what follows. */
  heading(text: RichText, o: { level?: 1 | 2 | 3; align?: Align } = {}): void {
    const level = o.level ?? 1;
    const size = level === 1 ? this.fontSize + 1 : this.fontSize;
    this.paragraph(text, {
      size,
      bold: true,
      align: o.align,
      spaceBefore: level === 1 ? 10 : 6,
      spaceAfter: 4,
      keepWithNext: 3 * lineHeightOf(this.fontSize),
    });
  }

  /** Items with a hanging bullet ("-" by default, as in Vietnamese administrative texts). */
  bulletList(items: RichText[], o: ParagraphOptions & { bullet?: string } = {}): void {
    const bullet = o.bullet ?? '-';
    const size = o.size ?? this.fontSize;
    const hang = this.painter.measure(`${bullet} `, size) + 2;
    const indent = (o.indent ?? 0) + hang;
    for (const item of items) {
      const runs = typeof item === 'string' ? [{ text: item }] : item;
      this.paragraph([{ text: `${bullet} ` }, ...runs], { ...o, indent, firstLineIndent: -hang, spaceAfter: o.spaceAfter ?? 2 });
    }
  }

  /** A table; see the file comment for how rows break across pages. */
  table(o: TableOptions): void {
    const size = o.size ?? this.fontSize - 1.5;
    const headerSize = o.headerSize ?? size;
    const pad = o.padding ?? 3;
    const lh = lineHeightOf(size);
    const headerLh = lineHeightOf(headerSize);
    const tableWidth = o.width ?? this.contentWidth;
    const totalWeight = o.columns.reduce((a, c) => a + c.width, 0);
    const widths = o.columns.map((c) => (c.width / totalWeight) * tableWidth);
    const inner = (i: number) => Math.max(1, widths[i] - 2 * pad);

    const header: LaidOutRow = this.layoutRow(
      o.columns.map((c, i) => ({ lines: this.painter.wrap(c.header, headerSize, inner(i), true), align: c.headerAlign ?? 'center' })),
    );
    const rows = o.rows.map((row) =>
      this.layoutRow(
        o.columns.map((col, i) => {
          const cell = row[i];
          if (cell === null || cell === undefined) return { lines: [], align: col.align ?? 'left' };
          if (typeof cell === 'string' || Array.isArray(cell)) return { lines: this.painter.wrap(cell, size, inner(i)), align: col.align ?? 'left' };
          return { lines: this.painter.wrap(cell.text, size, inner(i), cell.bold), align: cell.align ?? col.align ?? 'left' };
        }),
      ),
    );

    const headerHeight = header.slots * headerLh + 2 * pad;
    const drawHeader = () => this.drawRowSlice(header, 0, header.slots, { widths, pad, size: headerSize, lh: headerLh, fill: o.headerFill ?? HEADER_FILL });
    const repeat = o.repeatHeader ?? true;

    // Header plus at least one line of the first row (or two lines of a tall one) on this page.
    const firstSlots = rows.length > 0 ? Math.min(rows[0].slots, 2) : 0;
    this.ensureSpace(headerHeight + firstSlots * lh + 2 * pad);
    drawHeader();
    const pageSlots = Math.floor((this.contentHeight - (repeat ? headerHeight : 0) - 2 * pad) / lh);

    for (const row of rows) {
      let from = 0;
      let freshPage = false;
      while (from < row.slots) {
        const left = row.slots - from;
        const fitting = Math.floor((this.remaining - 2 * pad) / lh);
        let take: number;
        if (left <= fitting) take = left;
        else if (left > pageSlots) take = fitting; // taller than a page: must split
        else if (fitting >= 2 && left - fitting >= 2) take = fitting; // both parts keep 2+ lines
        else take = 0;
        // Always progress on a fresh page, even if margins leave room for less than a line.
        if (take <= 0 && freshPage) take = Math.min(left, Math.max(1, fitting));
        if (take <= 0) {
          this.pageBreak();
          if (repeat) drawHeader();
          freshPage = true;
          continue;
        }
        this.drawRowSlice(row, from, from + take, { widths, pad, size, lh });
        from += take;
        freshPage = false;
      }
    }
    if (o.spaceAfter ?? 6) this.spacer(o.spaceAfter ?? 6);
  }

  /** Calls `draw` for every page of the layout once the page count is known. */
  decorate(draw: (ctx: PageDecorationContext) => void): void {
    const pageCount = this.pages.length;
    this.pages.forEach((page, i) => draw({ page, frame: new PageFrame(page), pageNumber: i + 1, pageCount, painter: this.painter }));
  }

  /** The current page's drawing frame (starting a page if needed). */
  currentFrame(): PageFrame {
    this.ensureSpace(0);
    return this.frame!;
  }

  /** Current y (top of the next line) on the current page. */
  get y(): number {
    return this.frame ? this.cursor : this.top;
  }

  /** Moves the cursor down after drawing something directly on `currentFrame()`. */
  advance(height: number): void {
    this.ensureSpace(0);
    this.cursor -= height;
  }

  private wrapWithFirstIndent(text: RichText, size: number, width: number, first: number, bold?: boolean, italic?: boolean): TextLine[] {
    if (first === 0) return this.painter.wrap(text, size, width, bold, italic);
    // Wrap at the narrower/wider first-line width, then re-wrap the rest at the full width.
    const all = this.painter.wrap(text, size, width - first, bold, italic);
    if (all.length <= 1) return all;
    const firstLine = all[0];
    const restText = all.slice(1).map((l) => l.words.map((w) => w.segments.map((s) => s.text).join('')).join(' ')).join(' ');
    const restRuns = all.slice(1).flatMap((l, li) =>
      l.words.flatMap((w, wi) => [
        ...(li > 0 || wi > 0 ? [{ text: ' ' }] : []),
        ...w.segments.map((s) => (s.italic ? { text: s.text, bold: s.bold, italic: true } : { text: s.text, bold: s.bold })),
      ]),
    );
    return restText.length === 0 ? [firstLine] : [firstLine, ...this.painter.wrap(restRuns, size, width, bold, italic)];
  }

  private layoutRow(cells: LaidOutCell[]): LaidOutRow {
    return { cells, slots: Math.max(1, ...cells.map((c) => c.lines.length)) };
  }

  private drawRowSlice(
    row: LaidOutRow,
    from: number,
    to: number,
    o: { widths: number[]; pad: number; size: number; lh: number; fill?: Color },
  ): void {
    const frame = this.currentFrame();
    const height = (to - from) * o.lh + 2 * o.pad;
    const top = this.cursor;
    let x = this.margins.left;
    row.cells.forEach((cell, i) => {
      const w = o.widths[i];
      frame.rect({ x, y: top - height, width: w, height, fill: o.fill, border: GRID, borderWidth: 0.5 });
      this.painter.drawLines(frame, cell.lines.slice(from, to), {
        x: x + o.pad,
        top: top - o.pad,
        width: w - 2 * o.pad,
        size: o.size,
        align: cell.align,
        color: BLACK,
        lineHeight: o.lh,
      });
      x += w;
    });
    this.cursor -= height;
  }
}
