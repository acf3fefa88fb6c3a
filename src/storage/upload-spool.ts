import { createHash, Hash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { DomainError, Errors } from '../common/errors.js';
import { appLogger } from '../common/logger.js';
import { ACCEPTED_MEDIA_TYPES } from './media-sniffer.js';
import type { ObjectStorage, StagedUpload } from './object-storage.js';

/** Names of spool files (`DATA_DIR/tmp/upload-<uuid>`); the spool sweeper removes stale ones. */
export const SPOOL_FILE_PREFIX = 'upload-';
/** Rendered PDFs on their way into the store (renditions/render-revision.job.ts), in their own folder. */
export const RENDITION_SPOOL_PREFIX = 'rendition-';
/** Record papers on their way into the store (record-papers/render-record-paper.job.ts), in the same folder. */
export const PAPER_SPOOL_PREFIX = 'paper-';
/** Files predicted at least this large are staged in storage while they arrive (smaller ones: one PUT after). */
export const STAGE_MIN_BYTES = 8 * 1024 * 1024;
/**
 * While a file is staged in storage, only its first bytes are written to the spool file: they are
 * what sniffing reads (the rest is read from the staged object when it must). The whole file is
 * then written once, to storage, not to the disk too.
 */
export const SPOOL_HEAD_BYTES = 1024 * 1024;
/**
 * A staged PUT declared the predicted size; a file that ends short of it (fields after the file
 * part) is completed with at most this many filler bytes, then its first bytes are copied out.
 */
const MAX_FILLER_BYTES = 4 * 1024 * 1024;
/** Only the first bytes of a body are searched for where the file part's data starts. */
const MAX_PREAMBLE = 64 * 1024;
const CHUNK = 256 * 1024;

const ACCEPTED_TYPES: ReadonlySet<string> = new Set(Object.values(ACCEPTED_MEDIA_TYPES));

/**
 * The type a file is staged under: the client's claim when it is one the store accepts (usually
 * right, so the copy to the content key keeps the staged metadata), else octet-stream. The stored
 * type is always the one the bytes decide (the copy replaces a wrong claim).
 */
function stagedType(claimed: string): string {
  const type = claimed.split(';')[0].trim().toLowerCase();
  return ACCEPTED_TYPES.has(type) ? type : 'application/octet-stream';
}

/** The upload spool of this machine. */
export function spoolDirectory(dataDir: string): string {
  return join(dataDir, 'tmp');
}

/** The spool of rendered PDFs (renditions and record papers). */
export function renditionSpoolDirectory(dataDir: string): string {
  return join(dataDir, 'rendition-tmp');
}

/** The one file part of a multipart upload, spooled to a temporary file with its digest. */
export interface SpooledFile {
  path: string;
  /**
   * True when `path` holds only the first bytes of the file (SPOOL_HEAD_BYTES): the whole file is
   * the staged object (`stagedKey`), and exists nowhere else.
   */
  headOnly: boolean;
  size: number;
  /** Hex SHA-256 of the bytes, computed while they streamed in. */
  sha256: string;
  /** Key under which storage already holds exactly these bytes (a staged upload), or null (always set when `headOnly`). */
  stagedKey: string | null;
  /** The filename the client sent (decoded, not yet sanitised). */
  clientFilename: string;
  /** The Content-Type the client claimed for the part (informational only). */
  clientType: string;
  fields: Record<string, string>;
  /** Deletes the temporary file and any staged object (always call it, in a finally). */
  dispose(): Promise<void>;
}

export interface SpoolOptions {
  tmpDir: string;
  /** Largest accepted file; the stream is cut when it runs over (413). */
  maxFileBytes: number;
  /** Name of the file field (default `file`). */
  field?: string;
  /**
   * Where the file will be stored: when the driver stages uploads (S3) and the file's size can be
   * predicted from Content-Length, its bytes go to storage while they arrive (`stagedKey`).
   */
  storage?: ObjectStorage;
  /**
   * The SHA-256 the client announced for the file (Repr-Digest), and the key to stage it under
   * when nothing is stored under that hash yet (its content key: no copy afterwards). Such a
   * staged PUT is completed only with bytes that hash to the announced digest: the chunk that
   * would complete it is held back until the digest of everything before it is known.
   */
  announced?: { sha256: string; stageKey: string | null };
}

/**
 * Where the data of the first part with a filename starts in a multipart body, from its first
 * bytes; null while unknown. Only a prediction: the parsing is busboy's.
 */
export function fileDataOffset(head: Buffer, boundary: string): number | null {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let at = head.indexOf(delimiter);
  while (at >= 0) {
    const headersStart = at + delimiter.length + 2;
    const end = head.indexOf('\r\n\r\n', headersStart, 'latin1');
    if (end < 0) return null;
    if (/;\s*filename\*?=/i.test(head.toString('latin1', headersStart, end))) return end + 4;
    const next = head.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), end + 4);
    at = next < 0 ? -1 : next + 2;
  }
  return null;
}

