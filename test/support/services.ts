import { join } from 'node:path';
import { EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3.js';

// Private PostgreSQL, Redis and s3rver processes that a test can kill, stop and start again
// (never the shared servers): one implementation for the tests and the fault bench.
export { freePort, PrivatePostgres, PrivateRedis, PrivateRedis as TestRedis, PrivateS3 } from '../../bench/support/private-services.js';

/** A private s3rver in this process that a test can stop (to test what happens when object storage is down). */
export async function startPrivateS3(dir: string, bucket = 'eiso-test'): Promise<EmbeddedS3> {
  return startEmbeddedS3(join(dir, `s3-${Date.now()}-${Math.random().toString(36).slice(2)}`), 0, bucket);
}
