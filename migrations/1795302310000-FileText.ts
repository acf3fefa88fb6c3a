import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search inside files and structured content. `vn_unaccent` is a full-text configuration that
 * folds accents and case (the unaccent dictionary, then simple): "quy trinh" matches "Quy trình"
 * and ts_headline marks the words in the original text, diacritics intact. `file_texts` holds the
 * extracted text of each stored object (content-addressed: the same bytes are extracted once),
 * its state (pending, done, no_text for scanned PDFs, unsupported, failed) and a stored tsvector
 * with a GIN index; it is derived data, so it goes with its object (ON DELETE CASCADE: it never
 * keeps an unreferenced object from the orphan sweep). Revisions' structured content gets a GIN index over its string values
 * (jsonb_to_tsvector), so content searches go through an index too.
 */
export class FileText1795302310000 implements MigrationInterface {
  name = 'FileText1795302310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TEXT SEARCH CONFIGURATION vn_unaccent (COPY = simple)`);
    await q.query(`
      ALTER TEXT SEARCH CONFIGURATION vn_unaccent
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart
        WITH public.unaccent, simple`);
    await q.query(`
      CREATE TABLE file_texts (
        sha256 text PRIMARY KEY REFERENCES stored_objects(sha256) ON DELETE CASCADE,
        media_type text NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'no_text', 'unsupported', 'failed')),
        text text,
        pages int,
        truncated boolean NOT NULL DEFAULT false,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        extracted_at timestamptz,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('vn_unaccent'::regconfig, coalesce(text, ''))) STORED,
        CHECK (state = 'done' OR text IS NULL)
      )`);
    await q.query(`CREATE INDEX file_texts_tsv_idx ON file_texts USING gin (tsv)`);
    await q.query(`CREATE INDEX file_texts_pending_idx ON file_texts (requested_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX revision_files_sha256_revision_idx ON revision_files (sha256, revision_id)`);
    await q.query(`CREATE INDEX revisions_content_tsv_idx ON revisions USING gin (jsonb_to_tsvector('vn_unaccent'::regconfig, content, '["string"]'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS revisions_content_tsv_idx`);
    await q.query(`DROP INDEX IF EXISTS revision_files_sha256_revision_idx`);
    await q.query(`DROP TABLE IF EXISTS file_texts`);
    await q.query(`DROP TEXT SEARCH CONFIGURATION IF EXISTS vn_unaccent`);
  }
}
