import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keys per notification at most; a statement touching more sends `<kind>:*` (everything of that kind). */
export const KEYS_PER_NOTIFICATION = 150;

/** Tables whose rows hold a revision of a document's current version: keyed through `revisions`. */
const BY_REVISION = ['revision_files', 'revision_transitions', 'sign_offs', 'renditions', 'rendition_requests'];

/**
 * The API processes keep what every request would otherwise read again (src/identity/live-caches.ts):
 * the signed-in principal per session, and the current version of documents as its JSON and ETag.
 * These statement-level triggers tell them, on channel `eiso_cache`, what changed, once the
 * transaction commits (NOTIFY is transactional): `u:<user ids>` (a session ended, a user changed,
 * their grants moved: memberships and agency paths bump users.grants_version, migration GrantsVersion),
 * `n:<user ids>` (a name shown in current versions changed), `a:<agency ids>` (an agency changed),
 * `d:<document ids>` (a document, its
 * revisions, their files, sign-offs, state history or renditions changed). Ids are comma-separated;
 * `<kind>:*` when one statement touched more than KEYS_PER_NOTIFICATION of them.
 */
export class CacheInvalidation1795302540000 implements MigrationInterface {
  name = 'CacheInvalidation1795302540000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION cache_notify(kind text, keys text[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF keys IS NULL OR cardinality(keys) = 0 THEN RETURN; END IF;
        IF cardinality(keys) > ${KEYS_PER_NOTIFICATION} THEN
          PERFORM pg_notify('eiso_cache', kind || ':*');
        ELSE
          PERFORM pg_notify('eiso_cache', kind || ':' || array_to_string(keys, ','));
        END IF;
      END $$`);
    // TG_ARGV[0]: the kind; TG_ARGV[1]: the key of a changed row x (an SQL expression). The rows
    // are the statement's transition tables: old and new for UPDATE.
    await q.query(`
      CREATE FUNCTION cache_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        keys text[];
        src text := CASE TG_OP WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
                               WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
                               ELSE 'SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows' END;
      BEGIN
        EXECUTE format('SELECT array_agg(DISTINCT k) FROM (SELECT (%s)::text AS k FROM (%s) x) s WHERE k IS NOT NULL', TG_ARGV[1], src) INTO keys;
        PERFORM cache_notify(TG_ARGV[0], keys);
        RETURN NULL;
      END $$`);
    // users: only what a principal or a current version shows (not the last sign-in and the like).
    await q.query(`
      CREATE FUNCTION users_cache_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM cache_notify('u', (SELECT array_agg(o.id::text) FROM old_rows o));
          RETURN NULL;
        END IF;
        PERFORM cache_notify('u', (SELECT array_agg(n.id::text) FROM new_rows n JOIN old_rows o ON o.id = n.id
                                    WHERE (n.username, n.full_name, n.is_admin, n.is_active, n.grants_version)
                                          IS DISTINCT FROM (o.username, o.full_name, o.is_admin, o.is_active, o.grants_version)));
        PERFORM cache_notify('n', (SELECT array_agg(n.id::text) FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.full_name IS DISTINCT FROM o.full_name));
        RETURN NULL;
      END $$`);
    for (const op of ['UPDATE', 'DELETE']) {
      await q.query(`
        CREATE TRIGGER users_cache_${op.toLowerCase()} AFTER ${op} ON users
          REFERENCING ${op === 'UPDATE' ? 'OLD TABLE AS old_rows NEW TABLE AS new_rows' : 'OLD TABLE AS old_rows'}
          FOR EACH STATEMENT EXECUTE FUNCTION users_cache_invalidate()`);
    }
    const triggers: { table: string; kind: string; key: string; ops: string[] }[] = [
      // A new session is not cached yet: only its end (revoked, expired early, deleted) matters.
      { table: 'auth_sessions', kind: 'u', key: 'x.user_id', ops: ['UPDATE', 'DELETE'] },
      // Agencies: their codes find public documents (src/documents/current-cache.ts, PublicViewCache).
      { table: 'agencies', kind: 'a', key: 'x.id', ops: ['UPDATE', 'DELETE'] },
      { table: 'documents', kind: 'd', key: 'x.id', ops: ['INSERT', 'UPDATE', 'DELETE'] },
      { table: 'revisions', kind: 'd', key: 'x.document_id', ops: ['INSERT', 'UPDATE', 'DELETE'] },
      ...BY_REVISION.map((table) => ({ table, kind: 'd', key: '(SELECT r.document_id FROM revisions r WHERE r.id = x.revision_id)', ops: ['INSERT', 'UPDATE', 'DELETE'] })),
    ];
    for (const t of triggers) {
      for (const op of t.ops) {
        const referencing = op === 'INSERT' ? 'NEW TABLE AS new_rows' : op === 'DELETE' ? 'OLD TABLE AS old_rows' : 'OLD TABLE AS old_rows NEW TABLE AS new_rows';
        await q.query(`
          CREATE TRIGGER ${t.table}_cache_${op.toLowerCase()} AFTER ${op} ON ${t.table} REFERENCING ${referencing}
            FOR EACH STATEMENT EXECUTE FUNCTION cache_invalidate('${t.kind}', '${t.key.replace(/'/g, "''")}')`);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['auth_sessions', 'agencies', 'documents', 'revisions', ...BY_REVISION]) {
      for (const op of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER IF EXISTS ${table}_cache_${op} ON ${table}`);
    }
    await q.query(`DROP TRIGGER users_cache_update ON users`);
    await q.query(`DROP TRIGGER users_cache_delete ON users`);
    await q.query(`DROP FUNCTION users_cache_invalidate()`);
    await q.query(`DROP FUNCTION cache_invalidate()`);
    await q.query(`DROP FUNCTION cache_notify(text, text[])`);
  }
}
