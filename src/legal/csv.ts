/**
 * Streaming CSV records through `csv-parse` (RFC 4180: quoted fields may hold delimiters, quotes
 * ("") and line breaks; CRLF, LF and CR end records; a leading UTF-8 BOM is dropped; blank lines
 * are no records). The delimiter ("," ";" or tab, as Vietnamese-locale spreadsheets export) is
 * detected from the header line. Each record carries the line where it starts.
 */
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

export interface CsvRecord {
  fields: string[];
  /** 1-based line of the input where the record starts. */
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const MESSAGES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected text after a closing quote (write a quote inside a quoted field as "")',
};

function detectDelimiter(header: string): string {
  const count = (ch: string) => header.split(ch).length - 1;
  const candidates: [string, number][] = [
    [',', count(',')],
    [';', count(';')],
    ['\t', count('\t')],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0][1] > 0 ? candidates[0][0] : ',';
}

const LINE_BREAKS = /\r\n|\r|\n/g;

/**
 * The records of decoded CSV text arriving in chunks. Errors of `text` (too large, not UTF-8)
 * pass through; malformed CSV is a CsvSyntaxError naming the line.
 */
export async function* readCsvRecords(text: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvRecord> {
  const source = (text as AsyncIterable<string>)[Symbol.asyncIterator]?.() ?? (text as Iterable<string>)[Symbol.iterator]();
  // The header line decides the delimiter; only new text is searched for its end (long lines stay linear).
  let head = '';
  let headerEnd = -1;
  let ended = false;
  while (headerEnd < 0) {
    const next = await source.next();
    if (next.done) {
      ended = true;
      break;
    }
    const at = next.value.search(/[\r\n]/);
    if (at >= 0) headerEnd = head.length + at;
    head += next.value;
  }
  const delimiter = detectDelimiter(head.slice(0, headerEnd < 0 ? head.length : headerEnd).replace(/^\uFEFF/, ''));
  async function* rest(): AsyncGenerator<string> {
    if (head) yield head;
    if (ended) return;
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      yield next.value;
    }
  }
  // Blank lines come out as [''] records (skipped here) so that every line break is in some record's raw text.
  const parser = parse({ delimiter, bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, skip_empty_lines: false, raw: true });
  const input = Readable.from(rest(), { objectMode: false });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let line = 1;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const start = line;
      line += raw.match(LINE_BREAKS)?.length ?? 0;
      if (record.length === 1 && record[0] === '') continue;
      yield { fields: record, line: start };
    }
  } catch (err) {
    if (err instanceof CsvError) throw new CsvSyntaxError((err as CsvError & { lines?: number }).lines ?? line, MESSAGES[err.code] ?? err.message);
    throw err;
  } finally {
    input.destroy();
  }
}

/** All records of a CSV text (tests, small inputs). */
export async function parseCsvText(text: string): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords([text])) out.push(r);
  return out;
}
