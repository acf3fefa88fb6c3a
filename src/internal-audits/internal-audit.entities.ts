import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditState, FindingKind } from './internal-audit-types.js';

/** What an audit covers: units, processes, and procedures of the register by id. */
export interface AuditScope {
  units: string[];
  processes: string[];
  documentIds: string[];
}

/** An internal audit (đánh giá chất lượng nội bộ) of an agency for a year. */
@Entity('internal_audits')
export class InternalAudit {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'agency_id', type: 'uuid' }) agencyId: string;
  @Column({ type: 'int' }) year: number;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'jsonb' }) scope: AuditScope;
  @Column({ type: 'text' }) criteria: string;
  @Column({ name: 'planned_from', type: 'date' }) plannedFrom: string;
  @Column({ name: 'planned_to', type: 'date' }) plannedTo: string;
  @Column({ name: 'lead_auditor_id', type: 'uuid' }) leadAuditorId: string;
  @Column({ type: 'text' }) state: AuditState;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'approved_by', type: 'uuid', nullable: true }) approvedBy: string | null;
  @Column({ name: 'approver_name', type: 'text', nullable: true }) approverName: string | null;
  @Column({ name: 'approver_title', type: 'text', nullable: true }) approverTitle: string | null;
  @Column({ name: 'approver_role', type: 'text', nullable: true }) approverRole: 'head' | 'deputy' | null;
  @Column({ name: 'delegation_id', type: 'uuid', nullable: true }) delegationId: string | null;
  @Column({ name: 'on_behalf_of_id', type: 'uuid', nullable: true }) onBehalfOfId: string | null;
  @Column({ name: 'on_behalf_of_name', type: 'text', nullable: true }) onBehalfOfName: string | null;
  @Column({ name: 'on_behalf_of_title', type: 'text', nullable: true }) onBehalfOfTitle: string | null;
  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true }) approvedAt: Date | null;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ type: 'text', nullable: true }) summary: string | null;
  @Column({ type: 'text', nullable: true }) conclusion: string | null;
  @Column({ name: 'reported_by', type: 'uuid', nullable: true }) reportedBy: string | null;
  @Column({ name: 'reporter_name', type: 'text', nullable: true }) reporterName: string | null;
  @Column({ name: 'reporter_title', type: 'text', nullable: true }) reporterTitle: string | null;
  @Column({ name: 'reported_at', type: 'timestamptz', nullable: true }) reportedAt: Date | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
}

/** A member of the audit team (one of them the lead auditor). */
@Entity('internal_audit_auditors')
export class InternalAuditAuditor {
  @PrimaryColumn({ name: 'audit_id', type: 'uuid' }) auditId: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'boolean' }) lead: boolean;
}

/** A finding of an audit; a nonconformity finding opened the nonconformity it names. */
@Entity('audit_findings')
export class AuditFinding {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'audit_id', type: 'uuid' }) auditId: string;
  @Column({ name: 'agency_id', type: 'uuid' }) agencyId: string;
  @Column({ type: 'int' }) no: number;
  @Column({ type: 'text' }) kind: FindingKind;
  @Column({ type: 'text' }) clause: string;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'text', nullable: true }) evidence: string | null;
  @Column({ name: 'document_id', type: 'uuid', nullable: true }) documentId: string | null;
  @Column({ name: 'nonconformity_id', type: 'uuid', nullable: true }) nonconformityId: string | null;
  @Column({ name: 'auditor_id', type: 'uuid' }) auditorId: string;
  @Column({ name: 'auditor_name', type: 'text' }) auditorName: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
