import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The TTHC catalogue (administrative procedures published by the national portal), the TTHC each
 * agency declares it handles, the append-only record of what a catalogue import changed (the
 * source of `tthc_changed` flags), and read-and-acknowledge: a document's distribution, the read
 * requests made when a revision takes effect and the append-only acknowledgements.
 */
export class TthcCatalogue1795302300000 implements MigrationInterface {
  name = 'TthcCatalogue1795302300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tthc_procedures (
        code text PRIMARY KEY CHECK (code ~ '^[0-9]\\.[0-9]{6}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 2000),
        field text NOT NULL DEFAULT '' CHECK (length(field) <= 500),
        levels text[] NOT NULL DEFAULT '{}' CHECK (levels <@ ARRAY['province', 'district', 'commune']::text[]),
        time_limit_value numeric CHECK (time_limit_value IS NULL OR time_limit_value > 0),
        time_limit_unit text CHECK (time_limit_unit IN ('working_days', 'days', 'hours')),
        time_limit_text text CHECK (length(time_limit_text) <= 2000),
        fee text CHECK (length(fee) <= 4000),
        legal_basis_numbers text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'in_force' CHECK (status IN ('in_force', 'abolished')),
        import_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search_text text GENERATED ALWAYS AS (search_fold(code || ' ' || name || ' ' || field)) STORED,
        CHECK ((time_limit_value IS NULL) = (time_limit_unit IS NULL))
      )`);
    await q.query(`CREATE INDEX tthc_procedures_search_idx ON tthc_procedures USING gin (search_text gin_trgm_ops)`);
    await q.query(`CREATE INDEX tthc_procedures_field_idx ON tthc_procedures (field)`);
    await q.query(`CREATE TRIGGER tthc_procedures_no_truncate BEFORE TRUNCATE ON tthc_procedures FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);
    await q.query(`CREATE TRIGGER tthc_procedures_no_delete BEFORE DELETE ON tthc_procedures FOR EACH ROW EXECUTE FUNCTION reject_change()`);

    await q.query(`
      CREATE TABLE tthc_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        import_id uuid NOT NULL,
        code text NOT NULL REFERENCES tthc_procedures(code),
        changes jsonb NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX tthc_changes_code_idx ON tthc_changes (code, changed_at)`);
    await q.query(`CREATE TRIGGER tthc_changes_append_only BEFORE UPDATE OR DELETE ON tthc_changes FOR EACH ROW EXECUTE FUNCTION reject_change()`);
    await q.query(`CREATE TRIGGER tthc_changes_no_truncate BEFORE TRUNCATE ON tthc_changes FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    await q.query(`
      CREATE TABLE agency_tthc (
        agency_id uuid NOT NULL REFERENCES agencies(id),
        code text NOT NULL REFERENCES tthc_procedures(code),
        declared_by uuid REFERENCES users(id),
        declared_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agency_id, code)
      )`);
    await q.query(`CREATE INDEX agency_tthc_code_idx ON agency_tthc (code)`);

    // A tthc_changed flag is resolved by a revision whose content reflects the catalogue entry as
    // it is now: the statutory time limit and the fee as published, every published legal basis
    // found in the registry cited. An abolished TTHC is resolved only by withdrawing the document.
    await q.query(`
      CREATE FUNCTION tthc_flag_resolved_by(change_id uuid, rev uuid) RETURNS boolean
      LANGUAGE sql STABLE AS $$
        SELECT coalesce((
          SELECT p.status = 'in_force'
             AND (NOT (c.changes ? 'timeLimit') OR p.time_limit_value IS NULL OR (
                   (r.content -> 'statutoryTimeLimit' ->> 'value')::numeric = p.time_limit_value
                   AND r.content -> 'statutoryTimeLimit' ->> 'unit' = p.time_limit_unit))
             AND (NOT (c.changes ? 'fee') OR search_fold(coalesce(r.content ->> 'fee', '')) = search_fold(coalesce(p.fee, '')))
             AND (NOT (c.changes ? 'legalBasisNumbers') OR NOT EXISTS (
                   SELECT 1 FROM legal_documents l
                    WHERE l.number_key = ANY (SELECT legal_number_key(n) FROM unnest(p.legal_basis_numbers) n)
                      AND NOT EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = l.id)))
            FROM tthc_changes c
            JOIN tthc_procedures p ON p.code = c.code
            JOIN revisions r ON r.id = rev
           WHERE c.id = change_id), true)
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION flag_resolved_by(flag_kind text, flag_source uuid, rev uuid) RETURNS boolean
      LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN flag_kind = 'legal_basis_changed' AND flag_source IS NOT NULL THEN coalesce((
            SELECT CASE c.kind
                     WHEN 'amended' THEN
                       EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.by_legal_document_id)
                       OR NOT EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.legal_document_id)
                     ELSE
                       NOT EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.legal_document_id)
                   END
              FROM legal_changes c WHERE c.id = flag_source), true)
          WHEN flag_kind = 'tthc_changed' AND flag_source IS NOT NULL THEN tthc_flag_resolved_by(flag_source, rev)
          ELSE true
        END
      $$`);

    // ---- distribution and read-and-acknowledge
    await q.query(`
      CREATE TABLE document_distributions (
        document_id uuid PRIMARY KEY,
        agency_id uuid NOT NULL,
        roles text[] NOT NULL,
        agency_ids uuid[] NOT NULL,
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (document_id, agency_id) REFERENCES documents (id, agency_id)
      )`);
    await q.query(`
      CREATE TABLE read_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        revision_id uuid NOT NULL REFERENCES revisions(id),
        document_id uuid NOT NULL,
        agency_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id),
        asked_at timestamptz NOT NULL DEFAULT now(),
        reminded_at timestamptz,
        closed_at timestamptz,
        UNIQUE (revision_id, user_id),
        FOREIGN KEY (document_id, agency_id) REFERENCES documents (id, agency_id)
      )`);
    await q.query(`CREATE INDEX read_requests_user_idx ON read_requests (user_id) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX read_requests_document_idx ON read_requests (document_id) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX read_requests_reminder_idx ON read_requests (asked_at) WHERE closed_at IS NULL AND reminded_at IS NULL`);
    await q.query(`CREATE INDEX read_requests_agency_idx ON read_requests (agency_id) WHERE closed_at IS NULL`);
    await q.query(`
      CREATE TABLE revision_acknowledgements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        revision_id uuid NOT NULL REFERENCES revisions(id),
        agency_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id),
        acknowledged_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (revision_id, user_id)
      )`);
    await q.query(`CREATE TRIGGER revision_acknowledgements_append_only BEFORE UPDATE OR DELETE ON revision_acknowledgements FOR EACH ROW EXECUTE FUNCTION reject_change()`);
    await q.query(`CREATE TRIGGER revision_acknowledgements_no_truncate BEFORE TRUNCATE ON revision_acknowledgements FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS revision_acknowledgements`);
    await q.query(`DROP TABLE IF EXISTS read_requests`);
    await q.query(`DROP TABLE IF EXISTS document_distributions`);
    await q.query(`
      CREATE OR REPLACE FUNCTION flag_resolved_by(flag_kind text, flag_source uuid, rev uuid) RETURNS boolean
      LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN flag_kind = 'legal_basis_changed' AND flag_source IS NOT NULL THEN coalesce((
            SELECT CASE c.kind
                     WHEN 'amended' THEN
                       EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.by_legal_document_id)
                       OR NOT EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.legal_document_id)
                     ELSE
                       NOT EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.legal_document_id)
                   END
              FROM legal_changes c WHERE c.id = flag_source), true)
          ELSE true
        END
      $$`);
    await q.query(`DROP FUNCTION IF EXISTS tthc_flag_resolved_by(uuid, uuid)`);
    await q.query(`DROP TABLE IF EXISTS agency_tthc`);
    await q.query(`DROP TABLE IF EXISTS tthc_changes`);
    await q.query(`DROP TABLE IF EXISTS tthc_procedures`);
  }
}
