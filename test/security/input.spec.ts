import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { JwtService } from '@nestjs/jwt';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures, uniq } from '../support/fixtures.js';
import { binary, Cast, cast, code, createDocument, listen, streamUpload, uploadFile } from '../documents/helpers.js';
import { docx, pdf } from '../documents/samples.js';

const API = '/api/v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sends raw bytes on a socket and resolves with the status line's code and when it arrived (ms after the first byte). */
function rawRequest(port: number, head: string, body: Buffer | string, opts: { keepOpenMs?: number } = {}): Promise<{ status: number; afterMs: number; text: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within the test's wait: ${text.slice(0, 200)}`));
    }, opts.keepOpenMs ?? 15_000);
    socket.on('data', (d) => {
      text += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m && text.includes('\r\n\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(m[1]), afterMs: Date.now() - started, text });
      }
    });
    socket.on('error', () => undefined);
    socket.write(head);
    socket.write(body);
  });
}

/** Input hardening: bodies, text fields, file names, request ids, caching, passwords, tokens. */
describe('input hardening', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: Cast;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ BODY_TIMEOUT_SECONDS: '1', MIN_UPLOAD_RATE: '1mb' }, { workers: false });
    f = new Fixtures(t);
    c = await cast(f);
    port = await listen(t);
  });
  afterAll(() => t.close());

  it('a declared 2 GB JSON body is refused with 413 at once, without reading it', async () => {
    const head = `POST ${API}/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 ** 3}\r\n\r\n`;
    const res = await rawRequest(port, head, '{"username":');
    expect(res.status).toBe(413);
    expect(res.afterMs).toBeLessThan(3000);
    expect(res.text).toMatch(/connection: close/i);
    expect(res.text).toContain('payload_too_large');
  });

  it('a JSON body slower than BODY_TIMEOUT_SECONDS is cut with 408; an upload slower than MIN_UPLOAD_RATE too', async () => {
    const head = `POST ${API}/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    const res = await rawRequest(port, head, '{"username":"a');
    expect(res.status).toBe(408);
    expect(res.text).toContain('request_timeout');

    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Chậm' });
    async function* trickle() {
      for (let i = 0; i < 40; i++) {
        yield Buffer.alloc(1024, 0x41);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const slow = await streamUpload({ port, path: `${API}/revisions/${d.draftId}/files`, token: c.drafter.token, filename: 'chậm.pdf', chunks: trickle() });
    expect(slow.status).toBe(408);
    expect(slow.body.code).toBe('request_timeout');
  });

  it('refuses control and bidi characters in text fields (tab and line breaks only in multi-line ones), naming the field', async () => {
    const base = { agencyId: c.agency.id, type: 'other', code: code('TL') };
    for (const [title, message] of [
      ['Quy trình\u0007', /control characters \(U\+0007\)/],
      ['Quy trình \u001b[31mđỏ', /control characters \(U\+001B\)/],
      ['Hợp đồng \u202etxt.exe', /bidirectional control characters \(U\+202E\)/],
      ['Dòng một\nDòng hai', /single line/],
      ['Cột\tmột', /single line/],
    ] as const) {
      const res = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ ...base, title });
      expect([title, res.status]).toEqual([title, 400]);
      expect(res.body.errors).toEqual([{ field: 'title', message: expect.stringMatching(message) }]);
    }
    // Query strings too.
    const q = await t.http.get(`${API}/documents?q=${encodeURIComponent('a\u0008b')}`).set(bearer(c.drafter.token));
    expect([q.status, q.body.errors?.[0]?.field]).toEqual([400, 'q']);
    // Multi-line fields keep their line breaks; content does too.
    const ok = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ ...base, title: 'Tài liệu nhiều dòng', changeSummary: 'Dòng một\r\nDòng hai\tcó tab', content: { description: 'Mô tả\nhai dòng' } });
    expect(ok.status).toBe(201);
    const draft = await t.http.get(`${API}/revisions/${ok.body.openDraft.id}`).set(bearer(c.drafter.token));
    expect(draft.body.content.description).toBe('Mô tả\nhai dòng');
    // but not bidi overrides.
    const bidi = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ ...base, code: code('TL'), title: 'Bình thường', changeSummary: 'Ghi chú \u2067ẩn' });
    expect(bidi.body.errors).toEqual([{ field: 'changeSummary', message: expect.stringMatching(/U\+2067/) }]);
  });

  it('a file name ending in a foreign extension gets the extension of its real type', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Tên tệp' });
    const cases: [string, Buffer, string][] = [
      ['Tờ khai.pdf.exe', pdf(randomUUID()), 'Tờ khai.pdf'],
      ['setup.exe', docx(randomUUID()), 'setup.docx'],
      ['Báo cáo.docx', pdf(randomUUID()), 'Báo cáo.pdf'],
      ['Quyết định số 12.2024', pdf(randomUUID()), 'Quyết định số 12.2024.pdf'],
      ['Mẫu 01.PDF', pdf(randomUUID()), 'Mẫu 01.PDF'],
    ];
    for (const [name, bytes, stored] of cases) {
      const up = await uploadFile(t, c.drafter, d.draftId, name, bytes);
      expect([name, up.status, up.body.filename]).toEqual([name, 201, stored]);
    }
  });

  it('keeps a client X-Request-Id only when it is a UUID; any other is stored apart', async () => {
    const mine = randomUUID();
    const a = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).set('X-Request-Id', mine).send({ agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Mã yêu cầu' });
    expect(a.headers['x-request-id']).toBe(mine);
    const b = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).set('X-Request-Id', 'client-id-<script> x').send({ agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Mã yêu cầu' });
    expect(b.headers['x-request-id']).toMatch(UUID);
    expect(b.headers['x-request-id']).not.toBe('client-id-<script> x');
    const [event] = await t.db.query<{ request_id: string; client_request_id: string | null }[]>(
      `SELECT request_id, client_request_id FROM audit_events WHERE action = 'document.created' AND entity_id = $1`,
      [b.body.id],
    );
    expect(event).toEqual({ request_id: b.headers['x-request-id'], client_request_id: 'client-id-<script> x' });
    const [uuidEvent] = await t.db.query<{ request_id: string; client_request_id: string | null }[]>(
      `SELECT request_id, client_request_id FROM audit_events WHERE action = 'document.created' AND entity_id = $1`,
      [a.body.id],
    );
    expect(uuidEvent).toEqual({ request_id: mine, client_request_id: null });
    // The audit trail shows both, and the chain still verifies with the new field in it.
    const admin = await f.adminToken();
    const listed = await t.http.get(`${API}/audit-events?entityId=${b.body.id}`).set(bearer(c.head.token));
    expect(listed.body.items[0]).toMatchObject({ requestId: b.headers['x-request-id'], clientRequestId: 'client-id-<script> x' });
    const verify = await t.http.get(`${API}/audit-events/verify?agencyId=${c.agency.id}`).set(bearer(admin));
    expect(verify.body).toMatchObject({ ok: true });
  });

  it('JSON with tokens or personal data is never cached; file downloads are private', async () => {
    const login = await t.http.post(`${API}/auth/login`).send({ username: c.drafter.username, password: c.drafter.password });
    expect(login.headers['cache-control']).toBe('no-store');
    expect((await t.http.get(`${API}/me`).set(bearer(c.drafter.token))).headers['cache-control']).toBe('no-store');
    expect((await t.http.get(`${API}/me`)).headers['cache-control']).toBe('no-store');
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Tải về' });
    const up = await uploadFile(t, c.drafter, d.draftId, 'a.pdf', pdf(randomUUID()));
    const file = await t.http.get(`${API}/revisions/${d.draftId}/files/${up.body.id}`).set(bearer(c.drafter.token)).buffer(true).parse(binary);
    expect(file.status).toBe(200);
    expect(file.headers['cache-control']).toBe('private, no-cache');
  });

  it('new passwords: at least 12 characters and not common or easily guessed', async () => {
    const admin = await f.adminToken();
    const create = (password: string, username = uniq('pw').toLowerCase()) => t.http.post(`${API}/users`).set(bearer(admin)).send({ username, fullName: 'Nguyễn Văn Mật', password });
    for (const weak of ['short-pw-1', 'password1234', 'P@ssw0rd1234', 'qwertyuiop123', '123456789012', 'iloveyou1234']) {
      const res = await create(weak);
      expect([weak, res.status]).toEqual([weak, 400]);
      expect(res.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(/at least|12 to 200|common/) }]);
    }
    // Built from the user's own name.
    const named = await create('nguyenvanmat2024', 'nguyenvanmat');
    expect(named.status).toBe(400);
    expect((await create('Đồng hồ cát tím 2031')).status).toBe(201);

    const u = await f.user();
    const change = await t.http.post(`${API}/me/password`).set(bearer(u.token)).send({ currentPassword: u.password, newPassword: 'password12345' });
    expect([change.status, change.body.errors?.[0]?.field]).toEqual([400, 'newPassword']);
    const reset = await t.http.patch(`${API}/users/${u.id}`).set(bearer(admin)).send({ password: 'abc123abc123' });
    expect([reset.status, reset.body.errors?.[0]?.field]).toEqual([400, 'password']);
  });

  it('refuses access tokens without an expiry, even correctly signed', async () => {
    const me = await t.http.get(`${API}/me`).set(bearer(c.drafter.token));
    const session = (await t.db.query<{ id: string }[]>(`SELECT id FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL LIMIT 1`, [me.body.id]))[0].id;
    const jwt = t.app.get(JwtService);
    const forever = await jwt.signAsync({ sub: me.body.id, sid: session, typ: 'access' }, { secret: t.config.jwt.secret, issuer: t.config.jwt.issuer, algorithm: 'HS256' });
    const res = await t.http.get(`${API}/me`).set(bearer(forever));
    expect([res.status, res.body.code]).toEqual([401, 'invalid_token']);
    const expiring = await jwt.signAsync({ sub: me.body.id, sid: session, typ: 'access' }, { secret: t.config.jwt.secret, issuer: t.config.jwt.issuer, algorithm: 'HS256', expiresIn: 60 });
    expect((await t.http.get(`${API}/me`).set(bearer(expiring))).status).toBe(200);
  });
});
