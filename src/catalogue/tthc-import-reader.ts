/**
 * Reads a TTHC catalogue file (already spooled to disk) as a stream of rows: CSV (UTF-8, BOM
 * optional, "," ";" or tab), XLSX (the first worksheet, read by exceljs's streaming reader after
 * the ZIP limits are checked) or JSON (`{items: [...]}` or an array). The header row (CSV, XLSX:
 * the first row naming a code and a name column, within the first 20) maps column titles — the API
 * names or the portal's Vietnamese titles (Mã thủ tục, Tên thủ tục, Lĩnh vực, Cấp thực hiện,
 * Thời hạn giải quyết, Phí, lệ phí, Căn cứ pháp lý, Tình trạng) — to fields; other columns of the
 * portal's export are ignored (and listed). Rows are yielded one by one: memory stays flat.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { DomainError, Errors, FieldError } from '../common/errors.js';
import { DEFAULT_ZIP_LIMITS, inspectZip, ZipLimitError } from '../common/zip-limits.js';
import { CsvSyntaxError, readCsvRecords } from '../legal/csv.js';
import { columnKey, REQUIRED_TTHC_COLUMNS, TTHC_COLUMN_ALIASES, TTHC_FIELD_NAMES, TthcFieldName } from './tthc-fields.js';

export const TTHC_IMPORT_MAX_BYTES = 64 * 1024 * 1024;
export const TTHC_IMPORT_MAX_ROWS = 100_000;
/** A JSON file is parsed whole: it gets a smaller limit than the streamed formats. */
export const TTHC_IMPORT_MAX_JSON_BYTES = 32 * 1024 * 1024;

export type TthcImportFormat = 'csv' | 'xlsx' | 'json';

export interface TthcImportRow {
  /** 1-based position among the data rows. */
  row: number;
  /** CSV line or worksheet row where the record is. */
  line?: number;
  values: Partial<Record<TthcFieldName, unknown>>;
  problems: FieldError[];
}

export interface TthcRowSource {
  format: TthcImportFormat;
  ignoredColumns: string[];
  rows: AsyncGenerator<TthcImportRow>;
}

const malformed = (detail: string, errors?: FieldError[]) => Errors.badRequest('import_malformed', detail, errors);
const tooManyRows = () => Errors.tooLarge(`A catalogue import holds at most ${TTHC_IMPORT_MAX_ROWS} rows; split the file.`);

/** The format of a spooled file, from its first bytes (and its name for CSV). */
export async function detectFormat(path: string, filename: string): Promise<TthcImportFormat> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('[') || text.startsWith('{')) return 'json';
    if (/\.(xls|xlsx)$/i.test(filename)) throw Errors.unsupportedMediaType('The spreadsheet is not an XLSX workbook (save it as .xlsx).');
    return 'csv';
  } finally {
    await fh.close();
  }
}

interface Header {
  columns: (TthcFieldName | null)[];
  ignored: string[];
}

function mapHeader(titles: string[]): { header: Header; errors: FieldError[] } {
  const columns: (TthcFieldName | null)[] = [];
  const ignored: string[] = [];
  const errors: FieldError[] = [];
  titles.forEach((raw, i) => {
    const title = raw.normalize('NFC').trim();
    const field = TTHC_COLUMN_ALIASES.get(columnKey(title)) ?? null;
    if (field && columns.includes(field)) errors.push({ field: `header[${i + 1}]`, message: `"${title.slice(0, 60)}" repeats the ${field} column` });
    columns.push(field && !columns.includes(field) ? field : null);
    if (!field && title) ignored.push(title.slice(0, 100));
  });
  for (const f of REQUIRED_TTHC_COLUMNS) if (!columns.includes(f)) errors.push({ field: 'header', message: `the ${f} column is missing (e.g. "${f === 'code' ? 'Mã thủ tục' : 'Tên thủ tục'}")` });
  return { header: { columns, ignored }, errors };
}

function looksLikeHeader(titles: string[]): boolean {
  const fields = titles.map((t) => TTHC_COLUMN_ALIASES.get(columnKey(String(t ?? ''))));
  return REQUIRED_TTHC_COLUMNS.every((f) => fields.includes(f));
}

function rowValues(header: Header, cells: unknown[]): Partial<Record<TthcFieldName, unknown>> {
  const values: Partial<Record<TthcFieldName, unknown>> = {};
  header.columns.forEach((c, j) => {
    if (c) values[c] = cells[j] ?? '';
  });
  return values;
}

function translate(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  if (err instanceof CsvSyntaxError) return malformed(`The CSV is malformed at line ${err.line}.`, [{ field: `line ${err.line}`, message: err.message.replace(/^line \d+: /, '') }]);
  if ((err as { code?: unknown } | null)?.code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return Errors.unsupportedMediaType('The CSV is not UTF-8. Save it as "CSV UTF-8" and send it again.');
  if (err instanceof ZipLimitError) return err.reason === 'malformed' ? malformed(`The workbook is not a readable XLSX file.`) : Errors.tooLarge(`The workbook is refused: it ${err.message}.`);
  return err;
}

// ------------------------------------------------------------------ CSV

async function* csvText(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) yield decoder.decode(chunk, { stream: true });
  yield decoder.decode();
}

