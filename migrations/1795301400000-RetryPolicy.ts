import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retries that outlast dependency outages (src/queue/retry-policy.ts), and resends of jobs whose
 * final failure the database never heard of:
 * - `rendition_requests`: how the last failure is retried — `retry_reason` `dependency_unavailable`
 *   (a dependency is down: retried until `gives_up_at` without spending attempts) or `error` —,
 *   which dependency, and when the next attempt runs;
 * - `job_outbox.resends`: how often the relay ran a job again because it had failed for good while
 *   its outbox row was still there (the final failure was never settled in the database).
 */
export class RetryPolicy1795301400000 implements MigrationInterface {
  name = 'RetryPolicy1795301400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rendition_requests
        ADD COLUMN retry_reason text CHECK (retry_reason IN ('dependency_unavailable', 'error')),
        ADD COLUMN retry_dependency text CHECK (retry_dependency IN ('database', 'redis', 'storage', 'network')),
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN gives_up_at timestamptz`);
    await q.query(`ALTER TABLE job_outbox ADD COLUMN resends int NOT NULL DEFAULT 0 CHECK (resends >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_outbox DROP COLUMN resends`);
    await q.query(`ALTER TABLE rendition_requests DROP COLUMN retry_reason, DROP COLUMN retry_dependency, DROP COLUMN next_attempt_at, DROP COLUMN gives_up_at`);
  }
}
