import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One search vector per document and viewer class, kept on write: `document_search.in_force` is the
 * folded words (vn_unaccent, positions stripped) of the effective revision's content and of the
 * extracted text of its files, the one thing staff and the public may search; `open` is the same for
 * the open revision (draft, in review, pending approval, approved), for those who may read drafts.
 * Each has a GIN index, so `GET /documents?q=` finds a document with one lookup instead of building
 * the match sets of every revision's content and every file before visibility and LIMIT apply.
 *
 * Triggers keep the vectors true: a revision inserted, deleted, or with its content or state
 * changed; a file attached to or removed from a revision; a file's text extracted (every open or
 * effective revision carrying those bytes). `document_search_rebuild()` recomputes every row in one
 * statement (this migration's backfill, and bulk loads that disabled the triggers).
 *
 * The GIN indexes on revisions' content and on file_texts.tsv served only that search and go.
 */
export class DocumentSearchVectors1795302500000 implements MigrationInterface {
  name = 'DocumentSearchVectors1795302500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE AGGREGATE tsvector_union(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')`);
    await q.query(`
      CREATE TABLE document_search (
        document_id uuid PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        in_force tsvector,
        open tsvector
      )`);
    // The one SQL owner of which revisions feed which vector; the open states are OPEN_STATES (src/documents/document-types.ts).
    await q.query(`
      CREATE FUNCTION revision_search_class(state text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN state = 'effective' THEN 'in_force' WHEN state IN ('draft', 'in_review', 'pending_approval', 'approved') THEN 'open' END
      $$`);
    await q.query(`
      CREATE FUNCTION revision_search_vector(rev uuid) RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT strip(jsonb_to_tsvector('vn_unaccent'::regconfig, r.content, '["string"]')
                     || coalesce((SELECT tsvector_union(strip(ft.tsv)) FROM revision_files rf JOIN file_texts ft ON ft.sha256 = rf.sha256
                                   WHERE rf.revision_id = r.id), ''::tsvector))
          FROM revisions r WHERE r.id = rev
      $$`);
    await q.query(`
      CREATE FUNCTION document_search_refresh(doc uuid, of_in_force boolean, of_open boolean) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        v tsvector;
      BEGIN
        IF doc IS NULL OR NOT (of_in_force OR of_open) OR NOT EXISTS (SELECT 1 FROM documents WHERE id = doc) THEN
          RETURN;
        END IF;
        IF of_in_force THEN
          v := (SELECT revision_search_vector(r.id) FROM revisions r WHERE r.document_id = doc AND r.state = 'effective');
          INSERT INTO document_search AS s (document_id, in_force) VALUES (doc, v)
            ON CONFLICT (document_id) DO UPDATE SET in_force = EXCLUDED.in_force WHERE s.in_force IS DISTINCT FROM EXCLUDED.in_force;
        END IF;
        IF of_open THEN
          v := (SELECT revision_search_vector(r.id) FROM revisions r
                 WHERE r.document_id = doc AND revision_search_class(r.state) = 'open');
          INSERT INTO document_search AS s (document_id, open) VALUES (doc, v)
            ON CONFLICT (document_id) DO UPDATE SET open = EXCLUDED.open WHERE s.open IS DISTINCT FROM EXCLUDED.open;
        END IF;
      END $$`);
    await q.query(`
      CREATE FUNCTION revisions_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_class text := CASE WHEN TG_OP <> 'INSERT' THEN revision_search_class(OLD.state) END;
        new_class text := CASE WHEN TG_OP <> 'DELETE' THEN revision_search_class(NEW.state) END;
      BEGIN
        IF TG_OP = 'UPDATE' AND old_class IS NOT DISTINCT FROM new_class AND OLD.content = NEW.content THEN
          RETURN NULL;
        END IF;
        PERFORM document_search_refresh(CASE WHEN TG_OP = 'DELETE' THEN OLD.document_id ELSE NEW.document_id END,
                                        coalesce('in_force' IN (old_class, new_class), false), coalesce('open' IN (old_class, new_class), false));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER revisions_search AFTER INSERT OR DELETE OR UPDATE OF content, state ON revisions FOR EACH ROW EXECUTE FUNCTION revisions_search_refresh()`);
    await q.query(`
      CREATE FUNCTION revision_files_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        r record;
      BEGIN
        FOR r IN SELECT document_id, revision_search_class(state) AS class FROM revisions
                  WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.revision_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.revision_id END) LOOP
          PERFORM document_search_refresh(r.document_id, coalesce(r.class = 'in_force', false), coalesce(r.class = 'open', false));
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER revision_files_search AFTER INSERT OR DELETE OR UPDATE OF revision_id, sha256 ON revision_files FOR EACH ROW EXECUTE FUNCTION revision_files_search_refresh()`);
    await q.query(`
      CREATE FUNCTION file_texts_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        r record;
      BEGIN
        FOR r IN SELECT rv.document_id, bool_or(revision_search_class(rv.state) = 'in_force') AS in_force, bool_or(revision_search_class(rv.state) = 'open') AS open
                   FROM revision_files rf JOIN revisions rv ON rv.id = rf.revision_id
                  WHERE rf.sha256 = NEW.sha256 AND revision_search_class(rv.state) IS NOT NULL
                  GROUP BY rv.document_id LOOP
          PERFORM document_search_refresh(r.document_id, r.in_force, r.open);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER file_texts_search_insert AFTER INSERT ON file_texts FOR EACH ROW WHEN (NEW.text IS NOT NULL) EXECUTE FUNCTION file_texts_search_refresh()`);
    await q.query(`CREATE TRIGGER file_texts_search_update AFTER UPDATE OF text ON file_texts FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text) EXECUTE FUNCTION file_texts_search_refresh()`);
    await q.query(`
      CREATE FUNCTION document_search_rebuild() RETURNS bigint LANGUAGE sql AS $$
        WITH v AS (
          SELECT d.id,
                 (SELECT revision_search_vector(r.id) FROM revisions r WHERE r.document_id = d.id AND r.state = 'effective') AS in_force,
                 (SELECT revision_search_vector(r.id) FROM revisions r
                   WHERE r.document_id = d.id AND revision_search_class(r.state) = 'open') AS open
            FROM documents d),
        up AS (
          INSERT INTO document_search AS s (document_id, in_force, open) SELECT id, in_force, open FROM v
            ON CONFLICT (document_id) DO UPDATE SET in_force = EXCLUDED.in_force, open = EXCLUDED.open
            WHERE (s.in_force, s.open) IS DISTINCT FROM (EXCLUDED.in_force, EXCLUDED.open)
          RETURNING 1)
        SELECT count(*) FROM up
      $$`);
    await q.query(`SELECT document_search_rebuild()`);
    await q.query(`CREATE INDEX document_search_in_force_idx ON document_search USING gin (in_force)`);
    await q.query(`CREATE INDEX document_search_open_idx ON document_search USING gin (open)`);
    await q.query(`DROP INDEX IF EXISTS revisions_content_tsv_idx`);
    await q.query(`DROP INDEX IF EXISTS file_texts_tsv_idx`);
    await q.query(`ANALYZE document_search`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS file_texts_tsv_idx ON file_texts USING gin (tsv)`);
    await q.query(`CREATE INDEX IF NOT EXISTS revisions_content_tsv_idx ON revisions USING gin (jsonb_to_tsvector('vn_unaccent'::regconfig, content, '["string"]'))`);
    await q.query(`DROP TRIGGER IF EXISTS file_texts_search_update ON file_texts`);
    await q.query(`DROP TRIGGER IF EXISTS file_texts_search_insert ON file_texts`);
    await q.query(`DROP TRIGGER IF EXISTS revision_files_search ON revision_files`);
    await q.query(`DROP TRIGGER IF EXISTS revisions_search ON revisions`);
    await q.query(`DROP FUNCTION IF EXISTS document_search_rebuild()`);
    await q.query(`DROP FUNCTION IF EXISTS file_texts_search_refresh()`);
    await q.query(`DROP FUNCTION IF EXISTS revision_files_search_refresh()`);
    await q.query(`DROP FUNCTION IF EXISTS revisions_search_refresh()`);
    await q.query(`DROP FUNCTION IF EXISTS revision_search_class(text)`);
    await q.query(`DROP FUNCTION IF EXISTS document_search_refresh(uuid, boolean, boolean)`);
    await q.query(`DROP FUNCTION IF EXISTS revision_search_vector(uuid)`);
    await q.query(`DROP TABLE IF EXISTS document_search`);
    await q.query(`DROP AGGREGATE IF EXISTS tsvector_union(tsvector)`);
  }
}