function boundaryOf(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

/**
 * Predicts the file's size from Content-Length, assuming the file is the last part and the body
 * ends as every client ends it (`\r\n--boundary--\r\n`). The staged PUT declares this size; a
 * file that turns out longer or shorter cancels the stage (the bytes are then stored after).
 */
class SizePredictor {
  private head: Buffer = Buffer.alloc(0);
  private offset: number | null = null;
  private done = false;

  constructor(
    private readonly boundary: string | null,
    private readonly contentLength: number,
  ) {
    if (!boundary || !Number.isFinite(contentLength) || contentLength <= 0) this.done = true;
  }

  get watching(): boolean {
    return !this.done;
  }

  observe(chunk: Buffer): void {
    if (this.done) return;
    this.head = Buffer.concat([this.head, chunk.subarray(0, MAX_PREAMBLE - this.head.length)]);
    this.offset = fileDataOffset(this.head, this.boundary!);
    if (this.offset !== null || this.head.length >= MAX_PREAMBLE) {
      this.done = true;
      this.head = Buffer.alloc(0);
    }
  }

  /** The predicted file size, or null. */
  get size(): number | null {
    if (this.offset === null) return null;
    const size = this.contentLength - this.offset - (this.boundary!.length + 8);
    return size > 0 ? size : null;
  }
}

function waitWritable(sink: NodeJS.WritableStream & { destroyed?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.once('drain', done);
    sink.once('close', done);
  });
}

/**
 * How a staged PUT ended: `exact`, the staged object is the file; `prefix`, the staged object
 * begins with the file's first bytes (it is the declared size: the file ended short of it and
 * filler completed it, or ran a few bytes over it and `tail` holds them), so the file must be
 * copied out of it; `mispredicted`, the file did not fit the declared size and the key may hold
 * nothing else (a content key); `mismatch`, the bytes do not have the announced hash; `failed`,
 * storage failed or the PUT was cut.
 */
type StageOutcome = { kind: 'exact' } | { kind: 'prefix'; take: number; tail: Buffer } | { kind: 'mispredicted' | 'mismatch' | 'failed' };

/**
 * A staged upload being fed; cancelled as soon as the bytes cannot be what it declared (its size
 * or, staged under a content key, the digest it must have). A temporary key may be completed with
 * filler or cut at its size (the file is copied out of it after); a content key never holds bytes
 * that do not have its hash.
 */
class Stage {
  active = true;
  private why: 'mispredicted' | 'mismatch' | 'failed' = 'failed';
  /** File bytes past the declared size (a temporary key only; a few bytes: the body's last CRLF). */
  private readonly over: Buffer[] = [];
  private overBytes = 0;
  /** Settles once storage has answered the PUT, whatever the answer. */
  readonly settled: Promise<void>;
  constructor(
    readonly upload: StagedUpload,
    /** Hex SHA-256 the staged bytes must have before the PUT may complete (a content key), or null. */
    readonly expected: string | null,
  ) {
    this.settled = upload.done.then(
      () => undefined,
      () => undefined,
    );
  }

  cancel(why: 'mispredicted' | 'mismatch' | 'failed' = 'failed'): void {
    if (!this.active) return;
    this.active = false;
    this.why = why;
    this.upload.abort();
  }

