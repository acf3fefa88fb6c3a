import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CODE_NAMES, PROBLEM_CODES, type ProblemCode } from './problem-codes.js';

export class FieldErrorDto {
  @ApiProperty({ example: 'content.steps[2].duration.value' }) field: string;
  @ApiProperty({ example: 'must be a positive number' }) message: string;
}

/** RFC 9457 problem details, as every error response is shaped. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:e-iso:problem:validation_failed', description: 'Stable URI of the problem type: `urn:e-iso:problem:<code>`.' }) type: string;
  @ApiProperty({ example: 'Dữ liệu không hợp lệ', description: "The code's title: Vietnamese, or English with `Accept-Language: en` (see `Content-Language`)." })
  title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'The request has invalid fields.' }) detail: string;
  @ApiProperty({ enum: PROBLEM_CODE_NAMES, enumName: 'ProblemCode', example: 'validation_failed', description: 'Stable machine-readable error code (one list: the error responses of each operation name theirs).' })
  code: ProblemCode;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional({ description: 'Request id, also in the X-Request-Id header.' }) requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request or invalid fields',
  401: 'Missing, invalid or expired credentials',
  403: 'Not allowed for your roles',
  404: 'Not found, or not visible to you',
  409: 'Conflicts with the current state',
  412: 'Stale If-Match',
  413: 'Too large',
  415: 'Unsupported file type',
  416: 'Range not satisfiable',
  422: 'A business rule is violated',
  428: 'If-Match required',
  429: 'Throttled',
  503: 'A dependency is unavailable',
};

/** The 401 codes of a signed-in request (an operation that names other 401 codes lists these too). */
export const SESSION_CODES: ProblemCode[] = ['missing_token', 'invalid_token', 'session_revoked'];

/** Codes any operation answering the status may give (named in every description of that status). */
const COMMON_CODES: Partial<Record<number, ProblemCode[]>> = {
  400: ['validation_failed', 'malformed_json'],
  403: ['forbidden'],
  404: ['not_found'],
  503: ['dependency_unavailable'],
};

/** "Conflicts with the current state. Codes: `revision_open` (An open revision exists; Tài liệu …)". */
export function problemResponseDescription(status: number, codes: ProblemCode[]): string {
  // 401: the session codes, unless the operation names its own (login, refresh, re-authentication).
  const common = status === 401 && !codes.length ? SESSION_CODES : (COMMON_CODES[status] ?? []);
  const all = [...new Set([...common, ...codes])];
  const head = DESCRIPTIONS[status] ?? 'Error';
  if (!all.length) return head;
  return `${head}. Codes: ${all.map((c) => `\`${c}\` (${PROBLEM_CODES[c].en}; ${PROBLEM_CODES[c].vi})`).join(', ')}.`;
}

/**
 * Declares an operation's problem+json error responses, by status or by code: a code adds its
 * status and is named, with its titles, in that response's description (src/common/problem-codes.ts).
 * 400 and 503 are implied. `@ApiProblems(401, 404, 'revision_not_draft', 'revision_incomplete')`.
 */
export function ApiProblems(...items: (number | ProblemCode)[]): MethodDecorator & ClassDecorator {
  const codes = items.filter((i): i is ProblemCode => typeof i === 'string');
  const statuses = [...new Set([400, 503, ...items.map((i) => (typeof i === 'string' ? PROBLEM_CODES[i].status : i))])].sort();
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: problemResponseDescription(
          status,
          codes.filter((c) => PROBLEM_CODES[c].status === status),
        ),
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}

/** operationId + summary for an operation (both required for every operation). */
export function Operation(operationId: string, summary: string, description?: string): MethodDecorator {
  return applyDecorators(ApiOperation({ operationId, summary, description }));
}

const CLOSED_SCHEMAS = new Set<string>();

/**
 * The class's schema refuses members it does not declare (`additionalProperties: false`): for
 * records validated with `validateRecord`, which refuses unknown members (revision content).
 */
export function ClosedSchema(): ClassDecorator {
  return (target) => {
    CLOSED_SCHEMAS.add(target.name);
  };
}

/** Applies @ClosedSchema to the built document (Nest's generator has no option for it). */
export function closeSchemas(schemas: Record<string, object> | undefined): void {
  for (const name of CLOSED_SCHEMAS) {
    const schema = schemas?.[name] as { additionalProperties?: boolean; $ref?: string } | undefined;
    if (schema && !schema.$ref) schema.additionalProperties = false;
  }
}
