import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { NONCONFORMITY_SEVERITIES } from '../nonconformities/index.js';
import { YearQuery } from './reports.dto.js';

export const INSPECTION_KINDS = ['documentary', 'on_site'] as const;
export const INSPECTION_STATES = ['planned', 'concluded', 'closed'] as const;

export class CreateInspectionRequest {
  @ApiProperty({ format: 'uuid', description: 'The inspected agency: one of the supervisor’s subtree.' })
  @IsUUID('all', { message: 'must be a UUID' })
  agencyId: string;

  @ApiProperty({ enum: INSPECTION_KINDS, description: '`documentary` (on paper) or `on_site`.' })
  @IsIn(INSPECTION_KINDS as unknown as string[], { message: 'must be documentary or on_site' })
  kind: string;

  @ApiProperty({ format: 'date', example: '2026-10-15' })
  @IsISO8601({ strict: true }, { message: 'must be a date YYYY-MM-DD' })
  plannedOn: string;

  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 20, description: 'Supervisors of the inspected agency (of it or an ancestor).' })
  @IsArray({ message: 'must be an array' })
  @ArrayMinSize(1, { message: 'must name at least one inspector' })
  @ArrayMaxSize(20, { message: 'must have at most 20 items' })
  @IsUUID('all', { each: true, message: 'must be UUIDs' })
  inspectorIds: string[];

  @ApiPropertyOptional({ maxLength: 500, description: 'Default: "Kiểm tra việc duy trì, áp dụng HTQLCL".' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  scope?: string;
}

export class CreateFindingRequest {
  @ApiProperty({ maxLength: 8000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8000)
  description: string;

  @ApiProperty({ enum: NONCONFORMITY_SEVERITIES })
  @IsIn(NONCONFORMITY_SEVERITIES as unknown as string[], { message: 'must be major or minor' })
  severity: string;

  @ApiPropertyOptional({ example: '7.5', description: 'An ISO 9001:2015 clause (4.1 … 10.3).' })
  @IsOptional()
  @IsString()
  @MaxLength(8)
  clause?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A document of the inspected agency concerned by it.' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  documentId?: string;
}

export class ConcludeInspectionRequest {
  @ApiProperty({ maxLength: 20000, description: 'Kết luận kiểm tra.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  conclusion: string;
}

export class InspectionListQuery extends YearQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Inspections of this agency and the agencies below it.' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  agencyId?: string;
}

export class InspectorView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
}

export class InspectionFindingView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() number: number;
  @ApiProperty() description: string;
  @ApiProperty({ enum: NONCONFORMITY_SEVERITIES }) severity: string;
  @ApiProperty({ type: String, nullable: true }) clause: string | null;
  @ApiProperty({ format: 'uuid', description: 'The nonconformity it opened in the inspected agency.' }) nonconformityId: string;
  @ApiProperty({ example: 'NC-0003' }) nonconformityCode: string;
  @ApiProperty() nonconformityState: string;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class InspectionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ enum: INSPECTION_KINDS }) kind: string;
  @ApiProperty({ format: 'date' }) plannedOn: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) scope: string | null;
  @ApiProperty({ enum: INSPECTION_STATES, description: '`planned` (findings are recorded), `concluded` (waiting for its nonconformities to close), `closed`.' }) state: string;
  @ApiProperty({ type: String, nullable: true }) conclusion: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) concludedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ type: [InspectorView] }) inspectors: InspectorView[];
  @ApiProperty({ type: [InspectionFindingView] }) findings: InspectionFindingView[];
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class InspectionList {
  @ApiProperty({ type: [InspectionView] }) items: InspectionView[];
}