  /**
   * Hands on the chunk that brings the file to `size` bytes (`hash` covers them); resolves once the
   * sink takes more.
   */
  async feed(chunk: Buffer, size: number, hash: Hash): Promise<void> {
    if (!this.active) return;
    const { sink } = this.upload;
    if (sink.destroyed) return this.cancel();
    const before = size - chunk.length;
    if (size > this.upload.size) {
      // Longer than declared: a temporary key is cut at its size, the rest kept aside (a few bytes).
      if (this.expected) return this.cancel('mispredicted');
      const fit = Math.max(0, this.upload.size - before);
      this.overBytes += chunk.length - fit;
      if (this.overBytes > MAX_FILLER_BYTES) return this.cancel('mispredicted');
      this.over.push(chunk.subarray(fit));
      if (fit === 0) return;
      chunk = chunk.subarray(0, fit);
    } else if (size === this.upload.size && this.expected && hash.copy().digest('hex') !== this.expected) {
      // The chunk that completes a PUT under a content key goes only if the bytes have its hash.
      return this.cancel('mismatch');
    }
    if (!sink.write(chunk)) await waitWritable(sink);
  }

  /** Ends the staged PUT of a file of `size` bytes. */
  async finish(size: number): Promise<StageOutcome> {
    if (!this.active) {
      // A cut PUT is over before anything else is done (under the same key, maybe).
      await this.settled;
      return { kind: this.why };
    }
    const missing = this.upload.size - size;
    if (missing > 0 && (this.expected || missing > MAX_FILLER_BYTES)) {
      this.cancel('mispredicted');
      await this.settled;
      return { kind: 'mispredicted' };
    }
    const { sink } = this.upload;
    // Short of the declared size (fields after the file): zeros complete it; only the file's bytes are copied out.
    const zeros = Buffer.alloc(Math.min(Math.max(missing, 0), CHUNK));
    for (let left = missing; left > 0 && !sink.destroyed; left -= zeros.length) {
      if (!sink.write(zeros.subarray(0, Math.min(left, zeros.length)))) await waitWritable(sink);
    }
    sink.end();
    try {
      await this.upload.done;
    } catch (err) {
      this.active = false;
      appLogger.write('debug', 'staged upload failed', { key: this.upload.key, err: (err as Error).message });
      return { kind: 'failed' };
    }
    if (missing === 0 && !this.overBytes) return { kind: 'exact' };
    return { kind: 'prefix', take: Math.min(size, this.upload.size), tail: Buffer.concat(this.over) };
  }
}

/**
 * Copies a file of `size` bytes out of a staged object that begins with its first `take` bytes
 * (then `tail`), to a new temporary key, checking the bytes against their hash on the way.
 */
