import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NonconformitySeverity, NonconformitySource, NonconformityState } from './nonconformity-types.js';

/** A nonconformity (điểm không phù hợp): what was found, its correction, root cause and state. */
@Entity('nonconformities')
export class Nonconformity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'agency_id', type: 'uuid' }) agencyId: string;
  /** Sequence number within the agency (printed "KPH-<number>"). */
  @Column({ type: 'int' }) number: number;
  @Column({ type: 'text' }) source: NonconformitySource;
  /** The object of the source module that raised it (e.g. `internal_audit` and its id), or null. */
  @Column({ name: 'source_kind', type: 'text', nullable: true }) sourceKind: string | null;
  @Column({ name: 'source_id', type: 'uuid', nullable: true }) sourceId: string | null;
  @Column({ type: 'text' }) severity: NonconformitySeverity;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'text', nullable: true }) clause: string | null;
  @Column({ name: 'document_id', type: 'uuid', nullable: true }) documentId: string | null;
  @Column({ type: 'text', nullable: true }) correction: string | null;
  @Column({ name: 'root_cause', type: 'text', nullable: true }) rootCause: string | null;
  @Column({ type: 'text' }) state: NonconformityState;
  @Column({ type: 'int' }) version: number;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ name: 'closed_by', type: 'uuid', nullable: true }) closedBy: string | null;
}

/** A corrective action of a nonconformity: who, by when, and (optionally) the document to change. */
@Entity('corrective_actions')
export class CorrectiveAction {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'nonconformity_id', type: 'uuid' }) nonconformityId: string;
  @Column({ name: 'agency_id', type: 'uuid' }) agencyId: string;
  @Column({ type: 'text' }) description: string;
  @Column({ name: 'responsible_user_id', type: 'uuid' }) responsibleUserId: string;
  /** YYYY-MM-DD. */
  @Column({ name: 'due_on', type: 'date' }) dueOn: string;
  @Column({ name: 'document_id', type: 'uuid', nullable: true }) documentId: string | null;
  @Column({ type: 'text' }) state: 'open' | 'complete';
  @Column({ type: 'text', nullable: true }) evidence: string | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'completed_by', type: 'uuid', nullable: true }) completedBy: string | null;
  /** The effective revision of `documentId` that let the action complete. */
  @Column({ name: 'completed_revision_id', type: 'uuid', nullable: true }) completedRevisionId: string | null;
  /** When the responsible user and the secretaries were told it is overdue (once). */
  @Column({ name: 'overdue_notified_at', type: 'timestamptz', nullable: true }) overdueNotifiedAt: Date | null;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** A verification of effectiveness (effective → closed; not effective → back to action planned). */
@Entity('nonconformity_verifications')
export class NonconformityVerification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'nonconformity_id', type: 'uuid' }) nonconformityId: string;
  @Column({ name: 'agency_id', type: 'uuid' }) agencyId: string;
  @Column({ type: 'boolean' }) effective: boolean;
  @Column({ type: 'text' }) comment: string;
  @Column({ name: 'verified_by', type: 'uuid' }) verifiedBy: string;
  @Column({ name: 'verifier_name', type: 'text' }) verifierName: string;
  @Column({ name: 'verifier_title', type: 'text', nullable: true }) verifierTitle: string | null;
  @Column({ name: 'verified_at', type: 'timestamptz' }) verifiedAt: Date;
}
