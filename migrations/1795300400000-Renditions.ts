import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Controlled-copy PDFs of revisions (src/renditions, docs/RENDERING.md):
 * - `renditions`: one stored PDF per (revision, state, layout version, revision digest), its bytes
 *   in the content-addressed store (the foreign key to stored_objects keeps the orphan sweeper
 *   away from them);
 * - `rendition_requests`: the render request of a revision in a state with a layout (pending,
 *   ready, failed, moot) with its last error and attempts. Revisions from `approved` on are frozen,
 *   so nothing about renditions lives on the `revisions` row.
 *
 * Invariants held by the database:
 * - a rendition belongs to its revision's agency and is never updated;
 * - renditions of stamps that are records (approved, effective, superseded, obsolete) are never
 *   deleted; renditions of drafts and revisions in workflow may be pruned once a newer digest of the
 *   same revision has been rendered.
 */
export class Renditions1795300400000 implements MigrationInterface {
  name = 'Renditions1795300400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE renditions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        revision_id uuid NOT NULL,
        agency_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('draft', 'in_review', 'pending_approval', 'approved', 'effective', 'superseded', 'obsolete')),
        layout_version int NOT NULL CHECK (layout_version >= 1),
        digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
        sha256 text NOT NULL REFERENCES stored_objects(sha256) ON DELETE RESTRICT,
        size bigint NOT NULL CHECK (size > 0),
        page_count int NOT NULL CHECK (page_count >= 1),
        warnings jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(warnings) = 'array'),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (revision_id) REFERENCES revisions(id) ON DELETE RESTRICT,
        FOREIGN KEY (agency_id) REFERENCES agencies(id) ON DELETE RESTRICT,
        UNIQUE (revision_id, state, layout_version, digest)
      )`);
    await q.query(`CREATE INDEX renditions_sha256_idx ON renditions (sha256)`);

    await q.query(`
      CREATE FUNCTION renditions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NOT EXISTS (SELECT 1 FROM revisions r WHERE r.id = NEW.revision_id AND r.agency_id = NEW.agency_id) THEN
            RAISE EXCEPTION 'rendition refused: revision % does not belong to agency %', NEW.revision_id, NEW.agency_id USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' THEN
          RAISE EXCEPTION 'renditions are never changed (rendition %)', OLD.id USING ERRCODE = 'P0001';
        END IF;
        IF OLD.state IN ('approved', 'effective', 'superseded', 'obsolete') THEN
          RAISE EXCEPTION 'the rendition % of a % revision is a record and cannot be deleted', OLD.id, OLD.state USING ERRCODE = 'P0001';
        END IF;
        RETURN OLD;
      END $$`);
    await q.query(`CREATE TRIGGER renditions_guard BEFORE INSERT OR UPDATE OR DELETE ON renditions FOR EACH ROW EXECUTE FUNCTION renditions_guard()`);
    await q.query(`CREATE TRIGGER renditions_no_truncate BEFORE TRUNCATE ON renditions FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    await q.query(`
      CREATE TABLE rendition_requests (
        revision_id uuid NOT NULL REFERENCES revisions(id) ON DELETE RESTRICT,
        state text NOT NULL CHECK (state IN ('draft', 'in_review', 'pending_approval', 'approved', 'effective', 'superseded', 'obsolete')),
        layout_version int NOT NULL CHECK (layout_version >= 1),
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        status text NOT NULL CHECK (status IN ('pending', 'ready', 'failed', 'moot')),
        generation int NOT NULL DEFAULT 1 CHECK (generation >= 1),
        round int NOT NULL DEFAULT 0 CHECK (round >= 0),
        job_id text NOT NULL,
        rendition_id uuid REFERENCES renditions(id) ON DELETE SET NULL,
        digest text CHECK (digest ~ '^[0-9a-f]{64}$'),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text CHECK (length(last_error) <= 2000),
        requested_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (revision_id, state, layout_version),
        CHECK (status <> 'failed' OR last_error IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX rendition_requests_pending_idx ON rendition_requests (updated_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rendition_requests`);
    await q.query(`DROP TABLE IF EXISTS renditions`);
    await q.query(`DROP FUNCTION IF EXISTS renditions_guard()`);
  }
}
