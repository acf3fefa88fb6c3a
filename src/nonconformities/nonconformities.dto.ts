import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { PASSWORD_MAX } from '../identity/passwords.js';
import { ISO_9001_CLAUSES, isIsoClause } from './iso-clauses.js';
import { NONCONFORMITY_SEVERITIES, NONCONFORMITY_SOURCES, NONCONFORMITY_STATES } from './nonconformity-types.js';
import type { NonconformitySeverity, NonconformitySource, NonconformityState } from './nonconformity-types.js';

export const RECORD_TEXT_MAX = 8000;

@ValidatorConstraint({ name: 'isoClause' })
export class IsoClauseConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isIsoClause(value);
  }
  defaultMessage(): string {
    return 'must be a clause of ISO 9001:2015 (4.1 … 10.3, e.g. 7.5.3 or 9.2.2)';
  }
}

/** A YYYY-MM-DD calendar date. */
export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

@ValidatorConstraint({ name: 'dateOnly' })
export class DateOnlyConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && DATE_PATTERN.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  }
  defaultMessage(): string {
    return 'must be a date YYYY-MM-DD';
  }
}

export class CreateNonconformityRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() agencyId: string;
  @ApiProperty({ enum: NONCONFORMITY_SOURCES }) @IsIn(NONCONFORMITY_SOURCES) source: NonconformitySource;
  @ApiProperty({ maxLength: RECORD_TEXT_MAX, example: 'Hồ sơ cấp phép xây dựng không lưu phiếu kiểm soát quá trình giải quyết.' })
  @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) description: string;
  @ApiProperty({ enum: NONCONFORMITY_SEVERITIES }) @IsIn(NONCONFORMITY_SEVERITIES) severity: NonconformitySeverity;
  @ApiPropertyOptional({ enum: ISO_9001_CLAUSES, description: 'The ISO 9001:2015 clause concerned.' }) @IsOptional() @Validate(IsoClauseConstraint) clause?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A document of the agency concerned by the nonconformity.' }) @IsOptional() @IsUUID() documentId?: string;
}

export class UpdateNonconformityRequest {
  @ApiPropertyOptional({ maxLength: RECORD_TEXT_MAX, nullable: true, type: String, description: 'The immediate correction (khắc phục tức thời).' })
  @IsOptional() @IsString() @MaxLength(RECORD_TEXT_MAX) correction?: string | null;
  @ApiPropertyOptional({ maxLength: RECORD_TEXT_MAX, nullable: true, type: String, description: 'The root cause (nguyên nhân gốc); required before any action is planned, never removed after.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) rootCause?: string | null;
}

export class AddCorrectiveActionRequest {
  @ApiProperty({ maxLength: RECORD_TEXT_MAX, example: 'Sửa đổi quy trình QT-05, bổ sung bước lưu phiếu kiểm soát.' })
  @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) description: string;
  @ApiProperty({ format: 'uuid', description: 'An active member of the agency.' }) @IsUUID() responsibleUserId: string;
  @ApiProperty({ format: 'date', example: '2026-12-31', description: 'Today or later (Vietnam time).' })
  @IsISO8601({ strict: true }, { message: 'must be a date YYYY-MM-DD' }) @Validate(DateOnlyConstraint) dueOn: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The document to change: the action completes only once a revision of it approved after the action was raised is effective.' })
  @IsOptional() @IsUUID() documentId?: string;
}

export class CompleteCorrectiveActionRequest {
  @ApiProperty({ maxLength: RECORD_TEXT_MAX, description: 'What was done and where it can be seen.' })
  @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) evidence: string;
}

export class VerifyNonconformityRequest {
  @ApiProperty({ description: '`true`: the actions were effective → closed; `false`: → back to action_planned.' }) @IsBoolean() effective: boolean;
  @ApiProperty({ maxLength: RECORD_TEXT_MAX }) @IsString() @IsNotEmpty() @MaxLength(RECORD_TEXT_MAX) comment: string;
  @ApiProperty({ format: 'password', description: "The verifier's password (re-authentication); wrong: 401 and nothing changes." })
  @IsString() @IsNotEmpty() @MaxLength(PASSWORD_MAX) password: string;
}

