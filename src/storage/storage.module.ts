import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ObjectStorage } from './object-storage.js';
import { S3ObjectStorage } from './s3-object-storage.js';

@Global()
@Module({
  providers: [
    {
      provide: ObjectStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.s3.endpoint) throw new Error('S3 endpoint unresolved: start the embedded S3 server before the app (bootstrap/prepare.ts)');
        return new S3ObjectStorage(config.s3.endpoint, config.s3);
      },
    },
  ],
  exports: [ObjectStorage],
})
export class StorageModule {}
