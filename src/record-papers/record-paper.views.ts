import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { QueuedPdfResponses } from '../common/queued-files.js';

export const RECORD_PAPER_STATUSES = ['ready', 'pending', 'failed', 'not_requested'] as const;
export type RecordPaperStatus = (typeof RECORD_PAPER_STATUSES)[number];

/** The body of a 202 while a record's PDF is being rendered. */
export class RecordPaperPendingView {
  @ApiProperty({ enum: ['pending'] }) status: 'pending';
  @ApiProperty({ example: 'internal_audit.report', description: 'The paper kind.' }) kind: string;
  @ApiProperty({ format: 'uuid', description: 'The record.' }) entityId: string;
  @ApiProperty({ description: 'SHA-256 of the printed model being rendered (the record as it is now).' }) digest: string;
  @ApiProperty({ description: 'Paper layout version of the renderer.' }) layoutVersion: number;
  @ApiProperty({ description: 'Failed attempts so far (retried with backoff).' }) attempts: number;
  @ApiProperty({ nullable: true, type: String, description: 'The last error while it is being retried.' }) error: string | null;
  @ApiProperty({ description: 'Same as the Retry-After header.' }) retryAfterSeconds: number;
}

/** A record's PDF as clients see it in the record's view (for the record as it is now). */
export class RecordPaperStatusView {
  @ApiProperty({
    enum: RECORD_PAPER_STATUSES,
    description:
      '`ready` (the PDF link serves it), `pending` (queued or retrying), `failed` (every attempt failed; see `error`), `not_requested` (the next read of the PDF asks for it).',
  })
  status: RecordPaperStatus;
  @ApiProperty({ example: 'internal_audit.report' }) kind: string;
  @ApiProperty({ description: 'SHA-256 of the printed model (also in the PDF footer and metadata).' }) digest: string;
  @ApiProperty() layoutVersion: number;
  @ApiProperty({ description: 'The record\'s final text (kept as part of the record), not a draft copy.' }) final: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the PDF (its ETag) when ready.' }) sha256: string | null;
  @ApiProperty({ nullable: true, type: Number }) size: number | null;
  @ApiProperty({ nullable: true, type: Number }) pageCount: number | null;
  @ApiProperty({ type: [String], description: 'What did not stop the rendering, e.g. `signature_missing: ...`.' }) warnings: string[];
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When it was rendered, or the request last changed.' }) updatedAt: string | null;
}

/**
 * OpenAPI responses of a record's `GET …?format=json|pdf`: 200 with `jsonType` or the PDF (streamed,
 * ETag, Content-Disposition "`filename`"), 202 RecordPaperPendingView, 206, 304. Add
 * `@ApiProblems(401, 403, 404, 503)` (503 `record_paper_failed`).
 */
export function RecordPaperResponses(o: { filename: string; jsonType?: Type }): MethodDecorator & ClassDecorator {
  return QueuedPdfResponses({ pendingType: RecordPaperPendingView, filename: o.filename, jsonType: o.jsonType, ok: o.jsonType ? 'JSON, or the PDF (streamed).' : undefined });
}
