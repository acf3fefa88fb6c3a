import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One append-only audit event. `chain` (the agency, or the nil UUID for system events), `seq`,
 * `prevHash`, `hash` and `occurredAt` are set by the database trigger, which links each event to
 * the previous one of its chain; UPDATE and DELETE are refused by another trigger.
 */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', insert: false, update: false })
  chain: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column({ name: 'agency_id', type: 'uuid', nullable: true })
  agencyId: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', insert: false, update: false })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'uuid', nullable: true })
  entityId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  changes: Record<string, unknown> | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  /** The client's own X-Request-Id when it was not a UUID (not part of the hash chain when null). */
  @Column({ name: 'client_request_id', type: 'text', nullable: true })
  clientRequestId: string | null;

  @Column({ name: 'client_ip', type: 'text', nullable: true })
  clientIp: string | null;

  @Column({ name: 'prev_hash', type: 'text', nullable: true, insert: false, update: false })
  prevHash: string | null;

  @Column({ type: 'text', insert: false, update: false })
  hash: string;
}
