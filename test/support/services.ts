import { join } from 'node:path';
import { ensureDatabaseExists, runMigrations } from '../../src/database/prepare-database.js';
import { EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3.js';
import { PrivatePostgres } from '../../bench/support/private-services.js';

// Private PostgreSQL, Redis and s3rver processes that a test can kill, stop and start again
// (never the shared servers): one implementation for the tests and the fault bench.
export { freePort, PrivatePostgres, PrivateRedis, PrivateRedis as TestRedis, PrivateS3 } from '../../bench/support/private-services.js';

/** A private s3rver in this process that a test can stop (to test what happens when object storage is down). */
export async function startPrivateS3(dir: string, bucket = 'eiso-test'): Promise<EmbeddedS3> {
  return startEmbeddedS3(join(dir, `s3-${Date.now()}-${Math.random().toString(36).slice(2)}`), 0, bucket);
}

/** A private PostgreSQL cluster with a migrated database `name` (for a test app's DATABASE_URL). */
export async function privateDatabase(name: string): Promise<{ pg: PrivatePostgres; url: string }> {
  const pg = await PrivatePostgres.start();
  const url = pg.url(name);
  await ensureDatabaseExists(url);
  await runMigrations({ databaseUrl: url, nodeEnv: 'test' });
  return { pg, url };
}
