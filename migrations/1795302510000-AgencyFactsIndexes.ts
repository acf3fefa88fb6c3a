import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the agency figures asked for many agencies at once (the province overview) and for
 * one (a periodic report): the revisions that took effect, per agency and date, carrying what the
 * documents' figures read so they are answered from the index alone; the corrective actions per
 * agency and due date (the late actions of the nonconformities' figures).
 */
export class AgencyFactsIndexes1795302510000 implements MigrationInterface {
  name = 'AgencyFactsIndexes1795302510000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX revisions_agency_effective_idx ON revisions (agency_id, effective_at) INCLUDE (document_id, superseded_at, obsolete_at) WHERE effective_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX corrective_actions_agency_due_idx ON corrective_actions (agency_id, due_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS corrective_actions_agency_due_idx`);
    await q.query(`DROP INDEX IF EXISTS revisions_agency_effective_idx`);
  }
}
