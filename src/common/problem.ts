import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, FieldError } from './errors.js';
import { appLogger } from './logger.js';
import { RequestContexts } from './request-context.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemType(code: string): string {
  return `urn:e-iso:problem:${code}`;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

/** True for errors that mean a dependency (PostgreSQL, Redis, S3) could not be reached. */
export function isDependencyDown(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; message?: string; cause?: unknown; errors?: unknown[] };
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && /Connection is closed|connect ECONNREFUSED|Connection terminated|timeout exceeded when trying to connect|the database system is (starting|shutting) up|Stream isn't writeable/i.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some(isDependencyDown)) return true;
  return e.cause !== undefined && e.cause !== err && isDependencyDown(e.cause);
}

interface Mapped {
  status: number;
  code: string;
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
    return { status: err.status, code: err.code, detail: err.detail, errors: err.errors, headers: err.headers, extra: err.extra };
  }
  // body-parser / raw-body errors (express.json) carry a `type` and a status.
  const bp = err as { type?: string; status?: number; statusCode?: number; expose?: boolean; limit?: number };
  if (bp && typeof bp.type === 'string' && typeof (bp.status ?? bp.statusCode) === 'number') {
    switch (bp.type) {
      case 'entity.too.large':
        return { status: 413, code: 'payload_too_large', detail: `The request body is larger than the limit of ${bp.limit} bytes.` };
      case 'entity.parse.failed':
        return { status: 400, code: 'malformed_json', detail: 'The request body is not valid JSON.' };
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return { status: 415, code: 'unsupported_encoding', detail: 'The request body encoding is not supported; send UTF-8.' };
      case 'request.aborted':
        return { status: 400, code: 'request_aborted', detail: 'The request was aborted by the client.' };
      default:
        break;
    }
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? err.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    const code =
      status === 404 ? 'route_not_found' : status === 429 ? 'too_many_requests' : (TITLES[status] ?? 'error').toLowerCase().replace(/\s+/g, '_');
    return { status, code, detail };
  }
  if (err instanceof QueryFailedError) {
    const pg = (err as QueryFailedError & { driverError?: { code?: string; constraint?: string; detail?: string } }).driverError;
    switch (pg?.code) {
      case '23505':
        return { status: 409, code: 'duplicate', detail: 'A record with the same unique value already exists.', extra: pg.constraint ? { constraint: pg.constraint } : undefined };
      case '23503':
        return { status: 409, code: 'reference_conflict', detail: 'The record refers to, or is referred to by, another record.' };
      case '40001':
      case '40P01':
        return { status: 409, code: 'concurrent_update', detail: 'A concurrent change conflicted with this request; retry it.' };
      case '22P02':
      case '22007':
      case '22008':
        return { status: 400, code: 'invalid_value', detail: 'A value in the request has an invalid format.' };
      case 'P0001':
        return { status: 409, code: 'immutable_record', detail: 'Controlled records cannot be changed.' };
      default:
        break;
    }
  }
  if (isDependencyDown(err)) {
    return { status: 503, code: 'dependency_unavailable', detail: 'A dependency is unavailable; nothing was changed. Try again shortly.', headers: { 'Retry-After': '5' } };
  }
  return { status: 500, code: 'internal_error', detail: 'An unexpected error occurred. It has been logged with the request id.' };
}

export function toProblem(err: unknown, instance?: string): { problem: Problem; headers: Record<string, string> } {
  const m = mapError(err);
  const requestId = RequestContexts.current()?.requestId;
  if (m.status >= 500) {
    // A dependency that is down is an operational condition (health says which); anything else is a bug.
    appLogger.write(m.status === 503 ? 'warn' : 'error', 'request failed', { err, status: m.status, code: m.code });
  }
  const problem: Problem = {
    type: problemType(m.code),
    title: TITLES[m.status] ?? HttpStatus[m.status] ?? 'Error',
    status: m.status,
    detail: m.detail,
    code: m.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(m.errors?.length ? { errors: m.errors } : {}),
    ...(m.extra ?? {}),
  };
  return { problem, headers: m.headers ?? {} };
}

export function sendProblem(res: Response, err: unknown, instance?: string): void {
  const { problem, headers } = toProblem(err, instance);
  if (res.headersSent) {
    // A streamed body already started: the only honest signal left is to cut the connection.
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
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
