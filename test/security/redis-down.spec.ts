import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { TestRedis } from '../support/services.js';
import { API, newProcedure, toPendingApproval, workflow, workflowCast, WorkflowCast } from '../workflow/helpers.js';

/**
 * Fault soak: "approvals stop while Redis is down". With a private redis-server that the
 * test kills, the password re-check and the sign-in throttle count in PostgreSQL: the head still
 * approves, and wrong passwords are still throttled.
 */
describe('throttling while Redis is down', () => {
  let redis: TestRedis;
  let t: TestApp;
  let c: WorkflowCast;
  let f: Fixtures;

  beforeAll(async () => {
    redis = await TestRedis.start();
    t = await createTestApp({ REDIS_URL: redis.url, REDIS_PREFIX: `rd-${randomUUID().slice(0, 8)}`, LOGIN_MAX_FAILURES: '3' }, { workers: false });
    f = new Fixtures(t);
    c = await workflowCast(f);
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('the head approves with the right password; wrong ones are counted in PostgreSQL and locked', async () => {
    const w = workflow(t);
    const [a, b] = [await newProcedure(t, c), await newProcedure(t, c)];
    await toPendingApproval(w, c, a.revisionId);
    await toPendingApproval(w, c, b.revisionId);
    await redis.stop();

    expect((await w.approve(c.head, a.revisionId)).status).toBe(200);

    for (let i = 0; i < 3; i++) expect((await w.approve(c.head, b.revisionId, { password: 'wrong-password-1' })).status).toBe(401);
    const locked = await w.approve(c.head, b.revisionId);
    expect(locked.status).toBe(429);
    const rows = await t.db.query<{ failures: number; next_at: Date | null }[]>(`SELECT failures, next_at FROM auth_throttles WHERE kind = 'reauth' AND subject = $1`, [c.head.id]);
    expect(rows).toEqual([{ failures: 3, next_at: expect.any(Date) }]);
    const [lock] = await t.db.query<{ changes: Record<string, unknown> }[]>(`SELECT changes FROM audit_events WHERE action = 'auth.reauth_locked' AND entity_id = $1`, [c.head.id]);
    expect(lock.changes).toMatchObject({ store: 'postgresql', failures: 3 });

    // Parallel guesses are counted first in PostgreSQL too.
    const u = await f.user();
    const burst = await Promise.all(Array.from({ length: 12 }, () => t.http.post(`${API}/auth/login`).send({ username: u.username, password: 'wrong-password-2' })));
    expect(burst.filter((r) => r.status === 401)).toHaveLength(3);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(9);

    // Sign-in works, and the administrator sees and clears the PostgreSQL counters.
    const admin = await f.adminToken();
    const list = await t.http.get(`${API}/admin/login-locks?username=${c.head.username}`).set(bearer(admin));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ kind: 'reauth', userId: c.head.id, store: 'postgresql', failures: 3 })]);
    await t.http.delete(`${API}/admin/login-locks?username=${c.head.username}`).set(bearer(admin)).expect(200);
    expect((await w.approve(c.head, b.revisionId)).status).toBe(200);

    await redis.resume();
  });
});
