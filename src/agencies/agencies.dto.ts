import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsDateString, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { ROLES } from '../access/roles.js';
import { PageQuery } from '../common/pagination.js';
import { Omittable } from '../common/validation.js';
import { AGENCY_LEVELS } from './agency.entity.js';

export const AGENCY_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class CreateAgencyRequest {
  @ApiProperty({ example: 'UBND-KONTUM', pattern: AGENCY_CODE_PATTERN.source, description: 'Unique (case-insensitive).' })
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, { message: 'must be 1-64 letters, digits, dots, hyphens or underscores' })
  code: string;

  @ApiProperty({ example: 'Ủy ban nhân dân tỉnh Kon Tum' })
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiProperty({ enum: AGENCY_LEVELS })
  @IsIn(AGENCY_LEVELS)
  level: (typeof AGENCY_LEVELS)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for every level but province.' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class UpdateAgencyRequest {
  @ApiPropertyOptional({ pattern: AGENCY_CODE_PATTERN.source })
  @Omittable()
  @IsString()
  @Matches(AGENCY_CODE_PATTERN, { message: 'must be 1-64 letters, digits, dots, hyphens or underscores' })
  code?: string;

  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 300) name?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move the agency (and its subtree) under another parent.' })
  @Omittable()
  @IsUUID()
  parentId?: string;
}

export class AgencyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'SO-KHCN' }) code: string;
  @ApiProperty({ example: 'Sở Khoa học và Công nghệ' }) name: string;
  @ApiProperty({ enum: AGENCY_LEVELS }) level: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class AgencyListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only direct children of this agency.' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ enum: AGENCY_LEVELS }) @IsOptional() @IsIn(AGENCY_LEVELS) level?: string;

  @ApiPropertyOptional({ description: 'Matches code and name, ignoring accents and case.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class AgencyPage {
  @ApiProperty({ type: [AgencyView] }) items: AgencyView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class SetMemberRolesRequest {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['drafter'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: string[];
}

export class MemberView {
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() username: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: string[];
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class MemberPage {
  @ApiProperty({ type: [MemberView] }) items: MemberView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CreateDelegationRequest {
  @ApiProperty({ format: 'uuid', description: 'The head of agency who delegates.' }) @IsUUID() fromUserId: string;
  @ApiProperty({ format: 'uuid', description: 'The deputy who may then approve "KT.".' }) @IsUUID() toUserId: string;
  @ApiProperty({ format: 'date-time' }) @IsDateString({ strict: true }) validFrom: string;
  @ApiProperty({ format: 'date-time' }) @IsDateString({ strict: true }) validTo: string;
}

export class DelegationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ format: 'uuid' }) fromUserId: string;
  @ApiProperty() fromUserName: string;
  @ApiProperty({ format: 'uuid' }) toUserId: string;
  @ApiProperty() toUserName: string;
  @ApiProperty({ format: 'date-time' }) validFrom: string;
  @ApiProperty({ format: 'date-time' }) validTo: string;
  @ApiProperty({ description: 'Valid now and not revoked.' }) active: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class DelegationList {
  @ApiProperty({ type: [DelegationView] }) items: DelegationView[];
}
