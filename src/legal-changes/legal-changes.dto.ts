import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { REVISION_STATES } from '../documents/document-types.js';
import { LegalDocumentSummary } from '../legal/legal.dto.js';
import { LEGAL_CHANGE_ITEM_STATUSES, LEGAL_CHANGE_KINDS, LEGAL_CHANGE_OUTCOMES, LEGAL_CHANGE_STATUSES } from './legal-change.entities.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// ---------------------------------------------------------------- citations

export class CitationQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only documents of this agency.' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  agencyId?: string;
}

export class CitingRevisionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REVISION_STATES }) state: string;
  @ApiProperty({ description: 'Lần ban hành; for an open revision the number it will get.' }) number: number;
  @ApiProperty({ description: 'False while the number is only projected (open revisions).' }) numberAssigned: boolean;
}

export class CitationView {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ example: 'STP' }) agencyCode: string;
  @ApiProperty({ example: 'Sở Tư pháp' }) agencyName: string;
  @ApiProperty({ example: 'QT-01' }) code: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: CitingRevisionView, description: 'The citing revision: the effective one, or the open one (draft … approved).' })
  revision: CitingRevisionView;
  @ApiProperty({ nullable: true, type: String, example: 'Điều 5, Điều 7', description: 'The cited articles, as written in the revision.' })
  articles: string | null;
  @ApiProperty({ description: 'Position of the citation in the revision\'s legalBases (0-based).' }) position: number;
}

export class CitationPage {
  @ApiProperty({ type: [CitationView] }) items: CitationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

// ---------------------------------------------------------------- changes

export class CreateLegalChangeRequest {
  @ApiProperty({ enum: LEGAL_CHANGE_KINDS, description: 'amended: sửa đổi, bổ sung; replaced: thay thế; repealed: bãi bỏ / hết hiệu lực.' })
  @IsString()
  @IsIn(LEGAL_CHANGE_KINDS as unknown as string[], { message: `must be one of ${LEGAL_CHANGE_KINDS.join(', ')}` })
  kind: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The amending / replacing act (required for amended and replaced; optional for repealed).' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  byLegalDocumentId?: string;

  @ApiProperty({ format: 'date', example: '2024-07-01', description: 'When the change takes effect.' })
  @IsString()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  effectiveFrom: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class LegalChangeAccepted {
  @ApiProperty({ format: 'uuid' }) changeId: string;
  @ApiProperty({ enum: LEGAL_CHANGE_STATUSES }) status: string;
}

export class LegalChangeRetryResult {
  @ApiProperty({ format: 'uuid' }) changeId: string;
  @ApiProperty({ description: 'Items queued again (failed ones, and ones that waited for a revision in the workflow).' }) requeued: number;
  @ApiProperty({ description: 'The re-queue round (suffix of the new job ids).' }) round: number;
  @ApiProperty({ enum: LEGAL_CHANGE_STATUSES }) status: string;
}

export class LegalChangeCounts {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Finished items (done or failed).' }) processed: number;
  @ApiProperty() failed: number;
}

export class LegalChangeSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: LegalDocumentSummary, description: 'The document that changed.' }) legalDocument: LegalDocumentSummary;
  @ApiProperty({ enum: LEGAL_CHANGE_KINDS }) kind: string;
  @ApiProperty({ type: LegalDocumentSummary, nullable: true, description: 'The amending / replacing / repealing act.' }) byLegalDocument: LegalDocumentSummary | null;
  @ApiProperty({ format: 'date' }) effectiveFrom: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ enum: LEGAL_CHANGE_STATUSES }) status: string;
  @ApiProperty({ description: 'Citing documents in the agencies you may read drafts of (every agency for the system administrator).' }) total: number;
  @ApiProperty({ description: 'Items finished (done or failed), in those agencies.' }) processed: number;
  @ApiProperty({ description: 'Items failed, in those agencies.' }) failed: number;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
}

export class LegalChangeItemView {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() agencyName: string;
  @ApiProperty({ example: 'QT-01' }) code: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: LEGAL_CHANGE_ITEM_STATUSES }) status: string;
  @ApiProperty({ enum: LEGAL_CHANGE_OUTCOMES, nullable: true, type: String, description: 'Null while pending.' }) outcome: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The regenerated draft (or the open revision that needs attention).' })
  draftRevisionId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'legal_basis_repealed, revision_in_workflow, articles_to_review, already_current, document_withdrawn, or the error code of a failure.',
  })
  reasonCode: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class LegalChangeView extends LegalChangeSummaryView {
  @ApiProperty({ type: LegalChangeCounts, description: 'The counts over the items you may see (the same as total, processed, failed; kept for clients that read it).' })
  visible: LegalChangeCounts;
  @ApiProperty({ type: [LegalChangeItemView], description: 'Items in agencies where you may read drafts (all for the system administrator), by agency and code.' })
  items: LegalChangeItemView[];
  @ApiProperty({ nullable: true, type: String, description: 'Cursor of the next page of items.' }) nextCursor: string | null;
}

export class LegalChangeQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LEGAL_CHANGE_ITEM_STATUSES })
  @IsOptional()
  @IsIn(LEGAL_CHANGE_ITEM_STATUSES as unknown as string[], { message: `must be one of ${LEGAL_CHANGE_ITEM_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ enum: LEGAL_CHANGE_OUTCOMES })
  @IsOptional()
  @IsIn(LEGAL_CHANGE_OUTCOMES as unknown as string[], { message: `must be one of ${LEGAL_CHANGE_OUTCOMES.join(', ')}` })
  outcome?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  agencyId?: string;
}

export class LegalChangePage {
  @ApiProperty({ type: [LegalChangeSummaryView] }) items: LegalChangeSummaryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
