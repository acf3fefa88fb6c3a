import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateBy } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { LEGAL_STATUSES } from './legal-document.entity.js';
import { LEGAL_ISSUER_MAX, LEGAL_TITLE_MAX } from './legal-fields.js';
import { LEGAL_NUMBER_MAX_LENGTH } from './legal-number.js';
import { LEGAL_RELATION_KINDS, LEGAL_STATUS_LABELS, LEGAL_TYPE_INPUTS, LEGAL_TYPE_LABELS, LEGAL_TYPE_MESSAGE, LEGAL_TYPES, parseLegalType } from './legal-types.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TYPE_DOC = `Type code, or its Vietnamese name (any case, with or without accents): ${Object.entries(LEGAL_TYPE_LABELS).map(([c, l]) => `${c} = ${l}`).join('; ')}.`;

/** A legal document type given by its code or Vietnamese name (legal-types.ts parseLegalType). */
function IsLegalType(): PropertyDecorator {
  return ValidateBy({ name: 'isLegalType', validator: { validate: (v: unknown) => typeof v === 'string' && parseLegalType(v) !== null, defaultMessage: () => `type ${LEGAL_TYPE_MESSAGE}` } });
}
const STATUS_DOC = `Status. ${Object.entries(LEGAL_STATUS_LABELS).map(([c, l]) => `${c} = ${l}`).join('; ')}.`;
const NUMBER_DOC =
  'Số, ký hiệu: <number>/<year>/<symbol> (19/2014/QĐ-TTg, 15/2012/QH13), <number>/<symbol> (101/QĐ-BKHCN) or a TCVN standard ' +
  '(TCVN ISO 9001:2015). Unique ignoring case, accents and spaces: 19/2014/qđ-ttg is the same number.';

export class CreateLegalDocumentRequest {
  @ApiProperty({ example: '19/2014/QĐ-TTg', maxLength: LEGAL_NUMBER_MAX_LENGTH, description: NUMBER_DOC })
  @IsString()
  @MaxLength(LEGAL_NUMBER_MAX_LENGTH + 20)
  number: string;

  @ApiProperty({ enum: LEGAL_TYPE_INPUTS, example: 'decision', description: TYPE_DOC })
  @IsString()
  type: string;

  @ApiProperty({ example: 'Thủ tướng Chính phủ', maxLength: LEGAL_ISSUER_MAX, description: 'Cơ quan ban hành.' })
  @IsString()
  issuer: string;

  @ApiProperty({
    example: 'Quyết định về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008 vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước',
    maxLength: LEGAL_TITLE_MAX,
    description: 'Trích yếu.',
  })
  @IsString()
  title: string;

  @ApiProperty({ format: 'date', example: '2014-03-05', description: 'Ngày ban hành; in the year written in the number.' })
  @IsString()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  issuedOn: string;

  @ApiProperty({ format: 'date', example: '2014-04-20', description: 'Ngày có hiệu lực; not before issuedOn.' })
  @IsString()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  effectiveFrom: string;

  @ApiPropertyOptional({ enum: LEGAL_STATUSES, default: 'in_force', description: `${STATUS_DOC} Later changes come from relations.` })
  @IsOptional()
  @IsString()
  status?: string;
}

export class UpdateLegalDocumentRequest {
  @ApiPropertyOptional({ example: '19/2014/QĐ-TTg', description: 'Corrects the number (must stay unique).' })
  @IsOptional()
  @IsString()
  @MaxLength(LEGAL_NUMBER_MAX_LENGTH + 20)
  number?: string;

  @ApiPropertyOptional({ enum: LEGAL_TYPE_INPUTS, description: TYPE_DOC }) @IsOptional() @IsString() type?: string;
  @ApiPropertyOptional({ maxLength: LEGAL_ISSUER_MAX }) @IsOptional() @IsString() issuer?: string;
  @ApiPropertyOptional({ maxLength: LEGAL_TITLE_MAX }) @IsOptional() @IsString() title?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  issuedOn?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  effectiveFrom?: string;

  @ApiPropertyOptional({
    enum: LEGAL_STATUSES,
    description:
      'Corrects the status entered at creation. Only while no relation affects the document (otherwise its status follows its history: 422 legal_status_from_relations). Never triggers regeneration.',
  })
  @IsOptional()
  @IsString()
  status?: string;
}

export class LegalDocumentListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Words that must all occur in the number or title, ignoring accents and case ("quyet dinh ap dung he thong", "19/2014/qd-ttg").' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: LEGAL_STATUSES }) @IsOptional() @IsIn(LEGAL_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: LEGAL_TYPE_INPUTS, description: TYPE_DOC }) @IsOptional() @IsLegalType() type?: string;
}

