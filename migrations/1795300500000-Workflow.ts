import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The approval workflow: sign-offs (who drafted, checked and approved which exact revision) and
 * the indexes the workflow's sweeps and work lists read.
 *
 * Legal invariants held by the database itself:
 * - sign-offs are immutable (no UPDATE, DELETE or TRUNCATE);
 * - separation of duties: the author of a revision never signs it as checker or approver, and
 *   whoever checked a revision never approves it;
 * - an approval sign-off needs a check of the same revision, with the same digest, signed after
 *   the revision's last return to draft (a stale check cannot carry an approval);
 * - a deputy's approval ("KT.") names its delegation and the head it signs for.
 * (At most one effective revision per document is the partial unique index revisions_one_effective
 * of the documents migration.)
 */
export class Workflow1795300500000 implements MigrationInterface {
  name = 'Workflow1795300500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sign_offs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        revision_id uuid NOT NULL REFERENCES revisions(id) ON DELETE RESTRICT,
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        user_id uuid NOT NULL REFERENCES users(id),
        full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
        title text CHECK (length(title) <= 200),
        role text NOT NULL CHECK (role IN ('drafter', 'iso_secretary', 'head', 'deputy')),
        meaning text NOT NULL CHECK (meaning IN ('drafted', 'checked', 'approved')),
        capacity text CHECK (capacity = 'KT.'),
        on_behalf_of_user_id uuid REFERENCES users(id),
        on_behalf_of_name text,
        on_behalf_of_title text,
        delegation_id uuid REFERENCES delegations(id),
        digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
        signed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((capacity IS NULL) = (delegation_id IS NULL)),
        CHECK ((capacity IS NULL) = (on_behalf_of_user_id IS NULL)),
        CHECK ((capacity IS NULL) = (on_behalf_of_name IS NULL)),
        CHECK (capacity IS NULL OR (meaning = 'approved' AND role = 'deputy')),
        CHECK (meaning <> 'approved' OR role IN ('head', 'deputy')),
        CHECK (meaning <> 'checked' OR role = 'iso_secretary')
      )`);
    await q.query(`CREATE INDEX sign_offs_revision_idx ON sign_offs (revision_id, signed_at, id)`);
    await q.query(`CREATE INDEX sign_offs_user_idx ON sign_offs (user_id, meaning)`);

    await q.query(`
      CREATE FUNCTION sign_offs_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        rev record;
        round_start timestamptz;
      BEGIN
        SELECT author_id, agency_id INTO rev FROM revisions WHERE id = NEW.revision_id;
        IF rev.agency_id IS DISTINCT FROM NEW.agency_id THEN
          RAISE EXCEPTION 'sign-off refused: revision % belongs to another agency', NEW.revision_id USING ERRCODE = 'P0001';
        END IF;
        IF NEW.meaning IN ('checked', 'approved') AND NEW.user_id = rev.author_id THEN
          RAISE EXCEPTION 'sign-off refused (separation of duties): the author of revision % cannot sign it as %', NEW.revision_id, NEW.meaning USING ERRCODE = 'P0001';
        END IF;
        IF NEW.meaning = 'approved' THEN
          IF EXISTS (SELECT 1 FROM sign_offs s WHERE s.revision_id = NEW.revision_id AND s.meaning = 'checked' AND s.user_id = NEW.user_id) THEN
            RAISE EXCEPTION 'sign-off refused (separation of duties): the checker of revision % cannot approve it', NEW.revision_id USING ERRCODE = 'P0001';
          END IF;
          SELECT max(t.at) INTO round_start FROM revision_transitions t WHERE t.revision_id = NEW.revision_id AND t.to_state = 'draft';
          IF NOT EXISTS (
            SELECT 1 FROM sign_offs s
             WHERE s.revision_id = NEW.revision_id AND s.meaning = 'checked' AND s.digest = NEW.digest
               AND (round_start IS NULL OR s.signed_at > round_start)) THEN
            RAISE EXCEPTION 'sign-off refused: revision % has no valid check for digest %', NEW.revision_id, NEW.digest USING ERRCODE = 'P0001';
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER sign_offs_guard BEFORE INSERT ON sign_offs FOR EACH ROW EXECUTE FUNCTION sign_offs_guard()`);
    await q.query(`CREATE TRIGGER sign_offs_immutable BEFORE UPDATE OR DELETE ON sign_offs FOR EACH ROW EXECUTE FUNCTION reject_change()`);
    await q.query(`CREATE TRIGGER sign_offs_no_truncate BEFORE TRUNCATE ON sign_offs FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    // The due-date sweep: approved revisions waiting for their effective date.
    await q.query(`CREATE INDEX revisions_due_idx ON revisions (effective_from) WHERE state = 'approved'`);
    // The periodic-review sweep: effective revisions by the date they took effect.
    await q.query(`CREATE INDEX revisions_effective_at_idx ON revisions (effective_at) WHERE state = 'effective'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS revisions_effective_at_idx`);
    await q.query(`DROP INDEX IF EXISTS revisions_due_idx`);
    await q.query(`DROP TABLE IF EXISTS sign_offs`);
    await q.query(`DROP FUNCTION IF EXISTS sign_offs_guard()`);
  }
}
