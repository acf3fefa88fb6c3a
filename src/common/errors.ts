import { PROBLEM_CODES, type CodeWithStatus, type ProblemCode } from './problem-codes.js';

/**
 * Domain errors carry a code from the one list (src/common/problem-codes.ts), which also gives
 * their HTTP status; one filter (ProblemFilter) maps them to RFC 9457 problem+json. Services throw
 * these, never Nest HttpExceptions.
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extension members of the problem (e.g. `{ state, expectedState }`). */
  extra?: Record<string, unknown>;
}

export class DomainError extends Error {
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly extra?: Record<string, unknown>;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    opts: DomainErrorOptions = {},
  ) {
    super(detail);
    this.name = 'DomainError';
    this.status = PROBLEM_CODES[code].status;
    this.errors = opts.errors;
    this.headers = opts.headers;
    this.extra = opts.extra;
  }

  /** The same error with some options replaced (other field names, extra headers). */
  with(opts: DomainErrorOptions): DomainError {
    return new DomainError(this.code, this.detail, { errors: this.errors, headers: this.headers, extra: this.extra, ...opts });
  }
}

/** Shorthands by status: each takes only the codes listed with its status. */
export const Errors = {
  badRequest: (code: CodeWithStatus<400>, detail: string, errors?: FieldError[]) => new DomainError(code, detail, { errors }),
  validation: (errors: FieldError[], detail = 'The request has invalid fields.') => new DomainError('validation_failed', detail, { errors }),
  unauthorized: (code: CodeWithStatus<401>, detail: string) => new DomainError(code, detail, { headers: { 'WWW-Authenticate': 'Bearer' } }),
  forbidden: (detail = 'You are not allowed to do this.', code: CodeWithStatus<403> = 'forbidden') => new DomainError(code, detail),
  notFound: (entity: string, code: CodeWithStatus<404> = 'not_found') => new DomainError(code, `${entity} not found.`),
  conflict: (code: CodeWithStatus<409>, detail: string, extra?: Record<string, unknown>) => new DomainError(code, detail, { extra }),
  preconditionFailed: (detail = 'The resource was changed since you read it (ETag mismatch).') => new DomainError('precondition_failed', detail),
  tooLarge: (detail: string) => new DomainError('payload_too_large', detail),
  unsupportedMediaType: (detail: string) => new DomainError('unsupported_media_type', detail),
  rangeNotSatisfiable: (size: number) =>
    new DomainError('range_not_satisfiable', `The range is outside the file (${size} bytes).`, { headers: { 'Content-Range': `bytes */${size}` } }),
  ruleViolated: (code: CodeWithStatus<422>, detail: string, errors?: FieldError[], extra?: Record<string, unknown>) => new DomainError(code, detail, { errors, extra }),
  preconditionRequired: (detail = 'This request requires an If-Match header with the current ETag.') => new DomainError('precondition_required', detail),
  throttled: (retryAfterSeconds: number, detail = 'Too many attempts; try again later.') =>
    new DomainError('too_many_requests', detail, { headers: { 'Retry-After': String(retryAfterSeconds) } }),
  unavailable: (dependency: string, detail?: string) =>
    new DomainError('dependency_unavailable', detail ?? `${dependency} is unavailable; nothing was changed. Try again shortly.`, { headers: { 'Retry-After': '5' } }),
};
