import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Nonconformities and corrective actions (src/nonconformities; ISO 9001 §10.2).
 *
 * Invariants held by the database:
 * - a closed nonconformity is never updated nor deleted (record_guard), and its actions and
 *   verifications take no INSERT, UPDATE or DELETE (record_child_guard);
 * - a completed corrective action never changes (record_guard on the action itself);
 * - the verifier of a nonconformity is responsible for none of its actions;
 * - numbers are unique per agency; states, sources and severities are from their lists.
 */
export class Nonconformities1795302100000 implements MigrationInterface {
  name = 'Nonconformities1795302100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE nonconformities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        number int NOT NULL CHECK (number >= 1),
        source text NOT NULL CHECK (source IN ('internal_audit', 'inspection', 'complaint', 'process', 'management_review', 'other')),
        source_kind text CHECK (length(source_kind) BETWEEN 1 AND 64),
        source_id uuid,
        severity text NOT NULL CHECK (severity IN ('major', 'minor')),
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 8000),
        clause text CHECK (clause ~ '^(4\\.[1-4]|5\\.[1-3]|6\\.[1-3]|7\\.[1-5]|8\\.[1-7]|9\\.[1-3]|10\\.[1-3])(\\.[0-9]{1,2}){0,2}$'),
        document_id uuid REFERENCES documents(id) ON DELETE RESTRICT,
        correction text CHECK (length(correction) <= 8000),
        root_cause text CHECK (length(root_cause) <= 8000),
        state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'action_planned', 'awaiting_verification', 'closed')),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        closed_by uuid REFERENCES users(id),
        UNIQUE (agency_id, number),
        CHECK ((source_kind IS NULL) = (source_id IS NULL)),
        CHECK ((state = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL)),
        CHECK (state = 'open' OR root_cause IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX nonconformities_agency_idx ON nonconformities (agency_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX nonconformities_source_idx ON nonconformities (source, source_id) WHERE source_id IS NOT NULL`);
    await q.query(`CREATE INDEX nonconformities_open_idx ON nonconformities (agency_id) WHERE state <> 'closed'`);
    await q.query(`CREATE INDEX nonconformities_document_idx ON nonconformities (document_id) WHERE document_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE corrective_actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        nonconformity_id uuid NOT NULL REFERENCES nonconformities(id) ON DELETE RESTRICT,
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 8000),
        responsible_user_id uuid NOT NULL REFERENCES users(id),
        due_on date NOT NULL,
        document_id uuid REFERENCES documents(id) ON DELETE RESTRICT,
        state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'complete')),
        evidence text CHECK (length(evidence) <= 8000),
        completed_at timestamptz,
        completed_by uuid REFERENCES users(id),
        completed_revision_id uuid,
        overdue_notified_at timestamptz,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'complete') = (completed_at IS NOT NULL AND completed_by IS NOT NULL AND evidence IS NOT NULL)),
        CHECK (document_id IS NULL OR state = 'open' OR completed_revision_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX corrective_actions_nc_idx ON corrective_actions (nonconformity_id, created_at, id)`);
    await q.query(`CREATE INDEX corrective_actions_open_due_idx ON corrective_actions (due_on) WHERE state = 'open'`);
    await q.query(`CREATE INDEX corrective_actions_responsible_idx ON corrective_actions (responsible_user_id) WHERE state = 'open'`);
    await q.query(`CREATE INDEX corrective_actions_document_idx ON corrective_actions (document_id) WHERE document_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE nonconformity_verifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        nonconformity_id uuid NOT NULL REFERENCES nonconformities(id) ON DELETE RESTRICT,
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        effective boolean NOT NULL,
        comment text NOT NULL CHECK (length(comment) BETWEEN 1 AND 8000),
        verified_by uuid NOT NULL REFERENCES users(id),
        verifier_name text NOT NULL,
        verifier_title text,
        verified_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX nonconformity_verifications_nc_idx ON nonconformity_verifications (nonconformity_id, verified_at, id)`);

    await q.query(`
      CREATE FUNCTION nonconformity_verifier_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM corrective_actions a WHERE a.nonconformity_id = NEW.nonconformity_id AND a.responsible_user_id = NEW.verified_by) THEN
          RAISE EXCEPTION 'the verifier of nonconformity % is responsible for one of its actions', NEW.nonconformity_id USING ERRCODE = 'P0001';
        END IF;
        IF EXISTS (SELECT 1 FROM corrective_actions a WHERE a.nonconformity_id = NEW.nonconformity_id AND a.state <> 'complete')
           OR NOT EXISTS (SELECT 1 FROM corrective_actions a WHERE a.nonconformity_id = NEW.nonconformity_id) THEN
          RAISE EXCEPTION 'nonconformity % has corrective actions not complete', NEW.nonconformity_id USING ERRCODE = 'P0001';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER nonconformity_verifications_verifier BEFORE INSERT ON nonconformity_verifications FOR EACH ROW EXECUTE FUNCTION nonconformity_verifier_guard()`);

    await q.query(`CREATE TRIGGER nonconformities_guard BEFORE UPDATE OR DELETE ON nonconformities FOR EACH ROW EXECUTE FUNCTION record_guard('state', 'closed')`);
    await q.query(`CREATE TRIGGER corrective_actions_guard BEFORE UPDATE OR DELETE ON corrective_actions FOR EACH ROW EXECUTE FUNCTION record_guard('state', 'complete')`);
    await q.query(
      `CREATE TRIGGER corrective_actions_parent_guard BEFORE INSERT OR UPDATE OR DELETE ON corrective_actions FOR EACH ROW EXECUTE FUNCTION record_child_guard('nonconformities', 'nonconformity_id', 'state', 'closed')`,
    );
    await q.query(`CREATE TRIGGER nonconformity_verifications_guard BEFORE UPDATE OR DELETE ON nonconformity_verifications FOR EACH ROW EXECUTE FUNCTION reject_change()`);
    await q.query(
      `CREATE TRIGGER nonconformity_verifications_parent_guard BEFORE INSERT ON nonconformity_verifications FOR EACH ROW EXECUTE FUNCTION record_child_guard('nonconformities', 'nonconformity_id', 'state', 'closed')`,
    );
    for (const t of ['nonconformities', 'corrective_actions', 'nonconformity_verifications']) {
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS nonconformity_verifications`);
    await q.query(`DROP TABLE IF EXISTS corrective_actions`);
    await q.query(`DROP TABLE IF EXISTS nonconformities`);
    await q.query(`DROP FUNCTION IF EXISTS nonconformity_verifier_guard()`);
  }
}
