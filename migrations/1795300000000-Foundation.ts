import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foundation schema: text search helpers, identity, agencies, memberships, delegations, the
 * append-only hash-chained audit log, and the job outbox.
 */
export class Foundation1795300000000 implements MigrationInterface {
  name = 'Foundation1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // unaccent() is STABLE (it depends on the dictionary search path); pinning the dictionary makes
    // a wrapper IMMUTABLE, usable in expression indexes.
    await q.query(`
      CREATE FUNCTION search_fold(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
        full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
        title text,
        email text,
        password_hash text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (username)`);
    await q.query(`CREATE INDEX users_search_idx ON users USING gin (search_fold(username || ' ' || full_name) gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        client_ip text,
        user_agent text
      )`);
    await q.query(`CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id)`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash)`);
    await q.query(`CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)`);

    await q.query(`
      CREATE TABLE agencies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
        level text NOT NULL CHECK (level IN ('province', 'department', 'district', 'commune', 'unit')),
        parent_id uuid REFERENCES agencies(id) ON DELETE RESTRICT,
        path text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (parent_id IS DISTINCT FROM id)
      )`);
    await q.query(`CREATE UNIQUE INDEX agencies_code_key ON agencies (lower(code))`);
    await q.query(`CREATE INDEX agencies_parent_idx ON agencies (parent_id)`);
    await q.query(`CREATE INDEX agencies_path_idx ON agencies (path text_pattern_ops)`);
    await q.query(`CREATE INDEX agencies_search_idx ON agencies USING gin (search_fold(code || ' ' || name) gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE memberships (
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        roles text[] NOT NULL CHECK (
          cardinality(roles) > 0 AND
          roles <@ ARRAY['admin','supervisor','head','deputy','iso_secretary','drafter','staff','auditor']::text[]),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agency_id, user_id)
      )`);
    await q.query(`CREATE INDEX memberships_user_idx ON memberships (user_id)`);

    await q.query(`
      CREATE TABLE delegations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
        from_user_id uuid NOT NULL REFERENCES users(id),
        to_user_id uuid NOT NULL REFERENCES users(id),
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users(id),
        CHECK (valid_to > valid_from),
        CHECK (from_user_id <> to_user_id)
      )`);
    await q.query(`CREATE INDEX delegations_lookup_idx ON delegations (agency_id, to_user_id, valid_from, valid_to)`);

    // ---- Audit log: append-only, hash-chained per agency ----
    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        chain uuid NOT NULL,
        seq bigint NOT NULL,
        agency_id uuid,
        occurred_at timestamptz NOT NULL,
        actor_id uuid,
        actor_name text,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id uuid,
        changes jsonb,
        request_id text,
        client_ip text,
        prev_hash text,
        hash text NOT NULL,
        UNIQUE (chain, seq)
      )`);
    await q.query(`CREATE INDEX audit_events_agency_time_idx ON audit_events (agency_id, occurred_at, id)`);
    await q.query(`CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, occurred_at)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at)`);
    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, id)`);
    // The canonical text of an event and its link to the previous one. verify() recomputes this.
    await q.query(`
      CREATE FUNCTION audit_event_digest(prev text, e audit_events) RETURNS text
      LANGUAGE sql STABLE PARALLEL SAFE
      AS $$ SELECT encode(sha256(convert_to(
        coalesce(prev, '') || '|' || e.id::text || '|' || e.chain::text || '|' || e.seq::text || '|' ||
        coalesce(e.agency_id::text, '') || '|' ||
        to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' ||
        coalesce(e.actor_id::text, '') || '|' || coalesce(e.actor_name, '') || '|' ||
        e.action || '|' || e.entity_type || '|' || coalesce(e.entity_id::text, '') || '|' ||
        coalesce(e.changes::text, 'null') || '|' || coalesce(e.request_id, '') || '|' || coalesce(e.client_ip, ''),
        'UTF8')), 'hex') $$`);
    await q.query(`
      CREATE FUNCTION audit_events_link() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        last_seq bigint;
        last_hash text;
      BEGIN
        NEW.chain := coalesce(NEW.agency_id, '00000000-0000-0000-0000-000000000000'::uuid);
        -- One writer per chain at a time, until commit: the chain stays linear.
        PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || NEW.chain::text, 0));
        SELECT seq, hash INTO last_seq, last_hash FROM audit_events WHERE chain = NEW.chain ORDER BY seq DESC LIMIT 1;
        NEW.seq := coalesce(last_seq, 0) + 1;
        NEW.prev_hash := last_hash;
        NEW.occurred_at := clock_timestamp();
        NEW.hash := audit_event_digest(NEW.prev_hash, NEW);
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER audit_events_link BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_link()`);
    await q.query(`
      CREATE FUNCTION reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: the records are append-only or controlled', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION reject_change()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);

    // ---- Job outbox ----
    await q.query(`
      CREATE TABLE job_outbox (
        id bigserial PRIMARY KEY,
        queue text NOT NULL,
        name text NOT NULL,
        job_id text NOT NULL,
        data jsonb NOT NULL,
        run_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX job_outbox_queue_job_id_key ON job_outbox (queue, job_id)`);
    await q.query(`CREATE INDEX job_outbox_pending_idx ON job_outbox (id) WHERE dispatched_at IS NULL`);
    await q.query(`CREATE INDEX job_outbox_dispatched_idx ON job_outbox (dispatched_at) WHERE dispatched_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS job_outbox`);
    await q.query(`DROP FUNCTION IF EXISTS audit_event_digest(text, audit_events)`);
    await q.query(`DROP TABLE IF EXISTS audit_events`);
    await q.query(`DROP FUNCTION IF EXISTS audit_events_link()`);
    await q.query(`DROP FUNCTION IF EXISTS reject_change()`);
    await q.query(`DROP TABLE IF EXISTS delegations`);
    await q.query(`DROP TABLE IF EXISTS memberships`);
    await q.query(`DROP TABLE IF EXISTS agencies`);
    await q.query(`DROP TABLE IF EXISTS refresh_tokens`);
    await q.query(`DROP TABLE IF EXISTS auth_sessions`);
    await q.query(`DROP TABLE IF EXISTS users`);
    await q.query(`DROP FUNCTION IF EXISTS search_fold(text)`);
  }
}
