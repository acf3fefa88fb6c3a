import { AppConfig } from '../config/app-config.js';
import { appLogger } from '../common/logger.js';
import { ensureDatabaseExists, runMigrations } from '../database/prepare-database.js';
import { EmbeddedS3, embeddedS3Directory, startEmbeddedS3 } from '../storage/embedded-s3.js';
import { S3ObjectStorage } from '../storage/s3-object-storage.js';

export interface PreparedRuntime {
  /** The configuration with the S3 endpoint resolved (embedded server when none was configured). */
  config: AppConfig;
  embeddedS3: EmbeddedS3 | null;
  close(): Promise<void>;
}

/**
 * Everything that must be true before the app starts: the database exists and is migrated, object
 * storage is reachable (started in-process when S3_ENDPOINT is not set) and the bucket exists.
 */
export async function prepareRuntime(config: AppConfig, opts: { role: 'api' | 'worker' }): Promise<PreparedRuntime> {
  await ensureDatabaseExists(config.databaseUrl);
  await runMigrations(config);

  let embeddedS3: EmbeddedS3 | null = null;
  let endpoint = config.s3.endpoint;
  if (!endpoint) {
    if (opts.role === 'api') {
      const dir = embeddedS3Directory(config.dataDir);
      embeddedS3 = await startEmbeddedS3(dir, config.s3.embeddedPort, config.s3.bucket);
      endpoint = embeddedS3.endpoint;
      appLogger.write('info', 'S3_ENDPOINT not set: started the embedded S3 server (s3rver) for object storage', { endpoint, directory: dir });
    } else {
      // A worker on the same machine as an API that runs the embedded server.
      endpoint = `http://127.0.0.1:${config.s3.embeddedPort}`;
      appLogger.write('info', 'S3_ENDPOINT not set: using the embedded S3 server of the API process on this machine', { endpoint });
    }
  }
  const resolved: AppConfig = { ...config, s3: { ...config.s3, endpoint } };
  await new S3ObjectStorage(endpoint, resolved.s3).ensureBucket();
  return {
    config: resolved,
    embeddedS3,
    async close() {
      await embeddedS3?.close();
    },
  };
}
