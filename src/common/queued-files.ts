/**
 * Files the queue makes and HTTP serves (controlled copies of revisions, record papers): what a read
 * answers while the file is not ready, shared by their delivery services, and the OpenAPI responses
 * of such an endpoint. A read never renders: it finds the file ready (200, streamed), or waits for
 * the queue (202 with Retry-After, asking for the file when nothing is on its way), or reports that
 * every attempt failed (503 with the error, asked again after a cool-down).
 */
import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiProduces, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from './errors.js';
import type { CodeWithStatus } from './problem-codes.js';

/** Retry-After of a 202 while the file is being made. */
export const PENDING_RETRY_AFTER_SECONDS = 2;
/** After every attempt failed, the next read asks again once this long has passed (503 until then). */
export const FAILED_COOL_DOWN_MS = 10 * 60_000;
/** A pending request with no job in the outbox for this long is asked again by a read. */
export const LOST_ON_READ_MS = 15_000;

/** What a read knows of the request for a file. */
export interface QueuedRequestState {
  status: string;
  /** Its job is still in the outbox (queued, running or waiting for a retry). */
  queued: boolean;
  updatedAt: Date;
  attempts: number;
  lastError: string | null;
}

export type ReadDecision = { kind: 'wait' } | { kind: 'request' } | { kind: 'failed'; retryAfterSeconds: number };

/**
 * For a file that is not ready: `failed` (every attempt failed less than the cool-down ago), `request`
 * (nothing asked for it, it was moot, failed long enough ago, or its job has been gone for
 * LOST_ON_READ_MS), else `wait`.
 */
export function decideOnRead(request: QueuedRequestState | null, now = Date.now()): ReadDecision {
  if (request?.status === 'failed') {
    const waited = now - new Date(request.updatedAt).getTime();
    if (waited < FAILED_COOL_DOWN_MS) return { kind: 'failed', retryAfterSeconds: Math.ceil((FAILED_COOL_DOWN_MS - waited) / 1000) };
  }
  if (!request || request.status !== 'pending') return { kind: 'request' };
  if (!request.queued && now - new Date(request.updatedAt).getTime() > LOST_ON_READ_MS) return { kind: 'request' };
  return { kind: 'wait' };
}

/** 202 with Retry-After and the pending body (never cached). */
export function sendPending(res: Response, body: object): void {
  res.status(202).setHeader('Retry-After', String(PENDING_RETRY_AFTER_SECONDS));
  res.setHeader('Cache-Control', 'no-store');
  res.json(body);
}

/** The 503 of a file every attempt failed to make: its error, attempts, when, and Retry-After. */
export function renderFailed(code: CodeWithStatus<503>, what: string, request: QueuedRequestState, retryAfterSeconds: number): DomainError {
  const error = (request.lastError ?? 'unknown error').replace(/[.\s]+$/, '');
  return new DomainError(code, `${what} could not be rendered (${request.attempts} attempts): ${error}. It is tried again on a request after ${retryAfterSeconds} s.`, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
    extra: { error: request.lastError, attempts: request.attempts, failedAt: new Date(request.updatedAt).toISOString() },
  });
}

/** The first line of an error, as recorded on a request (at most 1,000 characters). */
export function jobErrorText(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.split('\n')[0].slice(0, 1000) || 'unknown error';
}

const PDF_HEADERS = (filename: string) => ({
  ETag: { description: 'The SHA-256 of the PDF, quoted.', schema: { type: 'string' } },
  'Content-Disposition': {
    description: `attachment; ${filename} with an ASCII filename and the UTF-8 name in filename* (RFC 5987).`,
    schema: { type: 'string' },
  },
  'Accept-Ranges': { description: 'bytes', schema: { type: 'string' } },
  'Content-Length': { schema: { type: 'integer' } },
});

/**
 * The responses of an endpoint serving a PDF made by the queue: 200 (streamed; with `jsonType`, also
 * that JSON for `?format=json`), 202 `pendingType` with Retry-After, 206, 304, and the Range /
 * If-None-Match headers. Add @ApiProblems(..., 503).
 */
export function QueuedPdfResponses(o: { pendingType: Type; filename: string; ok?: string; jsonType?: Type }): MethodDecorator & ClassDecorator {
  const headers = PDF_HEADERS(o.filename);
  const pdf = { 'application/pdf': { schema: { type: 'string', format: 'binary' } } };
  const ok = o.jsonType ? { 'application/json': { schema: { $ref: getSchemaPath(o.jsonType) } }, ...pdf } : pdf;
  return applyDecorators(
    ...(o.jsonType ? [ApiExtraModels(o.jsonType)] : []),
    ApiProduces('application/pdf', 'application/json'),
    ApiOkResponse({ description: o.ok ?? 'The PDF (streamed).', content: ok, headers }),
    ApiResponse({
      status: 202,
      description: 'Being rendered (or queued now): ask again after Retry-After seconds.',
      type: o.pendingType,
      headers: { 'Retry-After': { description: 'Seconds', schema: { type: 'integer' } } },
    }),
    ApiResponse({ status: 206, description: 'One byte range (Range: bytes=a-b).', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } }, headers }),
    ApiResponse({ status: 304, description: 'If-None-Match matched the ETag.' }),
    ApiHeader({ name: 'Range', required: false, description: 'bytes=start-end (one range).' }),
    ApiHeader({ name: 'If-None-Match', required: false }),
  );
}
