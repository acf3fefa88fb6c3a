import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The event digest of the Foundation migration, with `client_request_id` appended only when set (so older events keep theirs). */
function digestFunction(withClientRequestId: boolean): string {
  return `
    CREATE OR REPLACE FUNCTION audit_event_digest(prev text, e audit_events) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT encode(sha256(convert_to(
      coalesce(prev, '') || '|' || e.id::text || '|' || e.chain::text || '|' || e.seq::text || '|' ||
      coalesce(e.agency_id::text, '') || '|' ||
      to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' ||
      coalesce(e.actor_id::text, '') || '|' || coalesce(e.actor_name, '') || '|' ||
      e.action || '|' || e.entity_type || '|' || coalesce(e.entity_id::text, '') || '|' ||
      coalesce(e.changes::text, 'null') || '|' || coalesce(e.request_id, '') || '|' || coalesce(e.client_ip, '')${withClientRequestId ? ` ||
      coalesce('|' || e.client_request_id, '')` : ''},
      'UTF8')), 'hex') $$`;
}

/**
 * The outside security probe's findings:
 * - `auth_throttles`: the PostgreSQL copy of the sign-in and re-authentication throttle, used
 *   while Redis is down (failures per key, the back-off's next allowed attempt, expiry).
 * - `audit_events.client_request_id`: the X-Request-Id a client sent when it was not a UUID
 *   (the event's request_id is then the one the server generated). It joins the hash chain
 *   only when set, so every event written before keeps its digest.
 * - `public_download_counts`: anonymous downloads counted per revision, variant and day instead
 *   of one audit event each.
 */
export class SecurityHardening1795301300000 implements MigrationInterface {
  name = 'SecurityHardening1795301300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_throttles (
        key text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('login', 'address', 'reauth', 'public')),
        subject text NOT NULL,
        address text NOT NULL,
        failures int NOT NULL DEFAULT 0 CHECK (failures >= 0),
        next_at timestamptz,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX auth_throttles_subject_idx ON auth_throttles (kind, subject)`);
    await q.query(`CREATE INDEX auth_throttles_address_idx ON auth_throttles (address)`);
    await q.query(`CREATE INDEX auth_throttles_expires_idx ON auth_throttles (expires_at)`);

    await q.query(`ALTER TABLE audit_events ADD COLUMN client_request_id text CHECK (length(client_request_id) <= 200)`);
    await q.query(digestFunction(true));

    await q.query(`
      CREATE TABLE public_download_counts (
        revision_id uuid NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
        agency_id uuid NOT NULL REFERENCES agencies(id),
        variant text NOT NULL CHECK (variant IN ('controlled', 'source')),
        day date NOT NULL,
        downloads bigint NOT NULL DEFAULT 0 CHECK (downloads >= 0),
        PRIMARY KEY (revision_id, variant, day)
      )`);
    await q.query(`CREATE INDEX public_download_counts_agency_idx ON public_download_counts (agency_id, day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS public_download_counts`);
    await q.query(digestFunction(false));
    await q.query(`ALTER TABLE audit_events DROP COLUMN client_request_id`);
    await q.query(`DROP TABLE IF EXISTS auth_throttles`);
  }
}
