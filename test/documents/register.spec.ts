import { DocumentFlags } from '../../src/documents/document-flags.service.js';
import type { TestApp } from '../support/app.js';
import { bearer, type Fixtures } from '../support/fixtures.js';
import { API, Cast, code, createDocument, documentsSuite, makeEffective } from './helpers.js';

describe('documents: the register', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: Cast;

  beforeAll(async () => ({ t, f, c } = await documentsSuite()));
  afterAll(() => t.close());

  it('creates a document with its first draft (revision 1) in one transaction, audited', async () => {
    const res = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: '  Quy trình tiếp nhận hồ sơ  ', tthcCode: '1.001612.000.00.00.H01' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/documents/${res.body.id}`);
    expect(res.body).toMatchObject({ agencyId: c.agency.id, type: 'procedure', title: 'Quy trình tiếp nhận hồ sơ', reviewIntervalMonths: 12, currentRevision: null, flags: [] });
    expect(res.body.openDraft).toMatchObject({ state: 'draft', number: 1, numberAssigned: false, authorId: c.drafter.id, authorName: 'Lê Văn Soạn', files: [] });
    expect(res.body.openDraft.content).toMatchObject({ purpose: '', steps: [] });
    const events = await t.db.query<{ action: string; entity_id: string }[]>(
      `SELECT action, entity_id FROM audit_events WHERE entity_id IN ($1, $2) ORDER BY seq`,
      [res.body.id, res.body.openDraft.id],
    );
    expect(events.map((e) => e.action)).toEqual(['document.created', 'revision.created']);
    const transitions = await t.db.query<{ from_state: string | null; to_state: string; actor_id: string }[]>(
      'SELECT from_state, to_state, actor_id FROM revision_transitions WHERE revision_id = $1',
      [res.body.openDraft.id],
    );
    expect(transitions).toEqual([{ from_state: null, to_state: 'draft', actor_id: c.drafter.id }]);
  });

  it('a bad first-draft content leaves no document behind (400, nothing written)', async () => {
    const k = code('QT');
    const res = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'procedure', code: k, title: 'Quy trình lỗi', content: { steps: [{ duration: { value: 1, unit: 'weeks' } }] } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'content.steps[0].duration.unit', message: 'must be one of working_days, days, hours' }]);
    expect(await t.db.query('SELECT 1 FROM documents WHERE agency_id = $1 AND code = $2', [c.agency.id, k])).toHaveLength(0);
  });

  it('codes are unique per agency, compared case-insensitively after NFC; accents stay significant', async () => {
    const base = code('QT-ĐT');
    await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: base, title: 'Quy trình đào tạo' });
    const lower = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code: base.toLowerCase(), title: 'x' });
    expect(lower.status).toBe(409);
    expect(lower.body.code).toBe('document_code_taken');
    const nfd = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code: base.normalize('NFD'), title: 'x' });
    expect(nfd.status).toBe(409);
    const unaccented = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code: base.replace('Đ', 'D'), title: 'x' });
    expect(unaccented.status).toBe(201);
    // Another agency may use the same code.
    const elsewhere = await t.http.post(`${API}/documents`).set(bearer(c.otherDrafter.token)).send({ agencyId: c.other.id, type: 'procedure', code: base, title: 'x' });
    expect(elsewhere.status).toBe(201);
    const bad = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code: 'QT 01', title: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('code');
  });

  it('a form belongs to a procedure of the same agency; across agencies it is refused', async () => {
    const proc = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình cấp phép' });
    const foreign = await createDocument(t, c.otherDrafter, { agencyId: c.other.id, type: 'procedure', code: code('QT'), title: 'Quy trình của sở khác' });
    const noProc = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'form', code: code('BM'), title: 'Tờ khai' });
    expect(noProc.status).toBe(400);
    expect(noProc.body.errors).toEqual([{ field: 'procedureId', message: 'is required for a form (the procedure it belongs to)' }]);
    const across = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'form', code: code('BM'), title: 'Tờ khai', procedureId: foreign.id });
    expect(across.status).toBe(422);
    expect(across.body.code).toBe('form_procedure_invalid');
    const formCode = `BM.01/${code('QT')}`;
    const form = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'form', code: formCode, title: 'Tờ khai đề nghị', procedureId: proc.id });
    const underForm = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'form', code: code('BM'), title: 'x', procedureId: form.id });
    expect(underForm.status).toBe(422);
    // The database refuses the cross-agency link too.
    await expect(t.db.query('UPDATE documents SET procedure_id = $1 WHERE id = $2', [foreign.id, form.id])).rejects.toThrow(/foreign key/);
    const list = await t.http.get(`${API}/documents?procedureId=${proc.id}`).set(bearer(c.drafter.token));
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([form.id]);
    const tthcOnForm = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'form', code: code('BM'), title: 'x', procedureId: proc.id, tthcCode: '1.001193' });
    expect(tthcOnForm.status).toBe(400);
  });

  it('validates TTHC codes and filters by them (a short code finds its full forms)', async () => {
    const bad = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'x', tthcCode: '1.00119' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('tthcCode');
    const short = `2.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Thủ tục', tthcCode: `${short}.000.00.00.H01` });
    const found = await t.http.get(`${API}/documents?tthcCode=${short}`).set(bearer(c.drafter.token));
    expect(found.body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);
  });

  it('one quality policy per agency; quality objectives per year', async () => {
    const fresh = await f.agency({ level: 'commune', parentId: (await f.agencyTree()).province.id });
    const u = await f.user({ [fresh.id]: ['iso_secretary'] });
    await createDocument(t, u, { agencyId: fresh.id, type: 'quality_policy', code: 'CSCL', title: 'Chính sách chất lượng' });
    const second = await t.http.post(`${API}/documents`).set(bearer(u.token)).send({ agencyId: fresh.id, type: 'quality_policy', code: 'CSCL-2', title: 'x' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('quality_policy_exists');
    const noYear = await t.http.post(`${API}/documents`).set(bearer(u.token)).send({ agencyId: fresh.id, type: 'quality_objectives', code: 'MTCL-2026', title: 'x' });
    expect(noYear.status).toBe(400);
    const obj = await createDocument(t, u, { agencyId: fresh.id, type: 'quality_objectives', code: 'MTCL-2026', title: 'Mục tiêu chất lượng năm 2026', year: 2026 });
    expect(obj.body.openDraft.content).toEqual({ year: 2026, objectives: [] });
    const again = await t.http.post(`${API}/documents`).set(bearer(u.token)).send({ agencyId: fresh.id, type: 'quality_objectives', code: 'MTCL-2026B', title: 'x', year: 2026 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('quality_objectives_exist');
    await createDocument(t, u, { agencyId: fresh.id, type: 'quality_objectives', code: 'MTCL-2027', title: 'Mục tiêu 2027', year: 2027 });
    const wrongYear = await t.http
      .patch(`${API}/revisions/${obj.draftId}`)
      .set(bearer(u.token))
      .set('If-Match', obj.etag)
      .send({ content: { year: 2025, objectives: [] } });
    expect(wrongYear.status).toBe(400);
    expect(wrongYear.body.errors).toEqual([{ field: 'content.year', message: "must be the document's year (2026)" }]);
  });

  it('searches code and title ignoring accents and case', async () => {
    const tag = code('TK').toLowerCase();
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: `Quy trình Cấp phép xây dựng ${tag}` });
    const search = async (q: string) =>
      (await t.http.get(`${API}/documents`).query({ q, agencyId: c.agency.id }).set(bearer(c.drafter.token))).body.items.map((x: { id: string }) => x.id);
    expect(await search(`quy trinh cap phep ${tag}`)).toEqual([d.id]);
    expect(await search(`CẤP PHÉP ${tag.toUpperCase()}`)).toEqual([d.id]);
    expect(await search(`xay dung quy ${tag}`)).toEqual([d.id]);
    expect(await search(`cap phep khac ${tag}`)).toEqual([]);
  });

  it('the longest code and title are stored and found (the code order index carries the folded title)', async () => {
    // 64 characters of code and 500 of title, the title in 4-byte characters that folding keeps and
    // no compression shrinks: the widest row documents_code_search_idx holds.
    const long = `${code('LC')}-`.padEnd(64, '9');
    const title = `Tài liệu ${long.toLowerCase()} `;
    const wide = title + Array.from({ length: 500 - [...title].length }, (_, i) => String.fromCodePoint(0x1f300 + ((i * 7919) % 0x300))).join('');
    expect([...wide]).toHaveLength(500);
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: long, title: wide });
    expect(d.body.title).toBe(wide);
    const found = await t.http.get(`${API}/documents`).query({ q: long, agencyId: c.agency.id }).set(bearer(c.drafter.token));
    expect(found.body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);
  });

  it('paginates with a cursor, ordered by code', async () => {
    const prefix = code('PG');
    for (const n of ['03', '01', '02']) await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: `${prefix}-${n}`, title: `Tài liệu ${n}` });
    const first = await t.http.get(`${API}/documents`).query({ q: prefix, limit: 2 }).set(bearer(c.drafter.token));
    expect(first.body.items.map((d: { code: string }) => d.code)).toEqual([`${prefix}-01`, `${prefix}-02`]);
    const second = await t.http.get(`${API}/documents`).query({ q: prefix, limit: 2, cursor: first.body.nextCursor }).set(bearer(c.drafter.token));
    expect(second.body.items.map((d: { code: string }) => d.code)).toEqual([`${prefix}-03`]);
    expect(second.body.nextCursor).toBeNull();
    expect((await t.http.get(`${API}/documents?cursor=garbage`).set(bearer(c.drafter.token))).status).toBe(400);
  });

  it('staff see only documents with an effective revision, never drafts', async () => {
    const k = code('QT');
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: k, title: 'Quy trình nội bộ' });
    const staffList = async () => (await t.http.get(`${API}/documents`).query({ q: k }).set(bearer(c.staff.token))).body.items;
    expect(await staffList()).toEqual([]);
    expect((await t.http.get(`${API}/documents/${d.id}`).set(bearer(c.staff.token))).status).toBe(404);
    const cur = await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.staff.token));
    expect(cur.status).toBe(404);
    expect(cur.body.code).toBe('not_found');
    expect((await t.http.get(`${API}/revisions/${d.draftId}`).set(bearer(c.staff.token))).status).toBe(404);
    // Drafters learn there is no effective revision yet.
    const drafterCur = await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.drafter.token));
    expect(drafterCur.body.code).toBe('no_effective_revision');
    expect((await t.http.get(`${API}/documents`).query({ q: k, state: 'draft' }).set(bearer(c.drafter.token))).body.items).toHaveLength(1);

    await makeEffective(t, d.draftId);
    const items = await staffList();
    expect(items).toHaveLength(1);
    expect(items[0].currentRevision).toMatchObject({ id: d.draftId, number: 1, state: 'effective' });
    expect(items[0].openRevision).toBeNull();
    // A new draft stays invisible to staff.
    const draft2 = await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({ changeSummary: 'Sửa bước 2' });
    expect(draft2.status).toBe(201);
    const staffView = await t.http.get(`${API}/documents/${d.id}`).set(bearer(c.staff.token));
    expect(staffView.status).toBe(200);
    expect(staffView.body.currentRevision.id).toBe(d.draftId);
    expect(staffView.body.openDraft).toBeNull();
    expect((await t.http.get(`${API}/documents`).query({ q: k, state: 'draft' }).set(bearer(c.staff.token))).body.items).toEqual([]);
    expect((await t.http.get(`${API}/revisions/${draft2.body.id}`).set(bearer(c.staff.token))).status).toBe(404);
    const drafterView = await t.http.get(`${API}/documents/${d.id}`).set(bearer(c.drafter.token));
    expect(drafterView.body.openDraft).toMatchObject({ id: draft2.body.id, number: 2, numberAssigned: false });
    const list = (await t.http.get(`${API}/documents`).query({ q: k }).set(bearer(c.drafter.token))).body.items;
    expect(list[0].openRevision).toMatchObject({ id: draft2.body.id, state: 'draft', number: 2 });
    // Current version, by id and by code (a code with "/" is sent as %2F).
    const current = await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.staff.token));
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ id: d.draftId, state: 'effective', number: 1, document: { id: d.id, code: k } });
    const byCode = await t.http.get(`${API}/agencies/${c.agency.id}/documents/by-code/${encodeURIComponent(k.toLowerCase())}/current`).set(bearer(c.staff.token));
    expect(byCode.status).toBe(200);
    expect(byCode.body.id).toBe(d.draftId);
    // History is for draft readers.
    expect((await t.http.get(`${API}/documents/${d.id}/revisions`).set(bearer(c.staff.token))).status).toBe(403);
    // Staff cannot create documents in their agency.
    const create = await t.http.post(`${API}/documents`).set(bearer(c.staff.token)).send({ agencyId: c.agency.id, type: 'other', code: code('X'), title: 'x' });
    expect(create.status).toBe(403);
  });

  it('finds forms by a code containing "/"', async () => {
    const proc = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình' });
    const formCode = `BM.02/${code('QT')}`;
    const form = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'form', code: formCode, title: 'Biểu mẫu', procedureId: proc.id });
    await makeEffective(t, form.draftId);
    const res = await t.http.get(`${API}/agencies/${c.agency.id}/documents/by-code/${encodeURIComponent(formCode)}/current`).set(bearer(c.staff.token));
    expect(res.status).toBe(200);
    expect(res.body.document.code).toBe(formCode);
    const missing = await t.http.get(`${API}/agencies/${c.agency.id}/documents/by-code/NO-SUCH/current`).set(bearer(c.staff.token));
    expect(missing.status).toBe(404);
  });

  it('hides everything across agencies (404), including by code and in lists', async () => {
    const k = code('QT');
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: k, title: 'Quy trình riêng' });
    await makeEffective(t, d.draftId);
    const stranger = c.otherDrafter;
    for (const path of [`/documents/${d.id}`, `/documents/${d.id}/current`, `/documents/${d.id}/current/file?variant=source`, `/documents/${d.id}/revisions`, `/revisions/${d.draftId}`]) {
      const res = await t.http.get(`${API}${path}`).set(bearer(stranger.token));
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await t.http.get(`${API}/agencies/${c.agency.id}/documents/by-code/${k}/current`).set(bearer(stranger.token))).status).toBe(404);
    expect((await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(stranger.token)).send({})).status).toBe(404);
    const create = await t.http.post(`${API}/documents`).set(bearer(stranger.token)).send({ agencyId: c.agency.id, type: 'other', code: code('X'), title: 'x' });
    expect(create.status).toBe(404);
    const list = await t.http.get(`${API}/documents`).query({ agencyId: c.agency.id }).set(bearer(stranger.token));
    expect(list.body.items).toEqual([]);
    const search = await t.http.get(`${API}/documents`).query({ q: k }).set(bearer(stranger.token));
    expect(search.body.items).toEqual([]);
  });

  it('shows active flags; raising is idempotent; clearing removes them', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình có cờ' });
    const flags = t.app.get(DocumentFlags);
    const source = '11111111-2222-4333-8444-555555555555';
    const a = await flags.raise({ documentId: d.id, kind: 'legal_basis_changed', reason: 'Nghị định 61/2018/NĐ-CP được sửa đổi', dueOn: '2027-01-31', sourceId: source });
    const b = await flags.raise({ documentId: d.id, kind: 'legal_basis_changed', reason: 'again', sourceId: source });
    expect(a.raised).toBe(true);
    expect(b.raised).toBe(false);
    expect(b.flag.id).toBe(a.flag.id);
    await flags.raise({ documentId: d.id, kind: 'review_overdue', reason: 'Quá hạn xem xét định kỳ' });
    const view = await t.http.get(`${API}/documents/${d.id}`).set(bearer(c.drafter.token));
    expect(view.body.flags.map((x: { kind: string }) => x.kind)).toEqual(['legal_basis_changed', 'review_overdue']);
    expect(view.body.flags[0]).toMatchObject({ reason: 'Nghị định 61/2018/NĐ-CP được sửa đổi', dueOn: '2027-01-31', sourceId: source });
    expect(await flags.clear({ documentId: d.id, kind: 'legal_basis_changed' })).toBe(1);
    const after = await t.http.get(`${API}/documents/${d.id}`).set(bearer(c.drafter.token));
    expect(after.body.flags.map((x: { kind: string }) => x.kind)).toEqual(['review_overdue']);
    const raisedAgain = await flags.raise({ documentId: d.id, kind: 'legal_basis_changed', reason: 'new change', sourceId: source });
    expect(raisedAgain.raised).toBe(true);
  });

  it('GET /current carries an ETag: If-None-Match answers 304 until the document, its revision or its controlled copy changes; a membership change applies at once', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình có ETag' });
    await makeEffective(t, d.draftId);
    const url = `${API}/documents/${d.id}/current`;
    // Once its controlled copy is rendered, nothing about this version changes by itself.
    let first = await t.http.get(url).set(bearer(c.staff.token));
    for (const end = Date.now() + 30_000; first.body.rendition?.status !== 'ready' && Date.now() < end; first = await t.http.get(url).set(bearer(c.staff.token))) {
      await t.flushOutbox();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(first.status).toBe(200);
    expect(first.body.rendition.status).toBe('ready');
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await t.http.get(url).set(bearer(c.staff.token)).set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    // By code: the same version, the same tag.
    const byCode = await t.http.get(`${API}/agencies/${c.agency.id}/documents/by-code/${encodeURIComponent(first.body.document.code)}/current`).set(bearer(c.staff.token)).set('If-None-Match', first.headers.etag);
    expect(byCode.status).toBe(304);
    // The document changes (review interval): a new tag and the new value.
    expect((await t.http.patch(`${API}/documents/${d.id}`).set(bearer(c.drafter.token)).send({ reviewIntervalMonths: 6 })).status).toBe(200);
    const changed = await t.http.get(url).set(bearer(c.staff.token)).set('If-None-Match', first.headers.etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
    expect(changed.body.document.reviewIntervalMonths).toBe(6);
    // Access is checked on every request, before any tag: a member removed is refused at once.
    const reader = await f.user({ [c.agency.id]: ['staff'] });
    expect((await t.http.get(url).set(bearer(reader.token)).set('If-None-Match', changed.headers.etag)).status).toBe(304);
    await t.db.query('DELETE FROM memberships WHERE user_id = $1', [reader.id]);
    expect((await t.http.get(url).set(bearer(reader.token)).set('If-None-Match', changed.headers.etag)).status).toBe(404);
  });

  describe('PATCH /documents/{id}', () => {
    it('corrects the title and TTHC code before the first submission; the review interval at any time', async () => {
      const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình cấp phép (dự thảo)' });
      const res = await t.http
        .patch(`${API}/documents/${d.id}`)
        .set(bearer(c.drafter.token))
        .send({ title: 'Quy trình cấp giấy phép hoạt động', tthcCode: '1.001193', reviewIntervalMonths: 24 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'Quy trình cấp giấy phép hoạt động', tthcCode: '1.001193', reviewIntervalMonths: 24 });
      const found = await t.http.get(`${API}/documents?agencyId=${c.agency.id}&q=cap giay phep hoat dong`).set(bearer(c.drafter.token));
      expect(found.body.items.map((x: { id: string }) => x.id)).toContain(d.id);
      const [event] = await t.db.query<{ changes: Record<string, { old: unknown; new: unknown }> }[]>(
        `SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'document.updated'`,
        [d.id],
      );
      expect(event.changes.title).toEqual({ old: 'Quy trình cấp phép (dự thảo)', new: 'Quy trình cấp giấy phép hoạt động' });

      await makeEffective(t, d.draftId);
      const late = await t.http.patch(`${API}/documents/${d.id}`).set(bearer(c.drafter.token)).send({ title: 'Tên khác' });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('document_identity_controlled');
      const interval = await t.http.patch(`${API}/documents/${d.id}`).set(bearer(c.drafter.token)).send({ reviewIntervalMonths: 6 });
      expect(interval.status).toBe(200);
      expect(interval.body.reviewIntervalMonths).toBe(6);
    });

    it('hides drafts from staff and other agencies (404), refuses heads (403), bad values (400) and TTHC codes on non-procedures', async () => {
      const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'quality_policy', code: code('CS'), title: 'Chính sách chất lượng' });
      expect((await t.http.patch(`${API}/documents/${d.id}`).set(bearer(c.staff.token)).send({ reviewIntervalMonths: 6 })).status).toBe(404);
      expect((await t.http.patch(`${API}/documents/${d.id}`).set(bearer(c.otherDrafter.token)).send({ reviewIntervalMonths: 6 })).status).toBe(404);
      expect((await t.http.patch(`${API}/documents/${d.id}`).set(bearer(c.head.token)).send({ reviewIntervalMonths: 6 })).status).toBe(403);
      const bad = await t.http.patch(`${API}/documents/${d.id}`).set(bearer(c.drafter.token)).send({ reviewIntervalMonths: 0, code: 'X' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['code', 'reviewIntervalMonths']);
      const tthc = await t.http.patch(`${API}/documents/${d.id}`).set(bearer(c.drafter.token)).send({ tthcCode: '1.001193' });
      expect(tthc.status).toBe(400);
      expect(tthc.body.errors).toEqual([{ field: 'tthcCode', message: 'is only for procedures' }]);
    });
  });
});
