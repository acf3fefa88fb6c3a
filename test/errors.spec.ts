import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from './support/fixtures.js';

/** Every error leaves the API as RFC 9457 problem+json with a stable code. */
describe('problem+json errors', () => {
  let t: TestApp;
  let f: Fixtures;
  let admin: string;
  let agency: TestAgency;
  let staff: TestUser;

  const expectProblem = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: `urn:e-iso:problem:${code}`, status, code });
    expect(typeof res.body.title).toBe('string');
    expect(typeof res.body.detail).toBe('string');
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  };

  beforeAll(async () => {
    t = await createTestApp({ JSON_BODY_LIMIT: '2kb' });
    f = new Fixtures(t);
    admin = await f.adminToken();
    agency = await f.agency();
    staff = await f.user({ [agency.id]: ['staff'] });
  });
  afterAll(() => t.close());

  it('400 malformed JSON', async () => {
    const res = await t.http.post('/api/v1/agencies').set(bearer(admin)).set('Content-Type', 'application/json').send('{"code": ');
    expectProblem(res, 400, 'malformed_json');
  });

  it('400 validation lists each field, including unknown properties', async () => {
    const res = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code: 'bad code!', level: 'galaxy', colour: 'red' });
    expectProblem(res, 400, 'validation_failed');
    const fields = (res.body.errors as { field: string; message: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['code', 'colour', 'level', 'name']);
    expect((res.body.errors as { field: string; message: string }[]).find((e) => e.field === 'colour')!.message).toBe('is not a known property');
  });

  it('400 for a path id that is not a UUID', async () => {
    const res = await t.http.get('/api/v1/agencies/not-a-uuid').set(bearer(admin));
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
  });

  it('401 without a token', async () => {
    const res = await t.http.get('/api/v1/agencies');
    expectProblem(res, 401, 'missing_token');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('the title comes from the code list: Vietnamese by default, English when the client prefers it', async () => {
    const vi = await t.http.get('/api/v1/agencies');
    expectProblem(vi, 401, 'missing_token');
    expect(vi.body.title).toBe('Chưa đăng nhập');
    expect(vi.headers['content-language']).toBe('vi');
    const en = await t.http.get('/api/v1/agencies').set('Accept-Language', 'en-GB,en;q=0.9');
    expect(en.body.title).toBe('Not signed in');
    expect(en.headers['content-language']).toBe('en');
    expect(en.headers.vary).toMatch(/Accept-Language/i);
  });

  it('403 when related to the agency but not allowed', async () => {
    const res = await t.http.patch(`/api/v1/agencies/${agency.id}`).set(bearer(staff.token)).send({ name: 'Đổi tên' });
    expectProblem(res, 403, 'forbidden');
  });

  it('404 for unknown objects and unknown routes', async () => {
    expectProblem(await t.http.get('/api/v1/agencies/6f1c8f7e-1a2b-4c3d-9e8f-000000000000').set(bearer(admin)), 404, 'not_found');
    expectProblem(await t.http.get('/api/v1/no-such-thing').set(bearer(admin)), 404, 'route_not_found');
  });

  it('409 on a state conflict', async () => {
    const res = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code: agency.code, name: 'Trùng mã', level: 'province' });
    expectProblem(res, 409, 'agency_code_taken');
  });

  it('413 for a JSON body over the limit, and nothing is written', async () => {
    const res = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code: 'BIG-ONE', name: 'x'.repeat(5000), level: 'province' });
    expectProblem(res, 413, 'payload_too_large');
    const rows = await t.db.query<unknown[]>(`SELECT 1 FROM agencies WHERE code = 'BIG-ONE'`);
    expect(rows).toHaveLength(0);
  });

  it('415 for a body that is not JSON', async () => {
    const res = await t.http.post('/api/v1/agencies').set(bearer(admin)).set('Content-Type', 'text/xml').send('<agency/>');
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('422 when a rule is violated, with the field', async () => {
    const res = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code: 'ORPHAN-X', name: 'Xã mồ côi', level: 'commune' });
    expectProblem(res, 422, 'agency_level_invalid');
    expect(res.body.errors).toEqual([{ field: 'level', message: expect.any(String) }]);
  });

  it('echoes a client X-Request-Id that is a UUID and makes one otherwise', async () => {
    const id = '0b8e7f5c-5a8f-4f3e-9d2a-6c1b2a3d4e5f';
    const mine = await t.http.get('/health/live').set('X-Request-Id', id);
    expect(mine.headers['x-request-id']).toBe(id);
    for (const other of ['req-12345678', 'bad id with spaces']) {
      const res = await t.http.get('/health/live').set('X-Request-Id', other);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('stores text as NFC, trimmed', async () => {
    const decomposed = '  Ủy ban nhân dân xã Tân Lập  '.normalize('NFD');
    const res = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code: 'NFC-' + Date.now(), name: decomposed, level: 'province' });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Ủy ban nhân dân xã Tân Lập'.normalize('NFC'));
    const rows = await t.db.query<{ name: string }[]>('SELECT name FROM agencies WHERE id = $1', [res.body.id]);
    expect(rows[0].name).toBe('Ủy ban nhân dân xã Tân Lập'.normalize('NFC'));
    expect(rows[0].name.length).toBe('Ủy ban nhân dân xã Tân Lập'.normalize('NFC').length);
  });
});

describe('browser access', () => {
  it('sends hardening headers, and CORS only for configured origins', async () => {
    const t = await createTestApp({ CORS_ORIGINS: 'https://iso.kontum.gov.vn' }, { workers: false });
    try {
      const allowed = await t.http.options('/api/v1/me').set('Origin', 'https://iso.kontum.gov.vn').set('Access-Control-Request-Method', 'GET');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://iso.kontum.gov.vn');
      const other = await t.http.get('/health/live').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(other.headers['x-content-type-options']).toBe('nosniff');
      expect(other.headers['x-frame-options']).toBe('DENY');
    } finally {
      await t.close();
    }
  });

  it('names a bad CORS_ORIGINS value', async () => {
    const { loadConfig } = await import('../src/config/app-config.js');
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/x', JWT_SECRET: 'x'.repeat(40), CORS_ORIGINS: 'https://ok.gov.vn, not a url' })).toThrow(/CORS_ORIGINS/);
  });
});
