import { randomUUID } from 'node:crypto';
import { RevisionLifecycle } from '../../src/documents/revision-lifecycle.js';
import { RevisionsService } from '../../src/documents/revisions.service.js';
import type { TestApp } from '../support/app.js';
import { bearer, type Fixtures } from '../support/fixtures.js';
import { API, Cast, code, createDocument, documentsSuite, makeEffective, uploadFile } from './helpers.js';
import { pdf } from './samples.js';

async function legalDocument(t: TestApp, number: string): Promise<string> {
  const rows = await t.db.query<{ id: string }[]>(
    `INSERT INTO legal_documents (number, type, issuer, title, issued_on, effective_from, status)
     VALUES ($1, 'decree', 'Chính phủ', 'Nghị định thử nghiệm', '2020-01-01', '2020-03-01', 'in_force') RETURNING id`,
    [number],
  );
  return rows[0].id;
}

const step = (no: number, value: number, unit: string) => ({ no, action: `Bước ${no}`, responsible: 'Bộ phận một cửa', duration: { value, unit } });

describe('documents: revisions', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: Cast;

  beforeAll(async () => ({ t, f, c } = await documentsSuite()));
  afterAll(() => t.close());

  it('only one open revision per document (409), and a new draft copies the effective one without copying bytes', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'form', code: code('BM'), title: 'Tờ khai', procedureId: (await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình' })).id });
    const open = await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({});
    expect(open.status).toBe(409);
    expect(open.body).toMatchObject({ code: 'revision_open', openRevisionId: d.draftId, openRevisionState: 'draft' });
    const up = await uploadFile(t, c.drafter, d.draftId, 'Tờ khai.pdf', pdf(randomUUID()), 'source');
    expect(up.status).toBe(201);
    // The upload moved the revision's version: edit with the ETag read after it.
    const fresh = await t.http.get(`${API}/revisions/${d.draftId}`).set(bearer(c.drafter.token)).expect(200);
    expect(fresh.headers.etag).not.toBe(d.etag);
    await t.http.patch(`${API}/revisions/${d.draftId}`).set(bearer(c.drafter.token)).set('If-Match', fresh.headers.etag).send({ content: { description: 'Mẫu tờ khai' } }).expect(200);
    await makeEffective(t, d.draftId);

    const r2 = await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({ changeSummary: 'Cập nhật mẫu theo Nghị định mới' });
    expect(r2.status).toBe(201);
    expect(r2.headers.etag).toBe(r2.body.etag);
    expect(r2.body).toMatchObject({ state: 'draft', number: 2, numberAssigned: false, basedOnRevisionId: d.draftId, content: { description: 'Mẫu tờ khai' }, changeSummary: 'Cập nhật mẫu theo Nghị định mới' });
    expect(r2.body.files).toHaveLength(1);
    expect(r2.body.files[0]).toMatchObject({ role: 'source', filename: 'Tờ khai.pdf', sha256: up.body.sha256 });
    expect(r2.body.files[0].id).not.toBe(up.body.id);
    const objects = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM stored_objects WHERE sha256 = $1', [up.body.sha256]);
    expect(objects[0].n).toBe(1);
    expect((await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.secretary.token)).send({})).status).toBe(409);
    // The effective revision is untouched; the list shows both.
    const list = await t.http.get(`${API}/documents/${d.id}/revisions`).set(bearer(c.head.token));
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { state: string; number: number }) => [r.state, r.number])).toEqual([
      ['draft', 2],
      ['effective', 1],
    ]);
    expect(list.body.items[1].files[0].sha256).toBe(up.body.sha256);
    // Staff may not open drafts (403: they see the document), strangers get 404.
    expect((await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.staff.token)).send({})).status).toBe(403);
  });

  it('PATCH needs If-Match (428), refuses a stale one (412), bumps the ETag and audits the changed fields', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình' });
    const missing = await t.http.patch(`${API}/revisions/${d.draftId}`).set(bearer(c.drafter.token)).send({ changeSummary: 'x' });
    expect(missing.status).toBe(428);
    expect(missing.body.code).toBe('precondition_required');
    const ok = await t.http
      .patch(`${API}/revisions/${d.draftId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', d.etag)
      .send({ content: { ...d.body.openDraft.content, purpose: 'Quy định trình tự', scope: 'Áp dụng tại Sở', steps: [step(1, 1, 'working_days')] } });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe(ok.body.etag);
    expect(ok.body.etag).not.toBe(d.etag);
    expect(ok.body.version).toBe(2);
    const stale = await t.http.patch(`${API}/revisions/${d.draftId}`).set(bearer(c.drafter.token)).set('If-Match', d.etag).send({ changeSummary: 'x' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    const get = await t.http.get(`${API}/revisions/${d.draftId}`).set(bearer(c.secretary.token));
    expect(get.headers.etag).toBe(ok.body.etag);
    const events = await t.db.query<{ changes: Record<string, unknown> }[]>(
      `SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'revision.updated'`,
      [d.draftId],
    );
    expect(events).toHaveLength(1);
    expect(Object.keys(events[0].changes).sort()).toEqual(['content.purpose', 'content.scope', 'content.steps', 'documentId', 'version']);
    expect(events[0].changes['content.purpose']).toEqual({ old: '', new: 'Quy định trình tự' });
    // A save that changes nothing does not bump the version.
    const same = await t.http.patch(`${API}/revisions/${d.draftId}`).set(bearer(c.drafter.token)).set('If-Match', ok.body.etag).send({ content: ok.body.content });
    expect(same.body.version).toBe(2);
    // Shape errors are 400 with field paths; nothing is saved.
    const bad = await t.http
      .patch(`${API}/revisions/${d.draftId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', ok.body.etag)
      .send({ content: { steps: [{ no: 1, duration: { value: 'two', unit: 'hours' } }], unknown: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: 'content.steps[0].duration.value', message: 'must be a number' },
      { field: 'content.unknown', message: 'is not a known property' },
    ]);
    // Staff cannot see the draft; a stranger neither; readers without write get 403.
    expect((await t.http.patch(`${API}/revisions/${d.draftId}`).set(bearer(c.staff.token)).set('If-Match', ok.body.etag).send({})).status).toBe(404);
    expect((await t.http.patch(`${API}/revisions/${d.draftId}`).set(bearer(c.otherDrafter.token)).set('If-Match', ok.body.etag).send({})).status).toBe(404);
    expect((await t.http.patch(`${API}/revisions/${d.draftId}`).set(bearer(c.head.token)).set('If-Match', ok.body.etag).send({})).status).toBe(403);
  });

  it('revisions that are no longer drafts cannot be edited through the API (409)', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'quality_policy', code: code('CS'), title: 'Chính sách' }).catch(async () => {
      // The agency may already have a quality policy from another test: use another type.
      return createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Tài liệu' });
    });
    await makeEffective(t, d.draftId);
    const rev = await t.http.get(`${API}/revisions/${d.draftId}`).set(bearer(c.staff.token));
    expect(rev.status).toBe(200);
    const res = await t.http.patch(`${API}/revisions/${d.draftId}`).set(bearer(c.drafter.token)).set('If-Match', rev.headers.etag).send({ changeSummary: 'sửa lén' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('revision_not_draft');
  });

  it('the database refuses changes to effective revisions, their files and citations (SQL issued directly)', async () => {
    const legal = await legalDocument(t, `${Math.floor(Math.random() * 1e6)}/2020/NĐ-CP`);
    const d = await createDocument(t, c.drafter, {
      agencyId: c.agency.id,
      type: 'procedure',
      code: code('QT'),
      title: 'Quy trình',
      content: { purpose: 'Mục đích', legalBases: [{ legalDocumentId: legal, articles: 'Điều 5' }] },
    });
    const up = await uploadFile(t, c.drafter, d.draftId, 'lưu đồ.pdf', pdf(randomUUID()), 'attachment');
    expect(up.status).toBe(201);
    await makeEffective(t, d.draftId);
    const refused = async (sql: string, params: unknown[]) => {
      await expect(t.db.query(sql, params)).rejects.toMatchObject({ driverError: { code: 'P0001' } });
    };
    await refused(`UPDATE revisions SET content = '{"purpose": "đã sửa"}' WHERE id = $1`, [d.draftId]);
    await refused(`UPDATE revisions SET change_summary = 'x' WHERE id = $1`, [d.draftId]);
    await refused(`UPDATE revisions SET state = 'draft', effective_at = NULL, number = NULL WHERE id = $1`, [d.draftId]);
    await refused(`UPDATE revisions SET updated_at = now() WHERE id = $1`, [d.draftId]);
    await refused(`DELETE FROM revisions WHERE id = $1`, [d.draftId]);
    await refused(`UPDATE revision_files SET filename = 'khác.pdf' WHERE revision_id = $1`, [d.draftId]);
    await refused(`DELETE FROM revision_files WHERE revision_id = $1`, [d.draftId]);
    await refused(
      `INSERT INTO revision_files (revision_id, agency_id, role, filename, media_type, size, sha256, created_by)
       SELECT $1, agency_id, 'source', 'x.pdf', media_type, size, sha256, created_by FROM revision_files WHERE revision_id = $1`,
      [d.draftId],
    );
    await refused(`DELETE FROM revision_citations WHERE revision_id = $1`, [d.draftId]);
    await refused(`UPDATE revision_citations SET articles = 'Điều 6' WHERE revision_id = $1`, [d.draftId]);
    await refused(`DELETE FROM revision_transitions WHERE revision_id = $1`, [d.draftId]);
    const row = await t.db.query<{ content: unknown; state: string }[]>('SELECT content, state FROM revisions WHERE id = $1', [d.draftId]);
    expect(row[0].state).toBe('effective');
    expect(row[0].content).toMatchObject({ purpose: 'Mục đích' });
    // The lifecycle itself still moves: effective → superseded when the next revision takes effect.
    const r2 = await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({ changeSummary: 'Lần 2' });
    await makeEffective(t, r2.body.id);
    const states = await t.db.query<{ id: string; state: string; number: number; superseded_at: Date | null }[]>(
      'SELECT id, state, number, superseded_at FROM revisions WHERE document_id = $1 ORDER BY number',
      [d.id],
    );
    expect(states.map((s) => [s.id, s.state, s.number])).toEqual([
      [d.draftId, 'superseded', 1],
      [r2.body.id, 'effective', 2],
    ]);
    expect(states[0].superseded_at).not.toBeNull();
    await refused(`UPDATE revisions SET state = 'effective' WHERE id = $1`, [d.draftId]);
    // At most one effective and one open revision per document, in the database too.
    await expect(
      t.db.query(`INSERT INTO revisions (document_id, agency_id, state, author_id) VALUES ($1, $2, 'draft', $3), ($1, $2, 'draft', $3)`, [d.id, c.agency.id, c.drafter.id]),
    ).rejects.toThrow(/revisions_one_open/);
    const transitions = await t.db.query<{ from_state: string | null; to_state: string }[]>(
      'SELECT from_state, to_state FROM revision_transitions WHERE revision_id = $1 ORDER BY at, id',
      [d.draftId],
    );
    expect(transitions.map((x) => `${x.from_state}>${x.to_state}`)).toEqual(['null>draft', 'approved>effective', 'effective>superseded']);
  });

  it('stores content.legalBases as citation rows (found by index), refuses unknown legal documents, copies them to new drafts', async () => {
    const a = await legalDocument(t, `${Math.floor(Math.random() * 1e6)}/2018/NĐ-CP`);
    const b = await legalDocument(t, `${Math.floor(Math.random() * 1e6)}/2014/TT-BKHCN`);
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình' });
    const unknown = await t.http
      .patch(`${API}/revisions/${d.draftId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', d.etag)
      .send({ content: { legalBases: [{ legalDocumentId: randomUUID() }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'content.legalBases[0].legalDocumentId', message: 'is not a document of the legal registry' }]);
    const dup = await t.http
      .patch(`${API}/revisions/${d.draftId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', d.etag)
      .send({ content: { legalBases: [{ legalDocumentId: a }, { legalDocumentId: a }] } });
    expect(dup.status).toBe(400);
    const ok = await t.http
      .patch(`${API}/revisions/${d.draftId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', d.etag)
      .send({ content: { legalBases: [{ legalDocumentId: a, articles: 'Điều 3, khoản 2' }, { legalDocumentId: b }] } });
    expect(ok.status).toBe(200);
    const rows = await t.db.query<{ legal_document_id: string; position: number; articles: string | null }[]>(
      'SELECT legal_document_id, position, articles FROM revision_citations WHERE revision_id = $1 ORDER BY position',
      [d.draftId],
    );
    expect(rows).toEqual([
      { legal_document_id: a, position: 0, articles: 'Điều 3, khoản 2' },
      { legal_document_id: b, position: 1, articles: null },
    ]);
    const plan = await t.db.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN SELECT revision_id FROM revision_citations WHERE legal_document_id = $1`, [a]);
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toMatch(/revision_citations_legal_idx|Index|Bitmap/);
    await makeEffective(t, d.draftId);
    const r2 = await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({});
    const citing = await t.db.query<{ revision_id: string }[]>('SELECT revision_id FROM revision_citations WHERE legal_document_id = $1 ORDER BY revision_id', [b]);
    expect(citing.map((r) => r.revision_id).sort()).toEqual([d.draftId, r2.body.id].sort());
  });

  it('completeness rules (422 at submit): step times against the statutory limit, naming both totals', async () => {
    const d = await createDocument(t, c.drafter, {
      agencyId: c.agency.id,
      type: 'procedure',
      code: code('QT'),
      title: 'Quy trình cấp phép',
      content: {
        purpose: 'Mục đích',
        scope: 'Phạm vi',
        statutoryTimeLimit: { value: 15, unit: 'working_days' },
        steps: [step(1, 4, 'hours'), step(2, 10, 'working_days'), step(3, 5, 'working_days')],
      },
    });
    const svc = t.app.get(RevisionsService);
    const found = (await svc.findWithDocument(d.draftId))!;
    const err = await svc.assertComplete(found.revision, found.document).catch((e) => e);
    expect(err).toMatchObject({ status: 422, code: 'revision_incomplete' });
    expect(err.detail).toBe('The steps take 15.5 working days (124 h) in total, more than the statutory time limit of 15 working days (120 h)');
    expect(err.extra.rules).toEqual([expect.objectContaining({ rule: 'procedure.steps_exceed_time_limit', field: 'content.steps' })]);
    const fixed = await t.http
      .patch(`${API}/revisions/${d.draftId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', d.etag)
      .send({ content: { ...d.body.openDraft.content, purpose: 'Mục đích', scope: 'Phạm vi', statutoryTimeLimit: { value: 15, unit: 'working_days' }, steps: [step(1, 4, 'hours'), step(2, 10, 'working_days'), step(3, 4.5, 'working_days')] } });
    expect(fixed.status).toBe(200);
    const again = (await svc.findWithDocument(d.draftId))!;
    expect(await svc.completeness(again.revision, again.document)).toEqual([]);
  });

  it('taking effect assigns numbers in order and refuses revisions that are not approved', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Tài liệu' });
    const lifecycle = t.app.get(RevisionLifecycle);
    await expect(lifecycle.transitionById('take_effect', d.draftId, { actor: null })).rejects.toMatchObject({ status: 409, code: 'revision_not_approved' });
    await makeEffective(t, d.draftId);
    const r2 = await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({});
    const r2view = await t.http.get(`${API}/revisions/${r2.body.id}`).set(bearer(c.drafter.token));
    expect(r2view.body.number).toBe(2);
    await makeEffective(t, r2.body.id);
    const events = await t.db.query<{ action: string; entity_id: string }[]>(
      `SELECT action, entity_id FROM audit_events WHERE action IN ('revision.effective', 'revision.superseded') AND (changes->>'documentId') = $1 ORDER BY seq`,
      [d.id],
    );
    expect(events.map((e) => [e.action, e.entity_id])).toEqual([
      ['revision.effective', d.draftId],
      ['revision.superseded', d.draftId],
      ['revision.effective', r2.body.id],
    ]);
    const obsolete = await lifecycle.transitionById('obsolete', r2.body.id, { actor: null, comment: 'Thu hồi' });
    expect(obsolete.state).toBe('obsolete');
    const cur = await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.drafter.token));
    expect(cur.status).toBe(404);
    // Only one effective revision per document, ever at a time.
    const effective = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM revisions WHERE document_id = $1 AND state = 'effective'`, [d.id]);
    expect(effective[0].n).toBe(0);
  });
});
