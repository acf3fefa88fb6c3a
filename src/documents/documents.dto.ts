import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath, PickType } from '@nestjs/swagger';
import { MATCH_PLACES } from './document-search.js';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../common/validation.js';
import { PageQuery } from '../common/pagination.js';
import { RenditionStatusView } from '../renditions/rendition-status.view.js';
import { SignOffView } from '../workflow/sign-off.view.js';
import { DOCUMENT_CODE_PATTERN, DOCUMENT_TYPES, FILE_ROLES, REVISION_STATES, TTHC_CODE_PATTERN, type DocumentType } from './document-types.js';
import { CONTENT_CLASSES, CONTENT_SCHEMAS, FileBasedContent, ProcedureContent, QualityObjectivesContent, QualityPolicyContent } from './revision-content.js';

const CODE_MESSAGE = 'must be 1-64 letters, digits, ".", "-" or "/", starting with a letter or digit';

/**
 * The OpenAPI schema of a `content` member whose document type the request does not carry: any
 * of the content schemas (revision-content.ts), the document's type decides which.
 */
function contentSchema(description: string) {
  return {
    anyOf: CONTENT_SCHEMAS.map((c) => ({ $ref: getSchemaPath(c) })),
    description:
      `${description} Its shape is the content schema of the document's type: ` +
      DOCUMENT_TYPES.map((t) => `${t} → ${CONTENT_CLASSES[t].name}`).join(', ') +
      '. Shape errors are 400 on save (field paths under `content`); the completeness rules are checked at submit (422).',
  };
}

export class CreateDocumentRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  agencyId: string;

  @ApiProperty({ enum: DOCUMENT_TYPES })
  @IsIn(DOCUMENT_TYPES)
  type: (typeof DOCUMENT_TYPES)[number];

  @ApiProperty({ example: 'BM.01/QT-01', pattern: DOCUMENT_CODE_PATTERN.source, description: 'Unique per agency, compared case-insensitively after NFC.' })
  @IsString()
  @Matches(DOCUMENT_CODE_PATTERN, { message: CODE_MESSAGE })
  code: string;

  @ApiProperty({ example: 'Quy trình cấp giấy phép xây dựng' })
  @IsString()
  @Length(1, 500)
  title: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for a form: a procedure of the same agency.' })
  @IsOptional()
  @IsUUID()
  procedureId?: string;

  @ApiPropertyOptional({ example: '1.001612.000.00.00.H01', pattern: TTHC_CODE_PATTERN.source, description: 'Procedures only: the national TTHC code.' })
  @IsOptional()
  @IsString()
  @Matches(TTHC_CODE_PATTERN, { message: 'must be a TTHC code such as 1.001193 or 1.001612.000.00.00.H01' })
  tthcCode?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 120, default: 12, description: 'Months between periodic reviews.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  reviewIntervalMonths?: number;

  @ApiPropertyOptional({ minimum: 2000, maximum: 2100, description: 'quality_objectives only (required there): the year; one per agency and year.' })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;

  /** Validated by the document type's content class when the draft is created (documented per type below). */
  @IsOptional()
  @IsObject()
  content?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  changeSummary?: string;
}

// ---- POST /documents as documented: one request schema per document type, discriminated by `type`
// (the service validates CreateDocumentRequest, then the content with the type's class).

const CREATE_FIELDS = ['agencyId', 'code', 'title', 'reviewIntervalMonths', 'changeSummary'] as const;
const FIRST_DRAFT = 'Content of the first draft (revision 1); omitted: an empty draft.';

@ApiSchema({ description: 'Register a procedure (quy trình).' })
export class CreateProcedureRequest extends PickType(CreateDocumentRequest, [...CREATE_FIELDS, 'tthcCode'] as const) {
  @ApiProperty({ enum: ['procedure'] }) type: 'procedure';
  @ApiPropertyOptional({ type: ProcedureContent, description: FIRST_DRAFT }) content?: ProcedureContent;
}

@ApiSchema({ description: 'Register a form (biểu mẫu) of a procedure of the same agency.' })
export class CreateFormRequest extends PickType(CreateDocumentRequest, CREATE_FIELDS) {
  @ApiProperty({ enum: ['form'] }) type: 'form';
  @ApiProperty({ format: 'uuid', description: 'The procedure the form belongs to (same agency).' }) procedureId: string;
  @ApiPropertyOptional({ type: FileBasedContent, description: FIRST_DRAFT }) content?: FileBasedContent;
}

