/**
 * Text of stored files, for search: PDF (pdfjs, page by page, each page released after its text
 * is taken, so memory does not grow with the page count), DOCX (word/document.xml), ODT
 * (content.xml) and XLSX (xl/sharedStrings.xml), the XML streamed through saxes from the ZIP entry
 * after the archive passed the ZIP limits (entries, inflated size, ratio). The text is NFC, capped
 * at MAX_TEXT_CHARS (`truncated`). A PDF with (almost) no text is a scan: `no_text`.
 */
import { readFile, stat } from 'node:fs/promises';
import { SaxesParser } from 'saxes';
import { DEFAULT_ZIP_LIMITS, inspectZip, readZipEntry, ZipLimits } from '../common/zip-limits.js';

export const MAX_TEXT_CHARS = 2_000_000;
/**
 * pdfjs parses a PDF from memory: larger PDFs are not read for text (a 200-page text PDF is a few
 * MB; what is larger is scans or embedded media), so extraction never holds more than this.
 */
export const MAX_PDF_BYTES = 64 * 1024 * 1024;

/** A file the extraction refuses to read (too large for its parser): final, no retry. */
export class ExtractionRefused extends Error {}
/** Fewer letters than this per page on average: the PDF is a scan without a text layer. */
const MIN_LETTERS_PER_PAGE = 10;
/** Largest XML entry inflated for its text. */
const MAX_XML_BYTES = 256 * 1024 * 1024;

export const EXTRACTABLE_MEDIA_TYPES = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
} as const;
export type ExtractableKind = (typeof EXTRACTABLE_MEDIA_TYPES)[keyof typeof EXTRACTABLE_MEDIA_TYPES];

export function extractableKind(mediaType: string): ExtractableKind | null {
  return (EXTRACTABLE_MEDIA_TYPES as Record<string, ExtractableKind>)[mediaType] ?? null;
}

export interface ExtractedText {
  state: 'done' | 'no_text';
  text: string | null;
  pages: number | null;
  truncated: boolean;
}

/** Collects text up to the cap. */
class TextSink {
  private parts: string[] = [];
  private length = 0;
  truncated = false;
  push(s: string): void {
    if (!s || this.truncated) return;
    const room = MAX_TEXT_CHARS - this.length;
    if (s.length > room) {
      this.parts.push(s.slice(0, room));
      this.length = MAX_TEXT_CHARS;
      this.truncated = true;
      return;
    }
    this.parts.push(s);
    this.length += s.length;
  }
  text(): string {
    return this.parts.join('').replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim().normalize('NFC');
  }
}

function letters(s: string): number {
  return (s.match(/\p{L}/gu) ?? []).length;
}

export async function extractText(path: string, kind: ExtractableKind, zipLimits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ExtractedText> {
  if (kind === 'pdf') return extractPdf(path);
  await inspectZip(path, zipLimits);
  const entry = kind === 'docx' ? 'word/document.xml' : kind === 'odt' ? 'content.xml' : 'xl/sharedStrings.xml';
  const sink = new TextSink();
  const parser = new SaxesParser({ xmlns: false });
  // Text nodes inside these elements are text; paragraph-like elements end a line.
  const TEXT = kind === 'docx' ? new Set(['w:t']) : kind === 'xlsx' ? new Set(['t']) : null;
  const BREAK = kind === 'docx' ? new Set(['w:p', 'w:tab', 'w:br']) : kind === 'xlsx' ? new Set(['si']) : new Set(['text:p', 'text:h', 'text:tab', 'text:line-break', 'text:s']);
  let depthInText = 0;
  let inBody = kind !== 'odt';
  parser.on('opentag', (tag) => {
    if (TEXT?.has(tag.name)) depthInText++;
    if (kind === 'odt' && tag.name === 'office:body') inBody = true;
  });
  parser.on('closetag', (tag) => {
    if (TEXT?.has(tag.name)) depthInText--;
    if (BREAK.has(tag.name)) sink.push(tag.name.endsWith('tab') || tag.name === 'text:s' ? ' ' : '\n');
  });
  parser.on('text', (t) => {
    if (TEXT ? depthInText > 0 : inBody) sink.push(t);
  });
  let failure: Error | null = null;
  parser.on('error', (e) => {
    failure = e;
  });
  const decoder = new TextDecoder('utf-8');
  const found = await readZipEntry(path, entry, MAX_XML_BYTES, (chunk) => {
    if (!failure) parser.write(decoder.decode(chunk, { stream: true }));
  });
  if (failure) throw new Error(`the ${entry} of the file is not well-formed XML`);
  if (found) parser.write(decoder.decode()).close();
  const text = sink.text();
  return { state: text ? 'done' : 'no_text', text: text || null, pages: null, truncated: sink.truncated };
}

async function extractPdf(path: string): Promise<ExtractedText> {
  const { size } = await stat(path);
  if (size > MAX_PDF_BYTES) throw new ExtractionRefused(`PDF of ${size} bytes, over the ${MAX_PDF_BYTES} bytes read for text`);
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const data = new Uint8Array(await readFile(path));
  const pdf = await getDocument({ data, verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false }).promise;
  const sink = new TextSink();
  let count = 0;
  try {
    for (let n = 1; n <= pdf.numPages && !sink.truncated; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      let line = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str;
        line += item.hasEOL ? '\n' : ' ';
      }
      count += letters(line);
      sink.push(line);
      sink.push('\n\n');
      page.cleanup();
    }
    const pages = pdf.numPages;
    if (count < MIN_LETTERS_PER_PAGE * Math.max(1, Math.min(pages, 10))) return { state: 'no_text', text: null, pages, truncated: false };
    return { state: 'done', text: sink.text(), pages, truncated: sink.truncated };
  } finally {
    await pdf.destroy();
  }
}
