import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import type { AppConfig } from '../config/app-config.js';
import { JobQueue, OutboxRelay, Queues } from './job-queue.js';
import { JobRegistry } from './job-registry.js';
import { JobSchedules } from './job-schedules.js';
import { QueueAdminController } from './queue-admin.controller.js';
import { QUEUES } from './jobs.js';
import { WORKERS } from './processors.js';

/**
 * Queues for every process; workers (and job schedulers) only where `workers` is true: the API
 * with RUN_WORKERS=true (one machine) or the separate worker entry point.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig, opts: { workers: boolean }): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({
          connection: { url: config.redisUrl, maxRetriesPerRequest: null, enableOfflineQueue: true },
          prefix: config.redisPrefix,
        }),
        BullModule.registerQueue(...QUEUES.map((name) => ({ name }))),
      ],
      controllers: [QueueAdminController],
      providers: [Queues, JobQueue, OutboxRelay, JobRegistry, ...(opts.workers ? [...WORKERS, JobSchedules] : [])],
      exports: [Queues, JobQueue, OutboxRelay, JobRegistry],
    };
  }
}
