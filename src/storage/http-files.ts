import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Errors } from '../common/errors.js';
import { appLogger } from '../common/logger.js';
import { stripControlChars } from '../common/text.js';
import { KIND_EXTENSIONS, SniffedKind } from './media-sniffer.js';
import { ByteRange, ObjectStorage } from './object-storage.js';

const MAX_FILENAME = 255;
/**
 * Bytes a connection buffers before a write waits for the socket (Node's default is 16 KiB, less
 * than one chunk of a download): set on the HTTP server (bootstrap/http-app.ts).
 */
export const SOCKET_HIGH_WATER_MARK = 256 * 1024;

/**
 * A stored filename: NFC, the last path component only, no control or bidi characters, no
 * characters Windows refuses, no leading dots, at most 255 characters (the extension kept).
 * Vietnamese letters stay as they are.
 */
export function sanitizeFilename(raw: string | null | undefined, fallback = 'file'): string {
  let s = (raw ?? '').normalize('NFC').replace(/\\/g, '/');
  s = s.slice(s.lastIndexOf('/') + 1);
  s = stripControlChars(s)
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .trim();
  const chars = [...s];
  if (chars.length > MAX_FILENAME) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? [...s.slice(dot)] : [];
    s = chars.slice(0, MAX_FILENAME - ext.length).join('') + ext.join('');
  }
  return s || fallback;
}

/**
 * A (sanitised) filename whose extension says what the bytes really are: a name ending in an
 * extension of another type (`.exe`, `.html`, a `.docx` that is a spreadsheet) loses it, and
 * one without a fitting extension gets the type's: "Tờ khai.pdf.exe" holding a PDF → "Tờ khai.pdf",
 * "Mẫu 01" holding a DOCX → "Mẫu 01.docx". A dot followed by digits only ("Số 12.2024") is not an extension.
 */
export function withExtensionOf(filename: string, kind: SniffedKind): string {
  const fits = KIND_EXTENSIONS[kind];
  const extOf = (name: string) => /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1];
  let name = filename;
  const ext = extOf(name);
  if (ext && fits.includes(ext.toLowerCase())) return name;
  if (ext && /[A-Za-z]/.test(ext)) name = name.slice(0, -(ext.length + 1)).replace(/[\s.]+$/, '');
  const inner = extOf(name);
  if (inner && fits.includes(inner.toLowerCase())) return name;
  const withExt = `${name || 'file'}.${fits[0]}`;
  return [...withExt].length > MAX_FILENAME ? sanitizeFilename(withExt) : withExt;
}

/** An ASCII approximation for the plain `filename=` parameter: "Biểu mẫu.docx" → "Bieu mau.docx". */
export function asciiFilename(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
}

/** RFC 8187 / 5987 value: UTF-8, percent-encoded (attr-char only). */
export function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `attachment; filename="ascii"; filename*=UTF-8''utf8` (RFC 6266). */
export function contentDisposition(filename: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const name = filename.normalize('NFC');
  return `${disposition}; filename="${asciiFilename(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

export type RangeRequest = { kind: 'none' } | { kind: 'range'; range: ByteRange } | { kind: 'unsatisfiable' };

/**
 * One byte range of an object of `size` bytes (RFC 9110 §14). Several ranges or an invalid header
 * are ignored (the whole object is sent), as the RFC allows.
 */
export function parseByteRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'none' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'none' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', range: { start, end } };
}

/** True when an If-None-Match / If-Match list names `etag` (weak comparison, `*` matches all). */
export function etagListMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const x = t.trim();
    return x === '*' || x.replace(/^W\//, '') === bare;
  });
}

/** What is served: an object of the content-addressed store and how to present it. */
export interface ServedObject {
  key: string;
  sha256: string;
  size: number;
  mediaType: string;
  filename: string;
}

export interface ServeOptions {
  /**
   * Called once storage has answered and before bytes are sent, for 200 responses and 206
   * responses starting at byte 0 (so a resumed download is recorded once), e.g. to record who took
   * which file. When it throws, nothing is sent.
   */
  onDelivery?: (what: { range: ByteRange | null }) => Promise<void>;
}

/**
 * Streams an object from storage to the response with `ETag` (the SHA-256), `If-None-Match` → 304,
 * `Content-Length`, `Accept-Ranges` and one byte `Range` → 206 (416 when unsatisfiable;
 * `If-Range` honoured). Storage errors before the first byte become problem responses (503);
 * after it, the connection is cut.
 */
export async function serveObject(req: Request, res: Response, storage: ObjectStorage, obj: ServedObject, opts: ServeOptions = {}): Promise<void> {
  const etag = `"${obj.sha256}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (etagListMatches(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const rangeHeader = ifRange === undefined || ifRange === etag ? req.headers.range : undefined;
  const wanted = parseByteRange(rangeHeader, obj.size);
  if (wanted.kind === 'unsatisfiable') {
    throw Errors.rangeNotSatisfiable(obj.size);
  }
  const range = wanted.kind === 'range' ? wanted.range : null;
  const body = await storage.get(obj.key, range ?? undefined);
  // Recorded once storage has answered: a download that fails with 503 was not a delivery.
  if (opts.onDelivery && req.method !== 'HEAD' && (!range || range.start === 0)) {
    try {
      await opts.onDelivery({ range });
    } catch (err) {
      body.destroy();
      throw err;
    }
  }
  res.status(range ? 206 : 200);
  res.setHeader('Content-Type', obj.mediaType);
  res.setHeader('Content-Disposition', contentDisposition(obj.filename));
  res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : obj.size));
  if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${obj.size}`);
  if (req.method === 'HEAD') {
    body.destroy();
    res.end();
    return;
  }
  try {
    // Chunks go from storage to the socket as they are (back-pressure both ways, nothing done per chunk).
    await pipeline(body, res);
  } catch (err) {
    // The client went away, or storage failed mid-stream: the connection is already cut.
    if (!res.writableFinished) appLogger.write('warn', 'download interrupted', { key: obj.key, err: (err as Error).message });
  }
}
