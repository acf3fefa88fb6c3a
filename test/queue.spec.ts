import { randomUUID } from 'node:crypto';
import { Reflector } from '@nestjs/core';
import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { JobQueue, OutboxRelay, Queues } from '../src/queue/job-queue.js';
import { JobRegistry } from '../src/queue/job-registry.js';
import { createTestApp, TestApp } from './support/app.js';
import { Fixtures } from './support/fixtures.js';
import { TestRedis } from './support/services.js';

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

/**
 * Queued work goes through the outbox: written with the change, sent after commit, kept while
 * Redis is down, re-sent when Redis lost it. The purge-expired-sessions job serves as the probe.
 */
describe('job outbox and queue', () => {
  async function expiredSession(t: TestApp, userId: string): Promise<string> {
    const rows = await t.db.query<{ id: string }[]>(
      `INSERT INTO auth_sessions (user_id, expires_at) VALUES ($1, now() - interval '8 days') RETURNING id`,
      [userId],
    );
    return rows[0].id;
  }
  const exists = async (t: TestApp, id: string) => (await t.db.query<unknown[]>('SELECT 1 FROM auth_sessions WHERE id = $1', [id])).length > 0;
  const outboxRows = (t: TestApp, jobId: string) => t.db.query<{ attempts: number; last_error: string | null; dispatched_at: Date | null }[]>('SELECT attempts, last_error, dispatched_at FROM job_outbox WHERE job_id = $1', [jobId]);

  describe('with the shared Redis', () => {
    let t: TestApp;
    let userId: string;
    beforeAll(async () => {
      t = await createTestApp();
      userId = (await new Fixtures(t).user()).id;
    });
    afterAll(() => t.close());

    it('a job enqueued in a rolled-back transaction is never sent', async () => {
      const jobId = `purge-rollback-${randomUUID()}`;
      await expect(
        t.db.transaction(async () => {
          await t.app.get(JobQueue).enqueue('identity.purge-expired-sessions', {}, { jobId });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await t.flushOutbox();
      expect(await outboxRows(t, jobId)).toHaveLength(0);
    });

    it('a committed job runs once, and enqueuing the same job id again is one unit of work', async () => {
      const session = await expiredSession(t, userId);
      const jobId = `purge-${randomUUID()}`;
      await t.db.transaction(async () => {
        await t.app.get(JobQueue).enqueue('identity.purge-expired-sessions', {}, { jobId });
        await t.app.get(JobQueue).enqueue('identity.purge-expired-sessions', {}, { jobId });
        // One row, read on the transaction's own connection: once committed the relay sends it at
        // once and the worker may clear it before a read after the commit.
        expect(await outboxRows(t, jobId)).toHaveLength(1);
      });
      await t.flushOutbox();
      await until(async () => !(await exists(t, session)));
      // The row is cleared once the job settled.
      await until(async () => (await outboxRows(t, jobId)).length === 0);

      // The same id enqueued again later is the same unit of work: it is not run a second time,
      // neither by the relay nor by the reconciliation, and its row is cleared.
      const again = await expiredSession(t, userId);
      await t.db.transaction(() => t.app.get(JobQueue).enqueue('identity.purge-expired-sessions', {}, { jobId }));
      await t.flushOutbox();
      await t.app.get(OutboxRelay).reconcile(0);
      expect(await outboxRows(t, jobId)).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(await exists(t, again)).toBe(true);
      const job = await t.app.get(Queues).get('maintenance').getJob(jobId);
      expect(job?.attemptsMade).toBe(1);
      await t.db.query('DELETE FROM auth_sessions WHERE id = $1', [again]);
    });
  });

  describe('when Redis goes away', () => {
    let redis: TestRedis;
    let t: TestApp;
    let userId: string;
    let admin: string;
    beforeAll(async () => {
      redis = await TestRedis.start();
      t = await createTestApp({ REDIS_URL: redis.url, REDIS_PREFIX: `q-${randomUUID().slice(0, 8)}` });
      const f = new Fixtures(t);
      userId = (await f.user()).id;
      admin = await f.adminToken();
    });
    afterAll(async () => {
      await t.close();
      await redis.stop();
    });

    it('keeps the job while Redis is down and runs it when Redis is back', async () => {
      await redis.stop();
      const session = await expiredSession(t, userId);
      const jobId = `purge-down-${randomUUID()}`;
      // The change commits although Redis is down: the job waits in PostgreSQL.
      await t.db.transaction(() => t.app.get(JobQueue).enqueue('identity.purge-expired-sessions', {}, { jobId }));
      await t.flushOutbox();
      const [row] = await outboxRows(t, jobId);
      expect(row.dispatched_at).toBeNull();
      expect(row.attempts).toBeGreaterThanOrEqual(1);
      expect(row.last_error).toBeTruthy();
      expect(await exists(t, session)).toBe(true);
      // Operators still get the status: the queues unreachable, the job waiting in the outbox.
      const status = await t.http.get('/api/v1/admin/queues').set('Authorization', `Bearer ${admin}`);
      expect(status.status).toBe(200);
      expect(status.body.queues.every((q: { counts: unknown }) => q.counts === null)).toBe(true);
      expect(status.body.outbox.pending).toBeGreaterThanOrEqual(1);
      const retry = await t.http.post('/api/v1/admin/queues/maintenance/failed/retry').set('Authorization', `Bearer ${admin}`);
      expect(retry.status).toBe(503);

      await redis.resume();
      await until(async () => {
        await t.flushOutbox();
        return !(await exists(t, session));
      }, 30_000);
    });

    it('re-sends a job that Redis lost when it restarted empty', async () => {
      const session = await expiredSession(t, userId);
      const jobId = `purge-lost-${randomUUID()}`;
      // Due in 2 s: sent to Redis as a delayed job...
      await t.db.transaction(() => t.app.get(JobQueue).enqueue('identity.purge-expired-sessions', {}, { jobId, runAt: new Date(Date.now() + 2000) }));
      await t.flushOutbox();
      expect((await outboxRows(t, jobId))[0].dispatched_at).not.toBeNull();
      // ...then Redis restarts without its data before the job ran.
      await redis.stop();
      await redis.resume();
      await new Promise((r) => setTimeout(r, 2500));
      expect(await exists(t, session)).toBe(true);
      await until(async () => {
        await t.app.get(OutboxRelay).reconcile(0);
        return !(await exists(t, session));
      }, 30_000);
    });
  });

  it('the job registry refuses to start when a job has no handler', () => {
    const discovery = { getProviders: () => [] } as unknown as DiscoveryService;
    const scanner = { getAllMethodNames: () => [] } as unknown as MetadataScanner;
    const registry = new JobRegistry(discovery, scanner, new Reflector());
    expect(() => registry.onModuleInit()).toThrow(/Refusing to start: no handler for job\(s\) .*identity\.purge-expired-sessions/);
  });
});

describe('queue administration', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ REDIS_PREFIX: `qa-${randomUUID().slice(0, 8)}` });
    admin = await new Fixtures(t).adminToken();
  });
  afterAll(() => t.close());

  it('shows depths, the outbox and failures to the administrator, and retries failed jobs', async () => {
    const { Queues } = await import('../src/queue/job-queue.js');
    // A job nobody handles fails for good at once (unrecoverable).
    await t.app.get(Queues).get('maintenance').add('no.such.job', { probe: true }, { jobId: `probe-${randomUUID()}`, attempts: 3 });
    let status: { queues: { name: string; counts: { failed: number }; recentFailures: { name: string; failedReason: string }[] }[]; outbox: { pending: number } } | null = null;
    await until(async () => {
      const res = await t.http.get('/api/v1/admin/queues').set('Authorization', `Bearer ${admin}`);
      expect(res.status).toBe(200);
      status = res.body;
      return res.body.queues.find((q: { name: string }) => q.name === 'maintenance').counts.failed >= 1;
    });
    const maintenance = status!.queues.find((q) => q.name === 'maintenance')!;
    expect(maintenance.recentFailures[0]).toMatchObject({ name: 'no.such.job', failedReason: 'no handler for job no.such.job' });
    expect(typeof status!.outbox.pending).toBe('number');

    const retry = await t.http.post('/api/v1/admin/queues/maintenance/failed/retry').set('Authorization', `Bearer ${admin}`);
    expect(retry.status).toBe(200);
    expect(retry.body.retried).toBeGreaterThanOrEqual(1);
    expect((await t.http.post('/api/v1/admin/queues/nope/failed/retry').set('Authorization', `Bearer ${admin}`)).status).toBe(404);
  });

  it('is for the system administrator only', async () => {
    const f = new Fixtures(t);
    const agency = await f.agency();
    const head = await f.user({ [agency.id]: ['admin', 'head'] });
    expect((await t.http.get('/api/v1/admin/queues').set('Authorization', `Bearer ${head.token}`)).status).toBe(403);
  });
});
