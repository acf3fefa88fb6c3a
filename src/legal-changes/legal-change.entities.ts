import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const LEGAL_CHANGE_KINDS = ['amended', 'replaced', 'repealed'] as const;
export type LegalChangeKind = (typeof LEGAL_CHANGE_KINDS)[number];

export const LEGAL_CHANGE_STATUSES = ['pending', 'running', 'completed', 'completed_with_failures'] as const;
export type LegalChangeStatus = (typeof LEGAL_CHANGE_STATUSES)[number];

export const LEGAL_CHANGE_ITEM_STATUSES = ['pending', 'done', 'failed'] as const;
export type LegalChangeItemStatus = (typeof LEGAL_CHANGE_ITEM_STATUSES)[number];

export const LEGAL_CHANGE_OUTCOMES = ['draft_created', 'draft_updated', 'needs_attention', 'failed'] as const;
export type LegalChangeOutcome = (typeof LEGAL_CHANGE_OUTCOMES)[number];

/**
 * A change of a legal document (amended, replaced or repealed) posted to the registry, and the
 * progress of regenerating every document that cites it. `processed` counts items finished (done or
 * failed); the change is complete when `processed = total`.
 */
@Entity('legal_changes')
export class LegalChange {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The document that changed (amended, replaced or repealed). */
  @Column({ name: 'legal_document_id', type: 'uuid' })
  legalDocumentId: string;

  @Column({ type: 'text' })
  kind: LegalChangeKind;

  /** The amending / replacing act (optional for a repeal). */
  @Column({ name: 'by_legal_document_id', type: 'uuid', nullable: true })
  byLegalDocumentId: string | null;

  /** The registry relation the change recorded (or adopted). */
  @Column({ name: 'relation_id', type: 'uuid' })
  relationId: string;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'text' })
  status: LegalChangeStatus;

  @Column({ type: 'int' })
  total: number;

  @Column({ type: 'int' })
  processed: number;

  @Column({ type: 'int' })
  failed: number;

  /** Bumped by every re-queue (retry endpoint, sweep): job ids of later rounds carry it as a suffix. */
  @Column({ type: 'int' })
  round: number;

  /** The id of the fan-out job that is (or was last) queued for the change. */
  @Column({ name: 'fanout_job_id', type: 'text' })
  fanoutJobId: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One citing document of a change and the outcome of its regeneration. */
@Entity('legal_change_items')
export class LegalChangeItem {
  @PrimaryColumn({ name: 'change_id', type: 'uuid' })
  changeId: string;

  @PrimaryColumn({ name: 'document_id', type: 'uuid' })
  documentId: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'batch_no', type: 'int' })
  batchNo: number;

  @Column({ type: 'text' })
  status: LegalChangeItemStatus;

  @Column({ type: 'text', nullable: true })
  outcome: LegalChangeOutcome | null;

  /** Stable code of the reason (legal_basis_repealed, revision_in_workflow, articles_to_review, error codes...). */
  @Column({ name: 'reason_code', type: 'text', nullable: true })
  reasonCode: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'draft_revision_id', type: 'uuid', nullable: true })
  draftRevisionId: string | null;

  @Column({ type: 'int' })
  attempts: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
