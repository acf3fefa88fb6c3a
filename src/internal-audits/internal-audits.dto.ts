import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
} from 'class-validator';
import { ClosedSchema } from '../common/openapi.js';
import { PageQuery } from '../common/pagination.js';
import { PASSWORD_MAX } from '../identity/passwords.js';
import { ISO_9001_CLAUSES } from '../nonconformities/iso-clauses.js';
import { DateOnlyConstraint, IsoClauseConstraint, RECORD_TEXT_MAX } from '../nonconformities/nonconformities.dto.js';
import { NONCONFORMITY_SEVERITIES, NONCONFORMITY_STATES } from '../nonconformities/nonconformity-types.js';
import type { NonconformitySeverity } from '../nonconformities/nonconformity-types.js';
import { RecordPaperStatusView } from '../record-papers/record-paper.views.js';
import { AUDIT_STATES, FINDING_KINDS } from './internal-audit-types.js';
import type { AuditState, FindingKind } from './internal-audit-types.js';

@ClosedSchema()
export class AuditScopeInput {
  @ApiPropertyOptional({ type: [String], maxItems: 100, example: ['Bộ phận Một cửa', 'Văn phòng HĐND và UBND'] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(300, { each: true }) units?: string[];
  @ApiPropertyOptional({ type: [String], maxItems: 100, example: ['Tiếp nhận và trả kết quả hồ sơ TTHC'] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(300, { each: true }) processes?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 500, description: 'Documents (procedures) of the agency register.' })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @IsUUID('all', { each: true }) documentIds?: string[];
}

export class CreateInternalAuditRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() agencyId: string;
  @ApiProperty({ minimum: 2000, maximum: 2200, example: 2026 }) @Type(() => Number) @IsInt() @Min(2000) @Max(2200) year: number;
  @ApiProperty({ maxLength: 500, example: 'Đánh giá chất lượng nội bộ năm 2026' }) @IsString() @IsNotEmpty() @MaxLength(500) title: string;
  @ApiProperty({ type: AuditScopeInput }) @ValidateNested() @Type(() => AuditScopeInput) scope: AuditScopeInput;
  @ApiPropertyOptional({ maxLength: 4000, description: 'Default: TCVN ISO 9001:2015 and the agency\'s documented information.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(4000) criteria?: string;
  @ApiProperty({ format: 'date', example: '2026-11-02' }) @Validate(DateOnlyConstraint) plannedFrom: string;
  @ApiProperty({ format: 'date', example: '2026-11-06' }) @Validate(DateOnlyConstraint) plannedTo: string;
  @ApiProperty({ format: 'uuid', description: 'Holds `auditor` in the agency or an ancestor.' }) @IsUUID() leadAuditorId: string;
  @ApiProperty({ type: [String], format: 'uuid', maxItems: 50, description: 'The other auditors (the lead is added if absent); each holds `auditor` in the agency or an ancestor.' })
  @IsArray() @ArrayMaxSize(50) @IsUUID('all', { each: true }) auditorIds: string[];
}

export class ApproveInternalAuditRequest {
  @ApiProperty({ format: 'password', description: "The approver's password (re-authentication); wrong: 401 and nothing changes." })
  @IsString() @IsNotEmpty() @MaxLength(PASSWORD_MAX) password: string;
}

export class AddFindingRequest {
  @ApiProperty({ enum: FINDING_KINDS }) @IsIn(FINDING_KINDS) kind: FindingKind;
  @ApiProperty({ enum: ISO_9001_CLAUSES, example: '7.5.3' }) @Validate(IsoClauseConstraint) clause: string;
  @ApiProperty({ maxLength: RECORD_TEXT_MAX }) @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) description: string;
  @ApiPropertyOptional({ maxLength: RECORD_TEXT_MAX, description: 'What was seen (hồ sơ, phỏng vấn, quan sát).' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) evidence?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The document concerned; the auditor may not have drafted, checked or approved its effective revision.' })
  @IsOptional() @IsUUID() documentId?: string;
  @ApiPropertyOptional({ enum: NONCONFORMITY_SEVERITIES, default: 'minor', description: 'For a nonconformity finding: the severity of the nonconformity it opens.' })
  @IsOptional() @IsIn(NONCONFORMITY_SEVERITIES) severity?: NonconformitySeverity;
}

export class ReportInternalAuditRequest {
  @ApiProperty({ maxLength: RECORD_TEXT_MAX }) @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) summary: string;
  @ApiProperty({ maxLength: RECORD_TEXT_MAX }) @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) conclusion: string;
  @ApiPropertyOptional({ description: 'States that the audit found nothing: required to report an audit without findings (422 otherwise).' })
  @IsOptional() @IsBoolean() noFindings?: boolean;
  @ApiProperty({ format: 'password', description: "The lead auditor's password (the report's signature)." })
  @IsString() @IsNotEmpty() @MaxLength(PASSWORD_MAX) password: string;
}

export class InternalAuditListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() agencyId?: string;
  @ApiPropertyOptional({ minimum: 2000, maximum: 2200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2200) year?: number;
  @ApiPropertyOptional({ enum: AUDIT_STATES }) @IsOptional() @IsIn(AUDIT_STATES) state?: AuditState;
}

export class ReportFormatQuery {
  @ApiPropertyOptional({ enum: ['json', 'pdf'], default: 'json' }) @IsOptional() @IsIn(['json', 'pdf']) format?: 'json' | 'pdf';
}

export class AuditorView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty() lead: boolean;
}