async function csvSource(path: string): Promise<TthcRowSource> {
  const records = readCsvRecords(csvText(path));
  let first: IteratorResult<{ fields: string[]; line: number }>;
  try {
    first = await records.next();
  } catch (err) {
    throw translate(err);
  }
  if (first.done) throw malformed('The CSV is empty: the first row must name the columns.');
  const { header, errors } = mapHeader(first.value.fields);
  if (errors.length) {
    await records.return(undefined);
    throw malformed('The CSV header row must name the columns.', errors);
  }
  async function* rows(): AsyncGenerator<TthcImportRow> {
    let row = 0;
    try {
      for await (const r of records) {
        if (++row > TTHC_IMPORT_MAX_ROWS) throw tooManyRows();
        const problems: FieldError[] = r.fields.length > header.columns.length ? [{ field: 'row', message: `has ${r.fields.length} fields; the header has ${header.columns.length}` }] : [];
        yield { row, line: r.line, values: rowValues(header, r.fields), problems };
      }
    } catch (err) {
      throw translate(err);
    }
  }
  return { format: 'csv', ignoredColumns: header.ignored, rows: rows() };
}

// ------------------------------------------------------------------ XLSX

/** The text of a cell as exceljs gives it (rich text, formulas' results, hyperlinks, dates, numbers). */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if (o.result !== undefined) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
  }
  return '';
}

async function xlsxSource(path: string): Promise<TthcRowSource> {
  try {
    await inspectZip(path, DEFAULT_ZIP_LIMITS);
  } catch (err) {
    throw translate(err);
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit' });
  const sheets = (reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row>>)[Symbol.asyncIterator]();
  let sheet: IteratorResult<AsyncIterable<ExcelJS.Row>>;
  try {
    sheet = await sheets.next();
  } catch {
    throw malformed('The workbook is not a readable XLSX file.');
  }
  if (sheet.done) throw malformed('The workbook has no worksheet.');
  const rowsOf = sheet.value[Symbol.asyncIterator]();
  let header: Header | null = null;
  let skipped = 0;
  let pending: IteratorResult<ExcelJS.Row>;
  const cellsOf = (r: ExcelJS.Row) => {
    const values = (r.values as unknown[]) ?? [];
    const out: string[] = [];
    for (let i = 1; i < values.length; i++) out.push(cellText(values[i]).normalize('NFC'));
    return out;
  };
  try {
    while (!header) {
      pending = await rowsOf.next();
      if (pending.done || skipped >= 20) throw malformed('The worksheet has no header row naming the columns (Mã thủ tục, Tên thủ tục, ...) in its first 20 rows.');
      const cells = cellsOf(pending.value);
      if (looksLikeHeader(cells)) {
        const mapped = mapHeader(cells);
        if (mapped.errors.length) throw malformed('The header row must name the columns.', mapped.errors);
        header = mapped.header;
      } else skipped++;
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw malformed('The workbook is not a readable XLSX file.');
  }
  const h = header;
  async function* rows(): AsyncGenerator<TthcImportRow> {
    let row = 0;
    try {
      for (;;) {
        const next = await rowsOf.next();
        if (next.done) break;
        const cells = cellsOf(next.value);
        if (cells.every((c) => !c.trim())) continue;
        if (++row > TTHC_IMPORT_MAX_ROWS) throw tooManyRows();
        yield { row, line: next.value.number, values: rowValues(h, cells), problems: [] };
      }
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw malformed('The workbook is not a readable XLSX file.');
    }
  }
  return { format: 'xlsx', ignoredColumns: h.ignored, rows: rows() };
}

// ------------------------------------------------------------------ JSON

async function jsonSource(path: string, size: number): Promise<TthcRowSource> {
  if (size > TTHC_IMPORT_MAX_JSON_BYTES) throw Errors.tooLarge(`A JSON catalogue holds at most ${TTHC_IMPORT_MAX_JSON_BYTES} bytes; send larger catalogues as CSV or XLSX.`);
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(path) as AsyncIterable<Buffer>) chunks.push(c);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)).replace(/^\uFEFF/, ''));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw Errors.unsupportedMediaType('The JSON file is not UTF-8.');
    throw Errors.badRequest('malformed_json', 'The uploaded file is not valid JSON.');
  }
  let items: unknown = body;
  if (body && typeof body === 'object' && !Array.isArray(body)) items = (body as { items?: unknown }).items;
  if (!Array.isArray(items)) throw malformed('Send {"items": [...]} or a JSON array of TTHC.', [{ field: 'items', message: 'must be an array' }]);
  if (items.length > TTHC_IMPORT_MAX_ROWS) throw tooManyRows();
  const ignored = new Set<string>();
  const list = items;
  async function* rows(): AsyncGenerator<TthcImportRow> {
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        yield { row: i + 1, values: {}, problems: [{ field: 'row', message: 'must be an object' }] };
        continue;
      }
      const values: Partial<Record<TthcFieldName, unknown>> = {};
      for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
        const f = TTHC_COLUMN_ALIASES.get(columnKey(k));
        if (f && values[f] === undefined) values[f] = v;
        else if (!f && ignored.size < 100) ignored.add(k.slice(0, 100));
      }
      yield { row: i + 1, values, problems: [] };
    }
  }
  return { format: 'json', ignoredColumns: [...ignored], rows: rows() };
}

/** The rows of a spooled catalogue file (400/413/415 problems for what cannot be read). */
export async function readTthcFile(path: string, size: number, filename: string): Promise<TthcRowSource> {
  const format = await detectFormat(path, filename);
  if (format === 'xlsx') return xlsxSource(path);
  if (format === 'json') return jsonSource(path, size);
  return csvSource(path);
}

export { TTHC_FIELD_NAMES };
