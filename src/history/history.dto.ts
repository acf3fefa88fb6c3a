import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { DOCUMENT_TYPES, FILE_ROLES, REVISION_STATES } from '../documents/document-types.js';
import { SIGN_OFF_MEANINGS } from '../workflow/sign-off.entity.js';

/** Any JSON value or null (old/new of a field); OpenAPI 3.0 puts `nullable` next to a `type`, so on each alternative. */
const anyJson = (description: string): ApiPropertyOptions => ({
  description,
  anyOf: [
    { type: 'string', nullable: true },
    { type: 'number', nullable: true },
    { type: 'boolean', nullable: true },
    { type: 'object', additionalProperties: true, nullable: true },
    { type: 'array', items: {}, nullable: true },
  ],
});

// ---------------------------------------------------------------- diff

export class RevisionDiffQuery {
  @ApiProperty({ format: 'uuid', description: 'The revision to compare with (the "old" side); a revision of the same document.' })
  @IsUUID()
  against: string;
}

export class DiffRevisionRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Lần ban hành (the number an open revision will get).' }) number: number | null;
  @ApiProperty() numberAssigned: boolean;
  @ApiProperty({ enum: REVISION_STATES }) state: string;
  @ApiProperty({ nullable: true, type: String }) changeSummary: string | null;
  @ApiProperty({ description: 'SHA-256 of content, change summary and files.' }) digest: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) effectiveAt: string | null;
}

export class FieldChangeView {
  @ApiProperty({ example: 'purpose', description: 'The field (for list items: the item field, e.g. `duration`).' }) field: string;
  @ApiProperty(anyJson('The value in the `against` revision (null when absent).')) old: unknown;
  @ApiProperty(anyJson('The value in this revision (null when absent).')) new: unknown;
}

export class TextChangeView {
  @ApiProperty({ nullable: true, type: String }) old: string | null;
  @ApiProperty({ nullable: true, type: String }) new: string | null;
}

export class ListItemView {
  @ApiProperty({ example: '3', description: 'The matching key as shown: the step or objective number, the term, the name ("#n" for items without one).' }) key: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) item: Record<string, unknown>;
}

export class ChangedItemView {
  @ApiProperty({ example: '2' }) key: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) old: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) new: Record<string, unknown>;
  @ApiProperty({ type: [FieldChangeView], description: 'The fields of the item that changed, with old and new values.' }) fields: FieldChangeView[];
}

export class ListDiffView {
  @ApiProperty({ enum: ['steps', 'definitions', 'dossier', 'records', 'objectives'] }) field: string;
  @ApiProperty({ enum: ['no', 'term', 'name'], description: 'How items of the two revisions are matched (names and terms: NFC, trimmed, case-insensitive).' }) matchedBy: string;
  @ApiProperty({ type: [ListItemView] }) added: ListItemView[];
  @ApiProperty({ type: [ListItemView] }) removed: ListItemView[];
  @ApiProperty({ type: [ChangedItemView] }) changed: ChangedItemView[];
  @ApiProperty({ description: 'Matched items that are equal.' }) unchanged: number;
}

export class LegalBasisItemView {
  @ApiProperty({ format: 'uuid' }) legalDocumentId: string;
  @ApiProperty({ nullable: true, type: String, example: '61/2018/NĐ-CP', description: 'From the legal registry.' }) number: string | null;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Điều 5, Điều 6' }) articles: string | null;
}

export class LegalBasisChangeView {
  @ApiProperty({ format: 'uuid' }) legalDocumentId: string;
  @ApiProperty({ nullable: true, type: String }) number: string | null;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty({ type: TextChangeView, description: 'The cited articles, old and new.' }) articles: TextChangeView;
}

export class LegalBasesDiffView {
  @ApiProperty({ type: [LegalBasisItemView] }) added: LegalBasisItemView[];
  @ApiProperty({ type: [LegalBasisItemView] }) removed: LegalBasisItemView[];
  @ApiProperty({ type: [LegalBasisChangeView] }) changed: LegalBasisChangeView[];
  @ApiProperty() unchanged: number;
}

export class DiffLineView {
  @ApiProperty({ enum: ['equal', 'added', 'removed'] }) op: string;
  @ApiProperty() text: string;
}

export class LineHunkView {
  @ApiProperty({ description: '1-based first line on the old side (the line before when the side is empty).' }) oldStart: number;
  @ApiProperty() oldLines: number;
  @ApiProperty() newStart: number;
  @ApiProperty() newLines: number;
  @ApiProperty({ type: [DiffLineView] }) lines: DiffLineView[];
}

export class TextDiffView {
  @ApiProperty({ example: 'purpose', description: 'The text field; for an objective `objectives[no=2].actions`.' }) field: string;
  @ApiProperty() added: number;
  @ApiProperty() removed: number;
  @ApiProperty({ description: 'False when the texts differ too much for a minimal diff: the changed middle is shown removed, then added.' }) exact: boolean;
  @ApiProperty({ type: [LineHunkView], description: 'Unified-diff hunks with 3 lines of context.' }) hunks: LineHunkView[];
}

export class ContentDiffView {
  @ApiProperty({
    type: [FieldChangeView],
    description: 'Scalar fields that differ: purpose, scope, statutoryTimeLimit, fee (procedures); text (quality policy); year (objectives); description (file-based types).',
  })
  fields: FieldChangeView[];
  @ApiProperty({ type: [ListDiffView], description: 'Procedures: steps (by no), definitions (by term), dossier and records (by name). Quality objectives: objectives (by no).' })
  lists: ListDiffView[];
  @ApiProperty({ type: LegalBasesDiffView, nullable: true, description: 'Procedures: legal bases by legalDocumentId; null for other types.' })
  legalBases: LegalBasesDiffView | null;
  @ApiProperty({ type: [TextDiffView], description: 'Line diffs of the text fields that differ.' }) text: TextDiffView[];
}

