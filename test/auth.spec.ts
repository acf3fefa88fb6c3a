import { AdminSeeder } from '../src/identity/admin-seeder.js';
import { bearer, Fixtures, TestUser } from './support/fixtures.js';
import { createTestApp, ownDatabase, TestApp } from './support/app.js';

describe('identity: login, refresh rotation, logout, throttling', () => {
  let t: TestApp;
  let f: Fixtures;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '60' });
    f = new Fixtures(t);
    const { province } = await f.agencyTree();
    user = await f.user({ [province.id]: ['drafter'] }, { fullName: 'Trần Thị Bình' });
  });
  afterAll(() => t.close());

  it('logs in and returns tokens with the user and memberships', async () => {
    const res = await t.http.post('/api/v1/auth/login').send({ username: user.username.toUpperCase(), password: user.password });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { username: user.username, fullName: 'Trần Thị Bình' } });
    expect(res.body.user.memberships[0].roles).toEqual(['drafter']);
    const me = await t.http.get('/api/v1/me').set(bearer(res.body.accessToken));
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
  });

  it('rejects a wrong password and an unknown user with the same 401 answer', async () => {
    const a = await t.http.post('/api/v1/auth/login').send({ username: user.username, password: 'wrong-password-1' });
    const b = await t.http.post('/api/v1/auth/login').send({ username: 'no-such-user-x', password: 'wrong-password-1' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(a.body.code).toBe('invalid_credentials');
    expect(b.body.code).toBe(a.body.code);
    expect(b.body.detail).toBe(a.body.detail);
    // A success resets the per-user count.
    await t.http.post('/api/v1/auth/login').send({ username: user.username, password: user.password }).expect(200);
  });

  it('rotates refresh tokens: the old one dies, and reusing it revokes the whole family', async () => {
    const { refreshToken: r1 } = await f.login(user.username, user.password);
    const first = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: r1 });
    expect(first.status).toBe(200);
    const r2 = first.body.refreshToken as string;
    const access2 = first.body.accessToken as string;
    expect(r2).not.toBe(r1);
    await t.http.get('/api/v1/me').set(bearer(access2)).expect(200);

    const replay = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: r1 });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('refresh_token_reused');

    // The family is dead: the newer refresh token and its access token too.
    const after = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: r2 });
    expect(after.status).toBe(401);
    expect((await t.http.get('/api/v1/me').set(bearer(access2))).status).toBe(401);

    const events = await t.db.query<{ action: string }[]>(`SELECT action FROM audit_events WHERE entity_id = $1 AND action = 'auth.refresh_token_reused'`, [user.id]);
    expect(events.length).toBeGreaterThanOrEqual(1);
  });

  it('rejects an unknown refresh token', async () => {
    const res = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: 'rt_not-a-token' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_refresh_token');
  });

  it('logout revokes the session: access and refresh tokens stop working', async () => {
    const { token, refreshToken } = await f.login(user.username, user.password);
    await t.http.post('/api/v1/auth/logout').set(bearer(token)).expect(204);
    const me = await t.http.get('/api/v1/me').set(bearer(token));
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('session_revoked');
    expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken })).status).toBe(401);
  });

  it('rejects missing, malformed and forged access tokens', async () => {
    expect((await t.http.get('/api/v1/me')).body.code).toBe('missing_token');
    expect((await t.http.get('/api/v1/me').set('Authorization', 'Basic abc')).body.code).toBe('invalid_token');
    const forged = user.token.slice(0, -4) + 'AAAA';
    expect((await t.http.get('/api/v1/me').set(bearer(forged))).status).toBe(401);
  });

  it('throttles repeated failures with 429, the same for existing and unknown users, even with the right password', async () => {
    const victim = await f.user();
    for (let i = 0; i < 3; i++) {
      expect((await t.http.post('/api/v1/auth/login').send({ username: victim.username, password: 'bad-password-x' })).status).toBe(401);
      expect((await t.http.post('/api/v1/auth/login').send({ username: 'ghost-user-zz', password: 'bad-password-x' })).status).toBe(401);
    }
    const locked = await t.http.post('/api/v1/auth/login').send({ username: victim.username, password: victim.password });
    const ghost = await t.http.post('/api/v1/auth/login').send({ username: 'ghost-user-zz', password: 'whatever-pass' });
    expect(locked.status).toBe(429);
    expect(ghost.status).toBe(429);
    expect(locked.body.code).toBe('too_many_requests');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(ghost.body.detail).toBe(locked.body.detail);
    const failed = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.login_failed' AND entity_id = $1`, [victim.id]);
    expect(failed[0].n).toBe(3);
  });

  it('re-authentication failures are throttled like logins', async () => {
    const { AuthService } = await import('../src/identity/auth.service.js');
    const auth = t.app.get(AuthService);
    const u = await f.user();
    for (let i = 0; i < 3; i++) await expect(auth.confirmPassword(u.id, 'nope-nope-nope', 'approve')).rejects.toMatchObject({ status: 401 });
    await expect(auth.confirmPassword(u.id, u.password, 'approve')).rejects.toMatchObject({ status: 429 });
  });

  it('an administrator deactivating a user ends their sessions and sign-ins, recorded with the change', async () => {
    const admin = await f.adminToken();
    const u = await f.user();
    const { province } = await f.agencyTree();
    const res = await t.http.patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ isActive: false });
    expect(res.status).toBe(200);
    expect(res.body.isActive).toBe(false);
    expect((await t.http.get('/api/v1/me').set(bearer(u.token))).body.code).toBe('session_revoked');
    expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken })).status).toBe(401);
    const login = await t.http.post('/api/v1/auth/login').send({ username: u.username, password: u.password });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('invalid_credentials');
    const roles = await t.http.put(`/api/v1/agencies/${province.id}/members/${u.id}`).set(bearer(admin)).send({ roles: ['staff'] });
    expect(roles.status).toBe(422);
    expect(roles.body.code).toBe('user_inactive');
    const events = await t.db.query<{ changes: Record<string, unknown> }[]>(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'user.updated'`, [u.id]);
    expect(events.map((e) => e.changes)).toEqual([{ isActive: { old: true, new: false } }]);

    // Reactivated, the user signs in again.
    await t.http.patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ isActive: true }).expect(200);
    await f.login(u.username, u.password);
  });

  it('an administrator resetting a password ends the sessions; the audit event never holds the password', async () => {
    const admin = await f.adminToken();
    const u = await f.user();
    await t.http.patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ password: 'a-reset-password-42' }).expect(200);
    expect((await t.http.get('/api/v1/me').set(bearer(u.token))).body.code).toBe('session_revoked');
    expect((await t.http.post('/api/v1/auth/login').send({ username: u.username, password: u.password })).status).toBe(401);
    await f.login(u.username, 'a-reset-password-42');
    const [event] = await t.db.query<{ changes: Record<string, unknown> }[]>(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'user.updated'`, [u.id]);
    expect(event.changes).toEqual({ password: { old: '***', new: '***' } });
  });

  it('refuses deactivating oneself (422) and null for fields without a null value (400)', async () => {
    const admin = await f.adminToken();
    const me = await t.http.get('/api/v1/me').set(bearer(admin));
    const self = await t.http.patch(`/api/v1/users/${me.body.id}`).set(bearer(admin)).send({ isActive: false });
    expect(self.status).toBe(422);
    expect(self.body.code).toBe('cannot_deactivate_self');
    const u = await f.user();
    for (const field of ['fullName', 'isActive']) {
      const res = await t.http.patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ [field]: null });
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    // Nullable fields are cleared by null.
    const cleared = await t.http.patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ title: null, email: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ title: null, email: null, fullName: u.fullName, isActive: true });
  });

  it('changes the own password with the current one; other sessions end', async () => {
    const u = await f.user();
    const other = await f.login(u.username, u.password);
    const bad = await t.http.post('/api/v1/me/password').set(bearer(u.token)).send({ currentPassword: 'wrong-current', newPassword: 'a-brand-new-password' });
    expect(bad.status).toBe(401);
    await t.http.post('/api/v1/me/password').set(bearer(u.token)).send({ currentPassword: u.password, newPassword: 'a-brand-new-password' }).expect(204);
    await t.http.get('/api/v1/me').set(bearer(u.token)).expect(200);
    expect((await t.http.get('/api/v1/me').set(bearer(other.token))).status).toBe(401);
    await f.login(u.username, 'a-brand-new-password');
  });
});

