import { binary } from '../support/http.js';
/**
 * Revision history for auditors: the revision list with state histories and sign-off
 * validity, the diff of two revisions, and a document's timeline as JSON, CSV and PDF.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { DocumentFlags } from '../../src/documents/document-flags.service.js';
import { parseCsvText } from '../../src/legal/csv.js';
import { PDF_MAX_ENTRIES } from '../../src/history/document-history.service.js';
import { readPdf } from '../rendering/pdf-text.js';
import { docx, pdf } from '../documents/samples.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures, TestUser } from '../support/fixtures.js';
import { API, Doc, newDraft, newProcedure, procedureContent, step, toEffective, workflow, Workflow, WorkflowCast, workflowCast } from '../workflow/helpers.js';


function filenameStar(disposition: string): string {
  const m = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  return m ? decodeURIComponent(m[1]) : '';
}

async function parseCsv(text: string): Promise<string[][]> {
  return (await parseCsvText(text)).map((r) => r.fields);
}

/** A comment that needs every kind of CSV quoting, in Vietnamese. */
const TRICKY_COMMENT = 'Trả lại: thiếu căn cứ, "Nghị định 61"\nbổ sung Điều 5 và sửa bước 2';

describe('revision history', () => {
  let t: TestApp;
  let f: Fixtures;
  let w: Workflow;
  let c: WorkflowCast;
  let supervisor: TestUser;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    w = workflow(t);
    c = await workflowCast(f);
    admin = await f.adminToken();
    const agency = await t.http.get(`${API}/agencies/${c.agency.id}`).set(bearer(admin));
    supervisor = await f.user({ [agency.body.parentId]: ['supervisor'] }, { fullName: 'Vũ Giám Sát' });
  });
  afterAll(() => t.close());

  async function legalDocument(title: string): Promise<{ id: string; number: string }> {
    const number = `${randomInt(1, 99999)}/2018/NĐ-CP${randomBytes(2).toString('hex').toUpperCase()}`;
    const res = await t.http
      .post(`${API}/legal-documents`)
      .set(bearer(admin))
      .send({ number, type: 'decree', issuer: 'Chính phủ', title, issuedOn: '2018-04-23', effectiveFrom: '2018-06-21', status: 'in_force' });
    if (res.status !== 201) throw new Error(`legal document: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, number: res.body.number };
  }

  async function etag(u: TestUser, revisionId: string): Promise<string> {
    return (await w.revision(u, revisionId)).body.etag;
  }

  async function patch(u: TestUser, revisionId: string, body: Record<string, unknown>) {
    const res = await t.http.patch(`${API}/revisions/${revisionId}`).set(bearer(u.token)).set('If-Match', await etag(u, revisionId)).send(body);
    if (res.status !== 200) throw new Error(`patch: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function upload(u: TestUser, revisionId: string, filename: string, bytes: Buffer, role: 'source' | 'attachment' = 'attachment') {
    const res = await t.http.post(`${API}/revisions/${revisionId}/files?role=${role}`).set(bearer(u.token)).attach('file', bytes, { filename });
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; sha256: string; filename: string };
  }

  /**
   * The story the tests read back: revision 1 with two legal bases and three steps takes effect
   * (an attachment is downloaded by staff); revision 2 changes a step, removes one, adds one, swaps a
   * legal basis, renames the attachment's file and adds another; it is submitted, checked, returned
   * by the head with a comment, and edited again (its sign-offs go stale).
   */
  interface Story {
    doc: Doc;
    rev1: string;
    rev2: string;
    legalA: { id: string; number: string };
    legalB: { id: string; number: string };
    legalC: { id: string; number: string };
  }
  let story: Promise<Story> | null = null;
  function theStory(): Promise<Story> {
    story ??= (async () => {
      const [legalA, legalB, legalC] = [
        await legalDocument('Nghị định về thực hiện cơ chế một cửa'),
        await legalDocument('Nghị định về kiểm soát thủ tục hành chính'),
        await legalDocument('Nghị định sửa đổi, bổ sung'),
      ];
      const doc = await newProcedure(t, c, c.drafter, 'Quy trình cấp giấy phép tiến hành công việc bức xạ');
      await patch(c.drafter, doc.revisionId, {
        content: procedureContent({
          legalBases: [{ legalDocumentId: legalA.id, articles: 'Điều 5' }, { legalDocumentId: legalB.id }],
          steps: [step(1), step(2, 2), step(3)],
        }),
      });
      const attachment = await upload(c.drafter, doc.revisionId, 'Phụ lục hướng dẫn.pdf', pdf('phụ lục'));
      await toEffective(w, c, doc.revisionId);
      const dl = await t.http.get(`${API}/revisions/${doc.revisionId}/files/${attachment.id}`).set(bearer(c.staff.token)).buffer(true).parse(binary);
      expect(dl.status).toBe(200);

      const rev2 = await newDraft(t, c.drafter, doc.id, 'Sửa bước 2, bỏ bước 3, thêm bước 4; thay căn cứ pháp lý');
      const files = (await w.revision(c.drafter, rev2.id)).body.files as { id: string; filename: string }[];
      const copied = files.find((x) => x.filename === 'Phụ lục hướng dẫn.pdf')!;
      expect((await t.http.delete(`${API}/revisions/${rev2.id}/files/${copied.id}`).set(bearer(c.drafter.token))).status).toBe(204);
      await upload(c.drafter, rev2.id, 'Phụ lục hướng dẫn (bản 2).pdf', pdf('phụ lục'));
      await upload(c.drafter, rev2.id, 'Mẫu tờ khai.docx', docx('Tờ khai'));
      await patch(c.drafter, rev2.id, {
        content: procedureContent({
          purpose: 'Quy định trình tự tiếp nhận và giải quyết hồ sơ.\nBổ sung hướng dẫn nộp hồ sơ trực tuyến.',
          legalBases: [{ legalDocumentId: legalA.id, articles: 'Điều 5, Điều 7' }, { legalDocumentId: legalC.id }],
          steps: [step(1), { ...step(2, 1), action: 'Bước 2: thẩm định hồ sơ' }, step(4)],
        }),
      });
      expect((await w.submit(c.drafter, rev2.id)).status).toBe(200);
      expect((await w.check(c.secretary, rev2.id)).status).toBe(200);
      expect((await w.ret(c.head, rev2.id, TRICKY_COMMENT)).status).toBe(200);
      await patch(c.drafter, rev2.id, { changeSummary: 'Sửa bước 2, bỏ bước 3, thêm bước 4; thay căn cứ pháp lý; bổ sung mục đích' });
      return { doc, rev1: doc.revisionId, rev2: rev2.id, legalA, legalB, legalC };
    })();
    return story;
  }

  describe('GET /documents/{id}/revisions', () => {
    it('lists every revision, newest first, with state history, sign-offs and their validity, files with hashes', async () => {
      const s = await theStory();
      const res = await t.http.get(`${API}/documents/${s.doc.id}/revisions`).set(bearer(c.auditor.token));
      expect(res.status).toBe(200);
      const [r2, r1] = res.body.items;
      expect([r2.id, r1.id]).toEqual([s.rev2, s.rev1]);
      expect(r1).toMatchObject({ number: 1, numberAssigned: true, state: 'effective' });
      expect(r1.transitions.map((x: { from: string | null; to: string }) => [x.from, x.to])).toEqual([
        [null, 'draft'],
        ['draft', 'in_review'],
        ['in_review', 'pending_approval'],
        ['pending_approval', 'approved'],
        ['approved', 'effective'],
      ]);
      expect(r1.transitions[0]).toMatchObject({ actorId: c.drafter.id, actorName: 'Lê Văn Soạn', comment: null });
      expect(r1.transitions[3]).toMatchObject({ actorId: c.head.id, actorName: 'Trần Văn Giám' });
      expect(r1.signOffs.map((x: { meaning: string; fullName: string; valid: boolean }) => [x.meaning, x.fullName, x.valid])).toEqual([
        ['drafted', 'Lê Văn Soạn', true],
        ['checked', 'Phạm Thị Thư', true],
        ['approved', 'Trần Văn Giám', true],
      ]);
      expect(r1.files).toEqual([expect.objectContaining({ filename: 'Phụ lục hướng dẫn.pdf', role: 'attachment', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number) })]);

      expect(r2).toMatchObject({ number: 2, numberAssigned: false, state: 'draft', changeSummary: expect.stringContaining('bổ sung mục đích') });
      expect(r2.transitions.map((x: { to: string }) => x.to)).toEqual(['draft', 'in_review', 'pending_approval', 'draft']);
      expect(r2.transitions[3]).toMatchObject({ from: 'pending_approval', actorName: 'Trần Văn Giám', comment: TRICKY_COMMENT });
      // Returned, then edited: the drafted and checked sign-offs no longer hold.
      expect(r2.signOffs.map((x: { meaning: string; valid: boolean; invalidReason: string }) => [x.meaning, x.valid, x.invalidReason])).toEqual([
        ['drafted', false, 'content_changed'],
        ['checked', false, 'content_changed'],
      ]);
      expect(r2.files.map((x: { filename: string }) => x.filename).sort()).toEqual(['Mẫu tờ khai.docx', 'Phụ lục hướng dẫn (bản 2).pdf']);

      const page = await t.http.get(`${API}/documents/${s.doc.id}/revisions?limit=1`).set(bearer(supervisor.token));
      expect(page.status).toBe(200);
      expect(page.body.items.map((x: { id: string }) => x.id)).toEqual([s.rev2]);
      const next = await t.http.get(`${API}/documents/${s.doc.id}/revisions?limit=1&cursor=${page.body.nextCursor}`).set(bearer(supervisor.token));
      expect(next.body.items.map((x: { id: string }) => x.id)).toEqual([s.rev1]);
      expect(next.body.nextCursor).toBeNull();
    });

    it('a sign-off of a returned revision is stale even before any edit (a new round begins)', async () => {
      const d = await newProcedure(t, c);
      await toEffective(w, c, d.revisionId);
      const r2 = await newDraft(t, c.drafter, d.id);
      expect((await w.submit(c.drafter, r2.id)).status).toBe(200);
      expect((await w.reviewReturn(c.secretary, r2.id, 'Chưa đạt')).status).toBe(200);
      const res = await t.http.get(`${API}/documents/${d.id}/revisions`).set(bearer(c.head.token));
      expect(res.body.items[0].signOffs).toEqual([expect.objectContaining({ meaning: 'drafted', valid: false, invalidReason: 'returned' })]);
      expect(res.body.items[0].transitions.at(-1)).toMatchObject({ from: 'in_review', to: 'draft', actorName: 'Phạm Thị Thư', comment: 'Chưa đạt' });
    });

    it('staff get 403 on an effective document and 404 on one in preparation; other agencies 404', async () => {
      const s = await theStory();
      expect((await t.http.get(`${API}/documents/${s.doc.id}/revisions`).set(bearer(c.staff.token))).status).toBe(403);
      const draftOnly = await newProcedure(t, c);
      expect((await t.http.get(`${API}/documents/${draftOnly.id}/revisions`).set(bearer(c.staff.token))).status).toBe(404);
      expect((await t.http.get(`${API}/documents/${s.doc.id}/revisions`).set(bearer(c.stranger.token))).status).toBe(404);
    });
  });

  describe('GET /revisions/{id}/diff', () => {
    it('shows steps added, changed and removed by number, legal bases added and removed with their numbers, text lines and files by hash', async () => {
      const s = await theStory();
      const res = await t.http.get(`${API}/revisions/${s.rev2}/diff?against=${s.rev1}`).set(bearer(c.auditor.token));
      expect(res.status).toBe(200);
      const d = res.body;
      expect(d).toMatchObject({
        documentId: s.doc.id,
        documentType: 'procedure',
        identical: false,
        revision: { id: s.rev2, number: 2, state: 'draft' },
        against: { id: s.rev1, number: 1, state: 'effective' },
        changeSummary: { old: null, new: expect.stringContaining('bổ sung mục đích') },
      });
      const steps = d.content.lists.find((l: { field: string }) => l.field === 'steps');
      expect(steps.matchedBy).toBe('no');
      expect(steps.added).toEqual([{ key: '4', item: step(4) }]);
      expect(steps.removed).toEqual([{ key: '3', item: step(3) }]);
      expect(steps.unchanged).toBe(1);
      expect(steps.changed).toEqual([
        {
          key: '2',
          old: step(2, 2),
          new: { ...step(2, 1), action: 'Bước 2: thẩm định hồ sơ' },
          fields: [
            { field: 'action', old: 'Bước 2: xử lý hồ sơ', new: 'Bước 2: thẩm định hồ sơ' },
            { field: 'duration', old: { value: 2, unit: 'working_days' }, new: { value: 1, unit: 'working_days' } },
          ],
        },
      ]);
      expect(d.content.legalBases).toEqual({
        added: [{ legalDocumentId: s.legalC.id, number: s.legalC.number, title: 'Nghị định sửa đổi, bổ sung', articles: null }],
        removed: [{ legalDocumentId: s.legalB.id, number: s.legalB.number, title: 'Nghị định về kiểm soát thủ tục hành chính', articles: null }],
        changed: [{ legalDocumentId: s.legalA.id, number: s.legalA.number, title: 'Nghị định về thực hiện cơ chế một cửa', articles: { old: 'Điều 5', new: 'Điều 5, Điều 7' } }],
        unchanged: 0,
      });
      expect(d.content.fields).toEqual([
        { field: 'purpose', old: 'Quy định trình tự tiếp nhận và giải quyết hồ sơ.', new: 'Quy định trình tự tiếp nhận và giải quyết hồ sơ.\nBổ sung hướng dẫn nộp hồ sơ trực tuyến.' },
      ]);
      expect(d.content.text).toEqual([
        {
          field: 'purpose',
          added: 1,
          removed: 0,
          exact: true,
          hunks: [
            {
              oldStart: 1,
              oldLines: 1,
              newStart: 1,
              newLines: 2,
              lines: [
                { op: 'equal', text: 'Quy định trình tự tiếp nhận và giải quyết hồ sơ.' },
                { op: 'added', text: 'Bổ sung hướng dẫn nộp hồ sơ trực tuyến.' },
              ],
            },
          ],
        },
      ]);
      expect(d.files.renamed).toEqual([
        expect.objectContaining({ old: expect.objectContaining({ filename: 'Phụ lục hướng dẫn.pdf' }), new: expect.objectContaining({ filename: 'Phụ lục hướng dẫn (bản 2).pdf' }) }),
      ]);
      expect(d.files.added.map((x: { filename: string }) => x.filename)).toEqual(['Mẫu tờ khai.docx']);
      expect(d.files.removed).toEqual([]);
      expect(d.files.unchanged).toEqual([]);

      // The other way round: everything mirrors.
      const back = (await t.http.get(`${API}/revisions/${s.rev1}/diff?against=${s.rev2}`).set(bearer(c.auditor.token))).body;
      expect(back.content.legalBases.added.map((x: { number: string }) => x.number)).toEqual([s.legalB.number]);
      expect(back.content.lists.find((l: { field: string }) => l.field === 'steps').added.map((x: { key: string }) => x.key)).toEqual(['3']);
      expect(back.files.removed.map((x: { filename: string }) => x.filename)).toEqual(['Mẫu tờ khai.docx']);
    });

    it('a revision against itself is identical; a source file replaced is reported as replaced', async () => {
      const form = await t.http
        .post(`${API}/documents`)
        .set(bearer(c.drafter.token))
        .send({ agencyId: c.agency.id, type: 'form', code: `BM.${randomInt(10, 99)}/${(await theStory()).doc.code}`, title: 'Tờ khai đề nghị', procedureId: (await theStory()).doc.id });
      expect(form.status).toBe(201);
      const r1 = form.body.openDraft.id;
      await upload(c.drafter, r1, 'Tờ khai.docx', docx('bản 1'), 'source');
      await toEffective(w, c, r1);
      const r2 = await newDraft(t, c.drafter, form.body.id, 'Sửa tờ khai');
      const src = ((await w.revision(c.drafter, r2.id)).body.files as { id: string }[])[0];
      expect((await t.http.delete(`${API}/revisions/${r2.id}/files/${src.id}`).set(bearer(c.drafter.token))).status).toBe(204);
      await upload(c.drafter, r2.id, 'Tờ khai (sửa).docx', docx('bản 2'), 'source');
      const d = (await t.http.get(`${API}/revisions/${r2.id}/diff?against=${r1}`).set(bearer(c.secretary.token))).body;
      expect(d.files.replaced).toEqual([{ role: 'source', old: expect.objectContaining({ filename: 'Tờ khai.docx' }), new: expect.objectContaining({ filename: 'Tờ khai (sửa).docx' }) }]);
      expect(d.content).toEqual({ fields: [], lists: [], legalBases: null, text: [] });
      const same = (await t.http.get(`${API}/revisions/${r1}/diff?against=${r1}`).set(bearer(c.staff.token))).body;
      expect(same).toMatchObject({ identical: true, changeSummary: null, files: { unchanged: [expect.objectContaining({ filename: 'Tờ khai.docx' })], added: [], removed: [] } });
    });

    it('refuses revisions of two documents (422), hides what the caller may not read (404), checks its input (400)', async () => {
      const s = await theStory();
      const other = await newProcedure(t, c);
      const cross = await t.http.get(`${API}/revisions/${s.rev2}/diff?against=${other.revisionId}`).set(bearer(c.auditor.token));
      expect(cross.status).toBe(422);
      expect(cross.body.code).toBe('revisions_not_comparable');
      // Staff read the effective revision, not the draft.
      expect((await t.http.get(`${API}/revisions/${s.rev1}/diff?against=${s.rev2}`).set(bearer(c.staff.token))).status).toBe(404);
      expect((await t.http.get(`${API}/revisions/${s.rev2}/diff?against=${s.rev1}`).set(bearer(c.stranger.token))).status).toBe(404);
      const foreign = await newProcedure(t, { ...c, agency: c.other, drafter: c.stranger }, c.stranger);
      expect((await t.http.get(`${API}/revisions/${s.rev1}/diff?against=${foreign.revisionId}`).set(bearer(c.auditor.token))).status).toBe(404);
      const missing = await t.http.get(`${API}/revisions/${s.rev1}/diff`).set(bearer(c.auditor.token));
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'against' })]);
      expect((await t.http.get(`${API}/revisions/${s.rev1}/diff?against=nope`).set(bearer(c.auditor.token))).status).toBe(400);
      expect((await t.http.get(`${API}/revisions/not-a-uuid/diff?against=${s.rev1}`).set(bearer(c.auditor.token))).status).toBe(400);
    });
  });

  describe('GET /documents/{id}/history', () => {
    interface Entry {
      seq: number;
      at: string;
      action: string;
      actionLabel: string;
      actor: { id: string | null; name: string | null } | null;
      revisionId: string | null;
      revisionNumber: number | null;
      summary: string;
      details: Record<string, unknown> | null;
      signOff: { meaning: string; fullName: string } | null;
      changeSummary: string | null;
      requestId: string | null;
      clientAddress: string | null;
    }

    async function allEntries(u: TestUser, documentId: string, query = ''): Promise<Entry[]> {
      const out: Entry[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: Entry[]; nextCursor: string | null } } = await t.http.get(`${API}/documents/${documentId}/history?limit=7${query}${cursor ? `&cursor=${cursor}` : ''}`).set(bearer(u.token));
        expect(res.status).toBe(200);
        out.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return out;
    }

    it('JSON: the whole timeline in order, with actors, revision numbers, sign-offs and details, paged without gaps', async () => {
      const s = await theStory();
      const items = await allEntries(c.auditor, s.doc.id);
      expect(items.map((e) => e.seq)).toEqual([...items.map((e) => e.seq)].sort((a, b) => a - b));
      expect(new Set(items.map((e) => e.seq)).size).toBe(items.length);
      expect(items.map((e) => e.at)).toEqual([...items.map((e) => e.at)].sort());
      // (Other features may add their own kinds of events, e.g. renditions: only these are asserted in full.)
      expect(items.map((e) => e.action).filter((a) => /^(document|revision|file)\./.test(a))).toEqual([
        'document.created',
        'revision.created',
        'revision.updated',
        'file.added',
        'revision.submitted',
        'revision.checked',
        'revision.approved',
        'revision.effective',
        'file.downloaded',
        'revision.created',
        'file.removed',
        'file.added',
        'file.added',
        'revision.updated',
        'revision.submitted',
        'revision.checked',
        'revision.returned',
        'revision.updated',
      ]);
      const by = (action: string, n = 0) => items.filter((e) => e.action === action)[n];
      expect(by('document.created')).toMatchObject({ actor: { id: c.drafter.id, name: 'Lê Văn Soạn' }, actionLabel: 'Tạo tài liệu', revisionNumber: null });
      expect(by('document.created').summary).toContain(`Mã: ${s.doc.code}`);
      expect(by('revision.approved')).toMatchObject({
        actor: { name: 'Trần Văn Giám' },
        actionLabel: 'Phê duyệt',
        revisionId: s.rev1,
        revisionNumber: 1,
        signOff: { meaning: 'approved', fullName: 'Trần Văn Giám' },
      });
      expect(by('revision.approved').summary).toContain('Ký phê duyệt: Trần Văn Giám (Giám đốc)');
      expect(by('file.downloaded')).toMatchObject({ actor: { id: c.staff.id, name: 'Nguyễn Cán Bộ' }, actionLabel: 'Tải tệp', revisionNumber: 1 });
      expect(by('file.downloaded').summary).toContain('"Phụ lục hướng dẫn.pdf"');
      expect(by('revision.returned')).toMatchObject({ revisionId: s.rev2, revisionNumber: 2, actor: { name: 'Trần Văn Giám' }, actionLabel: 'Trả lại để sửa' });
      expect(by('revision.returned').summary).toBe(`Trạng thái: Chờ phê duyệt → Dự thảo; Ý kiến: ${TRICKY_COMMENT}`);
      expect(by('revision.submitted', 1).signOff).toMatchObject({ meaning: 'drafted', fullName: 'Lê Văn Soạn' });
      expect(by('file.removed').summary).toMatch(/^"Phụ lục hướng dẫn.pdf" \(tệp đính kèm, \d+ byte\) SHA-256 [0-9a-f]{64}$/);
      for (const e of items) {
        expect(e.requestId).toEqual(expect.any(String));
        expect(e.clientAddress).toEqual(expect.any(String));
      }

      const noDownloads = await allEntries(supervisor, s.doc.id, '&downloads=exclude');
      expect(noDownloads.map((e) => e.action)).not.toContain('file.downloaded');
      expect(noDownloads).toHaveLength(items.length - 1);
      const approvedAt = by('revision.approved').at;
      const since = await allEntries(c.head, s.doc.id, `&from=${encodeURIComponent(approvedAt)}&to=${encodeURIComponent(by('revision.created', 1).at)}`);
      expect(since.map((e) => e.action).filter((a) => /^(document|revision|file)\./.test(a))).toEqual(['revision.approved', 'revision.effective', 'file.downloaded', 'revision.created']);
    });

    it('flags raised by the system and cleared by a withdrawal, and the withdrawal itself, are in the timeline', async () => {
      const d = await newProcedure(t, c);
      await toEffective(w, c, d.revisionId);
      await t.app.get(DocumentFlags).raise({ documentId: d.id, kind: 'review_overdue', reason: 'Quá 12 tháng chưa xem xét', dueOn: '2026-01-15' });
      expect((await w.withdraw(c.head, d.id, 'Thủ tục hành chính bị bãi bỏ')).status).toBe(200);
      const items = await allEntries(c.auditor, d.id);
      const tail = items.filter((e) => e.action.startsWith('document.') || e.action === 'revision.obsolete').slice(1);
      expect(tail.map((e) => [e.action, e.actionLabel, e.actor?.name ?? null])).toEqual([
        ['document.flag_raised', 'Gắn cờ cần xem xét', null],
        ['revision.obsolete', 'Hết hiệu lực', 'Trần Văn Giám'],
        ['document.flag_cleared', 'Gỡ cờ', 'Trần Văn Giám'],
        ['document.withdrawn', 'Thu hồi tài liệu', 'Trần Văn Giám'],
      ]);
      expect(tail[0].summary).toBe('Quá hạn xem xét định kỳ: Quá 12 tháng chưa xem xét; Hạn xử lý: 15/01/2026');
      expect(tail[1]).toMatchObject({ revisionId: d.revisionId, revisionNumber: 1 });
      expect(tail[1].summary).toBe('Trạng thái: Đang có hiệu lực → Hết hiệu lực; Ý kiến: Thủ tục hành chính bị bãi bỏ');
      expect(tail[2].summary).toBe('Quá hạn xem xét định kỳ; Tài liệu đã bị thu hồi.');
      expect(tail[3].summary).toBe('Lý do: Thủ tục hành chính bị bãi bỏ');
      const csv = await t.http.get(`${API}/documents/${d.id}/history?format=csv`).set(bearer(c.auditor.token)).buffer(true).parse(binary);
      expect((await parseCsv((csv.body as Buffer).toString('utf8'))).find((r) => r[5] === 'document.flag_raised')![2]).toBe('Hệ thống');
      const page = await t.http.get(`${API}/documents/${d.id}/history?limit=1`).set(bearer(c.auditor.token));
      expect(page.body.document).toMatchObject({ id: d.id, code: d.code, agencyName: 'Sở Khoa học và Công nghệ', withdrawnAt: expect.any(String) });
    });

    it("carries a revision's change summary (nội dung sửa đổi) on its creation, submission and taking effect, in JSON, CSV and PDF", async () => {
      const d = await newProcedure(t, c);
      await toEffective(w, c, d.revisionId);
      const opened = 'Cập nhật theo Nghị định 61';
      const final = 'Bổ sung bước 3 "thẩm định", sửa thời hạn bước 2';
      const r2 = await newDraft(t, c.drafter, d.id, opened);
      await patch(c.drafter, r2.id, { changeSummary: final });
      await toEffective(w, c, r2.id);

      const items = await allEntries(c.auditor, d.id);
      const carrying = ['revision.created', 'revision.submitted', 'revision.effective'];
      const ofR2 = items.filter((e) => e.revisionId === r2.id && carrying.includes(e.action));
      // Each entry shows the summary as it was recorded at that moment.
      expect(ofR2.map((e) => [e.action, e.changeSummary])).toEqual([
        ['revision.created', opened],
        ['revision.submitted', final],
        ['revision.effective', final],
      ]);
      for (const e of ofR2) expect(e.summary).toContain(`Nội dung sửa đổi: ${e.changeSummary}`);
      expect(items.filter((e) => !carrying.includes(e.action)).every((e) => e.changeSummary === null)).toBe(true);
      // Revision 1 was a first draft without a summary.
      expect(items.filter((e) => e.revisionId === d.revisionId && carrying.includes(e.action)).map((e) => e.changeSummary)).toEqual([null, null, null]);

      const csv = await t.http.get(`${API}/documents/${d.id}/history?format=csv`).set(bearer(c.auditor.token)).buffer(true).parse(binary);
      expect(csv.status).toBe(200);
      const rows = (await parseCsv((csv.body as Buffer).toString('utf8'))).slice(1);
      const csvOfR2 = rows.filter((r) => r[6] === '2' && carrying.includes(r[5]));
      expect(csvOfR2.map((r) => r[5])).toEqual(carrying);
      expect(csvOfR2.map((r) => r[7].endsWith(`Nội dung sửa đổi: ${r[5] === 'revision.created' ? opened : final}`))).toEqual([true, true, true]);

      const pdfRes = await t.http.get(`${API}/documents/${d.id}/history?format=pdf`).set(bearer(c.auditor.token)).buffer(true).parse(binary);
      expect(pdfRes.status).toBe(200);
      const text = (await readPdf(new Uint8Array(pdfRes.body))).pages.map((p) => p.text).join(' ').replace(/\s+/g, '');
      for (const summary of [opened, final]) expect(text).toContain(`Nộidungsửađổi:${summary}`.replace(/\s+/g, ''));
      expect(text.split(`Nộidungsửađổi:${final}`.replace(/\s+/g, '')).length - 1).toBe(2);
    });

    it('CSV: UTF-8 with BOM, a header row, RFC 4180 quoting, Vietnamese text and a UTF-8 file name', async () => {
      const s = await theStory();
      const res = await t.http.get(`${API}/documents/${s.doc.id}/history?format=csv`).set(bearer(c.auditor.token)).buffer(true).parse(binary);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="Lich su QT-[0-9A-F-]+\.csv"; filename\*=UTF-8''/);
      expect(filenameStar(res.headers['content-disposition'])).toBe(`Lịch sử ${s.doc.code}.csv`);
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      expect(text).toContain('\r\n');
      const records = await parseCsv(text);
      expect(records[0]).toEqual([
        'Thời điểm (giờ Việt Nam)',
        'Thời điểm (UTC, ISO 8601)',
        'Người thực hiện',
        'Mã người thực hiện',
        'Hành động',
        'Mã hành động',
        'Lần ban hành',
        'Nội dung',
        'Mã yêu cầu',
        'Địa chỉ máy khách',
        'Số thứ tự trong chuỗi kiểm toán',
        'Mã sự kiện',
      ]);
      const rows = records.slice(1);
      const json = await allEntries(c.auditor, s.doc.id);
      expect(rows).toHaveLength(json.length);
      expect(rows.map((r) => r[5])).toEqual(json.map((e) => e.action));
      const returned = rows.find((r) => r[5] === 'revision.returned')!;
      expect(returned[2]).toBe('Trần Văn Giám');
      expect(returned[4]).toBe('Trả lại để sửa');
      expect(returned[6]).toBe('2');
      // The comment with a comma, quotes and a line break survives the round trip.
      expect(returned[7]).toBe(`Trạng thái: Chờ phê duyệt → Dự thảo; Ý kiến: ${TRICKY_COMMENT}`);
      expect(text).toContain('""Nghị định 61""');
      expect(returned[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const utc = new Date(returned[1]);
      expect(returned[0]).toBe(new Date(utc.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' '));
      expect(rows.find((r) => r[5] === 'file.downloaded')![2]).toBe('Nguyễn Cán Bộ');
    });

    it('PDF: made with the renditions\' renderer, with the code, agency, Vietnamese names and actions', async () => {
      const s = await theStory();
      const res = await t.http.get(`${API}/documents/${s.doc.id}/history?format=pdf`).set(bearer(c.head.token)).buffer(true).parse(binary);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(filenameStar(res.headers['content-disposition'])).toBe(`Lịch sử ${s.doc.code}.pdf`);
      const { pages, info } = await readPdf(new Uint8Array(res.body));
      const text = pages.map((p) => p.text).join(' ');
      expect(pages[0].text).toContain(`LỊCH SỬ TÀI LIỆU ${s.doc.code}`);
      expect(pages[0].text).toContain('Quy trình cấp giấy phép tiến hành công việc bức xạ');
      expect(pages[0].text).toContain('Cơ quan, đơn vị: Sở Khoa học và Công nghệ');
      expect(pages[0].text).toContain('Người lập: Trần Văn Giám');
      expect(pages[0].text).toContain('SỞ KHOA HỌC VÀ CÔNG NGHỆ');
      expect(pages[0].text).toContain('Thời gian Người thực hiện Hành động');
      for (const s2 of ['Lê Văn Soạn', 'Phạm Thị Thư', 'Trần Văn Giám', 'Nguyễn Cán Bộ', 'Tạo tài liệu', 'Trình kiểm tra', 'Phê duyệt', 'Có hiệu lực', 'Tải tệp', 'Trả lại để sửa', 'Phụ lục hướng dẫn.pdf']) {
        expect(text).toContain(s2);
      }
      expect(info).toMatchObject({ Title: `LỊCH SỬ TÀI LIỆU ${s.doc.code}`, Producer: 'e-ISO' });
      expect(info.Custom).toMatchObject({ EisoDocumentId: s.doc.id, EisoEntries: String((await allEntries(c.head, s.doc.id)).length) });
    });

    it('long timelines: the CSV streams every entry across batches; the PDF refuses beyond its limit unless narrowed', async () => {
      const d = await newProcedure(t, c);
      // Many downloads recorded for the document (as the download route records them), through the chain trigger.
      await t.db.query(
        `INSERT INTO audit_events (agency_id, actor_id, actor_name, action, entity_type, entity_id, changes, request_id, client_ip)
         SELECT $1::uuid, $2::uuid, 'Nguyễn Cán Bộ', 'file.downloaded', 'revision', $3::uuid,
                jsonb_build_object('documentId', $4::text, 'filename', 'Mẫu ' || g || '.pdf', 'role', 'attachment', 'variant', 'source'), 'bulk-' || g, '10.0.0.1'
           FROM generate_series(1, $5::int) g`,
        [c.agency.id, c.staff.id, d.revisionId, d.id, PDF_MAX_ENTRIES + 1],
      );
      const csv = await t.http.get(`${API}/documents/${d.id}/history?format=csv`).set(bearer(c.auditor.token)).buffer(true).parse(binary);
      expect(csv.status).toBe(200);
      const rows = (await parseCsv((csv.body as Buffer).toString('utf8'))).slice(1);
      expect(rows).toHaveLength(PDF_MAX_ENTRIES + 1 + 2);
      expect(rows.filter((r) => r[5] === 'file.downloaded').map((r) => r[7])).toEqual(
        Array.from({ length: PDF_MAX_ENTRIES + 1 }, (_, i) => `"Mẫu ${i + 1}.pdf" (tệp đính kèm); bản gốc`),
      );
      const tooLong = await t.http.get(`${API}/documents/${d.id}/history?format=pdf`).set(bearer(c.auditor.token));
      expect(tooLong.status).toBe(422);
      expect(tooLong.body.code).toBe('history_too_long');
      const narrowed = await t.http.get(`${API}/documents/${d.id}/history?format=pdf&downloads=exclude`).set(bearer(c.auditor.token));
      expect(narrowed.status).toBe(200);
      expect(narrowed.headers['content-type']).toBe('application/pdf');
    });

    it('access: drafters, secretaries, heads, auditors and supervisors read it; staff 403 (effective) or 404 (in preparation); other agencies 404', async () => {
      const s = await theStory();
      for (const u of [c.drafter, c.secretary, c.head, c.deputy, c.auditor, supervisor]) {
        expect((await t.http.get(`${API}/documents/${s.doc.id}/history`).set(bearer(u.token))).status).toBe(200);
      }
      for (const format of ['json', 'csv', 'pdf']) {
        const staff = await t.http.get(`${API}/documents/${s.doc.id}/history?format=${format}`).set(bearer(c.staff.token));
        expect(staff.status).toBe(403);
        expect(staff.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect((await t.http.get(`${API}/documents/${s.doc.id}/history?format=${format}`).set(bearer(c.stranger.token))).status).toBe(404);
      }
      const draftOnly = await newProcedure(t, c);
      expect((await t.http.get(`${API}/documents/${draftOnly.id}/history`).set(bearer(c.staff.token))).status).toBe(404);
      expect((await t.http.get(`${API}/documents/${s.doc.id}/history`).set(bearer(admin))).status).toBe(404);
      expect((await t.http.get(`${API}/documents/${s.doc.id}/history`)).status).toBe(401);
    });

    it('checks its input: format, downloads, times, cursor (400)', async () => {
      const s = await theStory();
      const get = (q: string) => t.http.get(`${API}/documents/${s.doc.id}/history?${q}`).set(bearer(c.auditor.token));
      for (const q of ['format=xml', 'downloads=maybe', 'from=yesterday', 'cursor=abc', 'limit=0', 'limit=201', `cursor=${Buffer.from('["x"]').toString('base64url')}`]) {
        const res = await get(q);
        expect([q, res.status]).toEqual([q, 400]);
      }
      const backwards = await get('from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z');
      expect(backwards.status).toBe(400);
      expect(backwards.body.errors).toEqual([{ field: 'to', message: 'must not be before from' }]);
      expect((await t.http.get(`${API}/documents/not-a-uuid/history`).set(bearer(c.auditor.token))).status).toBe(400);
    });
  });
});
