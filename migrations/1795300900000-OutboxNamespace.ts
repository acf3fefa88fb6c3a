import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox rows belong to the Redis namespace (REDIS_PREFIX) of the instance that wrote them: a relay
 * only sends its own namespace's rows, so instances with different prefixes sharing one database
 * (tenants, test runs) never run each other's jobs. Rows without a namespace (written before this
 * migration) may be sent by any relay.
 */
export class OutboxNamespace1795300900000 implements MigrationInterface {
  name = 'OutboxNamespace1795300900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_outbox ADD COLUMN namespace text`);
    await q.query(`DROP INDEX job_outbox_queue_job_id_key`);
    await q.query(`CREATE UNIQUE INDEX job_outbox_namespace_queue_job_id_key ON job_outbox (coalesce(namespace, ''), queue, job_id)`);
    await q.query(`DROP INDEX job_outbox_pending_idx`);
    await q.query(`CREATE INDEX job_outbox_pending_idx ON job_outbox (namespace, id) WHERE dispatched_at IS NULL`);
    await q.query(`DROP INDEX job_outbox_dispatched_idx`);
    await q.query(`CREATE INDEX job_outbox_dispatched_idx ON job_outbox (namespace, dispatched_at) WHERE dispatched_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX job_outbox_dispatched_idx`);
    await q.query(`CREATE INDEX job_outbox_dispatched_idx ON job_outbox (dispatched_at) WHERE dispatched_at IS NOT NULL`);
    await q.query(`DROP INDEX job_outbox_pending_idx`);
    await q.query(`CREATE INDEX job_outbox_pending_idx ON job_outbox (id) WHERE dispatched_at IS NULL`);
    await q.query(`DROP INDEX job_outbox_namespace_queue_job_id_key`);
    await q.query(`CREATE UNIQUE INDEX job_outbox_queue_job_id_key ON job_outbox (queue, job_id)`);
    await q.query(`ALTER TABLE job_outbox DROP COLUMN namespace`);
  }
}
