import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { DomainError, Errors } from '../common/errors.js';

/** The one file part of a multipart upload, spooled to a temporary file with its digest. */
export interface SpooledFile {
  path: string;
  size: number;
  /** Hex SHA-256 of the bytes, computed while they streamed in. */
  sha256: string;
  /** The filename the client sent (decoded, not yet sanitised). */
  clientFilename: string;
  /** The Content-Type the client claimed for the part (informational only). */
  clientType: string;
  fields: Record<string, string>;
  /** Deletes the temporary file (always call it, in a finally). */
  dispose(): Promise<void>;
}

export interface SpoolOptions {
  tmpDir: string;
  /** Largest accepted file; the stream is cut when it runs over (413). */
  maxFileBytes: number;
  /** Name of the file field (default `file`). */
  field?: string;
}

/** Marks an error after which the rest of the request body must not be read (413 over-run). */
export function isCutUpload(err: unknown): boolean {
  return err instanceof DomainError && err.extra?.cutConnection === true;
}

/** 413 whose response closes the connection: the rest of the body is never read. */
export function tooLargeAndCut(max: number): DomainError {
  const err = Errors.tooLarge(`The file is larger than the limit of ${max} bytes.`);
  return err.with({ headers: { Connection: 'close' }, extra: { cutConnection: true, limitBytes: max } });
}

/**
 * Streams the multipart body of `req` through a SHA-256 and size counter into a temporary file
 * under `tmpDir` (memory stays flat: backpressure pauses the socket while the disk catches up).
 * Exactly one file part named `field` is accepted; small text fields are collected.
 */
export async function spoolMultipartFile(req: IncomingMessage, opts: SpoolOptions): Promise<SpooledFile> {
  const field = opts.field ?? 'file';
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('multipart/form-data')) throw Errors.unsupportedMediaType('Upload the file as multipart/form-data with a part named "file".');
  // Aborted while the request was being checked: its 'close' has already been emitted.
  if (!req.complete && req.destroyed) throw Errors.badRequest('request_aborted', 'The client aborted the upload.');
  await mkdir(opts.tmpDir, { recursive: true });
  const path = join(opts.tmpDir, `upload-${randomUUID()}`);
  const dispose = () => rm(path, { force: true });

  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      highWaterMark: 256 * 1024,
      fileHwm: 256 * 1024,
      limits: { fileSize: opts.maxFileBytes, files: 1, fields: 20, parts: 25, fieldSize: 64 * 1024, headerPairs: 100 },
    });
  } catch {
    throw Errors.badRequest('malformed_multipart', 'The multipart/form-data request has no valid boundary.');
  }

  return new Promise<SpooledFile>((resolve, reject) => {
    let settled = false;
    let written: Promise<{ size: number; sha256: string }> | null = null;
    let counter: Transform | null = null;
    let meta = { clientFilename: '', clientType: '' };
    const fields: Record<string, string> = {};

    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      // A file still streaming (over the limit, or its client gone) would never end: stop its writer.
      counter?.destroy(err instanceof Error ? err : undefined);
      // The temporary file goes only once its writer has closed (else it could be re-created).
      void Promise.resolve(written)
        .catch(() => undefined)
        .then(dispose)
        .catch(() => undefined)
        .finally(() => reject(err));
    };

    bb.on('file', (name, stream, info) => {
      // After a refusal busboy may still parse parts already received: no file is written for them.
      if (settled) {
        stream.resume();
        return;
      }
      if (name !== field) {
        stream.resume();
        fail(Errors.validation([{ field: name, message: `is not expected; send the file in a part named "${field}"` }]));
        return;
      }
      meta = { clientFilename: info.filename ?? '', clientType: info.mimeType ?? '' };
      const hash = createHash('sha256');
      let size = 0;
      counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      written = pipeline(stream, counter, createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 256 * 1024 })).then(() => ({ size, sha256: hash.digest('hex') }));
      written.catch(fail);
      stream.once('limit', () => fail(tooLargeAndCut(opts.maxFileBytes)));
    });
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('filesLimit', () => fail(Errors.validation([{ field, message: 'only one file may be uploaded per request' }])));
    bb.on('partsLimit', () => fail(Errors.badRequest('malformed_multipart', 'The request has too many parts.')));
    bb.on('fieldsLimit', () => fail(Errors.badRequest('malformed_multipart', 'The request has too many fields.')));
    bb.on('error', () => fail(Errors.badRequest('malformed_multipart', 'The multipart/form-data body is malformed.')));
    bb.on('close', () => {
      if (settled) return;
      if (!written) {
        fail(Errors.validation([{ field, message: 'is required (a multipart part with a filename)' }]));
        return;
      }
      written.then(
        ({ size, sha256 }) => {
          if (settled) return;
          settled = true;
          resolve({ path, size, sha256, ...meta, fields, dispose });
        },
        fail,
      );
    });
    req.on('close', () => {
      if (!req.complete) fail(Errors.badRequest('request_aborted', 'The client aborted the upload.'));
    });
    req.on('error', () => fail(Errors.badRequest('request_aborted', 'The upload was interrupted.')));
    req.pipe(bb);
  });
}
