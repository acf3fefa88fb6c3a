/**
 * Reads a bulk-import request into records: JSON (`{items: [...]}` or `[...]`, parsed by the
 * app's JSON body parser), CSV (`text/csv` body, streamed) or a multipart upload whose `file` part
 * is CSV or JSON. CSV is UTF-8 with or without BOM, with a header row naming the fields (API names
 * such as `issuedOn`, or the usual Vietnamese column titles such as "Số hiệu", "Ngày ban hành").
 */
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { DomainError, Errors, FieldError } from '../common/errors.js';
import { foldVietnamese } from '../common/text.js';
import { CsvRecord, CsvSyntaxError, readCsvRecords } from './csv.js';
import { LEGAL_FIELD_NAMES, LegalFieldName } from './legal-fields.js';

/** Largest import body (CSV, or JSON in a multipart file): about 100,000 typical rows. */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 50_000;

export type ImportFormat = 'json' | 'csv';

export interface ImportRecord {
  /** 1-based position among the data rows. */
  row: number;
  /** CSV: the line where the record starts. */
  line?: number;
  values: Record<string, unknown>;
  /** Problems with the record's shape (not an object, unknown property, wrong field count). */
  problems: FieldError[];
}

export interface ImportBatch {
  format: ImportFormat;
  records: ImportRecord[];
}

/** Beyond this, a header is not a list of columns to report one by one. */
const MAX_HEADER_COLUMNS = 100;

const REQUIRED_COLUMNS: readonly LegalFieldName[] = ['number', 'type', 'issuer', 'title', 'issuedOn', 'effectiveFrom'];

/** Header titles (folded, letters and digits only) to field names (a Map: a "constructor" column is unknown, not Object's). */
const COLUMN_ALIASES: ReadonlyMap<string, LegalFieldName> = (() => {
  const aliases: Record<LegalFieldName, string[]> = {
    number: ['Số hiệu', 'Số', 'Số ký hiệu', 'Số, ký hiệu', 'Số và ký hiệu', 'Số hiệu văn bản', 'Số ký hiệu văn bản'],
    type: ['Loại', 'Loại văn bản'],
    issuer: ['Cơ quan ban hành', 'Nơi ban hành'],
    title: ['Trích yếu', 'Tên văn bản', 'Tiêu đề', 'Trích yếu nội dung'],
    issuedOn: ['Ngày ban hành', 'issued_on'],
    effectiveFrom: ['Ngày hiệu lực', 'Ngày có hiệu lực', 'effective_from'],
    status: ['Tình trạng', 'Tình trạng hiệu lực', 'Trạng thái', 'Hiệu lực'],
  };
  const out = new Map<string, LegalFieldName>();
  for (const f of LEGAL_FIELD_NAMES) {
    out.set(columnKey(f), f);
    for (const a of aliases[f]) out.set(columnKey(a), f);
  }
  return out;
})();

function columnKey(title: string): string {
  return foldVietnamese(title).replace(/[^a-z0-9]/g, '');
}

const malformed = (detail: string, errors?: FieldError[]) => Errors.badRequest('import_malformed', detail, errors);
const tooLarge = () => Errors.tooLarge(`An import holds at most ${IMPORT_MAX_ROWS} rows and ${IMPORT_MAX_BYTES} bytes; split the file.`);
const notUtf8 = () => Errors.unsupportedMediaType('The CSV is not UTF-8. Save it as "CSV UTF-8" and send it again.');