@ApiSchema({ description: 'Register the quality policy (one per agency).' })
export class CreateQualityPolicyRequest extends PickType(CreateDocumentRequest, CREATE_FIELDS) {
  @ApiProperty({ enum: ['quality_policy'] }) type: 'quality_policy';
  @ApiPropertyOptional({ type: QualityPolicyContent, description: FIRST_DRAFT }) content?: QualityPolicyContent;
}

@ApiSchema({ description: 'Register the quality objectives of a year (one per agency and year).' })
export class CreateQualityObjectivesRequest extends PickType(CreateDocumentRequest, CREATE_FIELDS) {
  @ApiProperty({ enum: ['quality_objectives'] }) type: 'quality_objectives';
  @ApiProperty({ type: 'integer', minimum: 2000, maximum: 2100, description: 'The year of the objectives.' }) year: number;
  @ApiPropertyOptional({ type: QualityObjectivesContent, description: FIRST_DRAFT }) content?: QualityObjectivesContent;
}

@ApiSchema({ description: 'Register a manual, a decision or another file-based document.' })
export class CreateFileBasedDocumentRequest extends PickType(CreateDocumentRequest, CREATE_FIELDS) {
  @ApiProperty({ enum: ['manual', 'decision', 'other'] }) type: 'manual' | 'decision' | 'other';
  @ApiPropertyOptional({ type: FileBasedContent, description: FIRST_DRAFT }) content?: FileBasedContent;
}

const CREATE_REQUEST_OF: Record<DocumentType, new () => object> = {
  procedure: CreateProcedureRequest,
  form: CreateFormRequest,
  quality_policy: CreateQualityPolicyRequest,
  quality_objectives: CreateQualityObjectivesRequest,
  manual: CreateFileBasedDocumentRequest,
  decision: CreateFileBasedDocumentRequest,
  other: CreateFileBasedDocumentRequest,
};

export const CREATE_DOCUMENT_MODELS = [...new Set(Object.values(CREATE_REQUEST_OF))];

/** The body schema of POST /documents: one of the per-type requests, chosen by `type`. */
export const CREATE_DOCUMENT_BODY = {
  oneOf: CREATE_DOCUMENT_MODELS.map((m) => ({ $ref: getSchemaPath(m) })),
  discriminator: { propertyName: 'type', mapping: Object.fromEntries(DOCUMENT_TYPES.map((t) => [t, getSchemaPath(CREATE_REQUEST_OF[t])])) },
};

/**
 * Editable document metadata. The title and TTHC code identify the document on its controlled
 * copies: they can be corrected only until the document is first submitted; the review interval
 * can change at any time.
 */
export class UpdateDocumentRequest {
  @ApiPropertyOptional({ example: 'Quy trình cấp giấy phép xây dựng', description: 'Only before the document is first submitted.' })
  @Omittable()
  @IsString()
  @Length(1, 500)
  title?: string;

  @ApiPropertyOptional({ nullable: true, type: String, pattern: TTHC_CODE_PATTERN.source, description: 'Procedures only; only before the document is first submitted.' })
  @IsOptional()
  @IsString()
  @Matches(TTHC_CODE_PATTERN, { message: 'must be a TTHC code such as 1.001193 or 1.001612.000.00.00.H01' })
  tthcCode?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 120, description: 'Months between periodic reviews.' })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(120)
  reviewIntervalMonths?: number;
}