export class NonconformityListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() agencyId?: string;
  @ApiPropertyOptional({ enum: NONCONFORMITY_STATES }) @IsOptional() @IsIn(NONCONFORMITY_STATES) state?: NonconformityState;
  @ApiPropertyOptional({ enum: NONCONFORMITY_SOURCES }) @IsOptional() @IsIn(NONCONFORMITY_SOURCES) source?: NonconformitySource;
  @ApiPropertyOptional({ enum: NONCONFORMITY_SEVERITIES }) @IsOptional() @IsIn(NONCONFORMITY_SEVERITIES) severity?: NonconformitySeverity;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '`true`: not closed with a corrective action past its due date.' }) @IsOptional() @IsIn(['true', 'false']) overdue?: 'true' | 'false';
  @ApiPropertyOptional({ format: 'uuid', description: 'Nonconformities about this document or with an action changing it.' }) @IsOptional() @IsUUID() documentId?: string;
}

export class CorrectiveActionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) nonconformityId: string;
  @ApiProperty() description: string;
  @ApiProperty({ format: 'uuid' }) responsibleUserId: string;
  @ApiProperty({ type: String, nullable: true }) responsibleName: string | null;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) documentId: string | null;
  @ApiProperty({ enum: ['open', 'complete'] }) state: 'open' | 'complete';
  @ApiProperty({ description: 'Open and past its due date.' }) overdue: boolean;
  @ApiProperty({ type: String, nullable: true }) evidence: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) completedBy: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The effective revision of `documentId` that let it complete.' }) completedRevisionId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class VerificationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() effective: boolean;
  @ApiProperty() comment: string;
  @ApiProperty({ format: 'uuid' }) verifiedBy: string;
  @ApiProperty() verifierName: string;
  @ApiProperty({ format: 'date-time' }) verifiedAt: string;
}

export class SourceRefView {
  @ApiProperty({ example: 'internal_audit' }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
}

export class NonconformityView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() number: number;
  @ApiProperty({ example: 'KPH-007' }) code: string;
  @ApiProperty({ enum: NONCONFORMITY_SOURCES }) source: NonconformitySource;
  @ApiProperty({ type: SourceRefView, nullable: true }) sourceRef: SourceRefView | null;
  @ApiProperty({ enum: NONCONFORMITY_SEVERITIES }) severity: NonconformitySeverity;
  @ApiProperty() description: string;
  @ApiProperty({ type: String, nullable: true }) clause: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) documentId: string | null;
  @ApiProperty({ type: String, nullable: true }) correction: string | null;
  @ApiProperty({ type: String, nullable: true }) rootCause: string | null;
  @ApiProperty({ enum: NONCONFORMITY_STATES }) state: NonconformityState;
  @ApiProperty({ description: 'Not closed, with an action past its due date.' }) overdue: boolean;
  @ApiProperty({ type: [CorrectiveActionView] }) actions: CorrectiveActionView[];
  @ApiProperty({ type: [VerificationView] }) verifications: VerificationView[];
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ type: String, nullable: true }) createdByName: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ description: 'The ETag to send as If-Match.' }) etag: string;
}

export class NonconformityPage {
  @ApiProperty({ type: [NonconformityView] }) items: NonconformityView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

/** One line of the summary the management review and reports read. */
export interface NonconformitySummaryItem {
  id: string;
  code: string;
  source: NonconformitySource;
  severity: NonconformitySeverity;
  description: string;
  state: NonconformityState;
  overdue: boolean;
  openedAt: string;
  closedAt: string | null;
}

/** Nonconformities of an agency for a period: open at its end, of those overdue, closed in it, and the list. */
export interface NonconformitySummary {
  open: number;
  overdue: number;
  closed: number;
  bySource: Record<NonconformitySource, number>;
  items: NonconformitySummaryItem[];
}

