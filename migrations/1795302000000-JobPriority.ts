import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox rows carry the BullMQ priority of their job (null: none). A render somebody is waiting
 * for (the first read of a draft's controlled copy) goes ahead of background renders; the relay
 * passes the priority on, and raises it on a job already waiting in Redis.
 */
export class JobPriority1795302000000 implements MigrationInterface {
  name = 'JobPriority1795302000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_outbox ADD COLUMN priority int CHECK (priority BETWEEN 1 AND 2097152)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_outbox DROP COLUMN priority`);
  }
}
