import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supervision by the Sở KH&CN: the periodic reports of agencies and the reminders sent about them.
 *
 * - `periodic_reports`: one per agency and period (`YYYY-H1`, `YYYY`, `YYYY-Qn`); `draft` (figures are
 *   computed from the system at every read), `submitted` (frozen: only a return may change it, and
 *   only its state), `returned` (editable again, then submitted anew).
 * - `periodic_report_versions`: one row per submission, append-only: the figures and texts as they
 *   were submitted, the number, the signer and the capacity; a return only records who returned it,
 *   when and why, once.
 * - `report_reminders`: one row per (agency, period, days before due): a reminder is sent once.
 */
export class Supervision1795302400000 implements MigrationInterface {
  name = 'Supervision1795302400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE periodic_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        period text NOT NULL CHECK (period ~ '^(20[0-9]{2})(-H1|-Q[1-4])?$'),
        year int NOT NULL CHECK (year BETWEEN 2000 AND 2099),
        kind text NOT NULL CHECK (kind IN ('half_year', 'year', 'quarter')),
        due_on date NOT NULL,
        state text NOT NULL CHECK (state IN ('draft', 'submitted', 'returned')),
        submission_count int NOT NULL DEFAULT 0 CHECK (submission_count >= 0),
        late boolean NOT NULL DEFAULT false,
        place text CHECK (length(place) BETWEEN 1 AND 200),
        results text CHECK (length(results) <= 20000),
        difficulties text CHECK (length(difficulties) <= 20000),
        proposals text CHECK (length(proposals) <= 20000),
        row_version int NOT NULL DEFAULT 1 CHECK (row_version >= 1),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency_id, period),
        UNIQUE (id, agency_id),
        CHECK (left(period, 4)::int = year),
        CHECK ((state = 'draft') = (submission_count = 0))
      )`);
    await q.query(`CREATE INDEX periodic_reports_year_idx ON periodic_reports (year, agency_id)`);
    await q.query(`
      CREATE TRIGGER periodic_reports_guard BEFORE UPDATE OR DELETE ON periodic_reports FOR EACH ROW
        EXECUTE FUNCTION record_guard('state', 'submitted', 'submitted->returned: updated_at, row_version')`);
    await q.query(`CREATE TRIGGER periodic_reports_no_truncate BEFORE TRUNCATE ON periodic_reports FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    await q.query(`
      CREATE TABLE periodic_report_versions (
        report_id uuid NOT NULL,
        agency_id uuid NOT NULL,
        version int NOT NULL CHECK (version >= 1),
        state text NOT NULL CHECK (state IN ('submitted', 'returned')),
        figures jsonb NOT NULL CHECK (jsonb_typeof(figures) = 'object'),
        place text NOT NULL,
        results text,
        difficulties text,
        proposals text,
        number_year int NOT NULL,
        number int NOT NULL CHECK (number >= 1),
        symbol text NOT NULL,
        late boolean NOT NULL,
        submitted_at timestamptz NOT NULL,
        submitted_by uuid NOT NULL REFERENCES users(id),
        signer_name text NOT NULL,
        signer_title text,
        capacity text NOT NULL CHECK (capacity IN ('head', 'deputy')),
        delegation_id uuid,
        on_behalf_of_name text,
        on_behalf_of_title text,
        returned_at timestamptz,
        returned_by uuid REFERENCES users(id),
        return_comment text CHECK (length(return_comment) <= 4000),
        PRIMARY KEY (report_id, version),
        FOREIGN KEY (report_id, agency_id) REFERENCES periodic_reports (id, agency_id) ON DELETE RESTRICT,
        UNIQUE (agency_id, number_year, number),
        CHECK ((state = 'returned') = (returned_at IS NOT NULL AND returned_by IS NOT NULL AND return_comment IS NOT NULL)),
        CHECK ((capacity = 'deputy') = (delegation_id IS NOT NULL))
      )`);
    await q.query(`
      CREATE TRIGGER periodic_report_versions_guard BEFORE UPDATE OR DELETE ON periodic_report_versions FOR EACH ROW
        EXECUTE FUNCTION record_guard('state', 'submitted,returned', 'submitted->returned: returned_at, returned_by, return_comment')`);
    await q.query(`CREATE TRIGGER periodic_report_versions_no_truncate BEFORE TRUNCATE ON periodic_report_versions FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);
    // A submission is signed by someone who may approve in the agency at that instant (head, or deputy under a delegation).
    await q.query(`
      CREATE FUNCTION periodic_report_versions_signer() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT may_approve(NEW.agency_id, NEW.submitted_by, NEW.submitted_at) THEN
          RAISE EXCEPTION 'periodic report %: % may not sign for agency % at %', NEW.report_id, NEW.submitted_by, NEW.agency_id, NEW.submitted_at USING ERRCODE = 'P0001';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER periodic_report_versions_signer BEFORE INSERT ON periodic_report_versions FOR EACH ROW
        EXECUTE FUNCTION periodic_report_versions_signer()`);

    await q.query(`
      CREATE TABLE report_reminders (
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
        period text NOT NULL,
        days_before int NOT NULL CHECK (days_before IN (1, 7)),
        due_on date NOT NULL,
        recipients int NOT NULL DEFAULT 0,
        sent_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agency_id, period, days_before)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS report_reminders`);
    await q.query(`DROP TABLE IF EXISTS periodic_report_versions`);
    await q.query(`DROP FUNCTION IF EXISTS periodic_report_versions_signer()`);
    await q.query(`DROP TABLE IF EXISTS periodic_reports`);
  }
}
