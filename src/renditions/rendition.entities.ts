import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../database/columns.js';
import type { RevisionState } from '../documents/document-types.js';

/**
 * A controlled-copy PDF of one revision as it was in one state, with one page layout, for one
 * digest of its content: the bytes live in the content-addressed store (`sha256`). Never updated;
 * renditions of approved and later states are records and never deleted (database trigger).
 */
@Entity('renditions')
export class Rendition {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'revision_id', type: 'uuid' })
  revisionId: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  /** The revision's state the PDF is stamped for (its watermark). */
  @Column({ type: 'text' })
  state: RevisionState;

  @Column({ name: 'layout_version', type: 'int' })
  layoutVersion: number;

  /** The revision digest (content, change summary, files) the PDF was rendered from. */
  @Column({ type: 'text' })
  digest: string;

  /** SHA-256 of the PDF bytes (the stored object). */
  @Column({ type: 'text' })
  sha256: string;

  @Column({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  size: number;

  @Column({ name: 'page_count', type: 'int' })
  pageCount: number;

  /** What did not stop the rendering: `source_pdf_unreadable: ...`, `sign_off_invalid: ...`. */
  @Column({ type: 'jsonb', default: () => `'[]'::jsonb` })
  warnings: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export const RENDITION_REQUEST_STATUSES = ['pending', 'ready', 'failed', 'moot'] as const;
export type RenditionRequestStatus = (typeof RENDITION_REQUEST_STATUSES)[number];

/**
 * The render request of a revision in a state with a layout: pending (queued or retrying), ready
 * (rendered for `digest`), failed (every attempt failed; `lastError`), moot (the revision left the
 * state before it was rendered). `generation` grows with every request, so a job that finds it
 * changed while it rendered renders again; `round` grows when a failed request is asked again, and
 * names a new job (`render_<revision>_<state>_<layout>_r<round>`).
 */
@Entity('rendition_requests')
export class RenditionRequest {
  @PrimaryColumn({ name: 'revision_id', type: 'uuid' })
  revisionId: string;

  @PrimaryColumn({ type: 'text' })
  state: RevisionState;

  @PrimaryColumn({ name: 'layout_version', type: 'int' })
  layoutVersion: number;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ type: 'text' })
  status: RenditionRequestStatus;

  @Column({ type: 'int' })
  generation: number;

  @Column({ type: 'int' })
  round: number;

  @Column({ name: 'job_id', type: 'text' })
  jobId: string;

  @Column({ name: 'rendition_id', type: 'uuid', nullable: true })
  renditionId: string | null;

  @Column({ type: 'text', nullable: true })
  digest: string | null;

  @Column({ type: 'int' })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** How the last failure is retried: a dependency outage (no attempt spent) or an error. */
  @Column({ name: 'retry_reason', type: 'text', nullable: true })
  retryReason: 'dependency_unavailable' | 'error' | null;

  @Column({ name: 'retry_dependency', type: 'text', nullable: true })
  retryDependency: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  /** Outages: the job fails for good if the dependency is still down then. */
  @Column({ name: 'gives_up_at', type: 'timestamptz', nullable: true })
  givesUpAt: Date | null;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