export class DocumentListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional({ enum: DOCUMENT_TYPES })
  @IsOptional()
  @IsIn(DOCUMENT_TYPES)
  type?: (typeof DOCUMENT_TYPES)[number];

  @ApiPropertyOptional({ enum: REVISION_STATES, description: 'Documents that have a revision in this state (states other than effective: only where you may read drafts).' })
  @IsOptional()
  @IsIn(REVISION_STATES)
  state?: (typeof REVISION_STATES)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'The forms of this procedure.' })
  @IsOptional()
  @IsUUID()
  procedureId?: string;

  @ApiPropertyOptional({ example: '1.001612', description: 'TTHC code; a short code also matches its full forms.' })
  @IsOptional()
  @IsString()
  @Matches(/^\d\.\d{6}(\.[0-9A-Z.]{1,20})?$/, { message: 'must be a TTHC code such as 1.001193' })
  tthcCode?: string;

  @ApiPropertyOptional({ description: 'Words found in code or title, ignoring accents and case ("quy trinh cap phep").' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class OpenDraftRequest {
  @ApiPropertyOptional(contentSchema('Replaces the content copied from the effective revision.'))
  @IsOptional()
  @IsObject()
  content?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 4000, description: 'What changes (required to submit from revision 2 on).' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  changeSummary?: string;
}

export class UpdateRevisionRequest {
  @ApiPropertyOptional(contentSchema('The whole new content (replaces it).'))
  @IsOptional()
  @IsObject()
  content?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 4000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  changeSummary?: string | null;
}

export class UploadFileQuery {
  @ApiPropertyOptional({ enum: FILE_ROLES, default: 'attachment', description: 'At most one source file per revision.' })
  @IsOptional()
  @IsIn(FILE_ROLES)
  role?: (typeof FILE_ROLES)[number];
}

export const FILE_VARIANTS = ['controlled', 'source'] as const;

export class CurrentFileQuery {
  @ApiPropertyOptional({
    enum: FILE_VARIANTS,
    default: 'controlled',
    description: '`source`: the source file of the effective revision. `controlled`: the stamped controlled-copy PDF (202 with Retry-After while it is being rendered).',
  })
  @IsOptional()
  @IsIn(FILE_VARIANTS)
  variant?: (typeof FILE_VARIANTS)[number];
}

// ---- Views ----

export class FileView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: FILE_ROLES }) role: string;
  @ApiProperty({ example: 'Biểu mẫu đăng ký.docx' }) filename: string;
  @ApiProperty({ example: 'application/pdf', description: 'Decided from the bytes.' }) mediaType: string;
  @ApiProperty({ example: 48213 }) size: number;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) sha256: string;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class UploadedFileView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Biểu mẫu đăng ký.docx' }) filename: string;
  @ApiProperty({ example: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }) mediaType: string;
  @ApiProperty() size: number;
  @ApiProperty() sha256: string;
  @ApiProperty({ enum: FILE_ROLES }) role: string;
  @ApiProperty({ format: 'uuid' }) revisionId: string;
}

export class RevisionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Lần ban hành. Assigned when the revision takes effect; open revisions show the number they will get.' })
  number: number | null;
  @ApiProperty({ description: 'False while the number is only the one the revision will get.' }) numberAssigned: boolean;
  @ApiProperty({ enum: REVISION_STATES }) state: string;
  @ApiProperty(contentSchema('The structured content.')) content: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) changeSummary: string | null;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ nullable: true, type: String }) authorName: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) basedOnRevisionId: string | null;
  @ApiProperty({ description: 'Increases with every change of the revision; the ETag is derived from it.' }) version: number;
  @ApiProperty({ example: '"9b2c…:3"' }) etag: string;
  @ApiProperty({ description: 'SHA-256 of the canonical content, change summary and files (what sign-offs vouch for).' }) digest: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) effectiveFrom: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) effectiveAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) supersededAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) obsoleteAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: [FileView] }) files: FileView[];
  @ApiProperty({ type: [SignOffView], description: 'Sign-offs (drafted, checked, approved), oldest first, each with `valid` against the current digest.' })
  signOffs: SignOffView[];
  @ApiProperty({ type: RenditionStatusView, description: 'The controlled-copy PDF of the revision as it is now (GET /revisions/{id}/rendition): ready, pending, failed with its error, or not requested; its warnings.' })
  rendition: RenditionStatusView;
}

