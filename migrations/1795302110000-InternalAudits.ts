import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Internal audits (src/internal-audits; ISO 9001 §9.2): the audit, its team and its findings.
 *
 * Invariants held by the database:
 * - the team never changes once the plan is approved; findings only while the audit is in
 *   progress (no change of either once reported or closed: record_child_guard);
 * - a reported audit changes only to become closed (closed_at, updated_at), a closed one never;
 * - the approval signature is checked by approver_capacities at the approval instant, as the
 *   revisions' sign-offs are (head, or deputy under an active delegation);
 * - one lead auditor per audit (a partial unique index over its team).
 */
export class InternalAudits1795302110000 implements MigrationInterface {
  name = 'InternalAudits1795302110000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE internal_audits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        year int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
        scope jsonb NOT NULL CHECK (jsonb_typeof(scope) = 'object'),
        criteria text NOT NULL CHECK (length(criteria) BETWEEN 1 AND 4000),
        planned_from date NOT NULL,
        planned_to date NOT NULL,
        lead_auditor_id uuid NOT NULL REFERENCES users(id),
        state text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'approved', 'in_progress', 'reported', 'closed')),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        approved_by uuid REFERENCES users(id),
        approver_name text,
        approver_title text,
        approver_role text CHECK (approver_role IN ('head', 'deputy')),
        delegation_id uuid,
        on_behalf_of_id uuid REFERENCES users(id),
        on_behalf_of_name text,
        on_behalf_of_title text,
        approved_at timestamptz,
        started_at timestamptz,
        summary text CHECK (length(summary) <= 8000),
        conclusion text CHECK (length(conclusion) <= 8000),
        reported_by uuid REFERENCES users(id),
        reporter_name text,
        reporter_title text,
        reported_at timestamptz,
        closed_at timestamptz,
        CHECK (planned_to >= planned_from),
        CHECK ((state = 'planned') = (approved_at IS NULL)),
        CHECK (approved_at IS NULL OR (approved_by IS NOT NULL AND approver_role IS NOT NULL AND approver_name IS NOT NULL)),
        CHECK ((approver_role = 'deputy') = (delegation_id IS NOT NULL AND on_behalf_of_id IS NOT NULL)),
        CHECK ((state IN ('in_progress', 'reported', 'closed')) = (started_at IS NOT NULL)),
        CHECK ((state IN ('reported', 'closed')) = (reported_at IS NOT NULL AND reported_by IS NOT NULL AND conclusion IS NOT NULL)),
        CHECK ((state = 'closed') = (closed_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX internal_audits_agency_idx ON internal_audits (agency_id, year, planned_from, id)`);

    await q.query(`
      CREATE TABLE internal_audit_auditors (
        audit_id uuid NOT NULL REFERENCES internal_audits(id) ON DELETE RESTRICT,
        user_id uuid NOT NULL REFERENCES users(id),
        lead boolean NOT NULL DEFAULT false,
        PRIMARY KEY (audit_id, user_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX internal_audit_auditors_one_lead ON internal_audit_auditors (audit_id) WHERE lead`);

    await q.query(`
      CREATE TABLE audit_findings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        audit_id uuid NOT NULL REFERENCES internal_audits(id) ON DELETE RESTRICT,
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        no int NOT NULL CHECK (no >= 1),
        kind text NOT NULL CHECK (kind IN ('nonconformity', 'observation', 'opportunity', 'strength')),
        clause text NOT NULL CHECK (clause ~ '^(4\\.[1-4]|5\\.[1-3]|6\\.[1-3]|7\\.[1-5]|8\\.[1-7]|9\\.[1-3]|10\\.[1-3])(\\.[0-9]{1,2}){0,2}$'),
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 8000),
        evidence text CHECK (length(evidence) <= 8000),
        document_id uuid REFERENCES documents(id) ON DELETE RESTRICT,
        nonconformity_id uuid UNIQUE REFERENCES nonconformities(id) ON DELETE RESTRICT,
        auditor_id uuid NOT NULL REFERENCES users(id),
        auditor_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (audit_id, no),
        CHECK ((kind = 'nonconformity') = (nonconformity_id IS NOT NULL))
      )`);

    await q.query(`
      CREATE FUNCTION internal_audits_sign_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.approved_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.approved_at IS NULL) THEN
          IF NOT EXISTS (SELECT 1 FROM approver_capacities(NEW.agency_id, NEW.approved_by, NEW.approved_at) c
                          WHERE c.role = NEW.approver_role AND c.delegation_id IS NOT DISTINCT FROM NEW.delegation_id) THEN
            RAISE EXCEPTION 'internal audit %: % may not approve in agency % at %', NEW.id, NEW.approved_by, NEW.agency_id, NEW.approved_at USING ERRCODE = 'P0001';
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER internal_audits_sign BEFORE INSERT OR UPDATE ON internal_audits FOR EACH ROW EXECUTE FUNCTION internal_audits_sign_guard()`);
    await q.query(
      `CREATE TRIGGER internal_audits_guard BEFORE UPDATE OR DELETE ON internal_audits FOR EACH ROW EXECUTE FUNCTION record_guard('state', 'reported,closed', 'reported->closed: closed_at, updated_at')`,
    );
    await q.query(
      `CREATE TRIGGER internal_audit_auditors_guard BEFORE INSERT OR UPDATE OR DELETE ON internal_audit_auditors FOR EACH ROW EXECUTE FUNCTION record_child_guard('internal_audits', 'audit_id', 'state', 'approved,in_progress,reported,closed')`,
    );
    await q.query(
      `CREATE TRIGGER audit_findings_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_findings FOR EACH ROW EXECUTE FUNCTION record_child_guard('internal_audits', 'audit_id', 'state', 'planned,approved,reported,closed')`,
    );
    for (const t of ['internal_audits', 'internal_audit_auditors', 'audit_findings']) {
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_findings`);
    await q.query(`DROP TABLE IF EXISTS internal_audit_auditors`);
    await q.query(`DROP TABLE IF EXISTS internal_audits`);
    await q.query(`DROP FUNCTION IF EXISTS internal_audits_sign_guard()`);
  }
}
