import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Index for a document's timeline (GET /documents/{id}/history): every event of its revisions and
 * files carries `changes.documentId`, so the events of a document are found by this index and the
 * entity-id index together, without scanning its agency's chain.
 */
export class DocumentHistory1795300710000 implements MigrationInterface {
  name = 'DocumentHistory1795300710000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_events_document_idx ON audit_events ((changes->>'documentId'), seq) WHERE (changes->>'documentId') IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS audit_events_document_idx`);
  }
}
