import type { NextFunction, Request, Response } from 'express';
import { DomainError, Errors } from './errors.js';
import { sendProblem } from './problem.js';

/**
 * Limits on request bodies that hold before any handler runs: how deep JSON may nest, how large
 * a declared JSON body may be, and how slowly any body may arrive. Each is an Express middleware
 * (or a body-parser hook) so that the HTTP app only lists them.
 */

/** Deepest nesting of arrays and objects a JSON body may have (the probe's 3,000 levels crashed a recursive walk). */
export const MAX_JSON_DEPTH = 64;

export function jsonTooDeep(max = MAX_JSON_DEPTH): DomainError {
  return new DomainError('json_too_deep', `The JSON body is nested deeper than ${max} levels of arrays and objects.`, { extra: { maxDepth: max } });
}

/**
 * True when the JSON text nests arrays/objects deeper than `max` (brackets inside strings do not
 * count). A linear scan of the text, run before JSON.parse, so that nothing downstream (the
 * parser, the normalising pipe, class-transformer) ever walks a deep value.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** body-parser `verify` hook for JSON: refuses a body nested deeper than MAX_JSON_DEPTH (400 `json_too_deep`). */
export function verifyJsonDepth(_req: unknown, _res: unknown, buf: Buffer, encoding: string | null): void {
  let text: string;
  try {
    text = !encoding || /^utf-?8$/i.test(encoding) ? buf.toString('utf8') : new TextDecoder(encoding).decode(buf);
  } catch {
    throw Errors.unsupportedMediaType('The request body encoding is not supported; send UTF-8.');
  }
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) throw jsonTooDeep();
}

/**
 * After an answer given before the body was read to its end (413, 408, a refusal), the rest of
 * the body must not be read: the response says `Connection: close`, and the socket is destroyed
 * shortly after the response went out (the delay lets the client read the answer).
 */
export function cutAfterResponse(req: Request, res: Response): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  res.once('finish', () => {
    const socket = req.socket;
    const timer = setTimeout(() => socket.destroy(), 500);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

function isJsonType(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * A JSON body whose Content-Length is over the limit gets 413 at once, without reading it (the
 * body parser would read the whole declared body before refusing it).
 */
export function refuseDeclaredOversizeJson(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes && isJsonType(req)) {
      cutAfterResponse(req, res);
      sendProblem(res, Errors.tooLarge(`The request body is larger than the limit of ${limitBytes} bytes.`), req.originalUrl.split('?')[0]);
      return;
    }
    next();
  };
}

export interface BodyTimeouts {
  /** Seconds within which a body that is not a streamed upload must have arrived (and the minimum-rate grace). */
  bodySeconds: number;
  /** Slowest average rate (bytes/s) at which a streamed upload may arrive, checked after `bodySeconds`. */
  minUploadBytesPerSecond: number;
}

function isStreamedUpload(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'multipart/form-data' || type === 'text/csv';
}

/**
 * Cuts requests whose body arrives too slowly (slow-loris): a JSON (or any non-upload) body must
 * be complete `bodySeconds` after the request started; a multipart or CSV upload must keep an
 * average of at least `minUploadBytesPerSecond` from then on. The client gets 408 and the
 * connection is closed. The rate is measured on the socket, so a handler that pauses the stream
 * (backpressure) would slow it: uploads spool to local disk, which keeps up.
 */
export function bodyDeadline(limits: BodyTimeouts) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.complete) return next();
    const started = Date.now();
    const socket = req.socket;
    const readAtStart = socket.bytesRead;
    const streamed = isStreamedUpload(req);
    const timer = setInterval(() => {
      if (req.complete || res.writableEnded || socket.destroyed) return stop();
      const seconds = (Date.now() - started) / 1000;
      if (seconds < limits.bodySeconds) return;
      const rate = (socket.bytesRead - readAtStart) / seconds;
      if (streamed && rate >= limits.minUploadBytesPerSecond) return;
      stop();
      const detail = streamed
        ? `The upload arrived slower than ${limits.minUploadBytesPerSecond} bytes per second; the connection was closed.`
        : `The request body did not arrive within ${limits.bodySeconds} s; the connection was closed.`;
      if (res.headersSent) {
        socket.destroy();
        return;
      }
      cutAfterResponse(req, res);
      sendProblem(res, new DomainError('request_timeout', detail), req.originalUrl.split('?')[0]);
    }, 250);
    timer.unref();
    const stop = () => clearInterval(timer);
    res.once('close', stop);
    res.once('finish', stop);
    next();
  };
}
