/**
 * Domain errors carry a stable machine code and an HTTP status; one filter (ProblemFilter) maps
 * them to RFC 9457 problem+json. Services throw these, never Nest HttpExceptions.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export const Errors = {
  badRequest: (code: string, detail: string, errors?: FieldError[]) => new DomainError(400, code, detail, errors),
  validation: (errors: FieldError[], detail = 'The request has invalid fields.') =>
    new DomainError(400, 'validation_failed', detail, errors),
  unauthorized: (code: string, detail: string) =>
    new DomainError(401, code, detail, undefined, { 'WWW-Authenticate': 'Bearer' }),
  forbidden: (detail = 'You are not allowed to do this.', code = 'forbidden') => new DomainError(403, code, detail),
  notFound: (entity: string, code = 'not_found') => new DomainError(404, code, `${entity} not found.`),
  conflict: (code: string, detail: string, extra?: Record<string, unknown>) =>
    new DomainError(409, code, detail, undefined, undefined, extra),
  preconditionFailed: (detail = 'The resource was changed since you read it (ETag mismatch).') =>
    new DomainError(412, 'precondition_failed', detail),
  tooLarge: (detail: string) => new DomainError(413, 'payload_too_large', detail),
  unsupportedMediaType: (detail: string) => new DomainError(415, 'unsupported_media_type', detail),
  ruleViolated: (code: string, detail: string, errors?: FieldError[], extra?: Record<string, unknown>) =>
    new DomainError(422, code, detail, errors, undefined, extra),
  preconditionRequired: (detail = 'This request requires an If-Match header with the current ETag.') =>
    new DomainError(428, 'precondition_required', detail),
  throttled: (retryAfterSeconds: number, detail = 'Too many attempts; try again later.') =>
    new DomainError(429, 'too_many_requests', detail, undefined, { 'Retry-After': String(retryAfterSeconds) }),
  unavailable: (dependency: string, detail?: string) =>
    new DomainError(503, 'dependency_unavailable', detail ?? `${dependency} is unavailable; nothing was changed. Try again shortly.`, undefined, { 'Retry-After': '5' }),
};
