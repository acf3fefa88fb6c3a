import { Injectable, Logger, OnModuleInit, SetMetadata } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { JOBS, JobName, JobPayload } from './jobs.js';

const JOB_HANDLER = 'eiso:job-handler';

/** A handler of job N: takes (a supertype of) N's payload, and the BullMQ job. */
export type JobHandler<N extends JobName> = (data: JobPayload<N>, job: Job<JobPayload<N>>) => Promise<unknown>;

type AnyJobHandler = (data: unknown, job: Job) => Promise<unknown>;

/**
 * Marks a provider method as the handler of a job listed in JOBS. The method's parameters are
 * checked against the job's payload type (JobPayloads in jobs.ts): a handler that expects another
 * payload does not compile.
 */
export function OnJob<N extends JobName>(name: N) {
  return <H extends JobHandler<N>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<H>): void => {
    SetMetadata(JOB_HANDLER, name)(target, key, descriptor);
  };
}

/**
 * Finds every @OnJob handler at start-up and refuses to start when a job in JOBS has none, or
 * two providers claim the same job.
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly logger = new Logger('JobRegistry');
  private readonly handlers = new Map<string, AnyJobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const proto = Object.getPrototypeOf(instance);
      if (!proto) continue;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<string>(JOB_HANDLER, fn as () => unknown);
        if (!name) continue;
        if (!(name in JOBS)) throw new Error(`@OnJob('${name}') on ${proto.constructor.name}.${method}: no such job in JOBS`);
        if (this.handlers.has(name)) throw new Error(`Job '${name}' has two handlers`);
        this.handlers.set(name, (fn as AnyJobHandler).bind(instance));
      }
    }
    const missing = Object.keys(JOBS).filter((n) => !this.handlers.has(n));
    if (missing.length) throw new Error(`Refusing to start: no handler for job(s) ${missing.join(', ')}`);
    this.logger.debug(`${this.handlers.size} job handlers registered`);
  }

  async dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    return handler(job.data, job);
  }
}
