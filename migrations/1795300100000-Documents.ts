import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Controlled documents: the register (documents), their revisions with content, files and
 * citations, the content-addressed object registry, revision state history and document flags.
 *
 * Legal invariants held by the database itself:
 * - `code` unique per agency (code_key = NFC + lower-case, computed by the service);
 * - a form belongs to a procedure of the same agency (composite FK on (id, agency_id, type));
 * - one quality policy and one objectives document per year per agency (not withdrawn);
 * - at most one effective and at most one open (draft, in_review, pending_approval, approved)
 *   revision per document (partial unique indexes);
 * - approved, effective, superseded and obsolete revisions are frozen: their rows only move along
 *   the lifecycle (approved→effective, effective→superseded|obsolete, approved→obsolete), cannot be
 *   deleted, and their files and citations cannot be inserted, changed or deleted (triggers).
 */
export class Documents1795300100000 implements MigrationInterface {
  name = 'Documents1795300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
        type text NOT NULL CHECK (type IN ('procedure', 'form', 'quality_policy', 'quality_objectives', 'manual', 'decision', 'other')),
        code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64 AND code !~ '[[:space:]]'),
        code_key text NOT NULL CHECK (length(code_key) BETWEEN 1 AND 64),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
        procedure_id uuid,
        procedure_type text GENERATED ALWAYS AS (CASE WHEN procedure_id IS NULL THEN NULL ELSE 'procedure' END) STORED,
        tthc_code text CHECK (tthc_code ~ '^[0-9]\\.[0-9]{6}(\\.[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Z][0-9]{2})?$'),
        review_interval_months int NOT NULL DEFAULT 12 CHECK (review_interval_months BETWEEN 1 AND 120),
        year int CHECK (year BETWEEN 2000 AND 2100),
        withdrawn_at timestamptz,
        withdrawn_reason text,
        withdrawn_by uuid REFERENCES users(id),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, agency_id),
        UNIQUE (id, agency_id, type),
        FOREIGN KEY (procedure_id, agency_id, procedure_type) REFERENCES documents (id, agency_id, type),
        CHECK ((type = 'form') = (procedure_id IS NOT NULL)),
        CHECK (tthc_code IS NULL OR type = 'procedure'),
        CHECK ((type = 'quality_objectives') = (year IS NOT NULL)),
        CHECK (withdrawn_at IS NOT NULL OR (withdrawn_reason IS NULL AND withdrawn_by IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX documents_agency_code_key ON documents (agency_id, code_key)`);
    await q.query(`CREATE INDEX documents_code_idx ON documents (code_key, id)`);
    await q.query(`CREATE INDEX documents_procedure_idx ON documents (procedure_id) WHERE procedure_id IS NOT NULL`);
    await q.query(`CREATE INDEX documents_tthc_idx ON documents (tthc_code text_pattern_ops) WHERE tthc_code IS NOT NULL`);
    await q.query(`CREATE INDEX documents_search_idx ON documents USING gin (search_fold(code || ' ' || title) gin_trgm_ops)`);
    await q.query(`CREATE UNIQUE INDEX documents_one_quality_policy ON documents (agency_id) WHERE type = 'quality_policy' AND withdrawn_at IS NULL`);
    await q.query(`CREATE UNIQUE INDEX documents_one_objectives_per_year ON documents (agency_id, year) WHERE type = 'quality_objectives' AND withdrawn_at IS NULL`);

    // ---- Content-addressed object registry: key objects/sha256/<ab>/<cd>/<sha256> ----
    await q.query(`
      CREATE TABLE stored_objects (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size >= 0),
        media_type text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        verified_at timestamptz,
        mismatch_at timestamptz,
        mismatch_sha256 text
      )`);
    await q.query(`CREATE INDEX stored_objects_verify_idx ON stored_objects (verified_at NULLS FIRST, sha256)`);
    await q.query(`CREATE INDEX stored_objects_created_idx ON stored_objects (created_at)`);

    // ---- Revisions ----
    await q.query(`
      CREATE TABLE revisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        document_id uuid NOT NULL,
        agency_id uuid NOT NULL,
        number int CHECK (number >= 1),
        state text NOT NULL CHECK (state IN ('draft', 'in_review', 'pending_approval', 'approved', 'effective', 'superseded', 'obsolete')),
        content jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(content) = 'object'),
        change_summary text CHECK (length(change_summary) <= 4000),
        author_id uuid NOT NULL REFERENCES users(id),
        based_on_revision_id uuid REFERENCES revisions(id),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        effective_from timestamptz,
        approved_at timestamptz,
        effective_at timestamptz,
        superseded_at timestamptz,
        obsolete_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (document_id, agency_id) REFERENCES documents (id, agency_id) ON DELETE RESTRICT,
        UNIQUE (document_id, number),
        CHECK ((number IS NULL) = (effective_at IS NULL)),
        CHECK (state NOT IN ('effective', 'superseded') OR effective_at IS NOT NULL),
        CHECK (state NOT IN ('draft', 'in_review', 'pending_approval', 'approved') OR effective_at IS NULL),
        CHECK (state <> 'superseded' OR superseded_at IS NOT NULL),
        CHECK (state <> 'obsolete' OR obsolete_at IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX revisions_one_effective ON revisions (document_id) WHERE state = 'effective'`);
    await q.query(`CREATE UNIQUE INDEX revisions_one_open ON revisions (document_id) WHERE state IN ('draft', 'in_review', 'pending_approval', 'approved')`);
    await q.query(`CREATE INDEX revisions_document_idx ON revisions (document_id, created_at, id)`);
    await q.query(`CREATE INDEX revisions_agency_state_idx ON revisions (agency_id, state)`);
    await q.query(`CREATE INDEX revisions_author_idx ON revisions (author_id, state)`);

    // Frozen revisions (approved and later) only move along their lifecycle; everything else about
    // them (content, change summary, author, dates recorded earlier, any column added later) stays.
    await q.query(`
      CREATE FUNCTION revisions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        frozen constant text[] := ARRAY['approved', 'effective', 'superseded', 'obsolete'];
        allowed text[];
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.state = ANY (frozen) THEN
            RAISE EXCEPTION 'revision % is % and cannot be deleted', OLD.id, OLD.state USING ERRCODE = 'P0001';
          END IF;
          RETURN OLD;
        END IF;
        IF NOT (OLD.state = ANY (frozen)) THEN
          RETURN NEW;
        END IF;
        IF OLD.state = 'approved' AND NEW.state = 'effective' THEN
          allowed := ARRAY['state', 'effective_at', 'number', 'updated_at', 'version'];
        ELSIF OLD.state = 'effective' AND NEW.state = 'superseded' THEN
          allowed := ARRAY['state', 'superseded_at', 'updated_at', 'version'];
        ELSIF OLD.state IN ('effective', 'approved') AND NEW.state = 'obsolete' THEN
          allowed := ARRAY['state', 'obsolete_at', 'updated_at', 'version'];
        ELSE
          RAISE EXCEPTION 'revision % is % and cannot be changed (only approved→effective, effective→superseded|obsolete, approved→obsolete are allowed; got %→%)',
            OLD.id, OLD.state, OLD.state, NEW.state USING ERRCODE = 'P0001';
        END IF;
        IF (to_jsonb(NEW) - allowed) IS DISTINCT FROM (to_jsonb(OLD) - allowed) THEN
          RAISE EXCEPTION 'revision % is %: only its state and lifecycle timestamps may change', OLD.id, OLD.state USING ERRCODE = 'P0001';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER revisions_guard BEFORE UPDATE OR DELETE ON revisions FOR EACH ROW EXECUTE FUNCTION revisions_guard()`);
    await q.query(`CREATE TRIGGER revisions_no_truncate BEFORE TRUNCATE ON revisions FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    // Rows that belong to a revision (files, citations): frozen with it. The revision row is read
    // FOR SHARE so a concurrent approval (an UPDATE of that row) and a file change serialise.
    await q.query(`
      CREATE FUNCTION revision_children_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        frozen constant text[] := ARRAY['approved', 'effective', 'superseded', 'obsolete'];
        rev_state text;
        rev_id uuid;
      BEGIN
        FOREACH rev_id IN ARRAY (CASE TG_OP
              WHEN 'INSERT' THEN ARRAY[NEW.revision_id]
              WHEN 'DELETE' THEN ARRAY[OLD.revision_id]
              ELSE ARRAY[OLD.revision_id, NEW.revision_id] END) LOOP
          SELECT state INTO rev_state FROM revisions WHERE id = rev_id FOR SHARE;
          IF rev_state = ANY (frozen) THEN
            RAISE EXCEPTION '% on % refused: revision % is %', TG_OP, TG_TABLE_NAME, rev_id, rev_state USING ERRCODE = 'P0001';
          END IF;
        END LOOP;
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
      END $$`);

    await q.query(`
      CREATE TABLE revision_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        revision_id uuid NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
        agency_id uuid NOT NULL REFERENCES agencies(id),
        role text NOT NULL CHECK (role IN ('source', 'attachment')),
        filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
        media_type text NOT NULL,
        size bigint NOT NULL CHECK (size > 0),
        sha256 text NOT NULL REFERENCES stored_objects(sha256) ON DELETE RESTRICT,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX revision_files_one_source ON revision_files (revision_id) WHERE role = 'source'`);
    await q.query(`CREATE INDEX revision_files_revision_idx ON revision_files (revision_id, created_at, id)`);
    await q.query(`CREATE INDEX revision_files_sha256_idx ON revision_files (sha256)`);
    await q.query(`CREATE TRIGGER revision_files_guard BEFORE INSERT OR UPDATE OR DELETE ON revision_files FOR EACH ROW EXECUTE FUNCTION revision_children_guard()`);
    await q.query(`CREATE TRIGGER revision_files_no_truncate BEFORE TRUNCATE ON revision_files FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    // ---- Citations of legal documents (content.legalBases as rows, found by index) ----
    await q.query(`
      CREATE TABLE revision_citations (
        revision_id uuid NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
        position int NOT NULL CHECK (position >= 0),
        legal_document_id uuid NOT NULL REFERENCES legal_documents(id) ON DELETE RESTRICT,
        articles text CHECK (length(articles) <= 500),
        PRIMARY KEY (revision_id, position),
        UNIQUE (revision_id, legal_document_id)
      )`);
    await q.query(`CREATE INDEX revision_citations_legal_idx ON revision_citations (legal_document_id, revision_id)`);
    await q.query(`CREATE TRIGGER revision_citations_guard BEFORE INSERT OR UPDATE OR DELETE ON revision_citations FOR EACH ROW EXECUTE FUNCTION revision_children_guard()`);

    // ---- State history of revisions (append-only) ----
    await q.query(`
      CREATE TABLE revision_transitions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        revision_id uuid NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
        from_state text,
        to_state text NOT NULL,
        actor_id uuid REFERENCES users(id),
        actor_name text,
        comment text CHECK (length(comment) <= 4000),
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX revision_transitions_revision_idx ON revision_transitions (revision_id, at, id)`);
    await q.query(`CREATE TRIGGER revision_transitions_no_update BEFORE UPDATE ON revision_transitions FOR EACH ROW EXECUTE FUNCTION reject_change()`);
    await q.query(`
      CREATE FUNCTION revision_transitions_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE rev_state text;
      BEGIN
        SELECT state INTO rev_state FROM revisions WHERE id = OLD.revision_id;
        IF rev_state IN ('approved', 'effective', 'superseded', 'obsolete') THEN
          RAISE EXCEPTION 'DELETE on revision_transitions refused: revision % is %', OLD.revision_id, rev_state USING ERRCODE = 'P0001';
        END IF;
        RETURN OLD;
      END $$`);
    await q.query(`CREATE TRIGGER revision_transitions_delete_guard BEFORE DELETE ON revision_transitions FOR EACH ROW EXECUTE FUNCTION revision_transitions_delete_guard()`);

    // ---- Flags raised on documents (legal basis changed, review overdue, ...) ----
    await q.query(`
      CREATE TABLE document_flags (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        document_id uuid NOT NULL,
        agency_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{1,63}$'),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        due_on date,
        source_id uuid,
        raised_at timestamptz NOT NULL DEFAULT now(),
        cleared_at timestamptz,
        cleared_by uuid REFERENCES users(id),
        cleared_by_revision_id uuid REFERENCES revisions(id),
        clear_note text,
        FOREIGN KEY (document_id, agency_id) REFERENCES documents (id, agency_id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE UNIQUE INDEX document_flags_active_key ON document_flags
        (document_id, kind, coalesce(source_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE cleared_at IS NULL`);
    await q.query(`CREATE INDEX document_flags_agency_idx ON document_flags (agency_id, kind) WHERE cleared_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS document_flags`);
    await q.query(`DROP TABLE IF EXISTS revision_transitions`);
    await q.query(`DROP FUNCTION IF EXISTS revision_transitions_delete_guard()`);
    await q.query(`DROP TABLE IF EXISTS revision_citations`);
    await q.query(`DROP TABLE IF EXISTS revision_files`);
    await q.query(`DROP FUNCTION IF EXISTS revision_children_guard()`);
    await q.query(`DROP TABLE IF EXISTS revisions`);
    await q.query(`DROP FUNCTION IF EXISTS revisions_guard()`);
    await q.query(`DROP TABLE IF EXISTS stored_objects`);
    await q.query(`DROP TABLE IF EXISTS documents`);
  }
}
