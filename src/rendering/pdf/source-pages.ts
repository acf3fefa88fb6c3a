/**
 * Copies the pages of a revision's source PDF into the rendition. A source that cannot be read as
 * a PDF (not a PDF, truncated, encrypted, no pages, broken page tree) yields no pages and a warning,
 * never an exception: the rendition is still produced, without those pages. Only a failing loader
 * (e.g. object storage down) rejects, so that the render job is retried.
 */
import { EncryptedPDFError, PDFDocument, PDFPage } from 'pdf-lib';
import type { SourcePdf } from '../rendition-model.js';

export interface CopiedSource {
  pages: PDFPage[];
  warning?: string;
}

/** The warning of a rendition made without its source PDF's pages. */
export function sourceUnreadable(reason: string): string {
  return `source_pdf_unreadable: the source PDF was not appended (${reason})`;
}

/** Reads the source bytes (a loader's rejection propagates). */
export async function readSourcePdf(source: SourcePdf): Promise<Uint8Array> {
  return typeof source === 'function' ? source() : source;
}

/** Copies every page of `bytes` into `target` (not yet added to it). */
export async function copySourcePages(target: PDFDocument, bytes: Uint8Array): Promise<CopiedSource> {
  const unreadable = (reason: string): CopiedSource => ({ pages: [], warning: sourceUnreadable(reason) });
  if (!hasPdfHeader(bytes)) return unreadable('no %PDF header');
  let source: PDFDocument;
  try {
    source = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (err) {
    if (err instanceof EncryptedPDFError) return unreadable('it is encrypted');
    return unreadable(describe(err));
  }
  try {
    const count = source.getPageCount();
    if (count === 0) return unreadable('it has no pages');
    const pages = await target.copyPages(source, [...Array(count).keys()]);
    pages.forEach((page, i) => assertUsablePage(page, i + 1));
    return { pages };
  } catch (err) {
    return unreadable(describe(err));
  }
}

function hasPdfHeader(bytes: Uint8Array): boolean {
  // The header may be preceded by junk (up to 1024 bytes are tolerated by readers).
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
  return head.includes('%PDF-');
}

function assertUsablePage(page: PDFPage, n: number): void {
  const box = page.getCropBox();
  const ok = [box.x, box.y, box.width, box.height].every(Number.isFinite) && box.width > 0 && box.height > 0;
  if (!ok) throw new Error(`page ${n} has no usable page box`);
}

/** The first line of an error's message, at most 200 characters. */
export function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 200);
}
