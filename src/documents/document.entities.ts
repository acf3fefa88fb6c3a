import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../database/columns.js';
import type { DocumentType, FileRole, RevisionState } from './document-types.js';

/** A controlled document of an agency's register: identity (code, title, type) over its revisions. */
@Entity('documents')
export class Document {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ type: 'text' })
  type: DocumentType;

  /** As entered (NFC): "BM.01/QT-01". */
  @Column({ type: 'text' })
  code: string;

  /** NFC + lower case: unique per agency. */
  @Column({ name: 'code_key', type: 'text' })
  codeKey: string;

  @Column({ type: 'text' })
  title: string;

  /** Forms: the procedure (same agency) they belong to. */
  @Column({ name: 'procedure_id', type: 'uuid', nullable: true })
  procedureId: string | null;

  /** Procedures: national administrative-procedure code. */
  @Column({ name: 'tthc_code', type: 'text', nullable: true })
  tthcCode: string | null;

  @Column({ name: 'review_interval_months', type: 'int', default: 12 })
  reviewIntervalMonths: number;

  /** Quality objectives: the year they are for. */
  @Column({ type: 'int', nullable: true })
  year: number | null;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  @Column({ name: 'withdrawn_reason', type: 'text', nullable: true })
  withdrawnReason: string | null;

  @Column({ name: 'withdrawn_by', type: 'uuid', nullable: true })
  withdrawnBy: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One revision (lần ban hành) of a document. Frozen from `approved` on (see FROZEN_STATES). */
@Entity('revisions')
export class Revision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'document_id', type: 'uuid' })
  documentId: string;

  /** The document's agency, denormalised for scoping queries. */
  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  /** Assigned when the revision takes effect (max + 1 of the document); null before. */
  @Column({ type: 'int', nullable: true })
  number: number | null;

  @Column({ type: 'text' })
  state: RevisionState;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  content: Record<string, unknown>;

  @Column({ name: 'change_summary', type: 'text', nullable: true })
  changeSummary: string | null;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @Column({ name: 'based_on_revision_id', type: 'uuid', nullable: true })
  basedOnRevisionId: string | null;

  /** Optimistic-concurrency version: bumped by every change of the revision row (ETag). */
  @Column({ type: 'int', default: 1 })
  version: number;

  /** The date the approver set for it to take effect. */
  @Column({ name: 'effective_from', type: 'timestamptz', nullable: true })
  effectiveFrom: Date | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'effective_at', type: 'timestamptz', nullable: true })
  effectiveAt: Date | null;

  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt: Date | null;

  @Column({ name: 'obsolete_at', type: 'timestamptz', nullable: true })
  obsoleteAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A file of a revision: a reference to a content-addressed stored object. */
@Entity('revision_files')
export class RevisionFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'revision_id', type: 'uuid' })
  revisionId: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ type: 'text' })
  role: FileRole;

  /** NFC, without paths or control characters. */
  @Column({ type: 'text' })
  filename: string;

  /** Decided from the bytes (magic numbers), never from the name. */
  @Column({ name: 'media_type', type: 'text' })
  mediaType: string;

  @Column({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  size: number;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The registry of objects in S3, keyed by their SHA-256 (identical bytes are stored once). */
@Entity('stored_objects')
export class StoredObject {
  @PrimaryColumn({ type: 'text' })
  sha256: string;

  @Column({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  size: number;

  @Column({ name: 'media_type', type: 'text' })
  mediaType: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Last time the scrub job re-hashed the stored bytes. */
  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  /** Set when the stored bytes no longer hash to `sha256` (with the hash found). */
  @Column({ name: 'mismatch_at', type: 'timestamptz', nullable: true })
  mismatchAt: Date | null;

  @Column({ name: 'mismatch_sha256', type: 'text', nullable: true })
  mismatchSha256: string | null;
}

/** A legal document cited by a revision (content.legalBases), as a row found by index. */
@Entity('revision_citations')
export class RevisionCitation {
  @PrimaryColumn({ name: 'revision_id', type: 'uuid' })
  revisionId: string;

  @PrimaryColumn({ type: 'int' })
  position: number;

  @Column({ name: 'legal_document_id', type: 'uuid' })
  legalDocumentId: string;

  @Column({ type: 'text', nullable: true })
  articles: string | null;
}

/** One move of a revision's state (append-only history). */
@Entity('revision_transitions')
export class RevisionTransition {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'revision_id', type: 'uuid' })
  revisionId: string;

  /** Null for the creation of the revision. */
  @Column({ name: 'from_state', type: 'text', nullable: true })
  fromState: RevisionState | null;

  @Column({ name: 'to_state', type: 'text' })
  toState: RevisionState;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName: string | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'timestamptz', insert: false, update: false })
  at: Date;
}

/** A condition raised on a document that needs attention (legal basis changed, review overdue...). */
@Entity('document_flags')
export class DocumentFlag {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'document_id', type: 'uuid' })
  documentId: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'due_on', type: 'date', nullable: true })
  dueOn: string | null;

  /** What raised it (e.g. a legal change id); one active flag per (document, kind, source). */
  @Column({ name: 'source_id', type: 'uuid', nullable: true })
  sourceId: string | null;

  @Column({ name: 'raised_at', type: 'timestamptz', insert: false, update: false })
  raisedAt: Date;

  @Column({ name: 'cleared_at', type: 'timestamptz', nullable: true })
  clearedAt: Date | null;

  @Column({ name: 'cleared_by', type: 'uuid', nullable: true })
  clearedBy: string | null;

  @Column({ name: 'cleared_by_revision_id', type: 'uuid', nullable: true })
  clearedByRevisionId: string | null;

  @Column({ name: 'clear_note', type: 'text', nullable: true })
  clearNote: string | null;
}

