import { randomUUID } from 'node:crypto';
import { REFUSALS_RECORDED_PER_MINUTE } from '../../src/audit/refusal-record.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { binary, Cast, cast, code, createDocument, makeEffective, uploadFile } from '../documents/helpers.js';
import { docx, pdf } from '../documents/samples.js';
import { until } from '../workflow/helpers.js';

const API = '/api/v1';

/** What the system tells and records — refusals, stored bytes across agencies, public downloads. */
describe('security records and what is told', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: Cast;

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_REQUESTS_PER_MINUTE: '6' }, { workers: false });
    f = new Fixtures(t);
    c = await cast(f);
  });
  afterAll(() => t.close());

  const denials = (requestId: string) =>
    t.db.query<{ agency_id: string | null; actor_id: string | null; changes: Record<string, unknown> }[]>(`SELECT agency_id, actor_id, changes FROM audit_events WHERE action = 'access.denied' AND request_id = $1`, [requestId]);

  it("records a 403 and a 404 that hid an existing object (in that object's agency), but not a 404 for nothing; the answers do not differ", async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Bản nháp nội bộ' });
    // Staff of the agency may see the document's agency but not write: 403.
    const r403 = randomUUID();
    const forbidden = await t.http.post(`${API}/documents`).set(bearer(c.staff.token)).set('X-Request-Id', r403).send({ agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Không được' });
    expect(forbidden.status).toBe(403);
    const [e403] = await until(() => denials(r403), (rows) => rows.length > 0);
    expect(e403).toMatchObject({ agency_id: c.agency.id, actor_id: c.staff.id, changes: { outcome: 'forbidden', status: 403, method: 'POST', permission: 'document.write' } });

    // Another agency's drafter asks for the draft: 404, recorded in the draft's agency's chain.
    const hidden = randomUUID();
    const a = await t.http.get(`${API}/revisions/${d.draftId}`).set(bearer(c.otherDrafter.token)).set('X-Request-Id', hidden);
    const nothing = randomUUID();
    const b = await t.http.get(`${API}/revisions/${randomUUID()}`).set(bearer(c.otherDrafter.token)).set('X-Request-Id', nothing);
    expect([a.status, b.status]).toEqual([404, 404]);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined, requestId: undefined });
    expect(strip(a.body)).toEqual(strip(b.body));
    const [eHidden] = await until(() => denials(hidden), (rows) => rows.length > 0);
    expect(eHidden).toMatchObject({ agency_id: c.agency.id, actor_id: c.otherDrafter.id, changes: { outcome: 'hidden', status: 404, path: `${API}/revisions/${d.draftId}` } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await denials(nothing)).toEqual([]);
    // The chain still verifies with the records in it.
    const verify = await t.http.get(`${API}/audit-events/verify?agencyId=${c.agency.id}`).set(bearer(await f.adminToken()));
    expect(verify.body).toMatchObject({ ok: true });
  });

  it(`records at most ${REFUSALS_RECORDED_PER_MINUTE} refusals a minute per actor`, async () => {
    const prober = await f.user({ [c.other.id]: ['staff'] });
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Mục tiêu dò' });
    for (let i = 0; i < REFUSALS_RECORDED_PER_MINUTE + 10; i++) expect((await t.http.get(`${API}/revisions/${d.draftId}`).set(bearer(prober.token))).status).toBe(404);
    const count = () => t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`, [prober.id]);
    const [{ n }] = await until(count, (r) => r[0].n >= REFUSALS_RECORDED_PER_MINUTE);
    await new Promise((r) => setTimeout(r, 300));
    expect(n).toBe(REFUSALS_RECORDED_PER_MINUTE);
    expect((await count())[0].n).toBe(REFUSALS_RECORDED_PER_MINUTE);
  });

  it('never tells whether another agency already stores the same bytes (no `deduplicated`), while storing them once', async () => {
    const bytes = pdf(`shared ${randomUUID()}`);
    const mine = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Của cơ quan A' });
    const theirs = await createDocument(t, c.otherDrafter, { agencyId: c.other.id, type: 'other', code: code('TL'), title: 'Của cơ quan B' });
    const first = await uploadFile(t, c.drafter, mine.draftId, 'a.pdf', bytes);
    const second = await uploadFile(t, c.otherDrafter, theirs.draftId, 'b.pdf', bytes);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(Object.keys(second.body).sort()).toEqual(Object.keys(first.body).sort());
    const events = await t.db.query<{ changes: Record<string, unknown> }[]>(`SELECT changes FROM audit_events WHERE action = 'file.added' AND entity_id = ANY($1::uuid[])`, [
      [mine.draftId, theirs.draftId],
    ]);
    expect(events).toHaveLength(2);
    for (const e of events) expect(e.changes).not.toHaveProperty('deduplicated');
    expect((await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM stored_objects WHERE sha256 = $1', [first.body.sha256]))[0].n).toBe(1);

    // Events written before the change still hold the field: the readers never show it.
    await t.db.transaction(() =>
      t.db.query(
        `INSERT INTO audit_events (agency_id, action, entity_type, entity_id, changes) VALUES ($1, 'file.added', 'revision', $2, $3::jsonb)`,
        [c.other.id, theirs.draftId, JSON.stringify({ documentId: theirs.id, filename: 'old.pdf', role: 'attachment', deduplicated: true })],
      ),
    );
    const history = await t.http.get(`${API}/documents/${theirs.id}/history`).set(bearer(c.otherDrafter.token));
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).not.toContain('deduplicated');
    const audit = await t.http.get(`${API}/audit-events?entityId=${theirs.draftId}`).set(bearer(c.otherDrafter.token));
    expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit.body)).not.toContain('deduplicated');
  });

  it('public downloads are counted per revision, variant and day (not one audit event each) and rate-limited per address', async () => {
    const formCode = code('BM');
    const form = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'quality_policy', code: formCode, title: 'Chính sách chất lượng' });
    expect((await uploadFile(t, c.drafter, form.draftId, 'Tờ khai.docx', docx('công khai'), 'source')).status).toBe(201);
    await makeEffective(t, form.draftId);
    const url = `${API}/public/agencies/${c.agency.code}/documents/${encodeURIComponent(formCode)}/file?variant=source`;
    for (let i = 0; i < 3; i++) expect((await t.http.get(url).buffer(true).parse(binary)).status).toBe(200);
    // Signed-in downloads are still audited one by one.
    expect((await t.http.get(`${API}/documents/${form.id}/current/file?variant=source`).set(bearer(c.staff.token)).buffer(true).parse(binary)).status).toBe(200);
    const events = await t.db.query<{ actor_id: string | null }[]>(`SELECT actor_id FROM audit_events WHERE action = 'file.downloaded' AND entity_id = $1`, [form.draftId]);
    expect(events).toEqual([{ actor_id: c.staff.id }]);

    const counts = await t.http.get(`${API}/documents/${form.id}/public-downloads`).set(bearer(c.secretary.token));
    expect(counts.status).toBe(200);
    expect(counts.body.items).toEqual([{ revisionId: form.draftId, revisionNumber: 1, variant: 'source', day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), downloads: 3 }]);
    expect((await t.http.get(`${API}/documents/${form.id}/public-downloads`).set(bearer(c.staff.token))).status).toBe(403);
    expect((await t.http.get(`${API}/documents/${form.id}/public-downloads`).set(bearer(c.otherDrafter.token))).status).toBe(404);

    // 6 public requests a minute from this address: the 7th is 429 with Retry-After.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.get(`${API}/public/agencies/${c.agency.code}/documents`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await t.http.get(url);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
