/**
 * renderTablePdf: a titled, paginated table as a PDF (e.g. a document's history for
 * `GET /documents/{id}/history?format=pdf`). Built on FlowLayout, so cells wrap, the header row is
 * repeated on every page and long rows break across pages. Every page has a header line (the
 * `headerLines`, and "Trang X/Y") and an optional footer; an optional diagonal watermark.
 */
import { rgb } from 'pdf-lib';
import { A4, FlowLayout, TableCell, TableColumn } from './layout.js';
import { applyMetadata } from './metadata.js';
import { drawFooter, drawWatermark, pageLabel } from './stamps.js';
import type { DateInput } from '../rendition-model.js';
import { toInstant } from '../../common/vn-format.js';

export interface TablePdfOptions {
  title: string;
  subtitle?: string;
  /** Paragraphs printed between the title and the table (e.g. filters, the document's code). */
  intro?: string[];
  columns: TableColumn[];
  rows: TableCell[][];
  /** Printed at the top of every page, e.g. the agency lineage. */
  headerLines?: string[];
  footer?: string;
  watermark?: string;
  landscape?: boolean;
  /** Cell text size (default 8.5). */
  fontSize?: number;
  metadata?: {
    subject?: string;
    author?: string;
    keywords?: string[];
    /** Creation date written into the PDF (default 2000-01-01: the output stays deterministic). */
    date?: DateInput;
    custom?: Record<string, string>;
  };
}

export interface TablePdfResult {
  bytes: Uint8Array;
  pageCount: number;
  warnings: string[];
}

const MARGINS = { top: 64, right: 40, bottom: 52, left: 50 } as const;
const RULE = rgb(0.35, 0.35, 0.35);

export async function renderTablePdf(o: TablePdfOptions): Promise<TablePdfResult> {
  const pageSize: [number, number] = o.landscape ? [A4[1], A4[0]] : A4;
  const layout = await FlowLayout.create({ pageSize, margins: MARGINS, fontSize: 10 });
  const { doc, painter } = layout;

  layout.paragraph(o.title, { size: 14, bold: true, align: 'center', spaceAfter: 2 });
  if (o.subtitle) layout.paragraph(o.subtitle, { size: 10.5, align: 'center', spaceAfter: 4 });
  for (const line of o.intro ?? []) layout.paragraph(line, { size: 9.5, spaceAfter: 2 });
  layout.spacer(6);
  layout.table({ columns: o.columns, rows: o.rows, size: o.fontSize ?? 8.5 });

  const header = (o.headerLines ?? []).join(' - ');
  layout.decorate(({ frame, pageNumber, pageCount }) => {
    const width = frame.width - MARGINS.left - MARGINS.right;
    const label = pageLabel(pageNumber, pageCount);
    const labelW = painter.measure(label, 8);
    const top = frame.height - 30;
    if (header) {
      const size = painter.fitSize(header, 8, width - labelW - 12, true);
      painter.drawLines(frame, painter.wrap(header, size, width - labelW - 11, true).slice(0, 1), { x: MARGINS.left, top, width: width - labelW - 12, size });
    }
    painter.drawLines(frame, painter.wrap(label, 8, labelW + 1), { x: MARGINS.left + width - labelW, top, width: labelW, size: 8 });
    frame.line(MARGINS.left, top - 14, MARGINS.left + width, top - 14, 0.5, RULE);
    if (o.footer) drawFooter(painter, frame, o.footer, { left: MARGINS.left, right: MARGINS.right, bottom: 36 });
    if (o.watermark) drawWatermark(painter, frame, o.watermark);
  });

  applyMetadata(doc, {
    title: o.title,
    subject: o.metadata?.subject ?? o.subtitle,
    author: o.metadata?.author,
    keywords: o.metadata?.keywords,
    date: o.metadata?.date ? toInstant(o.metadata.date) : new Date(Date.UTC(2000, 0, 1)),
    custom: o.metadata?.custom,
  });
  const warning = painter.cleaner.warning();
  return { bytes: await doc.save(), pageCount: doc.getPageCount(), warnings: warning ? [warning] : [] };
}