export class DiffFileView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: FILE_ROLES }) role: string;
  @ApiProperty() filename: string;
  @ApiProperty() mediaType: string;
  @ApiProperty() size: number;
  @ApiProperty() sha256: string;
}

export class FileRenameView {
  @ApiProperty() sha256: string;
  @ApiProperty({ type: DiffFileView }) old: DiffFileView;
  @ApiProperty({ type: DiffFileView }) new: DiffFileView;
}

export class FileReplacementView {
  @ApiProperty({ enum: FILE_ROLES }) role: string;
  @ApiProperty({ type: DiffFileView }) old: DiffFileView;
  @ApiProperty({ type: DiffFileView }) new: DiffFileView;
}

export class FileChangesView {
  @ApiProperty({ type: [DiffFileView] }) added: DiffFileView[];
  @ApiProperty({ type: [DiffFileView] }) removed: DiffFileView[];
  @ApiProperty({ type: [DiffFileView], description: 'Same bytes (SHA-256), name and role.' }) unchanged: DiffFileView[];
  @ApiProperty({ type: [FileRenameView], description: 'Same bytes under another name or role.' }) renamed: FileRenameView[];
  @ApiProperty({ type: [FileReplacementView], description: 'Other bytes in the same place: the same role and name, or the source file.' }) replaced: FileReplacementView[];
}

export class RevisionDiffView {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ enum: DOCUMENT_TYPES }) documentType: string;
  @ApiProperty({ type: DiffRevisionRef, description: 'This revision (the "new" side).' }) revision: DiffRevisionRef;
  @ApiProperty({ type: DiffRevisionRef, description: 'The revision compared with (the "old" side).' }) against: DiffRevisionRef;
  @ApiProperty({ description: 'True when content, change summary and files are the same (equal digests).' }) identical: boolean;
  @ApiProperty({ type: TextChangeView, nullable: true, description: 'Null when equal.' }) changeSummary: TextChangeView | null;
  @ApiProperty({ type: ContentDiffView }) content: ContentDiffView;
  @ApiProperty({ type: FileChangesView }) files: FileChangesView;
}

// ---------------------------------------------------------------- history

export const HISTORY_FORMATS = ['json', 'csv', 'pdf'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];
export const DOWNLOAD_MODES = ['include', 'exclude'] as const;

export class DocumentHistoryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: HISTORY_FORMATS, default: 'json', description: 'json: pages of entries (limit, cursor); csv and pdf: the whole timeline as a file.' })
  @IsOptional()
  @IsIn(HISTORY_FORMATS)
  format?: HistoryFormat;

  @ApiPropertyOptional({ enum: DOWNLOAD_MODES, default: 'include', description: 'Downloads of controlled files can be many: leave them out with `exclude`.' })
  @IsOptional()
  @IsIn(DOWNLOAD_MODES)
  downloads?: (typeof DOWNLOAD_MODES)[number];

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries at or after this instant.' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries at or before this instant.' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}

export class HistoryActorView {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Trần Văn Giám', description: 'The name at the time.' }) name: string | null;
}

export class HistorySignOffView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SIGN_OFF_MEANINGS }) meaning: string;
  @ApiProperty({ example: 'Trần Văn Giám' }) fullName: string;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty() role: string;
  @ApiProperty({ nullable: true, type: String, example: 'KT.' }) capacity: string | null;
  @ApiProperty({ nullable: true, type: String }) onBehalfOfName: string | null;
  @ApiProperty({ description: 'SHA-256 of the revision as signed.' }) digest: string;
  @ApiProperty({ format: 'date-time' }) signedAt: string;
}

export class HistoryEntryView {
  @ApiProperty({ format: 'uuid', description: 'The audit event.' }) id: string;
  @ApiProperty({ description: "Position in the agency's audit hash chain." }) seq: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: HistoryActorView, nullable: true, description: 'Null for the system (scheduled work).' }) actor: HistoryActorView | null;
  @ApiProperty({ example: 'revision.approved' }) action: string;
  @ApiProperty({ example: 'Phê duyệt', description: 'The action in Vietnamese.' }) actionLabel: string;
  @ApiProperty({ example: 'revision', description: 'document or revision (file events belong to their revision).' }) entityType: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) revisionId: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Lần ban hành of that revision (the number an open revision will get).' }) revisionNumber: number | null;
  @ApiProperty({ example: 'Trạng thái: Chờ phê duyệt → Đã phê duyệt, chưa có hiệu lực', description: 'What happened, in Vietnamese (as in the CSV and PDF).' }) summary: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Bổ sung bước 3 theo Nghị định 61/2018/NĐ-CP',
    description: "The revision's change summary (nội dung sửa đổi) on the entries of its creation, submission and taking effect (also at the end of `summary`); null on other entries.",
  })
  changeSummary: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The audit event\'s recorded changes.' }) details: Record<string, unknown> | null;
  @ApiProperty({ type: HistorySignOffView, nullable: true, description: 'The sign-off recorded with this move (submitted, checked, approved).' }) signOff: HistorySignOffView | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String }) clientAddress: string | null;
}

export class HistoryDocumentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: DOCUMENT_TYPES }) type: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() agencyName: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) withdrawnAt: string | null;
}

export class DocumentHistoryPage {
  @ApiProperty({ type: HistoryDocumentView }) document: HistoryDocumentView;
  @ApiProperty({ type: [HistoryEntryView], description: 'Oldest first.' }) items: HistoryEntryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