export class AuditScopeView {
  @ApiProperty({ type: [String] }) units: string[];
  @ApiProperty({ type: [String] }) processes: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) documentIds: string[];
}

export class FindingView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() no: number;
  @ApiProperty({ enum: FINDING_KINDS }) kind: FindingKind;
  @ApiProperty() clause: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: String, nullable: true }) evidence: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) documentId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) nonconformityId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'KPH-003' }) nonconformityCode: string | null;
  @ApiProperty({ type: String, enum: NONCONFORMITY_STATES, nullable: true }) nonconformityState: string | null;
  @ApiProperty({ format: 'uuid' }) auditorId: string;
  @ApiProperty() auditorName: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ApprovalSignatureView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ enum: ['head', 'deputy'] }) role: 'head' | 'deputy';
  @ApiProperty({ type: String, nullable: true, description: 'For a deputy ("KT."): the head signed for.' }) onBehalfOfName: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class ReportSignatureView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class InternalAuditView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() year: number;
  @ApiProperty() title: string;
  @ApiProperty({ type: AuditScopeView }) scope: AuditScopeView;
  @ApiProperty() criteria: string;
  @ApiProperty({ format: 'date' }) plannedFrom: string;
  @ApiProperty({ format: 'date' }) plannedTo: string;
  @ApiProperty({ format: 'uuid' }) leadAuditorId: string;
  @ApiProperty({ type: [AuditorView] }) auditors: AuditorView[];
  @ApiProperty({ enum: AUDIT_STATES }) state: AuditState;
  @ApiProperty({ type: [FindingView] }) findings: FindingView[];
  @ApiProperty({ type: ApprovalSignatureView, nullable: true }) approval: ApprovalSignatureView | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
  @ApiProperty({ type: String, nullable: true }) conclusion: string | null;
  @ApiProperty({ type: ReportSignatureView, nullable: true }) report: ReportSignatureView | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class InternalAuditPage {
  @ApiProperty({ type: [InternalAuditView] }) items: InternalAuditView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class FindingCreatedView extends FindingView {}

export class FindingCountsView {
  @ApiProperty() nonconformity: number;
  @ApiProperty() observation: number;
  @ApiProperty() opportunity: number;
  @ApiProperty() strength: number;
}

export class AuditReportView {
  @ApiProperty({ type: InternalAuditView }) audit: InternalAuditView;
  @ApiProperty() agencyName: string;
  @ApiProperty({ type: FindingCountsView }) counts: FindingCountsView;
  @ApiProperty({ type: RecordPaperStatusView, nullable: true, description: 'The PDF (?format=pdf) as the queue has it.' }) pdf: RecordPaperStatusView | null;
}

/** One audit of the year, for the management review's inputs. */
export interface AuditYearItem {
  id: string;
  title: string;
  state: AuditState;
  plannedFrom: string;
  plannedTo: string;
  reportedAt: string | null;
  findings: Record<FindingKind, number>;
  nonconformitiesOpen: number;
}

/** The audits of an agency's year and their findings counted by kind. */
export interface AuditYearSummary {
  year: number;
  audits: AuditYearItem[];
  held: number;
  findings: Record<FindingKind, number>;
}
