import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Legal changes and their regeneration: a change (amended / replaced / repealed) of a legal
 * document, recorded with its registry relation, and one item per citing document in every
 * agency with the outcome of its regeneration (draft created / updated, needs attention, failed).
 *
 * Held by the database:
 * - one change per registry relation (a change is posted once);
 * - one item per (change, document): re-running a change never duplicates work;
 * - counters stay consistent (0 <= failed <= processed <= total), an item's outcome matches its status;
 * - batches (the unit of queued work) and per-agency notices are unique per change.
 */
export class LegalChanges1795300600000 implements MigrationInterface {
  name = 'LegalChanges1795300600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        legal_document_id uuid NOT NULL REFERENCES legal_documents(id),
        kind text NOT NULL CHECK (kind IN ('amended', 'replaced', 'repealed')),
        by_legal_document_id uuid REFERENCES legal_documents(id),
        relation_id uuid NOT NULL UNIQUE REFERENCES legal_document_relations(id),
        effective_from date NOT NULL,
        note text CHECK (note IS NULL OR length(note) <= 2000),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'completed_with_failures')),
        total int NOT NULL DEFAULT 0,
        processed int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        round int NOT NULL DEFAULT 0 CHECK (round >= 0),
        fanout_job_id text NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (kind = 'repealed' OR by_legal_document_id IS NOT NULL),
        CHECK (by_legal_document_id IS NULL OR by_legal_document_id <> legal_document_id),
        CHECK (0 <= failed AND failed <= processed AND processed <= total),
        CHECK ((status IN ('completed', 'completed_with_failures')) = (finished_at IS NOT NULL)),
        CHECK (status <> 'completed' OR (processed = total AND failed = 0)),
        CHECK (status <> 'completed_with_failures' OR (processed = total AND failed > 0))
      )`);
    await q.query(`CREATE INDEX legal_changes_document_idx ON legal_changes (legal_document_id, created_at DESC, id)`);
    await q.query(`CREATE INDEX legal_changes_unfinished_idx ON legal_changes (created_at, id) WHERE status IN ('pending', 'running')`);

    await q.query(`
      CREATE TABLE legal_change_items (
        change_id uuid NOT NULL REFERENCES legal_changes(id),
        document_id uuid NOT NULL REFERENCES documents(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        batch_no int NOT NULL CHECK (batch_no >= 0),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
        outcome text CHECK (outcome IN ('draft_created', 'draft_updated', 'needs_attention', 'failed')),
        reason_code text,
        reason text CHECK (reason IS NULL OR length(reason) <= 4000),
        draft_revision_id uuid REFERENCES revisions(id),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (change_id, document_id),
        FOREIGN KEY (document_id, agency_id) REFERENCES documents (id, agency_id),
        CHECK ((status = 'pending') = (outcome IS NULL)),
        CHECK ((status = 'failed') = (outcome = 'failed'))
      )`);
    await q.query(`CREATE INDEX legal_change_items_batch_idx ON legal_change_items (change_id, batch_no) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX legal_change_items_agency_idx ON legal_change_items (change_id, agency_id)`);
    await q.query(`CREATE INDEX legal_change_items_document_idx ON legal_change_items (document_id)`);

    // The queued unit of work of a change: a batch of items and the id of the job that runs it now.
    await q.query(`
      CREATE TABLE legal_change_batches (
        change_id uuid NOT NULL REFERENCES legal_changes(id),
        batch_no int NOT NULL CHECK (batch_no >= 0),
        job_id text NOT NULL,
        round int NOT NULL DEFAULT 0,
        enqueued_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (change_id, batch_no)
      )`);

    // One notice per agency and change (to its ISO secretaries and drafters), however the items are batched.
    await q.query(`
      CREATE TABLE legal_change_notices (
        change_id uuid NOT NULL REFERENCES legal_changes(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        notified_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (change_id, agency_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS legal_change_notices`);
    await q.query(`DROP TABLE IF EXISTS legal_change_batches`);
    await q.query(`DROP TABLE IF EXISTS legal_change_items`);
    await q.query(`DROP TABLE IF EXISTS legal_changes`);
  }
}
