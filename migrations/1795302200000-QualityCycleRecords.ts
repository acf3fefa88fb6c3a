import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rest of an agency's yearly ISO cycle as records (docs/ARCHITECTURE.md "Quality records"):
 *
 * - objective_evaluations: one evaluation of a quality_objectives document's effective revision per
 *   period (an evaluation is recorded whole and never changes; a correction is a new row naming the
 *   one it corrects, at most one correction per evaluation);
 * - steering_committees: the ISO steering committee's compositions (a decision each); the current
 *   one only ever moves to replaced, naming its successor;
 * - announcements: the signed announcements of conformity with their scope (never change);
 * - management_reviews (draft → approved, then frozen), their decisions (frozen with the review) and
 *   the completions of decisions (append-only).
 *
 * Signatures are checked by the database too: an approved review and an announcement carry a signer
 * who may approve in the agency at the signing instant (approver_capacities / may_approve).
 */
export class QualityCycleRecords1795302200000 implements MigrationInterface {
  name = 'QualityCycleRecords1795302200000';

  async up(q: QueryRunner): Promise<void> {
    // ------------------------------------------------------------------ objective evaluations
    await q.query(`
      CREATE TABLE objective_evaluations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        document_id uuid NOT NULL REFERENCES documents(id),
        revision_id uuid NOT NULL REFERENCES revisions(id),
        period text NOT NULL CHECK (period ~ '^[0-9]{4}(-(Q[1-4]|H1))?$'),
        year int NOT NULL CHECK (year = substr(period, 1, 4)::int),
        state text NOT NULL DEFAULT 'recorded' CHECK (state = 'recorded'),
        results jsonb NOT NULL CHECK (jsonb_typeof(results) = 'array' AND jsonb_array_length(results) >= 1),
        achieved_count int NOT NULL CHECK (achieved_count >= 0),
        total int NOT NULL CHECK (total >= 1 AND achieved_count <= total),
        corrects_id uuid UNIQUE REFERENCES objective_evaluations(id),
        correction_reason text CHECK (correction_reason IS NULL OR length(correction_reason) <= 2000),
        evaluated_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((corrects_id IS NULL) = (correction_reason IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX objective_evaluations_one_per_period ON objective_evaluations (document_id, period) WHERE corrects_id IS NULL`);
    await q.query(`CREATE INDEX objective_evaluations_agency_idx ON objective_evaluations (agency_id, year)`);
    await q.query(`CREATE TRIGGER objective_evaluations_guard BEFORE UPDATE OR DELETE ON objective_evaluations FOR EACH ROW EXECUTE FUNCTION record_guard('state', 'recorded')`);
    await q.query(`CREATE TRIGGER objective_evaluations_no_truncate BEFORE TRUNCATE ON objective_evaluations FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    // ------------------------------------------------------------------ steering committee
    await q.query(`
      CREATE TABLE steering_committees (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        decision_number text NOT NULL CHECK (length(decision_number) BETWEEN 1 AND 100),
        signed_on date NOT NULL,
        members jsonb NOT NULL CHECK (jsonb_typeof(members) = 'array' AND jsonb_array_length(members) >= 1),
        state text NOT NULL DEFAULT 'current' CHECK (state IN ('current', 'replaced')),
        replaced_at timestamptz,
        replaced_by_id uuid REFERENCES steering_committees(id) DEFERRABLE INITIALLY DEFERRED,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'replaced') = (replaced_at IS NOT NULL AND replaced_by_id IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX steering_committees_one_current ON steering_committees (agency_id) WHERE state = 'current'`);
    await q.query(`CREATE INDEX steering_committees_agency_idx ON steering_committees (agency_id, created_at DESC)`);
    await q.query(
      `CREATE TRIGGER steering_committees_guard BEFORE UPDATE OR DELETE ON steering_committees FOR EACH ROW
         EXECUTE FUNCTION record_guard('state', 'current,replaced', 'current->replaced: replaced_at, replaced_by_id')`,
    );
    await q.query(`CREATE TRIGGER steering_committees_no_truncate BEFORE TRUNCATE ON steering_committees FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    // ------------------------------------------------------------------ announcements of conformity
    await q.query(`
      CREATE TABLE announcements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        kind text NOT NULL CHECK (kind IN ('initial', 're_announcement')),
        decision_number text NOT NULL CHECK (length(decision_number) BETWEEN 1 AND 100),
        signed_on date NOT NULL,
        scope jsonb NOT NULL CHECK (jsonb_typeof(scope) = 'array' AND jsonb_array_length(scope) >= 1),
        state text NOT NULL DEFAULT 'signed' CHECK (state = 'signed'),
        signed_by uuid NOT NULL REFERENCES users(id),
        capacity text NOT NULL CHECK (capacity IN ('head', 'deputy')),
        delegation_id uuid REFERENCES delegations(id),
        on_behalf_of uuid REFERENCES users(id),
        signed_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((capacity = 'deputy') = (delegation_id IS NOT NULL AND on_behalf_of IS NOT NULL)),
        UNIQUE (agency_id, decision_number)
      )`);
    await q.query(`CREATE UNIQUE INDEX announcements_one_initial ON announcements (agency_id) WHERE kind = 'initial'`);
    await q.query(`CREATE INDEX announcements_agency_idx ON announcements (agency_id, signed_at DESC)`);
    await q.query(`CREATE TRIGGER announcements_guard BEFORE UPDATE OR DELETE ON announcements FOR EACH ROW EXECUTE FUNCTION record_guard('state', 'signed')`);
    await q.query(`CREATE TRIGGER announcements_no_truncate BEFORE TRUNCATE ON announcements FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    // ------------------------------------------------------------------ management reviews
    await q.query(`
      CREATE TABLE management_reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        year int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
        held_on date NOT NULL,
        chair_user_id uuid NOT NULL REFERENCES users(id),
        attendees jsonb NOT NULL CHECK (jsonb_typeof(attendees) = 'array'),
        inputs jsonb NOT NULL CHECK (jsonb_typeof(inputs) = 'object'),
        inputs_at timestamptz NOT NULL,
        minutes text CHECK (minutes IS NULL OR length(minutes) <= 20000),
        feedback text CHECK (feedback IS NULL OR length(feedback) <= 10000),
        resources text CHECK (resources IS NULL OR length(resources) <= 10000),
        risks text CHECK (risks IS NULL OR length(risks) <= 10000),
        state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'approved')),
        version int NOT NULL DEFAULT 1,
        approved_by uuid REFERENCES users(id),
        approved_at timestamptz,
        capacity text CHECK (capacity IN ('head', 'deputy')),
        delegation_id uuid REFERENCES delegations(id),
        on_behalf_of uuid REFERENCES users(id),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'approved') = (approved_by IS NOT NULL AND approved_at IS NOT NULL AND capacity IS NOT NULL)),
        CHECK ((capacity = 'deputy') = (delegation_id IS NOT NULL AND on_behalf_of IS NOT NULL)),
        CHECK (approved_by IS NULL OR approved_by = chair_user_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX management_reviews_one_draft ON management_reviews (agency_id) WHERE state = 'draft'`);
    await q.query(`CREATE INDEX management_reviews_agency_idx ON management_reviews (agency_id, year, held_on)`);
    await q.query(`CREATE TRIGGER management_reviews_guard BEFORE UPDATE OR DELETE ON management_reviews FOR EACH ROW EXECUTE FUNCTION record_guard('state', 'approved')`);
    await q.query(`CREATE TRIGGER management_reviews_no_truncate BEFORE TRUNCATE ON management_reviews FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    await q.query(`
      CREATE TABLE management_review_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        review_id uuid NOT NULL REFERENCES management_reviews(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        no int NOT NULL CHECK (no >= 1),
        kind text NOT NULL CHECK (kind IN ('improvement', 'qms_change', 'resources')),
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
        responsible_user_id uuid NOT NULL REFERENCES users(id),
        due_on date NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (review_id, no)
      )`);
    await q.query(`CREATE INDEX management_review_decisions_responsible_idx ON management_review_decisions (responsible_user_id)`);
    await q.query(`CREATE INDEX management_review_decisions_agency_idx ON management_review_decisions (agency_id)`);
    await q.query(
      `CREATE TRIGGER management_review_decisions_guard BEFORE INSERT OR UPDATE OR DELETE ON management_review_decisions FOR EACH ROW
         EXECUTE FUNCTION record_child_guard('management_reviews', 'review_id', 'state', 'approved')`,
    );
    await q.query(`CREATE TRIGGER management_review_decisions_no_truncate BEFORE TRUNCATE ON management_review_decisions FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    await q.query(`
      CREATE TABLE management_review_decision_completions (
        decision_id uuid PRIMARY KEY REFERENCES management_review_decisions(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        note text NOT NULL CHECK (length(note) BETWEEN 1 AND 4000),
        completed_by uuid NOT NULL REFERENCES users(id),
        completed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE TRIGGER management_review_decision_completions_append_only BEFORE UPDATE OR DELETE ON management_review_decision_completions FOR EACH ROW EXECUTE FUNCTION reject_change()`);
    await q.query(`CREATE TRIGGER management_review_decision_completions_no_truncate BEFORE TRUNCATE ON management_review_decision_completions FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    // ------------------------------------------------------------------ signatures checked by the database
    await q.query(`
      CREATE FUNCTION quality_signature_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        signer uuid;
        at timestamptz;
      BEGIN
        IF TG_TABLE_NAME = 'announcements' THEN
          signer := NEW.signed_by; at := NEW.signed_at;
        ELSIF NEW.state = 'approved' AND OLD.state IS DISTINCT FROM 'approved' THEN
          signer := NEW.approved_by; at := NEW.approved_at;
        ELSE
          RETURN NEW;
        END IF;
        IF NOT EXISTS (
          SELECT 1 FROM approver_capacities(NEW.agency_id, signer, at) c
           WHERE c.role = NEW.capacity AND c.delegation_id IS NOT DISTINCT FROM NEW.delegation_id
        ) THEN
          RAISE EXCEPTION '% %: % may not sign for agency % at %', TG_TABLE_NAME, NEW.id, signer, NEW.agency_id, at USING ERRCODE = 'P0001';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER announcements_signature BEFORE INSERT ON announcements FOR EACH ROW EXECUTE FUNCTION quality_signature_guard()`);
    await q.query(`CREATE TRIGGER management_reviews_signature BEFORE UPDATE ON management_reviews FOR EACH ROW EXECUTE FUNCTION quality_signature_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS management_review_decision_completions`);
    await q.query(`DROP TABLE IF EXISTS management_review_decisions`);
    await q.query(`DROP TABLE IF EXISTS management_reviews`);
    await q.query(`DROP TABLE IF EXISTS announcements`);
    await q.query(`DROP TABLE IF EXISTS steering_committees`);
    await q.query(`DROP TABLE IF EXISTS objective_evaluations`);
    await q.query(`DROP FUNCTION IF EXISTS quality_signature_guard()`);
  }
}
