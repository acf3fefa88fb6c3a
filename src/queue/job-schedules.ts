import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Queues, jobOptions } from './job-queue.js';
import { JOBS, JobSpec } from './jobs.js';

/** How often the schedulers are registered again (a Redis restarted empty has none: its sweeps would not run meanwhile). */
const REREGISTER_MS = 60_000;

/**
 * Registers the periodic jobs (JOBS entries with `everyMs`) as BullMQ job schedulers, at start-up
 * and again every minute: a Redis that restarted empty gets them back without a redeploy.
 * Only processes that run workers do this.
 */
@Injectable()
export class JobSchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobSchedules');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly queues: Queues,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulesEnabled) return;
    void this.ensure();
    this.timer = setInterval(() => void this.ensure(), REREGISTER_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async ensure(): Promise<void> {
    for (const [name, spec] of Object.entries(JOBS) as [string, JobSpec][]) {
      if (!spec.everyMs) continue;
      try {
        const { jobId: _omit, delay: _d, ...opts } = jobOptions(spec, name);
        await this.queues.get(spec.queue).upsertJobScheduler(name, { every: spec.everyMs }, { name, data: {}, opts });
      } catch (err) {
        this.logger.warn({ msg: 'could not register job scheduler', job: name, err: (err as Error).message });
      }
    }
  }
}
