import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { DURATION_UNITS, TTHC_CODE_PATTERN } from '../documents/document-types.js';
import { TTHC_LEVELS, TTHC_STATUSES } from './tthc-fields.js';

export class TthcTimeLimitView {
  @ApiProperty({ example: 5 }) value: number;
  @ApiProperty({ enum: DURATION_UNITS, example: 'working_days' }) unit: string;
}

export class TthcView {
  @ApiProperty({ example: '1.001193', description: 'The base code (an instance code 1.001612.000.00.00.H01 is stored as 1.001612).' }) code: string;
  @ApiProperty({ example: 'Cấp giấy phép xây dựng' }) name: string;
  @ApiProperty({ example: 'Hoạt động xây dựng', description: 'Lĩnh vực.' }) field: string;
  @ApiProperty({ enum: TTHC_LEVELS, isArray: true, description: 'Cấp thực hiện.' }) levels: string[];
  @ApiProperty({ type: TthcTimeLimitView, nullable: true, description: 'Thời hạn giải quyết, parsed from the published text ("05 ngày làm việc").' }) timeLimit: TthcTimeLimitView | null;
  @ApiProperty({ type: String, nullable: true, example: '05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ', description: 'The time limit as published.' }) timeLimitText: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Lệ phí: 100.000 đồng/hồ sơ', description: 'Phí, lệ phí as published.' }) fee: string | null;
  @ApiProperty({ type: [String], example: ['50/2014/QH13'], description: 'Căn cứ pháp lý: legal-document numbers.' }) legalBasisNumbers: string[];
  @ApiProperty({ enum: TTHC_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TthcPage {
  @ApiProperty({ type: [TthcView] }) items: TthcView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class TthcListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Code or words of the name or field, ignoring accents and case.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: TTHC_LEVELS })
  @IsOptional()
  @IsIn(TTHC_LEVELS)
  level?: string;

  @ApiPropertyOptional({ description: 'The field (lĩnh vực), exactly as listed.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  field?: string;

  @ApiPropertyOptional({ enum: TTHC_STATUSES })
  @IsOptional()
  @IsIn(TTHC_STATUSES)
  status?: string;
}

export class TthcImportError {
  @ApiProperty({ example: 3, description: '1-based position of the row among the data rows (the header is not counted).' }) row: number;
  @ApiPropertyOptional({ example: 4, description: 'CSV: the line of the file; XLSX: the worksheet row.' }) line?: number;
  @ApiProperty({ example: 'code' }) field: string;
  @ApiProperty({ example: 'is required' }) message: string;
}

export class TthcImportResult {
  @ApiProperty({ format: 'uuid', description: 'Identifies the import (audit event tthc.imported).' }) importId: string;
  @ApiProperty({ enum: ['csv', 'xlsx', 'json'] }) format: string;
  @ApiProperty({ example: 120 }) created: number;
  @ApiProperty({ example: 3 }) updated: number;
  @ApiProperty({ example: 4000 }) unchanged: number;
  @ApiProperty({ example: 2, description: 'TTHC whose time limit, fee or legal bases changed, or that were abolished.' }) changed: number;
  @ApiProperty({ example: 5, description: 'Documents flagged tthc_changed by this import.' }) flaggedDocuments: number;
  @ApiProperty({ type: [String], description: 'Columns of the file that are not catalogue fields (ignored).' }) ignoredColumns: string[];
  @ApiProperty({ type: [TthcImportError], description: 'Always empty on success (an import with row errors is refused whole: 422 tthc_import_invalid).' }) errors: TthcImportError[];
}

export class DeclareTthcRequest {
  @ApiProperty({ type: [String], example: ['1.001193', '1.001612.000.00.00.H01'], description: 'Every TTHC the agency handles (replaces the list); instance codes count as their base code.' })
  @IsArray()
  @ArrayMaxSize(5000)
  @IsString({ each: true })
  @Matches(TTHC_CODE_PATTERN, { each: true, message: 'each code must be a TTHC code (1.001193 or 1.001612.000.00.00.H01)' })
  codes: string[];
}

export class AgencyTthcView {
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ type: [String] }) codes: string[];
}

export class TthcCoverageItem {
  @ApiProperty({ example: '1.001193' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TTHC_STATUSES }) status: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The agency\'s procedure for the TTHC (in force if there is one), or null.' }) documentId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'QT.TTHC-05' }) documentCode: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['effective', 'draft', 'in_review', 'pending_approval', 'approved'],
    description: 'effective = covered; an open state = a procedure on its way; null = no procedure.',
  })
  state: string | null;
  @ApiProperty({ description: 'True when a procedure for it is in force.' }) covered: boolean;
}

export class TthcCoverageView {
  @ApiProperty({ example: 120, description: 'Handled TTHC in force in the catalogue.' }) total: number;
  @ApiProperty({ example: 100 }) covered: number;
  @ApiProperty({ type: [TthcCoverageItem], description: 'Every handled TTHC in force, uncovered first.' }) items: TthcCoverageItem[];
}

export class PrefillView {
  @ApiProperty({ example: '1.001193' }) tthcCode: string;
  @ApiProperty({ description: 'False when the code is not in the catalogue (nothing was prefilled).' }) found: boolean;
  @ApiProperty({ type: [String], description: 'Prefilled content fields.' }) fields: string[];
  @ApiProperty({ type: [String], description: 'Legal-basis numbers of the catalogue not found in the legal registry (not cited).' }) unresolvedLegalBases: string[];
}
