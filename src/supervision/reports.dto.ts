import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { FACT_KEYS } from '../agency-facts/index.js';
import { PASSWORD_MAX } from '../identity/passwords.js';
import { RecordPaperStatusView } from '../record-papers/index.js';
import { PERIOD_KINDS } from './reporting-periods.js';

export const REPORT_STATES = ['draft', 'submitted', 'returned'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
export const REPORT_TEXT_MAX = 20000;
export const COMMENT_MAX = 4000;

const FIGURES_DESCRIPTION =
  'The agency figures of the period (every key of the agency figures registry; counts, 0/1 flags, announcedOn a date or null): ' +
  Object.entries(FACT_KEYS)
    .map(([k, v]) => `\`${k}\` — ${v}`)
    .join('; ') +
  '. Computed from the system at every read while the report is draft or returned; frozen at submission.';

export class YearQuery {
  @ApiPropertyOptional({ minimum: 2000, maximum: 2099, description: 'Default: the current year (Vietnam).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(2000, { message: 'must be at least 2000' })
  @Max(2099, { message: 'must be at most 2099' })
  year?: number;
}

export class ReportingPeriodView {
  @ApiProperty({ example: '2026-H1' }) period: string;
  @ApiProperty({ enum: PERIOD_KINDS }) kind: string;
  @ApiProperty({ format: 'date', example: '2026-06-15', description: 'After this day (Vietnam time) a submission is late.' }) dueOn: string;
  @ApiProperty({ format: 'date', description: 'First day of the period.' }) from: string;
  @ApiProperty({ format: 'date', description: 'Last day of the period.' }) to: string;
}

export class OpenReportRequest {
  @ApiProperty({ example: '2026-H1', pattern: '^20[0-9]{2}(-H1|-Q[1-4])?$', description: '`YYYY-H1` (six months), `YYYY` (year) or `YYYY-Qn` (quarter).' })
  @IsString()
  @Matches(/^20\d{2}(-H1|-Q[1-4])?$/, { message: 'must be YYYY-H1, YYYY or YYYY-Qn' })
  period: string;
}

export class UpdateReportRequest {
  @ApiPropertyOptional({ type: String, maxLength: REPORT_TEXT_MAX, nullable: true, description: 'Kết quả thực hiện.' })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  results?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: REPORT_TEXT_MAX, nullable: true, description: 'Khó khăn, vướng mắc.' })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  difficulties?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: REPORT_TEXT_MAX, nullable: true, description: 'Đề xuất, kiến nghị.' })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_TEXT_MAX)
  proposals?: string | null;

  @ApiPropertyOptional({ maxLength: 200, example: 'Đăk Blá', description: 'The place of the place-and-date line (default: from the agency name).' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  place?: string;
}

export class SubmitReportRequest {
  @ApiProperty({ format: 'password', description: "The signer's password (re-authentication for the signature); wrong: 401 and nothing changes." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class ReturnReportRequest {
  @ApiProperty({ maxLength: COMMENT_MAX, description: 'Why the report is returned; kept with the submitted version and sent to the agency.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(COMMENT_MAX)
  comment: string;
}

export class PeriodicReportFormatQuery {
  @ApiPropertyOptional({ enum: ['json', 'pdf'], description: 'Default json.' })
  @IsOptional()
  @IsIn(['json', 'pdf'], { message: 'must be json or pdf' })
  format?: 'json' | 'pdf';
}

export class ReportListQuery extends YearQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  agencyId: string;
}

export class PeriodicReportSignatureView {
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ enum: ['head', 'deputy'], description: '`deputy`: signed "KT." for the head under a delegation.' }) capacity: string;
  @ApiProperty({ type: String, nullable: true, description: "The head's name a deputy signed for." }) onBehalfOfName: string | null;
  @ApiProperty({ type: String, nullable: true }) onBehalfOfTitle: string | null;
}

export class ReportVersionView {
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['submitted', 'returned'] }) state: string;
  @ApiProperty({ example: '03/BC-UBND', description: 'The number and symbol of the submitted paper.' }) number: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The figures as submitted (frozen).' }) figures: Record<string, number | string | null>;
  @ApiProperty() place: string;
  @ApiProperty({ type: String, nullable: true }) results: string | null;
  @ApiProperty({ type: String, nullable: true }) difficulties: string | null;
  @ApiProperty({ type: String, nullable: true }) proposals: string | null;
  @ApiProperty() late: boolean;
  @ApiProperty({ format: 'date-time' }) submittedAt: string;
  @ApiProperty({ format: 'uuid' }) submittedBy: string;
  @ApiProperty({ type: PeriodicReportSignatureView }) signature: PeriodicReportSignatureView;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) returnedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) returnedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) returnComment: string | null;
}

export class ReportView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ example: '2026-H1' }) period: string;
  @ApiProperty({ enum: PERIOD_KINDS }) kind: string;
  @ApiProperty() year: number;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ enum: REPORT_STATES }) state: string;
  @ApiProperty({ description: 'The last submission was after dueOn.' }) late: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: FIGURES_DESCRIPTION }) figures: Record<string, number | string | null>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the figures were frozen (the last submission); null while they are live.' }) figuresFrozenAt: string | null;
  @ApiProperty() place: string;
  @ApiProperty({ type: String, nullable: true }) results: string | null;
  @ApiProperty({ type: String, nullable: true }) difficulties: string | null;
  @ApiProperty({ type: String, nullable: true }) proposals: string | null;
  @ApiProperty({ description: 'How many times it was submitted.' }) submissionCount: number;
  @ApiProperty({ type: [ReportVersionView], description: 'Every submission, oldest first (a returned one keeps its comment).' }) versions: ReportVersionView[];
  @ApiProperty({ type: RecordPaperStatusView, nullable: true, description: 'The PDF of the report as it is now (null before it was asked for).' }) paper: RecordPaperStatusView | null;
  @ApiProperty({ description: 'For If-Match on PATCH.' }) etag: string;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ReportSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() period: string;
  @ApiProperty({ enum: PERIOD_KINDS }) kind: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ enum: REPORT_STATES }) state: string;
  @ApiProperty() late: boolean;
  @ApiProperty() submissionCount: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ReportList {
  @ApiProperty({ type: [ReportSummaryView] }) items: ReportSummaryView[];
}
