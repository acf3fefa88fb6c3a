import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap, Type } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { AppConfig } from '../config/app-config.js';
import { RequestContexts } from '../common/request-context.js';
import { JobRegistry } from './job-registry.js';
import { bindRetryPolicy, outageOf, planFailure, retryPolicy } from './retry-policy.js';
import { isDependencyDown } from '../common/dependency-errors.js';
import { OutboxRelay, quietErrors } from './job-queue.js';
import { jobSpec, QUEUES, QueueName } from './jobs.js';

/**
 * The worker side of one queue: runs the registered handler of each job, then clears the job's
 * outbox row once it is settled. Each queue has its own class because @Processor is static.
 */
abstract class QueueWorker extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly queueName: QueueName;
  private readonly log = new Logger('Worker');

  constructor(
    private readonly registry: JobRegistry,
    private readonly relay: OutboxRelay,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // The worker is created by @nestjs/bullmq during module init; set its concurrency from config.
    this.worker.concurrency = this.config.workerConcurrency;
    quietErrors(this.worker, `worker ${this.queueName}`, this.log);
  }

  /**
   * Stops taking jobs and lets the running ones finish before any module closes its connections
   * (the database closes in onApplicationShutdown, after every beforeApplicationShutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    const ctx = { requestId: `job:${job.queueName}:${job.id}`, clientRequestId: null, clientIp: null, userAgent: null, actorId: null, actorName: null, refusal: null };
    bindRetryPolicy(job, retryPolicy(jobSpec(job.name), { outageRetryMs: this.config.jobOutageRetryMs }));
    return RequestContexts.run(ctx, async () => {
      try {
        const result = await this.registry.dispatch(job);
        await this.relay.settled(this.queueName, job.id!).catch(() => undefined);
        return result;
      } catch (err) {
        const plan = planFailure(job, err);
        if (plan.kind === 'outage' && plan.outage && token) {
          // A dependency is down: wait for it without spending an attempt (retry-policy.ts).
          await job.updateProgress({ outage: plan.outage });
          await job.moveToDelayed(plan.nextAttemptAt!.getTime(), token);
          this.log.warn({ msg: 'job waits for a dependency', job: job.name, jobId: job.id, dependency: plan.outage.dependency, retry: plan.outage.retries, nextAttemptAt: plan.outage.nextAttemptAt, err: plan.outage.lastError });
          throw new DelayedError();
        }
        if (plan.final) {
          // A periodic job failing while a dependency is down is retried by its next run: not a bug.
          const level = isDependencyDown(err) && jobSpec(job.name)?.everyMs ? 'warn' : 'error';
          this.log[level]({ msg: 'job failed for good', job: job.name, jobId: job.id, attempts: job.attemptsMade + 1, err });
          await this.relay.settled(this.queueName, job.id!).catch(() => undefined);
        } else {
          this.log.warn({ msg: 'job failed, will retry', job: job.name, jobId: job.id, attempt: job.attemptsMade + 1, err: (err as Error).message });
        }
        // A genuine error after an outage: the job no longer waits for a dependency. (An outage past
        // its budget keeps its state, so that the budget is not started again.)
        if (outageOf(job.progress) && !isDependencyDown(err)) await job.updateProgress({}).catch(() => undefined);
        throw err;
      }
    });
  }
}

/** A worker class for one queue (@Processor needs the queue name at class definition). */
function workerFor(queueName: QueueName): Type<QueueWorker> {
  @Processor(queueName)
  class Worker extends QueueWorker {
    protected readonly queueName = queueName;
    constructor(registry: JobRegistry, relay: OutboxRelay, @Inject(AppConfig) config: AppConfig) {
      super(registry, relay, config);
    }
  }
  Object.defineProperty(Worker, 'name', { value: `${queueName[0].toUpperCase()}${queueName.slice(1)}Worker` });
  return Worker;
}

export const WORKERS = QUEUES.map(workerFor);
