/**
 * RFC 4180 CSV output for spreadsheets: UTF-8 with a byte order mark (so Excel reads Vietnamese
 * text as UTF-8), CRLF line ends, fields quoted when they hold a comma, quote, CR or LF (quotes
 * doubled), and fields that a spreadsheet would run as a formula (=, +, -, @, tab, CR first)
 * prefixed with an apostrophe (CSV injection, OWASP).
 */

export const UTF8_BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | null | undefined;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value.normalize('NFC') : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record with its CRLF. */
export function csvRecord(values: CsvValue[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
