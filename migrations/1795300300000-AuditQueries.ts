import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Index for the audit trail queries: an entity's history by its id alone (GET /audit-events?entityId=,
 * document history). The foundation's (entity_type, entity_id, occurred_at) index needs the type too.
 */
export class AuditQueries1795300300000 implements MigrationInterface {
  name = 'AuditQueries1795300300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_events_entity_id_idx ON audit_events (entity_id, occurred_at, id) WHERE entity_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS audit_events_entity_id_idx`);
  }
}