describe('first start: the administrator account', () => {
  // An empty database of its own (the shared one already has users).
  const own = ownDatabase('seed');
  const databaseUrl = own.url;
  let t: TestApp | null = null;

  afterAll(async () => {
    await t?.close();
    await own.drop();
  });

  it('without ADMIN_PASSWORD, creates admin with a generated password printed once on the console', async () => {
    await own.prepare();
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      t = await createTestApp({ DATABASE_URL: databaseUrl, ADMIN_PASSWORD: undefined }, { workers: false });
    } finally {
      process.stdout.write = write;
    }
    const password = /password: (\S+)/.exec(printed.join(''))?.[1];
    expect(password).toBeTruthy();
    const login = await t.http.post('/api/v1/auth/login').send({ username: 'admin', password });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: 'admin', isAdmin: true });
    const [event] = await t.db.query<{ actor_name: string; changes: unknown }[]>(`SELECT actor_name, changes FROM audit_events WHERE action = 'user.created'`);
    expect(event).toMatchObject({ actor_name: 'system', changes: { username: { old: null, new: 'admin' }, isAdmin: { old: null, new: true } } });
    // Later starts leave the account (and its password) alone and print nothing.
    expect(await t.app.get(AdminSeeder).ensureAdmin()).toEqual({ created: false, generatedPassword: undefined });
    expect(Number((await t.db.query<{ n: string }[]>('SELECT count(*) AS n FROM users'))[0].n)).toBe(1);
  });

});

describe('user administration', () => {
  let t: TestApp;
  let f: Fixtures;
  beforeAll(async () => {
    t = await createTestApp({}, { workers: false });
    f = new Fixtures(t);
  });
  afterAll(() => t.close());

  it('a user edit that changes nothing writes nothing', async () => {
    const u = await f.user({}, { fullName: 'Không Đổi' });
    const admin = await f.adminToken();
    const count = async () => (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'user.updated'`, [u.id]))[0].n;
    const res = await t.http.patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ fullName: 'Không Đổi', isActive: true });
    expect(res.status).toBe(200);
    expect(await count()).toBe(0);
    await t.http.get('/api/v1/me').set(bearer(u.token)).expect(200);
    await t.http.patch(`/api/v1/users/${u.id}`).set(bearer(admin)).send({ title: 'Chuyên viên' }).expect(200);
    expect(await count()).toBe(1);
  });
});
