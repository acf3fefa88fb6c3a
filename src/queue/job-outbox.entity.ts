import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The journal of queued work. A row is written in the same transaction as the change that needs
 * the job (so a job is never sent for a change that rolled back, and never lost when Redis is
 * down), put on the queue by the OutboxRelay, and deleted when the job completes or finally
 * fails (the worker settles it). The relay re-sends rows whose job Redis no longer knows (Redis restarted empty).
 */
@Entity('job_outbox')
export class JobOutboxEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** REDIS_PREFIX of the instance that wrote it: only relays of that namespace send it (null: any). */
  @Column({ type: 'text', nullable: true })
  namespace: string | null;

  @Column({ type: 'text' })
  queue: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'job_id', type: 'text' })
  jobId: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ name: 'run_at', type: 'timestamptz', nullable: true })
  runAt: Date | null;

  /** BullMQ priority of the job (1 first); null: none (BullMQ takes such jobs before prioritized ones). */
  @Column({ type: 'int', nullable: true })
  priority: number | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** Times the relay ran the job again after it failed for good unsettled (see OutboxRelay.reconcile). */
  @Column({ type: 'int', default: 0 })
  resends: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When the relay last put it on the queue; the row stays until the job completes or finally fails. */
  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;
}
