/**
 * Test helper: reads a PDF back with pdfjs-dist (the legacy build runs in Node) and returns, per
 * page, its text items in content-stream order with their positions, and the Info metadata.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfTextItem {
  str: string;
  x: number;
  y: number;
  /** True when the text is not horizontal (e.g. the diagonal watermark). */
  rotated: boolean;
}

export interface PdfPageText {
  items: PdfTextItem[];
  /** Items joined with single spaces (whitespace collapsed): good for `toContain`. */
  text: string;
  /** Crop box size in user space (before /Rotate). */
  width: number;
  height: number;
  rotate: number;
}

export interface PdfReadBack {
  pages: PdfPageText[];
  info: Record<string, unknown> & { Custom?: Record<string, string> };
}

export async function readPdf(bytes: Uint8Array): Promise<PdfReadBack> {
  // pdfjs takes ownership of (detaches) the buffer it is given: hand it a copy.
  const pdf = await getDocument({ data: bytes.slice(), verbosity: 0, isEvalSupported: false, disableFontFace: true }).promise;
  try {
    const pages: PdfPageText[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const items: PdfTextItem[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str.length === 0) continue;
        const [a, b, , , e, f] = item.transform as number[];
        items.push({ str: item.str, x: e, y: f, rotated: Math.abs(b) > 1e-6 || a < 0 });
      }
      const text = items.map((i) => i.str).join(' ').replace(/\s+/g, ' ').trim();
      const [x0, y0, x1, y1] = page.view;
      pages.push({ items, text, width: x1 - x0, height: y1 - y0, rotate: page.rotate });
    }
    const meta = await pdf.getMetadata();
    return { pages, info: meta.info as PdfReadBack['info'] };
  } finally {
    await pdf.destroy();
  }
}
