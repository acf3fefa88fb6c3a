// Once per test run (plain JS: jest loads it outside its module system): a run id naming the
// test database and Redis key prefix, and an s3rver on a free port. The database itself is
// created and migrated by the first test app (test/support/app.ts), under an advisory lock.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export default async function globalSetup() {
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const base = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432/';
  const dataDir = mkdtempSync(join(tmpdir(), 'eiso-test-'));
  mkdirSync(join(dataDir, 's3'), { recursive: true });
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, directory: join(dataDir, 's3'), silent: true, configureBuckets: [{ name: 'eiso-test' }] });
  const { port } = await s3.run();

  process.env.EISO_TEST_DATABASE_URL = new URL(`eiso_test_${runId}`, base).toString();
  process.env.EISO_TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.EISO_TEST_REDIS_PREFIX = `eiso_test_${runId}`;
  process.env.EISO_TEST_S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.EISO_TEST_DATA_DIR = dataDir;
  globalThis.__EISO_TEST__ = { s3, dataDir };
}
