/**
 * Job priorities through the outbox: a render somebody waits for goes ahead of background renders,
 * and asking again with a higher priority raises the job still waiting in Redis.
 */
import { randomUUID } from 'node:crypto';
import { JobQueue, Queues } from '../../src/queue/job-queue.js';
import { RENDER_PRIORITY } from '../../src/renditions/rendition-requests.js';
import { createTestApp, TestApp } from '../support/app.js';

describe('queue: job priorities', () => {
  let t: TestApp;

  // No workers: what is queued stays in Redis, where its priority can be read.
  beforeAll(async () => (t = await createTestApp({}, { workers: false })));
  afterAll(() => t.close());

  const enqueue = (jobId: string, priority: number) =>
    t.db.transaction(() => t.app.get(JobQueue).enqueue('render.revision', { revisionId: randomUUID(), state: 'draft', layoutVersion: 1, round: 0 }, { jobId, priority }));
  const outbox = async (jobId: string) =>
    (await t.db.query<{ priority: number; dispatched: boolean }[]>(`SELECT priority, dispatched_at IS NOT NULL AS dispatched FROM job_outbox WHERE queue = 'render' AND job_id = $1`, [jobId]))[0];

  it('carries the priority to BullMQ and raises it for a job asked for again while it waits (never lowers it)', async () => {
    const jobId = `render_prio_${randomUUID()}`;
    await enqueue(jobId, RENDER_PRIORITY.background);
    await t.flushOutbox();
    const queue = t.app.get(Queues).get('render');
    expect(await queue.getJobState(jobId)).toBe('prioritized');
    expect((await queue.getJob(jobId))!.priority).toBe(RENDER_PRIORITY.background);
    expect(await outbox(jobId)).toEqual({ priority: RENDER_PRIORITY.background, dispatched: true });

    // A reader waits for it now: the row takes the higher priority and is sent again (after the commit).
    await enqueue(jobId, RENDER_PRIORITY.interactive);
    expect((await outbox(jobId)).priority).toBe(RENDER_PRIORITY.interactive);
    await t.flushOutbox();
    expect((await queue.getJob(jobId))!.priority).toBe(RENDER_PRIORITY.interactive);

    // A background request of the same job changes nothing.
    await enqueue(jobId, RENDER_PRIORITY.background);
    await t.flushOutbox();
    expect(await outbox(jobId)).toEqual({ priority: RENDER_PRIORITY.interactive, dispatched: true });
    expect((await queue.getJob(jobId))!.priority).toBe(RENDER_PRIORITY.interactive);
    await queue.remove(jobId);
  });

  it('takes an interactive render before background ones queued earlier', async () => {
    const ids = [`render_bg1_${randomUUID()}`, `render_bg2_${randomUUID()}`, `render_fg_${randomUUID()}`];
    await enqueue(ids[0], RENDER_PRIORITY.background);
    await enqueue(ids[1], RENDER_PRIORITY.background);
    await enqueue(ids[2], RENDER_PRIORITY.interactive);
    await t.flushOutbox();
    const queue = t.app.get(Queues).get('render');
    const waiting = (await queue.getPrioritized(0, -1)).map((j) => j.id).filter((id) => ids.includes(id!));
    expect(waiting[0]).toBe(ids[2]);
    for (const id of ids) await queue.remove(id);
  });
});
