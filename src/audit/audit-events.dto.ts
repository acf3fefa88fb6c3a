import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';

/** Dotted lower-case action names (`revision.submitted`), optionally a whole family (`revision.*`). */
export const ACTION_FILTER_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$/;
export const ENTITY_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const AUDIT_ORDERS = ['desc', 'asc'] as const;
export type AuditOrder = (typeof AUDIT_ORDERS)[number];

export class AuditEventQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this agency\'s events (404 when it is outside your audit scope).' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional({ example: 'membership', pattern: ENTITY_TYPE_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(ENTITY_TYPE_PATTERN, { message: 'must be a lower-case entity type such as document or membership' })
  entityType?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  entityId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Events caused by this user.' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'membership.updated', description: 'An exact action, or a family with a trailing `.*` (e.g. `revision.*`).' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(ACTION_FILTER_PATTERN, { message: 'must be a dotted action such as agency.updated, or a family such as agency.*' })
  action?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this instant (ISO 8601).' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or before this instant (ISO 8601); not before `from`.' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: AUDIT_ORDERS, default: 'desc', description: 'By time of the event, then id: newest first (default) or oldest first.' })
  @IsOptional()
  @IsIn(AUDIT_ORDERS)
  order?: AuditOrder;
}

export class AuditActorView {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for the system itself (seeding, scheduled work).' }) id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Nguyễn Văn A', description: 'The name at the time of the event.' }) name: string | null;
}

export class AuditEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for system events (logins, user accounts).' }) agencyId: string | null;
  @ApiProperty({ description: 'Position in the agency\'s (or the system\'s) hash chain, from 1.', example: 42 }) seq: number;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: AuditActorView, nullable: true, description: 'Null when neither a user nor the system is named (e.g. a failed login for an unknown username).' })
  actor: AuditActorView | null;
  @ApiProperty({ example: 'membership.updated' }) action: string;
  @ApiProperty({ example: 'membership' }) entityType: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) entityId: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Changed fields as `{field: {old, new}}`, or other JSON describing the event.',
    example: { roles: { old: ['staff'], new: ['drafter'] } },
  })
  changes: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, description: 'The id of the request that caused the event: the client\'s X-Request-Id when it was a UUID, else generated.' }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The client\'s own X-Request-Id when it was not a UUID (printable ASCII, at most 128 characters).' }) clientRequestId: string | null;
  @ApiProperty({ nullable: true, type: String, example: '203.113.10.5' }) clientAddress: string | null;
  @ApiProperty({ description: 'SHA-256 (hex) over the previous hash and this event\'s canonical content.' }) hash: string;
  @ApiProperty({ nullable: true, type: String, description: 'Hash of the previous event of the same chain; null for the first.' }) prevHash: string | null;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class VerifyChainQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'The agency whose chain to verify. Omitted: the system chain (system administrator only).' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;
}

export const CHAIN_BREAK_REASONS = ['seq_gap', 'prev_hash_mismatch', 'hash_mismatch'] as const;
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

export class ChainVerification {
  @ApiProperty({ description: 'True when every event of the chain is intact and linked to the previous one.' }) ok: boolean;
  @ApiProperty({ description: 'Events checked.', example: 1250 }) checked: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for the system chain.' }) agencyId: string | null;
  @ApiPropertyOptional({ format: 'uuid', description: 'The first event (by seq) whose link or content does not verify.' }) firstBrokenEventId?: string;
  @ApiPropertyOptional({ example: 17 }) firstBrokenSeq?: number;
  @ApiPropertyOptional({
    enum: CHAIN_BREAK_REASONS,
    description:
      'seq_gap: events before this one are missing (deleted); prev_hash_mismatch: its prevHash is not the previous event\'s hash (an earlier event was replaced); hash_mismatch: its content was edited.',
  })
  reason?: ChainBreakReason;
  @ApiProperty({ nullable: true, type: Number, description: 'Seq of the last event: keep it (with headHash) outside the system to detect later removal of the newest events.' })
  headSeq: number | null;
  @ApiProperty({ nullable: true, type: String }) headHash: string | null;
  @ApiProperty({ format: 'date-time' }) verifiedAt: string;
}

export class ChainBreakView {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for the system chain.' }) agencyId: string | null;
  @ApiProperty({ format: 'uuid' }) firstBrokenEventId: string;
  @ApiProperty() firstBrokenSeq: number;
  @ApiProperty({ enum: CHAIN_BREAK_REASONS }) reason: ChainBreakReason;
}

export class AllChainsVerification {
  @ApiProperty({ description: 'True when every chain verifies.' }) ok: boolean;
  @ApiProperty({ description: 'Chains checked (each agency with events, and the system chain).' }) chains: number;
  @ApiProperty({ description: 'Events checked in all chains.' }) checked: number;
  @ApiProperty({ type: [ChainBreakView], description: 'The first broken event of every broken chain.' }) broken: ChainBreakView[];
  @ApiProperty({ format: 'date-time' }) verifiedAt: string;
}
