import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures } from './support/fixtures.js';
import { activeFlags, AgencyCast, agencyCast, API, documentOf, effectiveProcedure, finished, legalDocument, postChange, procedureContent } from './legal-changes-helpers.js';

/** A "legal basis changed" flag is resolved by a revision that really updates the legal basis. */
describe('legal change flags are cleared only by a revision that addresses the change', () => {
  let t: TestApp;
  let admin: string;
  let a: AgencyCast;

  beforeAll(async () => {
    t = await createTestApp();
    const f = new Fixtures(t);
    admin = await f.adminToken();
    const province = await f.agency({ level: 'province' });
    a = await agencyCast(f, province.id, 'Sở Xây dựng');
  });
  afterAll(() => t.close());

  async function approve(revisionId: string): Promise<void> {
    expect((await t.http.post(`${API}/revisions/${revisionId}/submit`).set(bearer(a.drafter.token)).send()).status).toBe(200);
    expect((await t.http.post(`${API}/revisions/${revisionId}/review`).set(bearer(a.secretary.token)).send({ decision: 'approve' })).status).toBe(200);
    const res = await t.http.post(`${API}/revisions/${revisionId}/approve`).set(bearer(a.head.token)).send({ password: a.head.password });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('effective');
  }

  it('a revision that still cites the replaced act leaves the flag up; the one citing the replacement clears it', async () => {
    const old = await legalDocument(t, admin, { year: 2015 });
    const replacement = await legalDocument(t, admin, { year: 2024 });
    const proc = await effectiveProcedure(t, a.drafter, a.agency.id, [{ legalDocumentId: old.id }]);
    const res = await postChange(t, admin, old.id, { kind: 'replaced', byLegalDocumentId: replacement.id, effectiveFrom: '2024-07-01' });
    expect(res.status).toBe(202);
    await finished(t, admin, res.body.changeId);
    expect(await activeFlags(t, proc.id)).toHaveLength(1);

    // The author puts the old act back in the regenerated draft and it is approved anyway.
    const doc = await documentOf(t, a.drafter.token, proc.id);
    const draft = doc.openDraft;
    const patched = await t.http
      .patch(`${API}/revisions/${draft.id}`)
      .set(bearer(a.drafter.token))
      .set('If-Match', draft.etag)
      .send({ content: procedureContent([{ legalDocumentId: old.id }]), changeSummary: 'Giữ nguyên căn cứ cũ' });
    expect(patched.status).toBe(200);
    await approve(draft.id);
    const flags = await activeFlags(t, proc.id);
    expect(flags).toHaveLength(1);
    expect(flags[0].source_id).toBe(res.body.changeId);

    // A new revision citing the replacement resolves it.
    const next = await t.http.post(`${API}/documents/${proc.id}/revisions`).set(bearer(a.drafter.token)).send({ changeSummary: `Thay thế căn cứ bằng ${replacement.number}` });
    expect(next.status).toBe(201);
    const fixed = await t.http
      .patch(`${API}/revisions/${next.body.id}`)
      .set(bearer(a.drafter.token))
      .set('If-Match', next.body.etag)
      .send({ content: procedureContent([{ legalDocumentId: replacement.id }]) });
    expect(fixed.status).toBe(200);
    await approve(next.body.id);
    expect(await activeFlags(t, proc.id)).toHaveLength(0);
  });
});
