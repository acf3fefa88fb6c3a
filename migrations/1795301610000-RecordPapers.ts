import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PDFs of quality records (src/record-papers, docs/ARCHITECTURE.md "How a record gets its PDF"):
 * `record_papers` holds one row per (paper kind, record, digest of the printed model, layout version):
 * requested (pending), rendered (ready: the PDF is in the content-addressed store, its foreign key to
 * stored_objects keeping the orphan sweeper away), failed after every attempt, or moot (the record
 * changed before its job ran).
 *
 * Invariants held by the database:
 * - a ready row is never updated: it stands for the bytes rendered from exactly that digest;
 * - what identifies a row (kind, record, agency, digest, layout, final) never changes;
 * - a ready row of a final paper (the closed or approved record's text) is never deleted; the PDFs of
 *   earlier drafts of a record may be pruned once a newer one is ready.
 */
export class RecordPapers1795301610000 implements MigrationInterface {
  name = 'RecordPapers1795301610000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE record_papers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_-]*)*$' AND length(kind) <= 64),
        entity_id uuid NOT NULL,
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
        layout_version int NOT NULL CHECK (layout_version >= 1),
        final boolean NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'ready', 'failed', 'moot')),
        round int NOT NULL DEFAULT 0 CHECK (round >= 0),
        job_id text NOT NULL,
        sha256 text REFERENCES stored_objects(sha256) ON DELETE RESTRICT,
        size bigint CHECK (size > 0),
        page_count int CHECK (page_count >= 1),
        warnings jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(warnings) = 'array'),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text CHECK (length(last_error) <= 2000),
        requested_at timestamptz NOT NULL DEFAULT now(),
        rendered_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (kind, entity_id, digest, layout_version),
        CHECK ((status = 'ready') = (sha256 IS NOT NULL AND size IS NOT NULL AND page_count IS NOT NULL AND rendered_at IS NOT NULL)),
        CHECK (status <> 'failed' OR last_error IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX record_papers_sha256_idx ON record_papers (sha256) WHERE sha256 IS NOT NULL`);
    await q.query(`CREATE INDEX record_papers_pending_idx ON record_papers (updated_at) WHERE status = 'pending'`);

    await q.query(`
      CREATE FUNCTION record_papers_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF OLD.status = 'ready' THEN
            RAISE EXCEPTION 'record paper % is rendered and never changes', OLD.id USING ERRCODE = 'P0001';
          END IF;
          IF (NEW.kind, NEW.entity_id, NEW.agency_id, NEW.digest, NEW.layout_version, NEW.final)
             IS DISTINCT FROM (OLD.kind, OLD.entity_id, OLD.agency_id, OLD.digest, OLD.layout_version, OLD.final) THEN
            RAISE EXCEPTION 'record paper %: what identifies it cannot change', OLD.id USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END IF;
        IF OLD.status = 'ready' AND OLD.final THEN
          RAISE EXCEPTION 'record paper % is the final text of % % and cannot be deleted', OLD.id, OLD.kind, OLD.entity_id USING ERRCODE = 'P0001';
        END IF;
        RETURN OLD;
      END $$`);
    await q.query(`CREATE TRIGGER record_papers_guard BEFORE UPDATE OR DELETE ON record_papers FOR EACH ROW EXECUTE FUNCTION record_papers_guard()`);
    await q.query(`CREATE TRIGGER record_papers_no_truncate BEFORE TRUNCATE ON record_papers FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS record_papers`);
    await q.query(`DROP FUNCTION IF EXISTS record_papers_guard()`);
  }
}
