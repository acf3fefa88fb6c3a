import pg from 'pg';
import { CACHE_CHANNEL, CacheInvalidation } from '../../src/identity/live-caches.js';
import { queryCounter } from '../../src/database/typeorm-logger.js';
import { KEYS_PER_NOTIFICATION } from '../../migrations/1795302540000-CacheInvalidation.js';
import type { TestApp } from '../support/app.js';
import { bearer, type Fixtures } from '../support/fixtures.js';
import { API, Cast, code, createDocument, documentsSuite, makeEffective } from './helpers.js';


/**
 * The principal and the current version are kept per process (src/identity/live-caches.ts,
 * src/documents/current-cache.ts): these tests show that what is kept is never served once it is
 * no longer true — revoked sessions, deactivated users, removed memberships, superseded revisions —
 * whether the change is made by this process (read at once) or by another connection (heard
 * through LISTEN), and that nothing is served while the listener is down.
 */
describe('documents: the current version and the principal, kept and invalidated', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: Cast;
  let other: pg.Client;
  let live: CacheInvalidation;

  beforeAll(async () => {
    // No queue workers in this process: the query counts are those of the requests alone.
    ({ t, f, c } = await documentsSuite({ RUN_WORKERS: 'false' }));
    other = new pg.Client({ connectionString: t.config.databaseUrl });
    await other.connect();
    live = t.app.get(CacheInvalidation);
  });
  afterAll(async () => {
    await other.end();
    await t.close();
  });

  const current = (id: string, token: string) => t.http.get(`${API}/documents/${id}/current`).set(bearer(token));

  async function effectiveDocument(): Promise<{ id: string; revisionId: string; code: string }> {
    const k = code('QT');
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: k, title: 'Quy trình được giữ' });
    await makeEffective(t, d.draftId);
    return { id: d.id, revisionId: d.draftId, code: k };
  }

  /** The listener is up (the first cached read starts it), on another connection than `lostPid` when given. */
  async function listening(lostPid?: number): Promise<void> {
    const up = () => live.listenerPid !== null && live.listenerPid !== lostPid;
    for (const end = Date.now() + 5_000; !up() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    expect(live.listenerPid).not.toBeNull();
    if (lostPid !== undefined) expect(live.listenerPid).not.toBe(lostPid);
  }

  /**
   * The fewest queries this process sent during one of a few tries of `ask` (the counter is the
   * process's: the outbox relay's poll may fall into one try; a render request written after a
   * commit may invalidate the first fill).
   */
  async function fewestQueries(ask: () => Promise<unknown>): Promise<number> {
    let fewest = Infinity;
    for (let i = 0; i < 5 && fewest > 0; i++) {
      const before = queryCounter.total;
      await ask();
      fewest = Math.min(fewest, queryCounter.total - before);
    }
    return fewest;
  }

  /** Asks until `ok` holds (for changes made by another connection: heard within milliseconds). */
  async function eventually(ask: () => Promise<boolean>, ms = 3_000): Promise<void> {
    for (const end = Date.now() + ms; ; ) {
      if (await ask()) return;
      if (Date.now() > end) throw new Error('never changed');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('a repeated read sends no query; the answer is the same body and ETag', async () => {
    const d = await effectiveDocument();
    const reader = await f.user({ [c.agency.id]: ['staff'] });
    await listening();
    const first = await current(d.id, reader.token);
    expect(first.status).toBe(200);
    expect(await fewestQueries(() => current(d.id, reader.token))).toBe(0);
    const again = await current(d.id, reader.token);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['content-type']).toMatch(/^application\/json/);
    const byCode = await t.http.get(`${API}/agencies/${c.agency.id}/documents/by-code/${encodeURIComponent(d.code)}/current`).set(bearer(reader.token));
    expect(byCode.text).toBe(first.text);
  });

  it('logout, a deactivated user and a removed membership apply to the very next request of this process', async () => {
    const d = await effectiveDocument();
    await listening();
    const a = await f.user({ [c.agency.id]: ['staff'] });
    expect((await current(d.id, a.token)).status).toBe(200);
    expect((await current(d.id, a.token)).status).toBe(200);
    expect((await t.http.post(`${API}/auth/logout`).set(bearer(a.token))).status).toBe(204);
    expect((await current(d.id, a.token)).status).toBe(401);

    const b = await f.user({ [c.agency.id]: ['staff'] });
    expect((await current(d.id, b.token)).status).toBe(200);
    const admin = await f.adminToken();
    expect((await t.http.patch(`${API}/users/${b.id}`).set(bearer(admin)).send({ isActive: false })).status).toBe(200);
    expect((await current(d.id, b.token)).status).toBe(401);

    const m = await f.user({ [c.agency.id]: ['staff'] });
    expect((await current(d.id, m.token)).status).toBe(200);
    expect((await t.http.delete(`${API}/agencies/${c.agency.id}/members/${m.id}`).set(bearer(admin))).status).toBeLessThan(300);
    expect((await current(d.id, m.token)).status).toBe(404);
  });

  it('a revision superseded by a new effective one is never served again', async () => {
    const d = await effectiveDocument();
    await listening();
    const first = await current(d.id, c.staff.token);
    expect(first.body.id).toBe(d.revisionId);
    const open = await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({ changeSummary: 'Lần 2' });
    expect(open.status).toBe(201);
    // Still the first while the second is a draft.
    expect((await current(d.id, c.staff.token)).body.id).toBe(d.revisionId);
    await makeEffective(t, open.body.id);
    const next = await current(d.id, c.staff.token).set('If-None-Match', first.headers.etag);
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ id: open.body.id, number: 2, state: 'effective' });
    expect(next.headers.etag).not.toBe(first.headers.etag);
  });

  it('changes made by another connection are heard: session revoked, user deactivated, membership removed, document changed', async () => {
    const d = await effectiveDocument();
    await listening();
    const s = await f.user({ [c.agency.id]: ['staff'] });
    const u = await f.user({ [c.agency.id]: ['staff'] });
    const m = await f.user({ [c.agency.id]: ['staff'] });
    for (const x of [s, u, m]) {
      expect((await current(d.id, x.token)).status).toBe(200);
      expect((await current(d.id, x.token)).status).toBe(200);
    }
    await other.query(`UPDATE auth_sessions SET revoked_at = now() WHERE user_id = $1`, [s.id]);
    await other.query(`UPDATE users SET is_active = false WHERE id = $1`, [u.id]);
    await other.query(`DELETE FROM memberships WHERE user_id = $1`, [m.id]);
    await eventually(async () => (await current(d.id, s.token)).status === 401);
    await eventually(async () => (await current(d.id, u.token)).status === 401);
    await eventually(async () => (await current(d.id, m.token)).status === 404);
    // And they stay refused.
    expect((await current(d.id, s.token)).status).toBe(401);
    expect((await current(d.id, u.token)).status).toBe(401);
    expect((await current(d.id, m.token)).status).toBe(404);

    const before = (await current(d.id, c.staff.token)).body;
    await other.query(`UPDATE documents SET review_interval_months = review_interval_months + 1, updated_at = now() WHERE id = $1`, [d.id]);
    await eventually(async () => (await current(d.id, c.staff.token)).body.document.reviewIntervalMonths === before.document.reviewIntervalMonths + 1);
    // A name shown in the view (the author's) changes too.
    await other.query(`UPDATE users SET full_name = 'Tên Mới Của Người Soạn' WHERE id = $1`, [c.drafter.id]);
    await eventually(async () => (await current(d.id, c.staff.token)).body.authorName === 'Tên Mới Của Người Soạn');
    await other.query(`UPDATE users SET full_name = $2 WHERE id = $1`, [c.drafter.id, c.drafter.fullName]);
  });

  it('while the listener is down nothing kept is served; once it is back, caching resumes from empty', async () => {
    const d = await effectiveDocument();
    await listening();
    const s = await f.user({ [c.agency.id]: ['staff'] });
    expect((await current(d.id, s.token)).status).toBe(200);
    expect((await current(d.id, s.token)).status).toBe(200);
    const pid = live.listenerPid!;
    await other.query('SELECT pg_terminate_backend($1)', [pid]);
    // The change is made while nobody listens: it must not be missed.
    await other.query(`UPDATE auth_sessions SET revoked_at = now() WHERE user_id = $1`, [s.id]);
    expect((await current(d.id, s.token)).status).toBe(401);
    // Back (a new connection), with the caches emptied: still refused, and a valid reader is kept again.
    await listening(pid);
    expect((await current(d.id, s.token)).status).toBe(401);
    expect((await current(d.id, c.staff.token)).status).toBe(200);
    expect(await fewestQueries(() => current(d.id, c.staff.token))).toBe(0);
  });
  it('the public answer is kept (no query) and follows a new revision in force and a withdrawal', async () => {
    const k = code('CS');
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'quality_policy', code: k, title: 'Chính sách chất lượng' });
    await makeEffective(t, d.draftId);
    await listening();
    const url = `${API}/public/agencies/${c.agency.code}/documents/${encodeURIComponent(k)}`;
    const first = await t.http.get(url);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ code: k, revisionNumber: 1 });
    expect(await fewestQueries(() => t.http.get(url))).toBe(0);
    const again = await t.http.get(url);
    expect(again.text).toBe(first.text);
    const open = await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({ changeSummary: 'Lần 2' });
    await makeEffective(t, open.body.id);
    expect((await t.http.get(url)).body.revisionNumber).toBe(2);
    // The agency's code finds the answer: once it changes, the old code finds nothing.
    await other.query(`UPDATE agencies SET code = code || '-MOI' WHERE id = $1`, [c.agency.id]);
    await eventually(async () => (await t.http.get(url)).status === 404);
    await other.query(`UPDATE agencies SET code = $2 WHERE id = $1`, [c.agency.id, c.agency.code]);
    await eventually(async () => (await t.http.get(url)).status === 200);
    // Withdrawn by another connection: heard, then not found.
    await other.query(`UPDATE documents SET withdrawn_at = now(), withdrawn_reason = 'thử' WHERE id = $1`, [d.id]);
    await eventually(async () => (await t.http.get(url)).status === 404);
  });

  it('a statement changing more documents than a notification carries (d:*) drops every kept version and public answer', async () => {
    const a = await effectiveDocument();
    const b = await effectiveDocument();
    // A public answer too, in the sibling agency (its quality policy is the only one there).
    const k = code('CS');
    const p = await createDocument(t, c.otherDrafter, { agencyId: c.other.id, type: 'quality_policy', code: k, title: 'Chính sách chất lượng' });
    await makeEffective(t, p.draftId);
    const publicUrl = `${API}/public/agencies/${c.other.code}/documents/${encodeURIComponent(k)}`;
    // Documents of this test's agency, written directly: only their number matters (one statement
    // over more than KEYS_PER_NOTIFICATION of them, migration CacheInvalidation).
    const fillers = await other.query<{ id: string }>(
      `INSERT INTO documents (agency_id, type, code, code_key, title, created_by)
       SELECT $1, 'other', $2 || g, lower($2 || g), 'Văn bản ' || g, $3 FROM generate_series(1, $4::int) g RETURNING id`,
      [c.agency.id, code('VB-'), c.drafter.id, KEYS_PER_NOTIFICATION],
    );
    const ids = [a.id, b.id, p.id, ...fillers.rows.map((r) => r.id)];
    expect(ids.length).toBeGreaterThan(KEYS_PER_NOTIFICATION);
    await listening();
    const before = await Promise.all([a, b].map(async (d) => (await current(d.id, c.staff.token)).body));
    expect((await t.http.get(publicUrl)).body).toMatchObject({ code: k, title: 'Chính sách chất lượng' });
    for (const d of [a, b]) expect(await fewestQueries(() => current(d.id, c.staff.token))).toBe(0);
    expect(await fewestQueries(() => t.http.get(publicUrl))).toBe(0);

    // What the statement notifies, heard on a connection of the test's own.
    const watcher = new pg.Client({ connectionString: t.config.databaseUrl });
    await watcher.connect();
    const heard: string[] = [];
    const [{ pid: writer }] = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    try {
      watcher.on('notification', (n) => {
        if (n.processId === writer && n.channel === CACHE_CHANNEL) heard.push(n.payload ?? '');
      });
      await watcher.query(`LISTEN ${CACHE_CHANNEL}`);
      await other.query(`UPDATE documents SET review_interval_months = review_interval_months % 120 + 1, title = title || ' (sửa)', updated_at = now() WHERE id = ANY($1)`, [ids]);
      await eventually(async () => heard.length > 0);
    } finally {
      await watcher.end();
    }
    // One notification, with no ids: everything of kind d.
    expect(heard).toEqual(['d:*']);
    for (const [i, d] of [a, b].entries()) {
      await eventually(async () => (await current(d.id, c.staff.token)).body.document.reviewIntervalMonths === (before[i].document.reviewIntervalMonths % 120) + 1);
    }
    await eventually(async () => (await t.http.get(publicUrl)).body.title === 'Chính sách chất lượng (sửa)');
  });
});
