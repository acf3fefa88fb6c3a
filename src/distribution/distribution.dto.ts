import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsUUID } from 'class-validator';
import { ROLES } from '../access/roles.js';

export class DistributionRequest {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['staff', 'drafter'], description: 'Members holding any of these roles must read the document.' })
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles: string[];

  @ApiProperty({ type: [String], format: 'uuid', description: "Agencies whose members must read it: the document's agency or agencies below it." })
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  agencyIds: string[];
}

export class DistributionView {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) agencyIds: string[];
  @ApiProperty({ description: 'People asked to read the revision in force now (0 without one).' }) asked: number;
}

export class AcknowledgementView {
  @ApiProperty({ format: 'uuid' }) revisionId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class AcknowledgedPerson {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) fullName: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class MissingPerson {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 'Trần Thị Bình' }) fullName: string;
  @ApiProperty({ format: 'date-time', description: 'Asked since.' }) askedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the reminder was sent (after 7 days, once).' }) remindedAt: string | null;
}

export class AcknowledgementsView {
  @ApiProperty({ format: 'uuid' }) revisionId: string;
  @ApiProperty({ example: 12, description: 'People of the distribution asked to read this revision.' }) required: number;
  @ApiProperty({ example: 9, description: 'Of those, who acknowledged.' }) acknowledged: number;
  @ApiProperty({ type: [AcknowledgedPerson], description: 'Every acknowledgement of the revision (also by readers outside the distribution), oldest first.' }) items: AcknowledgedPerson[];
  @ApiProperty({ type: [MissingPerson] }) missing: MissingPerson[];
}
