import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `document_search` carries its document's `code_key` and `agency_id`, so the text arm of
 * `GET /documents?q=` filters (agencies the caller may read, and the revision in force or the open
 * one) and orders (code order, the register's) on the vector table alone: it walks
 * `document_search_order_idx` (or, for one agency, `document_search_agency_idx`) checking the
 * vectors on the row it is on, and joins the documents of the page only, instead of fetching a
 * document row and then its vectors for every row walked.
 *
 * Kept by triggers: a new row takes its document's values (BEFORE INSERT, whatever inserts it:
 * document_search_refresh, document_search_rebuild), and a document whose code or agency changes
 * updates its row. The backfill is one UPDATE (100,000 documents: seconds).
 */
export class DocumentSearchOrder1795302550000 implements MigrationInterface {
  name = 'DocumentSearchOrder1795302550000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE document_search ADD COLUMN code_key text, ADD COLUMN agency_id uuid`);
    // The indexes before the backfill: built after it, in its transaction, they would be marked
    // usable only once every transaction older than it has ended (broken HOT chains, indcheckxmin).
    await q.query(`CREATE INDEX document_search_order_idx ON document_search (code_key, document_id)`);
    await q.query(`CREATE INDEX document_search_agency_idx ON document_search (agency_id, code_key, document_id)`);
    await q.query(`UPDATE document_search s SET code_key = d.code_key, agency_id = d.agency_id FROM documents d WHERE d.id = s.document_id`);
    await q.query(`ALTER TABLE document_search ALTER COLUMN code_key SET NOT NULL, ALTER COLUMN agency_id SET NOT NULL`);
    await q.query(`
      CREATE FUNCTION document_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT d.code_key, d.agency_id INTO NEW.code_key, NEW.agency_id FROM documents d WHERE d.id = NEW.document_id;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER document_search_fill BEFORE INSERT ON document_search FOR EACH ROW EXECUTE FUNCTION document_search_fill()`);
    await q.query(`
      CREATE FUNCTION documents_search_identity() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE document_search SET code_key = NEW.code_key, agency_id = NEW.agency_id WHERE document_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER documents_search_identity AFTER UPDATE OF code_key, agency_id ON documents
        FOR EACH ROW WHEN (OLD.code_key IS DISTINCT FROM NEW.code_key OR OLD.agency_id IS DISTINCT FROM NEW.agency_id)
        EXECUTE FUNCTION documents_search_identity()`);
    await q.query(`ANALYZE document_search`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS documents_search_identity ON documents`);
    await q.query(`DROP FUNCTION IF EXISTS documents_search_identity()`);
    await q.query(`DROP TRIGGER IF EXISTS document_search_fill ON document_search`);
    await q.query(`DROP FUNCTION IF EXISTS document_search_fill()`);
    await q.query(`DROP INDEX IF EXISTS document_search_agency_idx`);
    await q.query(`DROP INDEX IF EXISTS document_search_order_idx`);
    await q.query(`ALTER TABLE document_search DROP COLUMN IF EXISTS agency_id, DROP COLUMN IF EXISTS code_key`);
  }
}