export class LegalDocumentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '19/2014/QĐ-TTg' }) number: string;
  @ApiProperty({ enum: LEGAL_TYPES }) type: string;
  @ApiProperty({ example: 'Quyết định' }) typeLabel: string;
  @ApiProperty({ example: 'Thủ tướng Chính phủ' }) issuer: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date' }) issuedOn: string;
  @ApiProperty({ format: 'date' }) effectiveFrom: string;
  @ApiProperty({ enum: LEGAL_STATUSES }) status: string;
  @ApiProperty({ example: 'Còn hiệu lực' }) statusLabel: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class LegalDocumentPage {
  @ApiProperty({ type: [LegalDocumentView] }) items: LegalDocumentView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class LegalDocumentSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '26/2014/TT-BKHCN' }) number: string;
  @ApiProperty({ enum: LEGAL_TYPES }) type: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date' }) issuedOn: string;
  @ApiProperty({ enum: LEGAL_STATUSES }) status: string;
}

export class CreateLegalRelationRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The newer act that amends / replaces / repeals. May be omitted only for repeals and partial repeals (expiry, or an act not in the registry: say which in note).',
  })
  @IsOptional()
  @IsUUID()
  fromId?: string;

  @ApiProperty({ enum: LEGAL_RELATION_KINDS, description: 'amends → amended, replaces → replaced, repeals → repealed, partially_repeals → partially_repealed.' })
  @IsIn(LEGAL_RELATION_KINDS)
  kind: string;

  @ApiProperty({ format: 'uuid', description: 'The older act that is affected.' })
  @IsUUID()
  toId: string;

  @ApiPropertyOptional({ format: 'date', description: 'When the effect starts; defaults to the newer act\'s effectiveFrom (required without fromId).' })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  effectiveFrom?: string;

  @ApiPropertyOptional({ maxLength: 2000, example: 'Thay thế toàn bộ' }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class LegalRelationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: LEGAL_RELATION_KINDS }) kind: string;
  @ApiProperty({ type: LegalDocumentSummary, nullable: true, description: 'The newer act; null for a repeal by an act not in the registry.' })
  from: LegalDocumentSummary | null;
  @ApiProperty({ type: LegalDocumentSummary, description: 'The older, affected act.' }) to: LegalDocumentSummary;
  @ApiProperty({ format: 'date' }) effectiveFrom: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
}

export const RELATION_DIRECTIONS = ['newer', 'older'] as const;

export class LegalRelationListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: RELATION_DIRECTIONS, description: 'newer: acts that affect this one; older: acts this one affects. Both when omitted.' })
  @IsOptional()
  @IsIn(RELATION_DIRECTIONS)
  direction?: (typeof RELATION_DIRECTIONS)[number];
}

export class LegalRelationPage {
  @ApiProperty({ type: [LegalRelationView] }) items: LegalRelationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class LegalHistoryEntry extends LegalRelationView {
  @ApiProperty({ enum: RELATION_DIRECTIONS, description: 'newer: this step happened after the document (it or a successor was affected); older: a predecessor step.' })
  direction: string;
  @ApiProperty({ example: 1, description: 'Steps away from the document (1 = a direct relation).' }) depth: number;
}

export class LegalHistoryView {
  @ApiProperty({ type: LegalDocumentView }) document: LegalDocumentView;
  @ApiProperty({ type: [LegalHistoryEntry], description: 'Every relation reachable from the document in both directions, oldest effect first.' })
  items: LegalHistoryEntry[];
  @ApiProperty({
    type: [LegalDocumentSummary],
    description:
      'What a citation of this document should cite today: replacements followed to the end of the chain, with the acts amending them beside them; empty when the chain ends in a repeal.',
  })
  current: LegalDocumentSummary[];
  @ApiProperty({ description: 'The chain ends in a repeal: nothing replaces the document.' }) repealed: boolean;
  @ApiProperty({ description: 'The history was longer than the limit and was cut.' }) truncated: boolean;
}

export class LegalImportRow {
  @ApiProperty({ example: '19/2014/QĐ-TTg' }) number: string;
  @ApiProperty({ example: 'decision', description: 'Type code or its Vietnamese name ("Quyết định").' }) type: string;
  @ApiProperty({ example: 'Thủ tướng Chính phủ' }) issuer: string;
  @ApiProperty() title: string;
  @ApiProperty({ example: '2014-03-05', description: 'YYYY-MM-DD or dd/mm/yyyy.' }) issuedOn: string;
  @ApiProperty({ example: '2014-04-20', description: 'YYYY-MM-DD or dd/mm/yyyy.' }) effectiveFrom: string;
  @ApiPropertyOptional({ example: 'in_force', description: 'Status code or its Vietnamese name; default in_force.' }) status?: string;
}

export class LegalImportRequest {
  @ApiProperty({ type: [LegalImportRow] }) items: LegalImportRow[];
}

export class LegalImportResult {
  @ApiProperty({ format: 'uuid', description: 'Identifies the batch (audit event legal_document.imported).' }) importId: string;
  @ApiProperty({ enum: ['json', 'csv'] }) format: string;
  @ApiProperty({ example: 120, description: 'Documents created.' }) created: number;
}

export class LegalImportError {
  @ApiProperty({ example: 3, description: '1-based position of the record among the data rows (the CSV header is not counted).' }) row: number;
  @ApiPropertyOptional({ example: 4, description: 'CSV only: the line of the file where the record starts.' }) line?: number;
  @ApiProperty({ example: 'issuedOn' }) field: string;
  @ApiProperty({ example: 'must be a date YYYY-MM-DD (or dd/mm/yyyy)' }) message: string;
}
