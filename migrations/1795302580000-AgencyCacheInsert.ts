import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A new agency is an `a:` notification too (migration CacheInvalidation sent them for changed and
 * deleted agencies only): the agencies every process keeps (src/access/access.service.ts, the
 * paths and subtrees behind every scope) learn of it when it commits, so a subtree holds its new
 * agency at once and a scope that covered every agency stops doing so the moment one is added
 * outside it.
 */
export class AgencyCacheInsert1795302580000 implements MigrationInterface {
  name = 'AgencyCacheInsert1795302580000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TRIGGER agencies_cache_insert AFTER INSERT ON agencies REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION cache_invalidate('a', 'x.id')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER agencies_cache_insert ON agencies`);
  }
}
