/**
 * Compile-time contract of the job registry (src/queue/jobs.ts): every line marked
 * `@ts-expect-error` must fail to compile. test/contracts.spec.ts type-checks this file; a
 * marked line that compiles (the contract got looser) fails that test.
 */
import type { Job } from 'bullmq';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { OnJob } from '../../src/queue/job-registry.js';
import type { JobPayloads } from '../../src/queue/jobs.js';

export async function enqueueing(q: JobQueue): Promise<void> {
  await q.enqueue('render.revision', { revisionId: 'r', state: 'draft', layoutVersion: 1, round: 0 }, { jobId: 'x' });
  await q.enqueue('legal.change.batch', { changeId: 'c', batch: 1 }, { jobId: 'x' });
  await q.enqueue('identity.purge-expired-sessions', {}, { jobId: 'x' });
  // @ts-expect-error a payload of another job
  await q.enqueue('render.revision', { changeId: 'c' }, { jobId: 'x' });
  // @ts-expect-error a field missing
  await q.enqueue('render.revision', { revisionId: 'r', state: 'draft', layoutVersion: 1 }, { jobId: 'x' });
  // @ts-expect-error a field of the wrong type
  await q.enqueue('legal.change.batch', { changeId: 'c', batch: '1' }, { jobId: 'x' });
  // @ts-expect-error a state that does not exist
  await q.enqueue('render.revision', { revisionId: 'r', state: 'published', layoutVersion: 1, round: 0 }, { jobId: 'x' });
  // @ts-expect-error a job that is not in JOBS
  await q.enqueue('render.everything', {}, { jobId: 'x' });
  // @ts-expect-error periodic jobs take no payload
  await q.enqueue('workflow.sweep-due-effective', { revisionId: 'r' }, { jobId: 'x' });
}

export class Handlers {
  @OnJob('render.revision')
  async render(data: JobPayloads['render.revision'], job?: Job): Promise<string> {
    return `${data.revisionId}${job?.id ?? ''}`;
  }

  /** A handler may read less than the payload holds. */
  @OnJob('legal.change.batch')
  async batch(data: { changeId: string }): Promise<string> {
    return data.changeId;
  }

  @OnJob('workflow.sweep-due-effective')
  async sweep(): Promise<number> {
    return 0;
  }

  // @ts-expect-error the handler expects another job's payload
  @OnJob('mail.notification')
  async wrongPayload(data: { revisionId: string }): Promise<string> {
    return data.revisionId;
  }

  // @ts-expect-error the handler's parameter has the wrong type
  @OnJob('legal.change.batch')
  async wrongType(data: { changeId: string; batch: string }): Promise<string> {
    return data.batch;
  }

  // @ts-expect-error a job that is not in JOBS
  @OnJob('render.everything')
  async unknownJob(): Promise<void> {}
}
