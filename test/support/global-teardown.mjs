// Drops the run's database, deletes its Redis keys, stops its s3rver (KEEP_TEST_DB=1 keeps the database).
import { rmSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';

export default async function globalTeardown() {
  const state = globalThis.__EISO_TEST__;
  if (state) {
    state.s3.httpServer?.closeAllConnections();
    await state.s3.close().catch(() => undefined);
    rmSync(state.dataDir, { recursive: true, force: true });
  }

  const prefix = process.env.EISO_TEST_REDIS_PREFIX;
  if (prefix) {
    const redis = new Redis(process.env.EISO_TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } catch {
      // Redis may have been stopped by a test; nothing to clean then.
    } finally {
      redis.disconnect();
    }
  }

  const dbUrl = process.env.EISO_TEST_DATABASE_URL;
  if (!dbUrl || process.env.KEEP_TEST_DB) return;
  const url = new URL(dbUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
