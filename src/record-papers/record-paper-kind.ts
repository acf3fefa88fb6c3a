import { SetMetadata } from '@nestjs/common';
import type { OfficialPaperModel } from '../rendering/index.js';

/** Metadata key of @RecordPaperKind. */
export const RECORD_PAPER_KIND = 'eiso:record-paper-kind';

/** `<module>.<paper>`: lower case, e.g. `internal_audit.report`, `management_review.minutes`. */
export const PAPER_KIND_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_-]*)*$/;

/** A record's paper as it is now: what a provider builds for the pipeline. */
export interface RecordPaper {
  /** The record's agency (the paper is filed under it). */
  agencyId: string;
  /** What is printed (renderOfficialPaperPdf); `model.final` says it is the record's final text. */
  model: OfficialPaperModel;
  /** The download name, e.g. "Báo cáo đánh giá nội bộ năm 2026.pdf" (sanitised when served). */
  filename: string;
}

/**
 * Builds the paper of one record of a kind. `build` only reads (inside the caller's transaction when
 * there is one, so a request made in the transaction of a change prints the changed record), must be
 * deterministic for the same stored record (no clock, no random), and returns null when the record
 * does not exist. Access is the caller's business (the feature's controller checks before it asks).
 */
export interface RecordPaperProvider {
  build(entityId: string): Promise<RecordPaper | null>;
}

/**
 * Registers a provider class as the builder of a paper kind:
 *
 *   @Injectable()
 *   @RecordPaperKind('internal_audit.report')
 *   export class AuditReportPaper implements RecordPaperProvider { async build(id) { ... } }
 *
 * List the class in the feature module's providers; RecordPaperKinds finds it at start-up and refuses
 * to start on a malformed or duplicate kind.
 */
export const RecordPaperKind = (kind: string): ClassDecorator => SetMetadata(RECORD_PAPER_KIND, kind);
