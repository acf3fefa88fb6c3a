import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The legal registry's rules in the database: the number key is computed here (the app's
 * legalNumberKey() mirrors it), the type vocabulary and date order are checked, and relations
 * between legal documents (amends / replaces / repeals / partially_repeals) form an append-only history.
 */
export class LegalRelations1795300060000 implements MigrationInterface {
  name = 'LegalRelations1795300060000';

  async up(q: QueryRunner): Promise<void> {
    // "19/2014/QĐ-TTg" and "19/2014/qđ-ttg" -> "19/2014/qd-ttg": folded, whitespace removed.
    await q.query(`
      CREATE FUNCTION legal_number_key(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT regexp_replace(search_fold($1), '\\s+', '', 'g') $$`);
    await q.query(`
      CREATE FUNCTION legal_documents_set_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.number_key := legal_number_key(NEW.number);
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER legal_documents_set_key BEFORE INSERT OR UPDATE OF number, number_key ON legal_documents FOR EACH ROW EXECUTE FUNCTION legal_documents_set_key()`);
    await q.query(`UPDATE legal_documents SET number_key = legal_number_key(number)`);

    await q.query(`
      ALTER TABLE legal_documents
        ADD COLUMN import_id uuid,
        ADD CONSTRAINT legal_documents_type_check CHECK (type IN (
          'code', 'law', 'ordinance', 'order', 'resolution', 'joint_resolution', 'decree', 'decision', 'circular',
          'joint_circular', 'directive', 'official_letter', 'plan', 'guidance', 'notice', 'standard', 'other')),
        ADD CONSTRAINT legal_documents_dates_check CHECK (effective_from >= issued_on),
        ADD CONSTRAINT legal_documents_issuer_check CHECK (length(issuer) BETWEEN 1 AND 300),
        ADD CONSTRAINT legal_documents_title_check CHECK (length(title) BETWEEN 1 AND 1000)`);
    await q.query(`CREATE INDEX legal_documents_list_idx ON legal_documents (issued_on DESC, id)`);
    await q.query(`CREATE INDEX legal_documents_import_idx ON legal_documents (import_id) WHERE import_id IS NOT NULL`);

    // from_id is the newer act; it may be absent only for repeals (expired, or repealed by an act not in the registry).
    await q.query(`
      CREATE TABLE legal_document_relations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        from_id uuid REFERENCES legal_documents(id),
        kind text NOT NULL CHECK (kind IN ('amends', 'replaces', 'repeals', 'partially_repeals')),
        to_id uuid NOT NULL REFERENCES legal_documents(id),
        effective_from date NOT NULL,
        note text CHECK (note IS NULL OR length(note) <= 2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid REFERENCES users(id),
        CHECK (from_id IS NULL OR from_id <> to_id),
        CHECK (from_id IS NOT NULL OR kind IN ('repeals', 'partially_repeals'))
      )`);
    await q.query(`CREATE UNIQUE INDEX legal_document_relations_unique ON legal_document_relations (from_id, kind, to_id) WHERE from_id IS NOT NULL`);
    // A document is replaced or repealed at most once.
    await q.query(`CREATE UNIQUE INDEX legal_document_relations_one_end ON legal_document_relations (to_id) WHERE kind IN ('replaces', 'repeals')`);
    await q.query(`CREATE INDEX legal_document_relations_to_idx ON legal_document_relations (to_id, effective_from, id)`);
    await q.query(`CREATE INDEX legal_document_relations_from_idx ON legal_document_relations (from_id, effective_from, id) WHERE from_id IS NOT NULL`);
    await q.query(`CREATE TRIGGER legal_document_relations_append_only BEFORE UPDATE OR DELETE ON legal_document_relations FOR EACH ROW EXECUTE FUNCTION reject_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS legal_document_relations`);
    await q.query(`DROP INDEX IF EXISTS legal_documents_import_idx`);
    await q.query(`DROP INDEX IF EXISTS legal_documents_list_idx`);
    await q.query(`
      ALTER TABLE legal_documents
        DROP CONSTRAINT IF EXISTS legal_documents_title_check,
        DROP CONSTRAINT IF EXISTS legal_documents_issuer_check,
        DROP CONSTRAINT IF EXISTS legal_documents_dates_check,
        DROP CONSTRAINT IF EXISTS legal_documents_type_check,
        DROP COLUMN IF EXISTS import_id`);
    await q.query(`DROP TRIGGER IF EXISTS legal_documents_set_key ON legal_documents`);
    await q.query(`DROP FUNCTION IF EXISTS legal_documents_set_key()`);
    await q.query(`DROP FUNCTION IF EXISTS legal_number_key(text)`);
  }
}