async function copyOut(storage: ObjectStorage, from: string, take: number, tail: Buffer, size: number, sha256: string, type: string): Promise<string> {
  const target = storage.stageUpload(size, type);
  // Only a driver that staged the file can be asked to copy it out.
  if (!target) throw new Error('copyOut needs a driver that stages uploads');
  const hash = createHash('sha256');
  const check = new Transform({
    highWaterMark: CHUNK,
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      if (tail.length) {
        hash.update(tail);
        this.push(tail);
      }
      cb();
    },
  });
  try {
    await pipeline(await storage.get(from, { start: 0, end: take - 1 }), check, target.sink);
    await target.done;
    if (hash.digest('hex') !== sha256) throw Errors.unavailable('Object storage', 'The object store gave back other bytes than were staged; nothing was stored. Try again shortly.');
    return target.key;
  } catch (err) {
    target.abort();
    await target.done.catch(() => undefined);
    await storage.remove(target.key).catch(() => undefined);
    throw err;
  }
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
  const path = join(opts.tmpDir, `${SPOOL_FILE_PREFIX}${randomUUID()}`);
  let stage: Stage | null = null;
  /** The file copied out of a staged object that was not exactly it (a temporary key). */
  let copiedOut: string | null = null;
  const dispose = async () => {
    await rm(path, { force: true });
    // A temporary staged object served its purpose (copied to its content key) or is not wanted.
    // One staged under a content key is the stored object, or the caller's to discard (under the hash's lock).
    if (stage && !stage.expected) await opts.storage!.remove(stage.upload.key).catch(() => undefined);
    if (copiedOut) await opts.storage!.remove(copiedOut).catch(() => undefined);
  };
  // The boundary from the header as sent: it is case-sensitive (browsers' have capitals).
  const predictor = new SizePredictor(opts.storage ? boundaryOf(req.headers['content-type'] ?? '') : null, Number(req.headers['content-length']));

  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      highWaterMark: CHUNK,
      fileHwm: CHUNK,
      limits: { fileSize: opts.maxFileBytes, files: 1, fields: 20, parts: 25, fieldSize: 64 * 1024, headerPairs: 100 },
    });
  } catch {
    throw Errors.badRequest('malformed_multipart', 'The multipart/form-data request has no valid boundary.');
  }

  return new Promise<SpooledFile>((resolve, reject) => {
    let settled = false;
    let written: Promise<{ size: number; sha256: string; stagedKey: string | null; headOnly: boolean }> | null = null;
    let counter: Transform | null = null;
    let meta = { clientFilename: '', clientType: '' };
    const fields: Record<string, string> = {};

    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      // A file still streaming (over the limit, or its client gone) would never end: stop its writer.
      counter?.destroy(err instanceof Error ? err : undefined);
      stage?.cancel();
      // The temporary file goes only once its writer has closed (else it could be re-created), and
      // the caller hears of the failure only once a cut staged PUT is over (it may discard its key).
      void Promise.all([Promise.resolve(written).catch(() => undefined), stage?.settled])
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
      const predicted = predictor.size;
      const announced = opts.announced ?? null;
      // Announced, but already stored: nothing to stage (the bytes are checked against the stored object).
      const wanted = predicted !== null && predicted >= STAGE_MIN_BYTES && predicted <= opts.maxFileBytes && (!announced || announced.stageKey !== null);
      const staged = wanted ? opts.storage!.stageUpload(predicted, stagedType(meta.clientType), announced?.stageKey ?? undefined) : null;
      const current = staged ? (stage = new Stage(staged, announced?.stageKey ? announced.sha256 : null)) : null;
      // Bytes written to the spool file; once a staged file's first bytes are there, no more (headOnly).
      let spooledBytes = 0;
      let headOnly = false;
      // Hashes and counts each chunk and, when staging, hands it to storage too (back-pressure from both).
      counter = new Transform({
        highWaterMark: CHUNK,
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          const keep = !headOnly && (!current?.active || spooledBytes < SPOOL_HEAD_BYTES);
          if (keep) spooledBytes += chunk.length;
          else headOnly = true;
          if (!current?.active) return cb(null, keep ? chunk : undefined);
          current.feed(chunk, size, hash).then(() => cb(null, keep ? chunk : undefined), cb);
        },
      });
      written = pipeline(stream, counter, createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: CHUNK })).then(async () => {
        const sha256 = hash.digest('hex');
        const outcome = current ? await current.finish(size) : null;
        if (outcome?.kind === 'exact') return { size, sha256, stagedKey: current!.upload.key, headOnly };
        // The whole file is in the spool file: it is stored from there.
        if (!headOnly) return { size, sha256, stagedKey: null, headOnly };
        if (outcome?.kind === 'prefix') {
          copiedOut = await copyOut(opts.storage!, current!.upload.key, outcome.take, outcome.tail, size, sha256, stagedType(meta.clientType));
          return { size, sha256, stagedKey: copiedOut, headOnly };
        }
        // Not the announced bytes: refused by the caller, nothing stored.
        if (outcome?.kind === 'mismatch' && sha256 !== current!.expected) return { size, sha256, stagedKey: null, headOnly };
        if (outcome?.kind === 'mismatch' || outcome?.kind === 'mispredicted') {
          const message = current!.expected
            ? 'must be the last part of the body, which ends with the closing boundary and CRLF, when its SHA-256 is announced (Repr-Digest): send other fields before it, or leave the header out'
            : `must be the last part of the body, or be followed by at most ${MAX_FILLER_BYTES / (1024 * 1024)} MiB of other fields: send other fields before it`;
          throw Errors.validation([{ field, message }]);
        }
        throw Errors.unavailable('Object storage', 'The object store failed while the file was arriving; nothing was stored. Try again shortly.');
      });
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
        ({ size, sha256, stagedKey, headOnly }) => {
          if (settled) return;
          settled = true;
          resolve({ path, headOnly, size, sha256, stagedKey, ...meta, fields, dispose });
        },
        fail,
      );
    });
    req.on('close', () => {
      if (!req.complete) fail(Errors.badRequest('request_aborted', 'The client aborted the upload.'));
    });
    req.on('error', () => fail(Errors.badRequest('request_aborted', 'The upload was interrupted.')));
    if (predictor.watching) {
      // Registered before the pipe, so it sees each chunk before busboy parses it.
      const watch = (chunk: Buffer) => {
        predictor.observe(chunk);
        if (!predictor.watching) req.off('data', watch);
      };
      req.on('data', watch);
    }
    req.pipe(bb);
  });
}
