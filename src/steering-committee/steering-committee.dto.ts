import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../common/calendar-date.js';

export const COMMITTEE_ROLES = ['head', 'deputy', 'secretary', 'member'] as const;
export type CommitteeRole = (typeof COMMITTEE_ROLES)[number];

export class CommitteeMemberInput {
  @ApiPropertyOptional({ format: 'uuid', description: 'The user, when the person has an account (a member of the agency).' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  userId?: string;

  @ApiProperty({ maxLength: 200, example: 'Trần Văn Giám' })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200)
  fullName: string;

  @ApiProperty({ maxLength: 300, example: 'Giám đốc Sở', description: 'Job title and unit.' })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(300)
  position: string;

  @ApiProperty({ enum: COMMITTEE_ROLES, description: 'Trưởng ban, Phó trưởng ban, Thư ký, Thành viên.' })
  @IsIn(COMMITTEE_ROLES, { message: `must be one of ${COMMITTEE_ROLES.join(', ')}` })
  role: CommitteeRole;
}

export class SetSteeringCommitteeRequest {
  @ApiProperty({ example: '15/QĐ-SKHCN', description: 'The decision forming the committee (Decree 30 number of a quyết định).' })
  @IsString({ message: 'must be a string' })
  @MaxLength(100)
  decisionNumber: string;

  @ApiProperty({ format: 'date', example: '2026-01-15' })
  @IsCalendarDate()
  signedOn: string;

  @ApiProperty({ type: [CommitteeMemberInput], description: 'Exactly one head (trưởng ban).' })
  @IsArray({ message: 'must be an array' })
  @ArrayMinSize(1, { message: 'must have at least one member' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CommitteeMemberInput)
  members: CommitteeMemberInput[];
}

export class CommitteeMemberView {
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) userId: string | null;
  @ApiProperty() fullName: string;
  @ApiProperty() position: string;
  @ApiProperty({ enum: COMMITTEE_ROLES }) role: CommitteeRole;
}

export class SteeringCommitteeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() decisionNumber: string;
  @ApiProperty({ format: 'date' }) signedOn: string;
  @ApiProperty({ type: [CommitteeMemberView] }) members: CommitteeMemberView[];
  @ApiProperty({ enum: ['current', 'replaced'] }) state: 'current' | 'replaced';
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) replacedAt: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) replacedById: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SteeringCommitteeHistoryQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Also list the earlier compositions (newest first).' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  history?: 'true' | 'false';
}

export class SteeringCommitteeAnswer {
  @ApiProperty({ type: SteeringCommitteeView, nullable: true, description: 'The composition in force; null before the first.' }) current: SteeringCommitteeView | null;
  @ApiPropertyOptional({ type: [SteeringCommitteeView], description: 'With ?history=true: the replaced compositions, newest first.' }) history?: SteeringCommitteeView[];
}
