import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../common/calendar-date.js';

export const ANNOUNCEMENT_KINDS = ['initial', 're_announcement'] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];

export class CreateAnnouncementRequest {
  @ApiProperty({ enum: ANNOUNCEMENT_KINDS, description: '`initial` once; then `re_announcement` when the scope grew or shrank.' })
  @IsIn(ANNOUNCEMENT_KINDS, { message: `must be one of ${ANNOUNCEMENT_KINDS.join(', ')}` })
  kind: AnnouncementKind;

  @ApiProperty({ example: '15/QĐ-UBND', description: 'The head\'s decision announcing conformity (Decree 30 number of a quyết định); unique in the agency.' })
  @IsString({ message: 'must be a string' })
  @MaxLength(100)
  decisionNumber: string;

  @ApiProperty({ format: 'date', example: '2026-06-10', description: 'Not in the future.' })
  @IsCalendarDate()
  signedOn: string;

  @ApiProperty({ type: [String], format: 'uuid', description: "The procedures in scope: each a procedure of the agency in force." })
  @IsArray({ message: 'must be an array' })
  @ArrayMinSize(1, { message: 'must name at least one procedure' })
  @ArrayMaxSize(2000)
  @IsUUID('all', { each: true, message: 'must be UUIDs' })
  documentIds: string[];

  @ApiProperty({ format: 'password', description: "The signer's password (re-authentication)." })
  @IsString({ message: 'must be a string' })
  @MaxLength(200)
  password: string;
}

export class ScopeProcedureView {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'The revision in force when announced (null for a withdrawn procedure).' }) revisionId: string | null;
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) tthcCode: string | null;
}

export class ScopeChangedProcedureView extends ScopeProcedureView {
  @ApiProperty({ format: 'date-time', type: String, nullable: true, description: 'When its first revision took effect.' }) firstEffectiveAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) withdrawnAt: string | null;
}

export class ScopeChangedSinceView {
  @ApiProperty({ format: 'date-time', type: String, nullable: true, description: 'When the last announcement was signed (null: never announced).' }) since: string | null;
  @ApiProperty({ type: [ScopeChangedProcedureView], description: 'Procedures that took effect after it.' }) added: ScopeChangedProcedureView[];
  @ApiProperty({ type: [ScopeChangedProcedureView], description: 'Procedures withdrawn after it.' }) withdrawn: ScopeChangedProcedureView[];
  @ApiProperty({ description: 'A re-announcement is due (something was added or withdrawn).' }) reannouncementDue: boolean;
}

export class SignerView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
}

export class AnnouncementView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ enum: ANNOUNCEMENT_KINDS }) kind: AnnouncementKind;
  @ApiProperty({ example: '15/QĐ-UBND' }) decisionNumber: string;
  @ApiProperty({ format: 'date' }) signedOn: string;
  @ApiProperty({ type: [ScopeProcedureView] }) scope: ScopeProcedureView[];
  @ApiProperty({ type: SignerView }) signedBy: SignerView;
  @ApiProperty({ enum: ['head', 'deputy'], description: '`deputy`: signed "KT." for the head named in onBehalfOf.' }) capacity: 'head' | 'deputy';
  @ApiProperty({ type: SignerView, nullable: true }) onBehalfOf: SignerView | null;
  @ApiProperty({ format: 'date-time' }) signedAt: string;
}

export class AnnouncementList {
  @ApiProperty({ type: [AnnouncementView], description: 'Newest first.' }) items: AnnouncementView[];
  @ApiProperty({ type: ScopeChangedSinceView }) scopeChangedSince: ScopeChangedSinceView;
}
