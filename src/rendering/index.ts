/**
 * Rendering: controlled-copy PDFs of revisions, official papers and records (Decree 30), and reusable
 * PDF layout (see docs/RENDERING.md). Pure library: no database, no Nest providers; the render jobs
 * build a RenditionModel or an OfficialPaperModel and call renderRevisionPdf / renderOfficialPaperPdf.
 */
export * from './rendition-model.js';
export * from './official-paper-model.js';
export { renderRevisionPdf } from './pdf/render-revision.js';
export { renderOfficialPaperPdf } from './pdf/render-official-paper.js';
export { renderTablePdf } from './pdf/table-pdf.js';
export type { TablePdfOptions, TablePdfResult } from './pdf/table-pdf.js';
export { FlowLayout, A4, DEFAULT_MARGINS } from './pdf/layout.js';
export type { FlowLayoutOptions, Margins, ParagraphOptions, TableColumn, TableCell, TableOptions, PageDecorationContext } from './pdf/layout.js';
export { TextPainter } from './pdf/text.js';
export type { Align, Run, RichText } from './pdf/text.js';
export { embedFonts, loadFontBytes, TextCleaner } from './pdf/fonts.js';
export type { FontSet } from './pdf/fonts.js';
export { PageFrame } from './pdf/page-frame.js';
export { applyMetadata, PRODUCER } from './pdf/metadata.js';
export type { PdfMetadata } from './pdf/metadata.js';
export { drawWatermark, pageLabel } from './pdf/stamps.js';
export {
  watermarkFor,
  WATERMARK_CONTROLLED,
  WATERMARK_DRAFT,
  WATERMARK_NOT_YET_EFFECTIVE,
  WATERMARK_OBSOLETE,
} from './pdf/vn-format.js';