/** One move of a revision's state (revision_transitions). */
export class TransitionView {
  @ApiProperty({ enum: REVISION_STATES, nullable: true, type: String, description: 'Null for the creation of the revision.' }) from: string | null;
  @ApiProperty({ enum: REVISION_STATES }) to: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null when the system moved it (effective date reached, legal change).' }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Trần Văn Giám', description: 'The name at the time of the move.' }) actorName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Bổ sung căn cứ pháp lý' }) comment: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class RevisionSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: Number }) number: number | null;
  @ApiProperty() numberAssigned: boolean;
  @ApiProperty({ enum: REVISION_STATES }) state: string;
  @ApiProperty({ nullable: true, type: String }) changeSummary: string | null;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ nullable: true, type: String }) authorName: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) basedOnRevisionId: string | null;
  @ApiProperty() digest: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) effectiveFrom: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) effectiveAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) supersededAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) obsoleteAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [FileView] }) files: FileView[];
  @ApiProperty({ type: [SignOffView], description: 'Sign-offs, oldest first, each with `valid` against the current digest.' }) signOffs: SignOffView[];
  @ApiProperty({ type: [TransitionView], description: 'State history, oldest first: creation, every workflow move, taking effect, being superseded or made obsolete.' })
  transitions: TransitionView[];
  @ApiProperty({ description: 'Increases with every change of the revision.' }) version: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RevisionPage {
  @ApiProperty({ type: [RevisionSummaryView] }) items: RevisionSummaryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RevisionRefView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: Number }) number: number | null;
  @ApiProperty({ enum: REVISION_STATES }) state: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) effectiveAt: string | null;
}

export class FlagView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'legal_basis_changed', description: 'legal_basis_changed, review_overdue, ...' }) kind: string;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dueOn: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'What raised it (e.g. a legal change).' }) sourceId: string | null;
  @ApiProperty({ format: 'date-time' }) raisedAt: string;
}

export class DocumentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ enum: DOCUMENT_TYPES }) type: string;
  @ApiProperty({ example: 'QT-01' }) code: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) procedureId: string | null;
  @ApiProperty({ nullable: true, type: String }) tthcCode: string | null;
  @ApiProperty() reviewIntervalMonths: number;
  @ApiProperty({ nullable: true, type: Number }) year: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) withdrawnAt: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawnReason: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class SearchMatchView {
  @ApiProperty({ enum: MATCH_PLACES, description: 'Where the words were found: the title, the code, the structured content or a file of a revision you may read.' }) in: string;
  @ApiProperty({ example: 'Quy trình <mark>cấp</mark> <mark>phép</mark> xây dựng', description: 'HTML-escaped text around the match; the matched words in <mark>…</mark>.' })
  snippet: string;
  @ApiPropertyOptional({ example: 'Quy trinh.pdf', description: 'For a file match: the file name.' }) filename?: string;
}

export class DocumentListItem extends DocumentView {
  @ApiProperty({ type: RevisionRefView, nullable: true, description: 'The effective revision.' }) currentRevision: RevisionRefView | null;
  @ApiProperty({ type: RevisionRefView, nullable: true, description: 'The open revision (only where you may read drafts).' }) openRevision: RevisionRefView | null;
  @ApiPropertyOptional({ type: [SearchMatchView], description: 'With `q`: where the document matched, with snippets.' }) matches?: SearchMatchView[];
}

export class DocumentPage {
  @ApiProperty({ type: [DocumentListItem] }) items: DocumentListItem[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class DraftPrefillView {
  @ApiProperty({ example: '1.001193' }) tthcCode: string;
  @ApiProperty({ description: 'False when the code is not in the TTHC catalogue (nothing was prefilled).' }) found: boolean;
  @ApiProperty({ type: [String], example: ['statutoryTimeLimit', 'fee', 'legalBases'], description: 'Content members taken from the catalogue.' }) fields: string[];
  @ApiProperty({ type: [String], example: ['99/2099/NĐ-CP'], description: 'Legal-basis numbers of the catalogue that the legal registry does not hold (not cited).' })
  unresolvedLegalBases: string[];
}

export class DocumentDetailView extends DocumentView {
  @ApiProperty({ type: RevisionView, nullable: true, description: 'The effective revision, or null.' }) currentRevision: RevisionView | null;
  @ApiProperty({ type: RevisionView, nullable: true, description: 'The open revision (draft … approved), shown only to users who may read drafts.' })
  openDraft: RevisionView | null;
  @ApiProperty({ type: [FlagView], description: 'Active flags (legal basis changed, review overdue, ...).' }) flags: FlagView[];
  @ApiPropertyOptional({
    type: DraftPrefillView,
    description: 'POST /documents of a procedure with a tthcCode and no content: what the first draft took from the TTHC catalogue.',
  })
  prefill?: DraftPrefillView;
}

export class CurrentRevisionView extends RevisionView {
  @ApiProperty({ type: DocumentView, description: 'The document the effective revision belongs to.' }) document: DocumentView;
}
