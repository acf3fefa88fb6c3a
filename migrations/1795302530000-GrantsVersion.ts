import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `users.grants_version` moves whenever what a user's grants say may have changed: one of their
 * memberships added, changed or removed, or the path of an agency they are a member of moved. The
 * request's session lookup reads it with the user, so a process reuses the grants it built for
 * that user while the version is the same, and rebuilds them on the next request after a change,
 * in every process (nothing to invalidate by hand).
 */
export class GrantsVersion1795302530000 implements MigrationInterface {
  name = 'GrantsVersion1795302530000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN grants_version bigint NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE FUNCTION memberships_bump_grants_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          UPDATE users SET grants_version = grants_version + 1 WHERE id = OLD.user_id;
        END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
          UPDATE users SET grants_version = grants_version + 1 WHERE id = NEW.user_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER memberships_grants_version AFTER INSERT OR UPDATE OR DELETE ON memberships
        FOR EACH ROW EXECUTE FUNCTION memberships_bump_grants_version()`);
    await q.query(`
      CREATE FUNCTION agencies_bump_grants_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE users SET grants_version = grants_version + 1 WHERE id IN (SELECT m.user_id FROM memberships m WHERE m.agency_id = NEW.id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER agencies_grants_version AFTER UPDATE OF path ON agencies
        FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION agencies_bump_grants_version()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER agencies_grants_version ON agencies`);
    await q.query(`DROP FUNCTION agencies_bump_grants_version()`);
    await q.query(`DROP TRIGGER memberships_grants_version ON memberships`);
    await q.query(`DROP FUNCTION memberships_bump_grants_version()`);
    await q.query(`ALTER TABLE users DROP COLUMN grants_version`);
  }
}
