import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { AGENCY_LEVELS } from '../agencies/agency.entity.js';
import { YearQuery } from './reports.dto.js';

export const REPORT_STATUSES = ['missing', 'draft', 'submitted', 'late', 'returned'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export class OverviewQuery extends YearQuery {
  @ApiProperty({ format: 'uuid', description: 'The root of the subtree (an agency the caller supervises, or one below it).' })
  @IsUUID('all', { message: 'must be a UUID' })
  agencyId: string;

  @ApiPropertyOptional({ enum: ['json', 'csv', 'xlsx'], description: 'Default json. csv: UTF-8 with BOM; xlsx: streamed workbook (rows, then totals).' })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'], { message: 'must be json, csv or xlsx' })
  format?: 'json' | 'csv' | 'xlsx';
}

export class OverviewAgencyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) parentId: string | null;
  @ApiProperty({ description: 'Depth below the asked agency (0 = the asked agency).' }) depth: number;
}

export class OverviewTthcCoverageView {
  @ApiProperty() covered: number;
  @ApiProperty() total: number;
}

export class OverviewRowView {
  @ApiProperty({ type: OverviewAgencyView }) agency: OverviewAgencyView;
  @ApiProperty({ enum: AGENCY_LEVELS }) level: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The latest signed announcement of conformity.' }) announcedOn: string | null;
  @ApiProperty({ description: 'A quality objectives document of the year is in force.' }) objectivesIssued: boolean;
  @ApiProperty({ description: 'Objectives evaluated in the year.' }) objectivesEvaluated: number;
  @ApiProperty() auditHeld: boolean;
  @ApiProperty() reviewHeld: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...REPORT_STATUSES] },
    example: { '2026-H1': 'submitted', '2026': 'missing' },
    description: 'Each period of the year: the six-month and annual reports always, the quarters when an agency of the subtree reports quarterly.',
  })
  reports: Record<string, ReportStatus>;
  @ApiProperty() openNonconformities: number;
  @ApiProperty() overdueActions: number;
  @ApiProperty() legalUpdatesOverdue: number;
  @ApiProperty({ description: 'Documents in force past their periodic review date.' }) reviewsOverdue: number;
  @ApiProperty({ type: OverviewTthcCoverageView }) tthcCoverage: OverviewTthcCoverageView;
}

export class LevelTotalView {
  @ApiProperty({ enum: AGENCY_LEVELS }) level: string;
  @ApiProperty() agencies: number;
  @ApiProperty({ description: 'Agencies with a signed announcement by the end of the year.' }) announced: number;
  @ApiProperty({ description: 'announced / agencies, in percent (one decimal).' }) announcedShare: number;
  @ApiProperty({ description: 'The year every agency of this level is to have announced (2025 provincial agencies, 2027 districts, 2030 all).' }) targetYear: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Share due by the end of the asked year: 100 from the target year on, null before.' }) targetShare: number | null;
  @ApiProperty({ description: 'announcedShare ≥ targetShare, or the target year is still ahead.' }) onTrack: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Per period: reports submitted (on time or late).' }) reportsSubmitted: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Per period: of those, late.' }) reportsLate: Record<string, number>;
  @ApiProperty() openNonconformities: number;
  @ApiProperty() overdueActions: number;
}

export class RolloutTargetView {
  @ApiProperty({ enum: ['provincial', 'district', 'all'] }) target: string;
  @ApiProperty({ enum: AGENCY_LEVELS, isArray: true }) levels: string[];
  @ApiProperty() targetYear: number;
  @ApiProperty() agencies: number;
  @ApiProperty() announced: number;
  @ApiProperty() announcedShare: number;
  @ApiProperty() onTrack: boolean;
}

export class OverviewView {
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() year: number;
  @ApiProperty({ type: [String], description: 'The periods of `reports`, in the order they fall due.' }) periods: string[];
  @ApiProperty({ type: [OverviewRowView], description: 'One row per agency of the subtree, in tree order.' }) items: OverviewRowView[];
  @ApiProperty({ type: [LevelTotalView] }) totals: LevelTotalView[];
  @ApiProperty({ type: [RolloutTargetView] }) rollout: RolloutTargetView[];
}
