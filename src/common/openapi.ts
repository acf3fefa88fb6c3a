import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'content.steps[2].duration.value' }) field: string;
  @ApiProperty({ example: 'must be a positive number' }) message: string;
}

/** RFC 9457 problem details, as every error response is shaped. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:e-iso:problem:validation_failed' }) type: string;
  @ApiProperty({ example: 'Bad Request' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'The request has invalid fields.' }) detail: string;
  @ApiProperty({ example: 'validation_failed', description: 'Stable machine-readable error code.' }) code: string;
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
  422: 'A business rule is violated',
  428: 'If-Match required',
  429: 'Throttled',
  503: 'A dependency is unavailable',
};

/** Declares problem+json error responses for an operation. 400, 401 and 503 are implied. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set([400, 503, ...statuses])].sort();
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}

/** operationId + summary for an operation (both required for every operation). */
export function Operation(operationId: string, summary: string, description?: string): MethodDecorator {
  return applyDecorators(ApiOperation({ operationId, summary, description }));
}
