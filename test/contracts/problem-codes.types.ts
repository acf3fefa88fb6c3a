/**
 * Compile-time contract of the problem codes (src/common/problem-codes.ts): every line marked
 * `@ts-expect-error` must fail to compile (type-checked by test/contracts.spec.ts).
 */
import { DomainError, Errors } from '../../src/common/errors.js';
import { ApiProblems } from '../../src/common/openapi.js';

export function throwing(): DomainError[] {
  return [
    new DomainError('document_withdrawn', 'x'),
    Errors.conflict('revision_open', 'x'),
    Errors.ruleViolated('revision_incomplete', 'x'),
    Errors.forbidden('x', 'separation_of_duties'),
    Errors.notFound('Document', 'no_effective_revision'),
    // @ts-expect-error a code that is not in the list
    new DomainError('document_vanished', 'x'),
    // @ts-expect-error a code that is not in the list
    Errors.conflict('revision_opened', 'x'),
    // @ts-expect-error a 422 code given to the 409 helper
    Errors.conflict('revision_incomplete', 'x'),
    // @ts-expect-error a 409 code given to the 422 helper
    Errors.ruleViolated('revision_open', 'x'),
    // @ts-expect-error a 401 code given to the 403 helper
    Errors.forbidden('x', 'invalid_password'),
  ];
}

export class Documented {
  @ApiProblems(401, 404, 'revision_open', 'document_withdrawn')
  known(): void {}

  // @ts-expect-error an unknown code in the OpenAPI error responses
  @ApiProblems(401, 'revision_gone')
  unknown(): void {}
}
