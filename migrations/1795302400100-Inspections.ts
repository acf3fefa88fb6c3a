import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inspections of agencies by the Sở KH&CN (documentary or on site). An inspection is `planned`
 * (findings are recorded, each opening a nonconformity of the inspected agency), then `concluded`
 * (its conclusion written, no more findings) and `closed` once every nonconformity it opened is
 * closed — at once when there is none. A closed inspection never changes; its findings and
 * inspectors are frozen from the conclusion on.
 */
export class Inspections1795302400100 implements MigrationInterface {
  name = 'Inspections1795302400100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inspections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        kind text NOT NULL CHECK (kind IN ('documentary', 'on_site')),
        planned_on date NOT NULL,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
        scope text CHECK (length(scope) <= 4000),
        state text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'concluded', 'closed')),
        conclusion text CHECK (length(conclusion) <= 20000),
        concluded_at timestamptz,
        concluded_by uuid REFERENCES users(id),
        closed_at timestamptz,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, agency_id),
        CHECK ((state = 'planned') = (concluded_at IS NULL)),
        CHECK (state = 'planned' OR (conclusion IS NOT NULL AND concluded_by IS NOT NULL)),
        CHECK ((state = 'closed') = (closed_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX inspections_agency_idx ON inspections (agency_id, planned_on DESC)`);
    await q.query(`
      CREATE TRIGGER inspections_guard BEFORE UPDATE OR DELETE ON inspections FOR EACH ROW
        EXECUTE FUNCTION record_guard('state', 'concluded,closed', 'concluded->closed: closed_at, updated_at')`);
    await q.query(`CREATE TRIGGER inspections_no_truncate BEFORE TRUNCATE ON inspections FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    await q.query(`
      CREATE TABLE inspection_inspectors (
        inspection_id uuid NOT NULL REFERENCES inspections(id) ON DELETE RESTRICT,
        user_id uuid NOT NULL REFERENCES users(id),
        full_name text NOT NULL,
        title text,
        position int NOT NULL CHECK (position >= 0),
        PRIMARY KEY (inspection_id, user_id)
      )`);
    await q.query(`
      CREATE TRIGGER inspection_inspectors_guard BEFORE INSERT OR UPDATE OR DELETE ON inspection_inspectors FOR EACH ROW
        EXECUTE FUNCTION record_child_guard('inspections', 'inspection_id', 'state', 'concluded,closed')`);
    await q.query(`CREATE TRIGGER inspection_inspectors_no_truncate BEFORE TRUNCATE ON inspection_inspectors FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    await q.query(`
      CREATE TABLE inspection_findings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        inspection_id uuid NOT NULL,
        agency_id uuid NOT NULL,
        number int NOT NULL CHECK (number >= 1),
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 8000),
        severity text NOT NULL CHECK (severity IN ('major', 'minor')),
        clause text,
        nonconformity_id uuid NOT NULL UNIQUE REFERENCES nonconformities(id) ON DELETE RESTRICT,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (inspection_id, agency_id) REFERENCES inspections (id, agency_id) ON DELETE RESTRICT,
        UNIQUE (inspection_id, number)
      )`);
    await q.query(`
      CREATE TRIGGER inspection_findings_guard BEFORE INSERT OR UPDATE OR DELETE ON inspection_findings FOR EACH ROW
        EXECUTE FUNCTION record_child_guard('inspections', 'inspection_id', 'state', 'concluded,closed')`);
    await q.query(`
      CREATE TRIGGER inspection_findings_no_update BEFORE UPDATE ON inspection_findings FOR EACH ROW EXECUTE FUNCTION reject_change()`);
    await q.query(`CREATE TRIGGER inspection_findings_no_truncate BEFORE TRUNCATE ON inspection_findings FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS inspection_findings`);
    await q.query(`DROP TABLE IF EXISTS inspection_inspectors`);
    await q.query(`DROP TABLE IF EXISTS inspections`);
  }
}
