import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { Dependency, dependencyFailure } from './dependency-errors.js';
import { DomainError, FieldError } from './errors.js';
import { PROBLEM_CODES, problemTitle, problemType, type ProblemCode, type ProblemLanguage } from './problem-codes.js';
import { appLogger } from './logger.js';
import { RequestContexts } from './request-context.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

/**
 * The code of an HttpException Nest raised itself (unknown route, a guard's throttle): codes of
 * the one list by status; any other status is a bad request.
 */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ProblemCode>> = {
  400: 'bad_request',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'route_not_found',
  413: 'payload_too_large',
  408: 'request_timeout',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'dependency_unavailable',
};

/** Re-exported: the classifier lives in dependency-errors.ts (the queue uses it too). */
export { isDependencyDown } from './dependency-errors.js';

/** Seconds a client is told to wait when a dependency is down. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

const DEPENDENCY_NAMES: Record<Dependency, string> = { database: 'The database', redis: 'The queue and cache server (Redis)', storage: 'The file storage', network: 'A dependency' };

interface Mapped {
  code: ProblemCode;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

function mapError(err: unknown): Mapped {
  // Nest wraps body-parser errors in an HttpException; their cause says what went wrong (a
  // DomainError when a body-parser hook such as the JSON depth check refused the body).
  if (err instanceof HttpException && err.cause && typeof (err.cause as { type?: unknown }).type === 'string') err = err.cause;
  if (err instanceof DomainError) {
    return { code: err.code, detail: err.detail, errors: err.errors, headers: err.headers, extra: err.extra };
  }
  // body-parser / raw-body errors (express.json) carry a `type` and a status.
  const bp = err as { type?: string; status?: number; statusCode?: number; expose?: boolean; limit?: number };
  if (bp && typeof bp.type === 'string' && typeof (bp.status ?? bp.statusCode) === 'number') {
    switch (bp.type) {
      case 'entity.too.large':
        return { code: 'payload_too_large', detail: `The request body is larger than the limit of ${bp.limit} bytes.` };
      case 'entity.parse.failed':
        return { code: 'malformed_json', detail: 'The request body is not valid JSON.' };
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return { code: 'unsupported_encoding', detail: 'The request body encoding is not supported; send UTF-8.' };
      case 'request.aborted':
        return { code: 'request_aborted', detail: 'The request was aborted by the client.' };
      default:
        break;
    }
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? err.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    return { code: HTTP_EXCEPTION_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'), detail };
  }
  if (err instanceof QueryFailedError) {
    const pg = (err as QueryFailedError & { driverError?: { code?: string; constraint?: string; detail?: string } }).driverError;
    switch (pg?.code) {
      case '23505':
        return { code: 'duplicate', detail: 'A record with the same unique value already exists.', extra: pg.constraint ? { constraint: pg.constraint } : undefined };
      case '23503':
        return { code: 'reference_conflict', detail: 'The record refers to, or is referred to by, another record.' };
      case '40001':
      case '40P01':
        return { code: 'concurrent_update', detail: 'A concurrent change conflicted with this request; retry it.' };
      case '22P02':
      case '22007':
      case '22008':
        return { code: 'invalid_value', detail: 'A value in the request has an invalid format.' };
      case 'P0001':
        return { code: 'immutable_record', detail: 'Controlled records cannot be changed.' };
      default:
        break;
    }
  }
  const down = dependencyFailure(err);
  if (down) {
    return {
      code: 'dependency_unavailable',
      detail: `${DEPENDENCY_NAMES[down.dependency]} is unavailable. Try again shortly (a change that was cut off is either complete or not made at all).`,
      headers: { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
    };
  }
  return { code: 'internal_error', detail: 'An unexpected error occurred. It has been logged with the request id.' };
}

/** The problem+json body of an error; `title` in the given language (Vietnamese unless asked). */
export function toProblem(err: unknown, instance?: string, language: ProblemLanguage = 'vi'): { problem: Problem; headers: Record<string, string> } {
  const m = mapError(err);
  const { status } = PROBLEM_CODES[m.code];
  const requestId = RequestContexts.current()?.requestId;
  if (status >= 500) {
    // A dependency that is down is an operational condition (health says which); anything else is a bug.
    appLogger.write(status === 503 ? 'warn' : 'error', 'request failed', { err, status, code: m.code });
  }
  const problem: Problem = {
    type: problemType(m.code),
    title: problemTitle(m.code, language),
    status,
    detail: m.detail,
    code: m.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(m.errors?.length ? { errors: m.errors } : {}),
    ...(m.extra ?? {}),
  };
  return { problem, headers: m.headers ?? {} };
}

/** `vi` unless the client prefers English (Accept-Language). */
export function problemLanguage(req: Pick<Request, 'acceptsLanguages'> | undefined): ProblemLanguage {
  return req?.acceptsLanguages('vi', 'en') === 'en' ? 'en' : 'vi';
}

export function sendProblem(res: Response, err: unknown, instance?: string): void {
  const language = problemLanguage(res.req);
  const { problem, headers } = toProblem(err, instance, language);
  if (res.headersSent) {
    // A streamed body already started: the only honest signal left is to cut the connection.
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Language', language);
  res.vary('Accept-Language');
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The one filter: every error leaves the API as problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    sendProblem(ctx.getResponse<Response>(), exception, req.originalUrl?.split('?')[0]);
  }
}

/** Express error middleware for errors raised before Nest routing (body parsing). */
export function problemErrorMiddleware(err: unknown, req: Request, res: Response, _next: (e?: unknown) => void): void {
  sendProblem(res, err, req.originalUrl?.split('?')[0]);
}
