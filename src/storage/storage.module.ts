import { Global, Module } from '@nestjs/common';
import { appLogger } from '../common/logger.js';
import { AppConfig } from '../config/app-config.js';
import { LocalObjectStorage, localStorageRoot } from './local-object-storage.js';
import { ObjectStorage } from './object-storage.js';
import { S3ObjectStorage } from './s3-object-storage.js';
import { SpoolSweeper } from './spool-sweeper.js';

/** The driver the configuration names (STORAGE_DRIVER): local files under DATA_DIR, or S3. */
export function createObjectStorage(config: AppConfig): ObjectStorage {
  if (config.storage.driver === 'local') return new LocalObjectStorage(localStorageRoot(config.dataDir));
  if (!config.s3.endpoint) throw new Error('S3 endpoint unresolved: start the embedded S3 server before the app (bootstrap/prepare.ts)');
  return new S3ObjectStorage(config.s3.endpoint, config.s3);
}

/** The configured driver, ready (the store's directory or the bucket created when missing). */
async function readyObjectStorage(config: AppConfig): Promise<ObjectStorage> {
  const storage = createObjectStorage(config);
  await storage.prepare();
  appLogger.write('info', 'object storage ready', { driver: storage.driver, location: storage.location });
  return storage;
}

@Global()
@Module({
  providers: [{ provide: ObjectStorage, inject: [AppConfig], useFactory: readyObjectStorage }, SpoolSweeper],
  exports: [ObjectStorage, SpoolSweeper],
})
export class StorageModule {}
