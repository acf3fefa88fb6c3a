import { randomUUID } from 'node:crypto';
import { LegalChange } from '../src/legal-changes/legal-change.entities.js';
import { LegalChangeRunner } from '../src/legal-changes/legal-change-runner.js';
import { RENDER_PRIORITY } from '../src/renditions/rendition-requests.js';
import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from './support/fixtures.js';
import {
  activeFlags,
  API,
  AgencyCast,
  agencyCast,
  documentOf,
  effectiveProcedure,
  finished,
  legalDocument,
  postChange,
  procedureContent,
  progress,
  revisionsOf,
  until,
  vnDate,
} from './legal-changes-helpers.js';

describe('legal changes: citations, regeneration and progress', () => {
  let t: TestApp;
  let f: Fixtures;
  let admin: string;
  let province: TestAgency;
  let otherProvince: TestAgency;
  let supervisor: TestUser;
  let a1: AgencyCast;
  let a2: AgencyCast;
  let a3: AgencyCast;
  let q1: AgencyCast;

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    admin = await f.adminToken();
    province = await f.agency({ level: 'province', name: 'UBND tỉnh Kon Tum' });
    otherProvince = await f.agency({ level: 'province', name: 'UBND tỉnh Gia Lai' });
    [a1, a2, a3, q1] = await Promise.all([
      agencyCast(f, province.id, 'Sở Khoa học và Công nghệ'),
      agencyCast(f, province.id, 'Sở Tư pháp'),
      agencyCast(f, province.id, 'Sở Y tế'),
      agencyCast(f, otherProvince.id, 'Sở Nội vụ Gia Lai'),
    ]);
    supervisor = await f.user({ [province.id]: ['supervisor'] }, { fullName: 'Giám Sát Tỉnh' });
  });
  afterAll(() => t.close());

  const legalBasesOf = (doc: { openDraft: { content: { legalBases: unknown } } }) => doc.openDraft.content.legalBases;

  describe('a replaced legal document cited in four agencies (three in the province, one elsewhere)', () => {
    let old: { id: string; number: string };
    let next: { id: string; number: string };
    let other: { id: string; number: string };
    let procs: { cast: AgencyCast; id: string }[];
    let changeId: string;
    let body: any;

    beforeAll(async () => {
      old = await legalDocument(t, admin, { year: 2014 });
      next = await legalDocument(t, admin, { year: 2024 });
      other = await legalDocument(t, admin, { year: 2015 });
      procs = [];
      for (const cast of [a1, a2, a3, q1]) {
        const bases = cast === a1 ? [{ legalDocumentId: other.id, articles: 'Điều 2' }, { legalDocumentId: old.id, articles: 'Điều 5' }] : [{ legalDocumentId: old.id }];
        procs.push({ cast, id: (await effectiveProcedure(t, cast.drafter, cast.agency.id, bases)).id });
      }
      const res = await postChange(t, supervisor.token, old.id, { kind: 'replaced', byLegalDocumentId: next.id, effectiveFrom: '2024-07-01', note: 'Thay thế theo quy định mới' });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ changeId: expect.any(String), status: 'pending' });
      changeId = res.body.changeId;
      body = await finished(t, admin, changeId);
    });

    it('runs to completion: progress reaches total, every item has a draft', async () => {
      expect(body).toMatchObject({
        id: changeId,
        kind: 'replaced',
        status: 'completed',
        total: 4,
        processed: 4,
        failed: 0,
        legalDocument: { id: old.id, number: old.number, status: 'replaced' },
        byLegalDocument: { id: next.id, number: next.number },
        effectiveFrom: '2024-07-01',
        note: 'Thay thế theo quy định mới',
        visible: { total: 4, processed: 4, failed: 0 },
        finishedAt: expect.any(String),
      });
      expect(body.items).toHaveLength(4);
      for (const item of body.items) expect(item).toMatchObject({ status: 'done', outcome: 'draft_created', draftRevisionId: expect.any(String), attempts: 1 });
      // The registry followed: the old act is replaced.
      const legal = await t.http.get(`${API}/legal-documents/${old.id}`).set(bearer(a1.staff.token));
      expect(legal.body.status).toBe('replaced');
    });

    it('opens drafts that cite the replacement, keep other citations and say why in the change summary', async () => {
      for (const { cast, id } of procs) {
        const doc = await documentOf(t, cast.secretary.token, id);
        expect(doc.openDraft.state).toBe('draft');
        if (cast === a1) {
          expect(legalBasesOf(doc)).toEqual([{ legalDocumentId: other.id, articles: 'Điều 2' }, { legalDocumentId: next.id }]);
          expect(doc.openDraft.changeSummary).toContain('Cần xác định lại điều, khoản viện dẫn theo văn bản mới (trước đây: Điều 5)');
        } else {
          expect(legalBasesOf(doc)).toEqual([{ legalDocumentId: next.id }]);
        }
        expect(doc.openDraft.changeSummary).toContain(
          `Cập nhật căn cứ pháp lý: thay thế Quyết định số ${old.number} bằng Quyết định số ${next.number}, do Quyết định số ${old.number} được thay thế bởi Quyết định số ${next.number} có hiệu lực từ ngày 01/07/2024.`,
        );
        // The draft belongs to the procedure's author (still a drafter of the agency).
        expect(doc.openDraft.authorId).toBe(cast.drafter.id);
        // The effective revision is untouched.
        expect(doc.currentRevision.content.legalBases).toEqual(cast === a1 ? [{ legalDocumentId: other.id, articles: 'Điều 2' }, { legalDocumentId: old.id, articles: 'Điều 5' }] : [{ legalDocumentId: old.id }]);
      }
      const a1Item = body.items.find((i: { documentId: string }) => i.documentId === procs[0].id);
      expect(a1Item).toMatchObject({ outcome: 'draft_created', reasonCode: 'articles_to_review' });
    });

    it("renders a draft's PDF on demand: nothing is queued with the draft, the first read queues it ahead of background renders", async () => {
      for (const item of body.items) {
        const rows = await t.db.query<unknown[]>(`SELECT 1 FROM rendition_requests WHERE revision_id = $1`, [item.draftRevisionId]);
        expect(rows).toEqual([]);
        const reader = [a1, a2, a3, q1].find((c) => c.agency.id === item.agencyId)!;
        const rev = await t.http.get(`${API}/revisions/${item.draftRevisionId}`).set(bearer(reader.secretary.token));
        expect(rev.body.rendition).toMatchObject({ status: 'not_requested' });
      }
      const first = body.items[0];
      const who = [a1, a2, a3, q1].find((c) => c.agency.id === first.agencyId)!;
      const asked = await t.http.get(`${API}/revisions/${first.draftRevisionId}/rendition`).set(bearer(who.secretary.token));
      expect(asked.status).toBe(202);
      expect(asked.headers['retry-after']).toBe('2');
      const [outbox] = await t.db.query<{ priority: number }[]>(`SELECT priority FROM job_outbox WHERE queue = 'render' AND job_id LIKE $1`, [`render_${first.draftRevisionId}_draft%`]);
      expect(outbox?.priority ?? RENDER_PRIORITY.interactive).toBe(RENDER_PRIORITY.interactive);
      const pdf = await until(
        () => t.http.get(`${API}/revisions/${first.draftRevisionId}/rendition`).set(bearer(who.secretary.token)),
        (r) => r.status === 200,
        30_000,
        () => t.flushOutbox(),
      );
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toContain('application/pdf');
    });

    it('flags each document with the change, its reason and due date (GET /documents/{id} flags)', async () => {
      for (const { cast, id } of procs) {
        const doc = await documentOf(t, cast.drafter.token, id);
        expect(doc.flags).toEqual([
          expect.objectContaining({
            kind: 'legal_basis_changed',
            sourceId: changeId,
            dueOn: vnDate(30),
            reason: `Quyết định số ${old.number} được thay thế bởi Quyết định số ${next.number}, có hiệu lực từ ngày 01/07/2024.`,
          }),
        ]);
      }
    });

    it("lists a legal_change task for the agency's ISO secretary and drafter, and notifies them once", async () => {
      for (const who of [a1.secretary, a1.drafter]) {
        const tasks = await t.http.get(`${API}/me/tasks?kind=legal_change`).set(bearer(who.token));
        expect(tasks.status).toBe(200);
        expect(tasks.body.items).toEqual([expect.objectContaining({ kind: 'legal_change', documentId: procs[0].id, state: 'draft', dueOn: vnDate(30) })]);
        const notes = await t.http.get(`${API}/me/notifications`).set(bearer(who.token));
        expect(notes.body.items.filter((n: { kind: string; entityId: string }) => n.kind === 'legal_change' && n.entityId === changeId)).toHaveLength(1);
      }
      const staffTasks = await t.http.get(`${API}/me/tasks?kind=legal_change`).set(bearer(a1.staff.token));
      expect(staffTasks.body.items).toEqual([]);
    });

    it("scopes the change's items: an agency's users see their own, a supervisor their subtree, the administrator all", async () => {
      const mine = await progress(t, a1.secretary.token, changeId);
      expect(mine.items.map((i: { documentId: string }) => i.documentId)).toEqual([procs[0].id]);
      // The counts are the caller's agencies' too, never the province-wide totals.
      expect(mine).toMatchObject({ total: 1, processed: 1, failed: 0, visible: { total: 1, processed: 1, failed: 0 } });
      const listed = await t.http.get(`${API}/legal-documents/${mine.legalDocument.id}/changes`).set(bearer(a1.secretary.token));
      expect(listed.body.items.find((i: { id: string }) => i.id === changeId)).toMatchObject({ total: 1, processed: 1 });
      expect((await progress(t, admin, changeId)).total).toBe(4);
      const elsewhere = await progress(t, q1.drafter.token, changeId);
      expect(elsewhere.items.map((i: { documentId: string }) => i.documentId)).toEqual([procs[3].id]);
      const sup = await progress(t, supervisor.token, changeId);
      expect(sup.items.map((i: { documentId: string }) => i.documentId).sort()).toEqual([procs[0].id, procs[1].id, procs[2].id].sort());
      expect(sup.visible).toEqual({ total: 3, processed: 3, failed: 0 });
      expect(sup.total).toBe(3);
      // Staff may not read drafts: no items.
      const staff = await progress(t, a1.staff.token, changeId);
      expect(staff.items).toEqual([]);
      expect(staff.visible.total).toBe(0);
      expect(staff.total).toBe(0);
      // Pages and filters.
      const page1 = await progress(t, admin, changeId, '?limit=3');
      expect(page1.items).toHaveLength(3);
      const page2 = await progress(t, admin, changeId, `?limit=3&cursor=${page1.nextCursor}`);
      expect(page2.items).toHaveLength(1);
      expect(page2.nextCursor).toBeNull();
      expect((await progress(t, admin, changeId, `?agencyId=${a2.agency.id}`)).items.map((i: { documentId: string }) => i.documentId)).toEqual([procs[1].id]);
      expect((await progress(t, admin, changeId, '?outcome=failed')).items).toEqual([]);
      const bad = await t.http.get(`${API}/legal-changes/${changeId}?status=nope`).set(bearer(admin));
      expect(bad.status).toBe(400);
      const missing = await t.http.get(`${API}/legal-changes/00000000-0000-4000-8000-000000000000`).set(bearer(admin));
      expect(missing.status).toBe(404);
    });

    it('lists citations: effective revisions of the old act, open drafts of the new one, scoped like documents', async () => {
      const citing = await t.http.get(`${API}/legal-documents/${next.id}/citations`).set(bearer(admin));
      expect(citing.status).toBe(200);
      expect(citing.body.items).toHaveLength(4);
      expect(citing.body.items[0]).toMatchObject({ revision: { state: 'draft', number: 2, numberAssigned: false }, articles: null });
      const a1Row = citing.body.items.find((i: { documentId: string }) => i.documentId === procs[0].id);
      expect(a1Row).toMatchObject({ agencyId: a1.agency.id, agencyName: 'Sở Khoa học và Công nghệ', code: expect.any(String), title: 'Quy trình cấp giấy phép hoạt động', position: 1 });

      const oldCiting = await t.http.get(`${API}/legal-documents/${old.id}/citations`).set(bearer(admin));
      expect(oldCiting.body.items).toHaveLength(4);
      const a1Old = oldCiting.body.items.find((i: { documentId: string }) => i.documentId === procs[0].id);
      expect(a1Old).toMatchObject({ revision: { state: 'effective', number: 1, numberAssigned: true }, articles: 'Điều 5', position: 1 });

      // Staff read effective revisions only; the supervisor sees the province's drafts; strangers nothing.
      const staff = await t.http.get(`${API}/legal-documents/${next.id}/citations`).set(bearer(a1.staff.token));
      expect(staff.body.items).toEqual([]);
      const staffOld = await t.http.get(`${API}/legal-documents/${old.id}/citations`).set(bearer(a1.staff.token));
      expect(staffOld.body.items.map((i: { documentId: string }) => i.documentId)).toEqual([procs[0].id]);
      const sup = await t.http.get(`${API}/legal-documents/${next.id}/citations`).set(bearer(supervisor.token));
      expect(sup.body.items.map((i: { agencyId: string }) => i.agencyId).sort()).toEqual([a1.agency.id, a2.agency.id, a3.agency.id].sort());
      const stranger = await f.user();
      expect((await t.http.get(`${API}/legal-documents/${next.id}/citations`).set(bearer(stranger.token))).body.items).toEqual([]);
      // Pages and errors.
      const p1 = await t.http.get(`${API}/legal-documents/${next.id}/citations?limit=2`).set(bearer(admin));
      const p2 = await t.http.get(`${API}/legal-documents/${next.id}/citations?limit=2&cursor=${p1.body.nextCursor}`).set(bearer(admin));
      expect([...p1.body.items, ...p2.body.items].map((i: { documentId: string }) => i.documentId).sort()).toEqual(procs.map((p) => p.id).sort());
      expect((await t.http.get(`${API}/legal-documents/00000000-0000-4000-8000-000000000000/citations`).set(bearer(admin))).status).toBe(404);
      expect((await t.http.get(`${API}/legal-documents/${next.id}/citations?cursor=zzz`).set(bearer(admin))).status).toBe(400);
    });

    it('lists the changes of the legal document', async () => {
      const res = await t.http.get(`${API}/legal-documents/${old.id}/changes`).set(bearer(a1.staff.token));
      expect(res.status).toBe(200);
      // Staff may not read drafts: the change is listed, its counts cover no agency of theirs.
      expect(res.body.items).toEqual([expect.objectContaining({ id: changeId, status: 'completed', total: 0 })]);
      const all = await t.http.get(`${API}/legal-documents/${old.id}/changes`).set(bearer(admin));
      expect(all.body.items).toEqual([expect.objectContaining({ id: changeId, status: 'completed', total: 4 })]);
    });

    it('running the same change again creates no new drafts, flags, notices or events', async () => {
      const runner = t.app.get(LegalChangeRunner);
      const before = await Promise.all(procs.map(async (p) => (await revisionsOf(t, p.id)).length));
      const events = async () =>
        (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = ANY($1::uuid[])`, [procs.map((p) => p.id)]))[0].n;
      const eventsBefore = await events();
      const notices = async () => (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM notifications WHERE entity_id = $1`, [changeId]))[0].n;
      const noticesBefore = await notices();
      expect(await runner.fanOut(changeId)).toEqual({ total: 4, batches: 0 });
      expect(await runner.runBatch(changeId, 0)).toEqual({ finished: 0, failed: 0, retrying: 0 });
      // Even the per-document step directly: the item is done, nothing happens.
      const ctx = await runner.context(await loadChange(changeId));
      expect(await runner.processDocument(ctx, procs[1].id)).toBeNull();
      expect(await Promise.all(procs.map(async (p) => (await revisionsOf(t, p.id)).length))).toEqual(before);
      for (const p of procs) expect(await activeFlags(t, p.id)).toHaveLength(1);
      expect(await events()).toBe(eventsBefore);
      expect(await notices()).toBe(noticesBefore);
      expect(await progress(t, admin, changeId)).toMatchObject({ status: 'completed', total: 4, processed: 4, failed: 0 });
    });

    it('approving the regenerated draft through the workflow clears the flag', async () => {
      const doc = await documentOf(t, a2.drafter.token, procs[1].id);
      const draftId = doc.openDraft.id;
      expect((await t.http.post(`${API}/revisions/${draftId}/submit`).set(bearer(a2.drafter.token)).send()).status).toBe(200);
      expect((await t.http.post(`${API}/revisions/${draftId}/review`).set(bearer(a2.secretary.token)).send({ decision: 'approve' })).status).toBe(200);
      const approved = await t.http.post(`${API}/revisions/${draftId}/approve`).set(bearer(a2.head.token)).send({ password: a2.head.password });
      expect(approved.status).toBe(200);
      expect(approved.body.state).toBe('effective');
      const after = await documentOf(t, a2.secretary.token, procs[1].id);
      expect(after.flags).toEqual([]);
      expect(after.currentRevision.content.legalBases).toEqual([{ legalDocumentId: next.id }]);
      const tasks = await t.http.get(`${API}/me/tasks?kind=legal_change`).set(bearer(a2.secretary.token));
      expect(tasks.body.items).toEqual([]);
    });
  });

  function loadChange(id: string) {
    return t.db.repo(LegalChange).findOneByOrFail({ id });
  }

  it('amended: the amending act is cited beside the amended one, which keeps its articles', async () => {
    const base = await legalDocument(t, admin, { year: 2016 });
    const amending = await legalDocument(t, admin, { year: 2023 });
    const proc = await effectiveProcedure(t, a1.drafter, a1.agency.id, [{ legalDocumentId: base.id, articles: 'Điều 3, Điều 4' }]);
    const res = await postChange(t, admin, base.id, { kind: 'amended', byLegalDocumentId: amending.id, effectiveFrom: '2023-09-15' });
    expect(res.status).toBe(202);
    const done = await finished(t, admin, res.body.changeId);
    expect(done).toMatchObject({ status: 'completed', total: 1, processed: 1, legalDocument: { status: 'amended' } });
    expect(done.items[0]).toMatchObject({ outcome: 'draft_created', reasonCode: null });
    const doc = await documentOf(t, a1.secretary.token, proc.id);
    expect(legalBasesOf(doc)).toEqual([{ legalDocumentId: base.id, articles: 'Điều 3, Điều 4' }, { legalDocumentId: amending.id }]);
    expect(doc.openDraft.changeSummary).toBe(
      `Cập nhật căn cứ pháp lý: bổ sung Quyết định số ${amending.number} bên cạnh Quyết định số ${base.number}, do Quyết định số ${base.number} được sửa đổi, bổ sung bởi Quyết định số ${amending.number} có hiệu lực từ ngày 15/09/2023.`,
    );
  });

  it('repealed: the act is removed from the draft and the item needs the author\'s attention', async () => {
    const gone = await legalDocument(t, admin, { year: 2012 });
    const stays = await legalDocument(t, admin, { year: 2013 });
    const proc = await effectiveProcedure(t, a3.drafter, a3.agency.id, [{ legalDocumentId: gone.id, articles: 'Điều 1' }, { legalDocumentId: stays.id }]);
    const res = await postChange(t, supervisor.token, gone.id, { kind: 'repealed', effectiveFrom: '2020-01-01', note: 'Hết hiệu lực' });
    expect(res.status).toBe(202);
    const done = await finished(t, admin, res.body.changeId);
    expect(done).toMatchObject({ status: 'completed', total: 1, legalDocument: { status: 'repealed' }, byLegalDocument: null });
    expect(done.items[0]).toMatchObject({ status: 'done', outcome: 'needs_attention', reasonCode: 'legal_basis_repealed', draftRevisionId: expect.any(String) });
    const doc = await documentOf(t, a3.drafter.token, proc.id);
    expect(doc.openDraft.id).toBe(done.items[0].draftRevisionId);
    expect(legalBasesOf(doc)).toEqual([{ legalDocumentId: stays.id }]);
    expect(doc.openDraft.changeSummary).toContain(`bỏ Quyết định số ${gone.number} do văn bản này hết hiệu lực từ ngày 01/01/2020`);
    // Posted after the effective date: due 30 days from posting.
    expect(doc.flags[0]).toMatchObject({ kind: 'legal_basis_changed', dueOn: vnDate(30) });
  });

  it('a chain (A replaced by B, then B amended by C) leaves drafts citing B and C', async () => {
    const A = await legalDocument(t, admin, { year: 2010 });
    const B = await legalDocument(t, admin, { year: 2018 });
    const C = await legalDocument(t, admin, { year: 2022 });
    const p1 = await effectiveProcedure(t, a1.drafter, a1.agency.id, [{ legalDocumentId: A.id }]);
    const p2 = await effectiveProcedure(t, a2.drafter, a2.agency.id, [{ legalDocumentId: A.id }]);
    const first = await postChange(t, admin, A.id, { kind: 'replaced', byLegalDocumentId: B.id, effectiveFrom: '2018-06-01' });
    expect((await finished(t, admin, first.body.changeId)).status).toBe('completed');
    for (const [p, who] of [[p1, a1], [p2, a2]] as const) expect(legalBasesOf(await documentOf(t, who.secretary.token, p.id))).toEqual([{ legalDocumentId: B.id }]);
    const second = await postChange(t, admin, B.id, { kind: 'amended', byLegalDocumentId: C.id, effectiveFrom: '2022-06-01' });
    const done = await finished(t, admin, second.body.changeId);
    expect(done).toMatchObject({ status: 'completed', total: 2 });
    for (const item of done.items) expect(item.outcome).toBe('draft_updated');
    for (const [p, who] of [[p1, a1], [p2, a2]] as const) {
      const doc = await documentOf(t, who.secretary.token, p.id);
      expect(legalBasesOf(doc)).toEqual([{ legalDocumentId: B.id }, { legalDocumentId: C.id }]);
      // One draft, both changes explained once each.
      expect((await revisionsOf(t, p.id)).map((r) => r.state)).toEqual(['effective', 'draft']);
      expect(doc.openDraft.changeSummary).toContain(`thay thế Quyết định số ${A.number} bằng Quyết định số ${B.number}`);
      expect(doc.openDraft.changeSummary).toContain(`bổ sung Quyết định số ${C.number} bên cạnh Quyết định số ${B.number}`);
      expect(doc.flags.map((fl: { sourceId: string }) => fl.sourceId).sort()).toEqual([first.body.changeId, second.body.changeId].sort());
    }
    // A procedure still citing A when the chain is already recorded goes straight to B and C.
    const D = await legalDocument(t, admin, { year: 2011 });
    const E = await legalDocument(t, admin, { year: 2019 });
    const F = await legalDocument(t, admin, { year: 2021 });
    expect((await t.http.post(`${API}/legal-relations`).set(bearer(admin)).send({ kind: 'amends', fromId: F.id, toId: E.id })).status).toBe(201);
    const p3 = await effectiveProcedure(t, a3.drafter, a3.agency.id, [{ legalDocumentId: D.id, articles: 'Điều 9' }]);
    const third = await postChange(t, admin, D.id, { kind: 'replaced', byLegalDocumentId: E.id, effectiveFrom: '2019-05-01' });
    expect((await finished(t, admin, third.body.changeId)).status).toBe('completed');
    const doc3 = await documentOf(t, a3.secretary.token, p3.id);
    expect(legalBasesOf(doc3)).toEqual([{ legalDocumentId: E.id }, { legalDocumentId: F.id }]);
    expect(doc3.openDraft.changeSummary).toContain(`thay thế Quyết định số ${D.number} bằng Quyết định số ${E.number} và Quyết định số ${F.number}`);
  });

  it('updates an open draft in place; leaves a revision in the workflow alone until it is returned and the change retried', async () => {
    const X = await legalDocument(t, admin, { year: 2015 });
    const Y = await legalDocument(t, admin, { year: 2025 });
    const withDraft = await effectiveProcedure(t, a1.drafter, a1.agency.id, [{ legalDocumentId: X.id }]);
    const draft = await t.http.post(`${API}/documents/${withDraft.id}/revisions`).set(bearer(a1.secretary.token)).send({ changeSummary: 'Sửa bước 2' });
    expect(draft.status).toBe(201);
    const inReview = await effectiveProcedure(t, a1.drafter, a1.agency.id, [{ legalDocumentId: X.id }]);
    const revIn = await t.http.post(`${API}/documents/${inReview.id}/revisions`).set(bearer(a1.drafter.token)).send({ changeSummary: 'Rà soát định kỳ' });
    expect((await t.http.post(`${API}/revisions/${revIn.body.id}/submit`).set(bearer(a1.drafter.token)).send()).status).toBe(200);

    const res = await postChange(t, admin, X.id, { kind: 'replaced', byLegalDocumentId: Y.id, effectiveFrom: '2025-06-01' });
    expect(res.status).toBe(202);
    const changeId = res.body.changeId;
    const done = await finished(t, admin, changeId);
    expect(done.status).toBe('completed');
    const item = (id: string) => done.items.find((i: { documentId: string }) => i.documentId === id);
    expect(item(withDraft.id)).toMatchObject({ outcome: 'draft_updated', draftRevisionId: draft.body.id });
    expect(item(inReview.id)).toMatchObject({ outcome: 'needs_attention', reasonCode: 'revision_in_workflow', draftRevisionId: revIn.body.id });

    const updated = await documentOf(t, a1.secretary.token, withDraft.id);
    expect(updated.openDraft.id).toBe(draft.body.id);
    expect(updated.openDraft.authorId).toBe(a1.secretary.id);
    expect(legalBasesOf(updated)).toEqual([{ legalDocumentId: Y.id }]);
    expect(updated.openDraft.changeSummary).toMatch(/^Sửa bước 2\nCập nhật căn cứ pháp lý: thay thế/);
    const untouched = await documentOf(t, a1.secretary.token, inReview.id);
    expect(untouched.openDraft.state).toBe('in_review');
    expect(legalBasesOf(untouched)).toEqual([{ legalDocumentId: X.id }]);
    expect(untouched.flags).toHaveLength(1);

    // Drafters may not re-queue; nothing to retry is a 409 once handled.
    expect((await t.http.post(`${API}/legal-changes/${changeId}/retry`).set(bearer(a1.drafter.token))).status).toBe(403);
    // The secretary returns the revision to its author; a registry writer retries the change.
    expect((await t.http.post(`${API}/revisions/${revIn.body.id}/review`).set(bearer(a1.secretary.token)).send({ decision: 'return', comment: 'Cập nhật căn cứ pháp lý' })).status).toBe(200);
    const retry = await t.http.post(`${API}/legal-changes/${changeId}/retry`).set(bearer(supervisor.token));
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({ changeId, requeued: 1, round: 1, status: 'running' });
    const again = await finished(t, admin, changeId);
    expect(again).toMatchObject({ status: 'completed', processed: 2, failed: 0 });
    expect(again.items.find((i: { documentId: string }) => i.documentId === inReview.id)).toMatchObject({ outcome: 'draft_updated', draftRevisionId: revIn.body.id });
    expect(legalBasesOf(await documentOf(t, a1.secretary.token, inReview.id))).toEqual([{ legalDocumentId: Y.id }]);
    const nothing = await t.http.post(`${API}/legal-changes/${changeId}/retry`).set(bearer(admin));
    expect(nothing.status).toBe(409);
    expect(nothing.body.code).toBe('legal_change_nothing_to_retry');
  });

  it('no citing documents: the change completes at once', async () => {
    const lone = await legalDocument(t, admin, { year: 2017 });
    const res = await postChange(t, admin, lone.id, { kind: 'repealed', effectiveFrom: '2021-01-01' });
    expect(res.status).toBe(202);
    expect(await finished(t, admin, res.body.changeId)).toMatchObject({ status: 'completed', total: 0, processed: 0, items: [] });
  });

  describe('posting a change', () => {
    let X: { id: string; number: string };
    let Y: { id: string; number: string };
    beforeAll(async () => {
      X = await legalDocument(t, admin, { year: 2016 });
      Y = await legalDocument(t, admin, { year: 2024 });
    });

    it('is for registry writers only (drafters and staff: 403), on a known document (404)', async () => {
      for (const who of [a1.drafter, a1.secretary, a1.head, a1.staff]) {
        const res = await postChange(t, who.token, X.id, { kind: 'replaced', byLegalDocumentId: Y.id, effectiveFrom: '2024-07-01' });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('legal_registry_read_only');
      }
      expect((await postChange(t, admin, '00000000-0000-4000-8000-000000000000', { kind: 'repealed', effectiveFrom: '2024-07-01' })).status).toBe(404);
      expect((await t.http.post(`${API}/legal-documents/${X.id}/changes`).send({ kind: 'repealed', effectiveFrom: '2024-07-01' })).status).toBe(401);
      // Nothing was recorded by the refused requests.
      expect((await t.http.get(`${API}/legal-documents/${X.id}`).set(bearer(admin))).body.status).toBe('in_force');
    });

    it('validates the request (400 with field errors, nothing recorded)', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ kind: 'replaced', effectiveFrom: '2024-07-01' }, 'byLegalDocumentId'],
        [{ kind: 'amended', effectiveFrom: '2024-07-01' }, 'byLegalDocumentId'],
        [{ kind: 'abolished', byLegalDocumentId: Y.id, effectiveFrom: '2024-07-01' }, 'kind'],
        [{ kind: 'replaced', byLegalDocumentId: Y.id, effectiveFrom: '01/07/2024' }, 'effectiveFrom'],
        [{ kind: 'replaced', byLegalDocumentId: Y.id }, 'effectiveFrom'],
        [{ kind: 'replaced', byLegalDocumentId: 'not-a-uuid', effectiveFrom: '2024-07-01' }, 'byLegalDocumentId'],
        [{ kind: 'replaced', byLegalDocumentId: '00000000-0000-4000-8000-000000000000', effectiveFrom: '2024-07-01' }, 'byLegalDocumentId'],
        [{ kind: 'replaced', byLegalDocumentId: X.id, effectiveFrom: '2024-07-01' }, 'byLegalDocumentId'],
        [{ kind: 'replaced', byLegalDocumentId: Y.id, effectiveFrom: '2024-07-01', extra: 1 }, 'extra'],
        [{ kind: 'replaced', byLegalDocumentId: Y.id, effectiveFrom: '2024-07-01', note: 'x'.repeat(2001) }, 'note'],
      ];
      for (const [req, field] of cases) {
        const res = await postChange(t, admin, X.id, req);
        expect(res.status).toBe(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      // The registry's date rules, with this request's field names (422).
      const early = await postChange(t, admin, Y.id, { kind: 'replaced', byLegalDocumentId: X.id, effectiveFrom: '2024-07-01' });
      expect(early.status).toBe(422);
      expect(early.body.errors.map((e: { field: string }) => e.field)).toContain('byLegalDocumentId');
      expect((await t.http.get(`${API}/legal-documents/${X.id}/changes`).set(bearer(admin))).body.items).toEqual([]);
    });

    it('is posted once (409 legal_change_exists); a relation recorded in the registry first is adopted', async () => {
      const first = await postChange(t, admin, X.id, { kind: 'replaced', byLegalDocumentId: Y.id, effectiveFrom: '2024-07-01' });
      expect(first.status).toBe(202);
      const again = await postChange(t, supervisor.token, X.id, { kind: 'replaced', byLegalDocumentId: Y.id, effectiveFrom: '2024-07-01' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'legal_change_exists', changeId: first.body.changeId });
      // Nothing more can happen to a replaced act.
      const ended = await postChange(t, admin, X.id, { kind: 'repealed', effectiveFrom: '2025-01-01' });
      expect(ended.status).toBe(409);
      expect(ended.body.code).toBe('legal_document_ended');

      const P = await legalDocument(t, admin, { year: 2019 });
      const Q = await legalDocument(t, admin, { year: 2020 });
      expect((await t.http.post(`${API}/legal-relations`).set(bearer(admin)).send({ kind: 'amends', fromId: Q.id, toId: P.id, effectiveFrom: '2020-05-01' })).status).toBe(201);
      const otherDate = await postChange(t, admin, P.id, { kind: 'amended', byLegalDocumentId: Q.id, effectiveFrom: '2020-06-01' });
      expect(otherDate.status).toBe(409);
      expect(otherDate.body.code).toBe('legal_relation_exists');
      const adopted = await postChange(t, admin, P.id, { kind: 'amended', byLegalDocumentId: Q.id, effectiveFrom: '2020-05-01' });
      expect(adopted.status).toBe(202);
      const relations = await t.http.get(`${API}/legal-documents/${P.id}/relations`).set(bearer(admin));
      expect(relations.body.items).toHaveLength(1);
    });

    it('records the relation, the change and its outbox row in one transaction: when the outbox row fails, nothing is left', async () => {
      const M = await legalDocument(t, admin, { year: 2016 });
      const N = await legalDocument(t, admin, { year: 2024 });
      const fn = `lc_outbox_fail_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      // Fault injection: the fan-out job of a change of M cannot be written to the outbox (the last write of the post).
      await t.db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          IF NEW.job_id IN (SELECT 'legal-change_' || c.id FROM legal_changes c WHERE c.legal_document_id = '${M.id}'::uuid) THEN
            RAISE EXCEPTION 'injected outbox failure';
          END IF;
          RETURN NEW; END $$`);
      await t.db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON job_outbox FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
      try {
        const res = await postChange(t, admin, M.id, { kind: 'replaced', byLegalDocumentId: N.id, effectiveFrom: '2024-07-01' });
        expect(res.status).not.toBe(202);
      } finally {
        await t.db.query(`DROP TRIGGER IF EXISTS ${fn} ON job_outbox`);
        await t.db.query(`DROP FUNCTION IF EXISTS ${fn}()`);
      }
      // No relation, no status change, no change row, no audit event.
      expect((await t.http.get(`${API}/legal-documents/${M.id}`).set(bearer(admin))).body.status).toBe('in_force');
      expect((await t.http.get(`${API}/legal-documents/${M.id}/relations`).set(bearer(admin))).body.items).toEqual([]);
      expect((await t.http.get(`${API}/legal-documents/${M.id}/changes`).set(bearer(admin))).body.items).toEqual([]);
      const events = await t.db.query<unknown[]>(
        `SELECT 1 FROM audit_events WHERE (action = 'legal_relation.created' AND changes->>'toId' = $1::text) OR (action = 'legal_change.created' AND changes->>'legalDocumentId' = $1) OR (entity_id = $1::uuid AND action = 'legal_document.updated')`,
        [M.id],
      );
      expect(events).toEqual([]);
      // Posted again, the change is recorded whole and runs.
      const again = await postChange(t, admin, M.id, { kind: 'replaced', byLegalDocumentId: N.id, effectiveFrom: '2024-07-01' });
      expect(again.status).toBe(202);
      const [outbox] = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM job_outbox WHERE job_id = $1', [`legal-change_${again.body.changeId}`]);
      expect(outbox.n).toBe(1);
      expect(await finished(t, admin, again.body.changeId)).toMatchObject({ status: 'completed', legalDocument: { status: 'replaced' } });
    });

    it('records the change with its audit events and its fan-out job (domain job id)', async () => {
      const M = await legalDocument(t, admin, { year: 2016 });
      const res = await postChange(t, supervisor.token, M.id, { kind: 'repealed', effectiveFrom: '2024-01-01' });
      const id = res.body.changeId;
      const events = await t.db.query<{ action: string; actor_id: string }[]>(
        `SELECT action, actor_id FROM audit_events WHERE entity_id = $1 OR (entity_id = $2 AND action = 'legal_document.updated') ORDER BY seq`,
        [id, M.id],
      );
      expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['legal_document.updated', 'legal_change.created']));
      expect(events.find((e) => e.action === 'legal_change.created')!.actor_id).toBe(supervisor.id);
      const [row] = await t.db.query<{ fanout_job_id: string; created_by: string }[]>('SELECT fanout_job_id, created_by FROM legal_changes WHERE id = $1', [id]);
      expect(row).toEqual({ fanout_job_id: `legal-change_${id}`, created_by: supervisor.id });
      await finished(t, admin, id);
      const after = await t.db.query<{ action: string }[]>(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY seq`, [id]);
      expect(after.map((e) => e.action)).toEqual(['legal_change.created', 'legal_change.started', 'legal_change.completed']);
    });
  });

  it('a new procedure citing nothing in its body is not touched', async () => {
    const X = await legalDocument(t, admin, { year: 2016 });
    const res = await t.http
      .post(`${API}/documents`)
      .set(bearer(a2.drafter.token))
      .send({ agencyId: a2.agency.id, type: 'procedure', code: `QT-N${Date.now()}`, title: 'Quy trình mới', content: procedureContent([]) });
    expect(res.status).toBe(201);
    const change = await postChange(t, admin, X.id, { kind: 'repealed', effectiveFrom: '2024-01-01' });
    expect((await finished(t, admin, change.body.changeId)).total).toBe(0);
    expect(await activeFlags(t, res.body.id)).toEqual([]);
  });
});
