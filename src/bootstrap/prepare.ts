import { AppConfig } from '../config/app-config.js';
import { appLogger } from '../common/logger.js';
import { ensureDatabaseExists, runMigrations } from '../database/prepare-database.js';
import { EmbeddedS3, embeddedS3Directory, startEmbeddedS3 } from '../storage/embedded-s3.js';

export interface PreparedRuntime {
  /** The configuration with the S3 endpoint resolved (embedded server when the s3 driver was asked for without one). */
  config: AppConfig;
  embeddedS3: EmbeddedS3 | null;
  close(): Promise<void>;
}

/**
 * Everything that must be true before the app starts: the database exists and is migrated, and
 * an embedded S3 server (s3rver, a test server) runs if STORAGE_DRIVER=s3 is asked for without
 * S3_ENDPOINT. The storage driver prepares itself when the app starts (the local store's
 * directory, or the bucket: src/storage/storage.module.ts).
 */
export async function prepareRuntime(config: AppConfig, opts: { role: 'api' | 'worker' }): Promise<PreparedRuntime> {
  await ensureDatabaseExists(config.databaseUrl);
  await runMigrations(config);

  let embeddedS3: EmbeddedS3 | null = null;
  let endpoint = config.s3.endpoint;
  if (config.storage.driver === 's3' && !endpoint) {
    if (opts.role === 'api') {
      const dir = embeddedS3Directory(config.dataDir);
      embeddedS3 = await startEmbeddedS3(dir, config.s3.embeddedPort, config.s3.bucket);
      endpoint = embeddedS3.endpoint;
      appLogger.write('info', 'STORAGE_DRIVER=s3 without S3_ENDPOINT: started the embedded S3 server (s3rver, for development)', { endpoint, directory: dir });
    } else {
      // A worker on the same machine as an API that runs the embedded server.
      endpoint = `http://127.0.0.1:${config.s3.embeddedPort}`;
      appLogger.write('info', 'STORAGE_DRIVER=s3 without S3_ENDPOINT: using the embedded S3 server of the API process on this machine', { endpoint });
    }
  }
  return {
    config: { ...config, s3: { ...config.s3, endpoint } },
    embeddedS3,
    async close() {
      await embeddedS3?.close();
    },
  };
}