function mediaType(header: string | undefined): { type: string; charset: string | null } {
  const [type, ...params] = (header ?? '').split(';').map((s) => s.trim());
  const charset = params.find((p) => p.toLowerCase().startsWith('charset='))?.slice(8).replace(/"/g, '').toLowerCase() ?? null;
  return { type: type.toLowerCase(), charset };
}

function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function isCsvUpload(mimeType: string, filename: string | undefined): boolean {
  return ['text/csv', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel'].includes(mimeType) || /\.csv$/i.test(filename ?? '');
}

/** The records of an import request, or a 400/413/415 problem. */
export async function readImportBatch(req: Request): Promise<ImportBatch> {
  const { type, charset } = mediaType(req.headers['content-type']);
  if (isJsonType(type)) return { format: 'json', records: jsonRecords(req.body) };
  if (type === 'text/csv') {
    if (charset && charset !== 'utf-8' && charset !== 'utf8') throw notUtf8();
    if (Number(req.headers['content-length'] ?? 0) > IMPORT_MAX_BYTES) throw tooLarge();
    return { format: 'csv', records: csvRecords(await readCsv(req)) };
  }
  if (type === 'multipart/form-data') return readMultipart(req);
  throw Errors.unsupportedMediaType('Send the import as application/json, text/csv or a multipart/form-data "file".');
}

function jsonRecords(body: unknown): ImportRecord[] {
  let items: unknown = body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const keys = Object.keys(body);
    if (keys.length !== 1 || keys[0] !== 'items') throw malformed('Send {"items": [...]} or a JSON array of legal documents.', [{ field: 'items', message: 'is required (and nothing else)' }]);
    items = (body as { items: unknown }).items;
  }
  if (!Array.isArray(items)) throw malformed('Send {"items": [...]} or a JSON array of legal documents.', [{ field: 'items', message: 'must be an array' }]);
  if (items.length > IMPORT_MAX_ROWS) throw tooLarge();
  return items.map((item, i) => {
    const row = i + 1;
    if (!item || typeof item !== 'object' || Array.isArray(item)) return { row, values: {}, problems: [{ field: 'row', message: 'must be an object' }] };
    const problems: FieldError[] = Object.keys(item)
      .filter((k) => !(LEGAL_FIELD_NAMES as readonly string[]).includes(k))
      .map((k) => ({ field: k, message: 'is not a known property' }));
    return { row, values: item as Record<string, unknown>, problems };
  });
}

function csvRecords(raw: CsvRecord[]): ImportRecord[] {
  if (!raw.length) throw malformed('The CSV is empty: the first row must name the columns.');
  const [header, ...data] = raw;
  if (header.fields.length > MAX_HEADER_COLUMNS) {
    throw malformed('The CSV header row must name the columns.', [
      { field: 'header', message: `has ${header.fields.length} columns; expected at most ${LEGAL_FIELD_NAMES.length} (${LEGAL_FIELD_NAMES.join(', ')})` },
    ]);
  }
  const columns: LegalFieldName[] = [];
  const errors: FieldError[] = [];
  header.fields.forEach((title, i) => {
    const field = COLUMN_ALIASES.get(columnKey(title));
    const shown = title.length > 60 ? `${title.slice(0, 60)}…` : title;
    if (!field) errors.push({ field: `header[${i + 1}]`, message: `"${shown}" is not a known column (expected ${LEGAL_FIELD_NAMES.join(', ')})` });
    else if (columns.includes(field)) errors.push({ field: `header[${i + 1}]`, message: `"${shown}" repeats the ${field} column` });
    else columns.push(field);
  });
  for (const f of REQUIRED_COLUMNS) if (!columns.includes(f)) errors.push({ field: 'header', message: `the ${f} column is missing` });
  if (errors.length) throw malformed('The CSV header row must name the columns.', errors);
  if (data.length > IMPORT_MAX_ROWS) throw tooLarge();
  return data.map((r, i) => {
    const values: Record<string, unknown> = {};
    columns.forEach((c, j) => (values[c] = r.fields[j] ?? ''));
    const problems: FieldError[] =
      r.fields.length === columns.length ? [] : [{ field: 'row', message: `has ${r.fields.length} fields; the header has ${columns.length}` }];
    return { row: i + 1, line: r.line, values, problems };
  });
}

/**
 * Decodes a byte stream as strict UTF-8 into the CSV reader. After an error the rest of the body
 * is drained (not destroyed), so that the client reads the answer.
 */
async function readCsv(stream: Readable): Promise<CsvRecord[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let bytes = 0;
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > IMPORT_MAX_BYTES) throw tooLarge();
      yield decoder.decode(chunk, { stream: true });
    }
    yield decoder.decode();
  }
  const records: CsvRecord[] = [];
  try {
    for await (const r of readCsvRecords(text())) {
      if (records.length >= IMPORT_MAX_ROWS + 1) throw tooLarge();
      records.push(r);
    }
    return records;
  } catch (err) {
    stream.resume();
    throw translate(err);
  }
}

function translate(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  if (err instanceof CsvSyntaxError) return malformed(`The CSV is malformed at line ${err.line}.`, [{ field: `line ${err.line}`, message: err.message.replace(/^line \d+: /, '') }]);
  if ((err as { code?: unknown } | null)?.code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return notUtf8();
  return err;
}

function readMultipart(req: Request): Promise<ImportBatch> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: IMPORT_MAX_BYTES, fields: 10, parts: 12 } });
    } catch {
      reject(malformed('The multipart body is malformed (boundary missing).'));
      return;
    }
    let result: Promise<ImportBatch> | null = null;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(translate(err));
      req.unpipe(bb);
      req.resume();
    };
    bb.on('file', (name, file, info) => {
      if (name !== 'file' || result) {
        file.resume();
        if (name !== 'file') fail(malformed(`Send the import in a part named "file", not "${name}".`));
        return;
      }
      file.on('limit', () => fail(tooLarge()));
      if (isCsvUpload(info.mimeType, info.filename)) {
        result = readCsv(file).then((raw) => ({ format: 'csv' as const, records: csvRecords(raw) }));
      } else if (isJsonType(info.mimeType) || /\.json$/i.test(info.filename ?? '')) {
        result = readJsonFile(file).then((body) => ({ format: 'json' as const, records: jsonRecords(body) }));
      } else {
        file.resume();
        fail(Errors.unsupportedMediaType(`The file must be CSV (text/csv, .csv) or JSON (application/json, .json), not ${info.mimeType}.`));
        return;
      }
      result.catch(fail);
    });
    bb.on('partsLimit', () => fail(malformed('Send one part named "file".')));
    bb.on('filesLimit', () => fail(malformed('Send one file per import.')));
    bb.on('error', () => fail(malformed('The multipart body is malformed.')));
    bb.on('close', () => {
      if (settled) return;
      if (!result) return fail(Errors.badRequest('import_file_missing', 'Send the CSV or JSON file in a part named "file".', [{ field: 'file', message: 'is required' }]));
      result.then(
        (batch) => {
          if (settled) return;
          settled = true;
          resolve(batch);
        },
        fail,
      );
    });
    req.pipe(bb);
  });
}

function readJsonFile(stream: Readable): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('end', () => {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        return reject(Errors.unsupportedMediaType('The JSON file is not UTF-8.'));
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(Errors.badRequest('malformed_json', 'The uploaded file is not valid JSON.'));
      }
    });
  });
}
