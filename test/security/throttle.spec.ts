import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures, TestUser } from '../support/fixtures.js';
import { API, newProcedure, toPendingApproval, workflow, workflowCast } from '../workflow/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const statuses = (rs: { status: number }[]) => rs.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

/**
 * The sign-in and password re-confirmation throttles count each attempt before
 * the password is checked (parallel guesses never get past the limit), lock per username and
 * client address with exponential back-off (the attacker slows down, not the account's owner),
 * record every lock, and the administrator can clear them.
 */
describe('throttling: counted first, per username and address, with back-off', () => {
  describe('races', () => {
    let t: TestApp;
    let f: Fixtures;
    beforeAll(async () => {
      t = await createTestApp({ LOGIN_MAX_FAILURES: '5', LOGIN_BACKOFF_SECONDS: '30' });
      f = new Fixtures(t);
    });
    afterAll(() => t.close());

    it('30 parallel wrong passwords: exactly 5 are checked (401), the rest 429', async () => {
      const u = await f.user();
      const burst = await Promise.all(Array.from({ length: 30 }, () => t.http.post(`${API}/auth/login`).send({ username: u.username, password: 'wrong-password-123' })));
      expect(statuses(burst)).toEqual({ 401: 5, 429: 25 });
      const failed = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.login_failed' AND entity_id = $1`, [u.id]);
      expect(failed[0].n).toBe(5);
      // The fifth failure locked the username from this address: one audit event for it.
      const locks = await t.db.query<{ changes: Record<string, unknown> }[]>(`SELECT changes FROM audit_events WHERE action = 'auth.login_locked' AND entity_id = $1`, [u.id]);
      expect(locks.map((l) => l.changes)).toEqual([expect.objectContaining({ scope: 'username_address', username: u.username, failures: 5, lockedSeconds: 30, store: 'redis' })]);
    });

    it('20 parallel wrong re-confirmations (password change, approval): exactly 5 are checked', async () => {
      const u = await f.user();
      const change = await Promise.all(
        Array.from({ length: 20 }, () => t.http.post(`${API}/me/password`).set(bearer(u.token)).send({ currentPassword: 'wrong-current-1', newPassword: `Mật-khẩu-mới-${randomUUID()}` })),
      );
      expect(statuses(change)).toEqual({ 401: 5, 429: 15 });

      const c = await workflowCast(f);
      const w = workflow(t);
      const doc = await newProcedure(t, c);
      await toPendingApproval(w, c, doc.revisionId);
      const approve = await Promise.all(Array.from({ length: 20 }, () => w.approve(c.head, doc.revisionId, { password: 'wrong-password-x' })));
      expect(statuses(approve)).toEqual({ 401: 5, 429: 15 });
      const failed = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.reauth_failed' AND entity_id = $1`, [c.head.id]);
      expect(failed[0].n).toBe(5);
      const [lock] = await t.db.query<{ agency_id: string; changes: Record<string, unknown> }[]>(
        `SELECT agency_id, changes FROM audit_events WHERE action = 'auth.reauth_locked' AND entity_id = $1`,
        [c.head.id],
      );
      expect(lock).toMatchObject({ agency_id: c.agency.id, changes: { scope: 'reauth', failures: 5, purpose: 'revision.approve' } });

      // The administrator clears the head's lock; the approval then goes through.
      const admin = await f.adminToken();
      const cleared = await t.http.delete(`${API}/admin/login-locks?username=${c.head.username}`).set(bearer(admin));
      expect(cleared.status).toBe(200);
      expect(cleared.body.cleared).toEqual([expect.objectContaining({ kind: 'reauth', userId: c.head.id, username: c.head.username, failures: 5 })]);
      expect((await w.approve(c.head, doc.revisionId)).status).toBe(200);
      // A whole workflow cast and document on a shared machine: more than the default minute under load.
    }, 180_000);
  });

  describe('per username and address, with back-off', () => {
    let t: TestApp;
    let f: Fixtures;
    let admin: string;
    beforeAll(async () => {
      // The test client reaches the app from loopback, configured as a trusted proxy: X-Forwarded-For names the client.
      t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_BACKOFF_SECONDS: '4', LOGIN_WINDOW_SECONDS: '60', TRUST_PROXY: 'loopback' });
      f = new Fixtures(t);
      admin = await f.adminToken();
    });
    afterAll(() => t.close());

    const login = (u: TestUser, password: string, from: string) => t.http.post(`${API}/auth/login`).set('X-Forwarded-For', from).send({ username: u.username, password });

    it("an attacker's failures lock only their own address; the owner signs in from theirs, and from the attacker's after the back-off", async () => {
      const victim = await f.user();
      const attacker = '203.0.113.9';
      for (let i = 0; i < 3; i++) expect((await login(victim, 'guess-guess-guess', attacker)).status).toBe(401);
      const locked = await login(victim, victim.password, attacker);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(4);
      // The owner, from their own address: at once.
      expect((await login(victim, victim.password, '198.51.100.7')).status).toBe(200);

      // The back-off doubles with every further failure from the attacker's address.
      await sleep(Number(locked.headers['retry-after']) * 1000 + 200);
      expect((await login(victim, 'guess-guess-guess', attacker)).status).toBe(401);
      const longer = await login(victim, victim.password, attacker);
      expect(longer.status).toBe(429);
      expect(Number(longer.headers['retry-after'])).toBeGreaterThan(4);
      expect(Number(longer.headers['retry-after'])).toBeLessThanOrEqual(8);
      await sleep(Number(longer.headers['retry-after']) * 1000 + 200);
      expect((await login(victim, victim.password, attacker)).status).toBe(200);

      // Each lock is an audit event, with the address that was locked.
      const locks = await t.db.query<{ changes: Record<string, unknown>; client_ip: string }[]>(
        `SELECT changes, client_ip FROM audit_events WHERE action = 'auth.login_locked' AND entity_id = $1 ORDER BY seq`,
        [victim.id],
      );
      expect(locks.map((l) => [l.changes.address, l.changes.failures, l.changes.lockedSeconds, l.client_ip])).toEqual([
        [attacker, 3, 4, attacker],
        [attacker, 4, 8, attacker],
      ]);
      // About 13 s of waiting out the back-off.
    }, 120_000);

    it('IPv6 clients are counted by their /64 network', async () => {
      const u = await f.user();
      for (let i = 1; i <= 3; i++) expect((await login(u, 'guess-guess-guess', `2001:db8:aa:bb::${i}`)).status).toBe(401);
      expect((await login(u, u.password, '2001:db8:aa:bb:ffff::1')).status).toBe(429);
      expect((await login(u, u.password, '2001:db8:aa:cc::1')).status).toBe(200);
    });

    it('the administrator lists and clears locks (audited); nobody else may', async () => {
      const u = await f.user();
      const from = '203.0.113.77';
      for (let i = 0; i < 3; i++) await login(u, 'guess-guess-guess', from);
      const list = await t.http.get(`${API}/admin/login-locks?username=${u.username}`).set(bearer(admin));
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        { kind: 'login', username: u.username, userId: u.id, address: from, failures: 3, lockedUntil: expect.any(String), store: 'redis' },
      ]);
      const byAddress = await t.http.get(`${API}/admin/login-locks?address=${from}`).set(bearer(admin));
      expect(byAddress.body.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['address', 'login']);

      const agency = await f.agency();
      const agencyAdmin = await f.user({ [agency.id]: ['admin'] });
      expect((await t.http.get(`${API}/admin/login-locks`).set(bearer(agencyAdmin.token))).status).toBe(403);
      expect((await t.http.delete(`${API}/admin/login-locks?username=${u.username}`).set(bearer(u.token))).status).toBe(403);
      expect((await t.http.delete(`${API}/admin/login-locks`).set(bearer(admin))).status).toBe(400);

      const cleared = await t.http.delete(`${API}/admin/login-locks?username=${u.username}&address=${from}`).set(bearer(admin));
      expect(cleared.status).toBe(200);
      expect(cleared.body.cleared).toHaveLength(1);
      expect((await login(u, u.password, from)).status).toBe(200);
      const [event] = await t.db.query<{ entity_id: string; changes: Record<string, unknown> }[]>(`SELECT entity_id, changes FROM audit_events WHERE action = 'auth.locks_cleared' AND entity_id = $1`, [u.id]);
      expect(event.changes).toMatchObject({ username: u.username, address: from, cleared: 1, locked: 1 });
    });
  });

  describe('client addresses', () => {
    it('an address failing over many usernames is locked as a whole (20 × the limit), other addresses are not', async () => {
      const t = await createTestApp({ LOGIN_MAX_FAILURES: '1', LOGIN_BACKOFF_SECONDS: '60', TRUST_PROXY: 'loopback' });
      try {
        const u = await new Fixtures(t).user();
        const from = '192.0.2.44';
        // 20 failures (1 × 20) over as many usernames, each at its own limit only once.
        const burst = await Promise.all(
          Array.from({ length: 20 }, (_, i) => t.http.post(`${API}/auth/login`).set('X-Forwarded-For', from).send({ username: `ghost-${i}`, password: 'guess-guess-guess' })),
        );
        expect(statuses(burst)).toEqual({ 401: 20 });
        const login = (address: string) => t.http.post(`${API}/auth/login`).set('X-Forwarded-For', address).send({ username: u.username, password: u.password });
        expect((await login(from)).status).toBe(429);
        expect((await login('192.0.2.45')).status).toBe(200);
        const [lock] = await t.db.query<{ entity_type: string; changes: Record<string, unknown> }[]>(
          `SELECT entity_type, changes FROM audit_events WHERE action = 'auth.login_locked' AND changes->>'scope' = 'address' AND changes->>'address' = $1`,
          [from],
        );
        expect(lock).toMatchObject({ entity_type: 'client_address', changes: { failures: 20, lockedSeconds: 60 } });
      } finally {
        await t.close();
      }
    });

    it('by default X-Forwarded-For is not believed: a local client cannot rotate its address', async () => {
      const t = await createTestApp({ LOGIN_MAX_FAILURES: '2', TRUST_PROXY: undefined });
      try {
        const f = new Fixtures(t);
        const u = await f.user();
        for (const from of ['10.1.1.1', '10.2.2.2']) {
          expect((await t.http.post(`${API}/auth/login`).set('X-Forwarded-For', from).send({ username: u.username, password: 'guess-guess-guess' })).status).toBe(401);
        }
        expect((await t.http.post(`${API}/auth/login`).set('X-Forwarded-For', '10.3.3.3').send({ username: u.username, password: u.password })).status).toBe(429);
        const ips = await t.db.query<{ client_ip: string }[]>(`SELECT client_ip FROM audit_events WHERE action = 'auth.login_failed' AND entity_id = $1`, [u.id]);
        expect(ips.map((r) => r.client_ip).every((ip) => /127\.0\.0\.1|::1/.test(ip))).toBe(true);
      } finally {
        await t.close();
      }
    });
  });
});
