/**
 * PDF Info dictionary: standard fields plus custom keys (e.g. /EisoRevisionSha256). Dates are
 * taken from the caller, never from the clock, so that identical inputs give identical bytes.
 */
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';

export interface PdfMetadata {
  title: string;
  subject?: string;
  author?: string;
  keywords?: string[];
  creator?: string;
  /** Defaults to "e-ISO". */
  producer?: string;
  /** Creation and modification date. */
  date: Date;
  /** Extra Info keys (names without the slash) with text values. */
  custom?: Record<string, string>;
}

export const PRODUCER = 'e-ISO';

export function applyMetadata(doc: PDFDocument, m: PdfMetadata): void {
  doc.setTitle(m.title, { showInWindowTitleBar: true });
  if (m.subject) doc.setSubject(m.subject);
  if (m.author) doc.setAuthor(m.author);
  if (m.keywords?.length) doc.setKeywords(m.keywords);
  doc.setCreator(m.creator ?? PRODUCER);
  doc.setProducer(m.producer ?? PRODUCER);
  doc.setCreationDate(m.date);
  doc.setModificationDate(m.date);
  doc.setLanguage('vi-VN');
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  for (const [key, value] of Object.entries(m.custom ?? {})) {
    // Plain ASCII as a literal string; anything else (or needing escapes) as UTF-16 hex.
    info.set(PDFName.of(key), /^[A-Za-z0-9 ._:+-]*$/.test(value) ? PDFString.of(value) : PDFHexString.fromText(value));
  }
}
