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

/** Every Vietnamese letter (vowels with the five tones, đ), lower and upper case, NFC. */
export function vietnameseAlphabet(): string {
  let s = '';
  for (const v of 'aăâeêioôơuưy') {
    s += v;
    for (const tone of ['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']) s += (v + tone).normalize('NFC');
  }
  s += 'đ';
  return s + s.toUpperCase();
}

/** "Trang X/Y" on a page (as a word of its own). */
export const PAGE_LABEL = /(?:^| )Trang (\d+\/\d+)(?= |$)/g;

/** The "Trang X/Y" labels of each page. */
export function pageLabels(pdf: PdfReadBack | PdfPageText[]): string[][] {
  const pages = Array.isArray(pdf) ? pdf : pdf.pages;
  return pages.map((p) => [...p.text.matchAll(PAGE_LABEL)].map((m) => m[1]));
}

/** The diagonal watermark(s) of each page. */
export function watermarks(pdf: PdfReadBack): string[][] {
  return pdf.pages.map((p) => p.items.filter((i) => i.rotated).map((i) => i.str));
}
