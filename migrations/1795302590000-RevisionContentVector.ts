import type { MigrationInterface, QueryRunner } from 'typeorm';

const VECTOR = `jsonb_to_tsvector('vn_unaccent'::regconfig, content, '["string"]')`;

/**
 * Each revision keeps the words of its content (`revisions.content_tsv`, the `vn_unaccent` vector
 * of every string in it), set by a BEFORE trigger whenever the content is written. The register's
 * snippets (DocumentSearch.matchesSql) test each page revision's words twice (some / every word)
 * and rebuilt the vector from the JSON each time (40–80 µs a revision, 100 revisions a page); the
 * document's search vectors (revision_search_vector) read it too instead of building it again.
 *
 * A plain column, not a generated one: in a BEFORE trigger a generated column of NEW is still
 * null, and the revisions guard compares NEW with OLD. The backfill runs with the guard disabled
 * (it would refuse any update of a revision in force); nothing else changes in those rows.
 * The expression index on the same vector (migration FileText) goes: nothing looks content up by
 * it since document_search.
 */
export class RevisionContentVector1795302590000 implements MigrationInterface {
  name = 'RevisionContentVector1795302590000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE revisions ADD COLUMN content_tsv tsvector`);
    await q.query(`
      CREATE FUNCTION revisions_content_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.content_tsv := jsonb_to_tsvector('vn_unaccent'::regconfig, NEW.content, '["string"]');
        RETURN NEW;
      END $$`);
    await q.query(`ALTER TABLE revisions DISABLE TRIGGER revisions_guard`);
    await q.query(`UPDATE revisions SET content_tsv = ${VECTOR}`);
    await q.query(`ALTER TABLE revisions ENABLE TRIGGER revisions_guard`);
    await q.query(`CREATE TRIGGER revisions_content_vector BEFORE INSERT OR UPDATE OF content ON revisions FOR EACH ROW EXECUTE FUNCTION revisions_content_vector()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION revision_search_vector(rev uuid) RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT strip(r.content_tsv
                     || coalesce((SELECT tsvector_union(strip(ft.tsv)) FROM revision_files rf JOIN file_texts ft ON ft.sha256 = rf.sha256
                                   WHERE rf.revision_id = r.id), ''::tsvector))
          FROM revisions r WHERE r.id = rev
      $$`);
    await q.query(`DROP INDEX IF EXISTS revisions_content_tsv_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX revisions_content_tsv_idx ON revisions USING gin (${VECTOR})`);
    await q.query(`
      CREATE OR REPLACE FUNCTION revision_search_vector(rev uuid) RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT strip(jsonb_to_tsvector('vn_unaccent'::regconfig, r.content, '["string"]')
                     || coalesce((SELECT tsvector_union(strip(ft.tsv)) FROM revision_files rf JOIN file_texts ft ON ft.sha256 = rf.sha256
                                   WHERE rf.revision_id = r.id), ''::tsvector))
          FROM revisions r WHERE r.id = rev
      $$`);
    await q.query(`DROP TRIGGER revisions_content_vector ON revisions`);
    await q.query(`DROP FUNCTION revisions_content_vector()`);
    await q.query(`ALTER TABLE revisions DROP COLUMN content_tsv`);
  }
}
