import type { TestApp } from './support/app.js';
import { bearer } from './support/fixtures.js';
import { binary, createDocument, makeEffective, uploadFile } from './documents/helpers.js';
import { docx, pdf } from './documents/samples.js';
import { API, code, newDraft, procedureContent, toEffective, until, Workflow, WorkflowCast, workflowSuite } from './workflow/helpers.js';

/** Citizens and staff take the current public documents without signing in. */
describe('public documents (no sign-in)', () => {
  let t: TestApp;
  let c: WorkflowCast;
  let w: Workflow;
  let agencyCode: string;
  let procedureCode: string;
  let formCode: string;
  let formBytes: Buffer;
  let formId: string;
  let internalCode: string;
  let manualCode: string;

  beforeAll(async () => {
    ({ t, c, w } = await workflowSuite());
    agencyCode = c.agency.code;

    procedureCode = code('QT');
    const proc = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'procedure', code: procedureCode, tthcCode: '1.001193', title: 'Quy trình cấp giấy phép xây dựng', content: procedureContent() });
    expect(proc.status).toBe(201);
    await toEffective(w, c, proc.body.openDraft.id);

    formCode = `BM.01/${procedureCode}`;
    const form = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'form', code: formCode, procedureId: proc.body.id, title: 'Tờ khai đề nghị cấp giấy phép xây dựng' });
    expect(form.status).toBe(201);
    formId = form.body.id;
    formBytes = docx('Tờ khai');
    const up = await t.http.post(`${API}/revisions/${form.body.openDraft.id}/files?role=source`).set(bearer(c.drafter.token)).attach('file', formBytes, { filename: 'Tờ khai.docx' });
    expect(up.status).toBe(201);
    await toEffective(w, c, form.body.openDraft.id);

    // Not public even in force: an internal procedure (no TTHC code) and a manual.
    internalCode = code('QTNB');
    const internal = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: internalCode, title: 'Quy trình nội bộ', content: procedureContent() });
    await makeEffective(t, internal.draftId);
    manualCode = code('ST');
    const manual = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'manual', code: manualCode, title: 'Sổ tay chất lượng' });
    expect((await uploadFile(t, c.drafter, manual.draftId, 'Sổ tay.pdf', pdf(manualCode), 'source')).status).toBe(201);
    await makeEffective(t, manual.draftId);
  });
  afterAll(() => t.close());

  it('lists the public documents in force, accent-insensitively', async () => {
    const res = await t.http.get(`${API}/public/agencies/${agencyCode}/documents`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((d: { code: string }) => d.code).sort()).toEqual([formCode, procedureCode].sort());
    const found = await t.http.get(`${API}/public/agencies/${agencyCode.toLowerCase()}/documents?q=to khai xay dung`);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({ code: formCode, type: 'form', procedureCode, revisionNumber: 1, sourceUrl: expect.stringContaining('variant=source') });
    const forms = await t.http.get(`${API}/public/agencies/${agencyCode}/documents?procedureCode=${encodeURIComponent(procedureCode)}`);
    expect(forms.body.items.map((d: { code: string }) => d.code)).toEqual([formCode]);
  });

  it('serves the current form (source) and its controlled copy, and counts the download', async () => {
    const meta = await t.http.get(`${API}/public/agencies/${agencyCode}/documents/${encodeURIComponent(formCode)}`);
    expect(meta.status).toBe(200);
    expect(meta.body.files[0]).toMatchObject({ role: 'source', filename: 'Tờ khai.docx' });
    const src = await t.http.get(`${API}/public/agencies/${agencyCode}/documents/${encodeURIComponent(formCode)}/file?variant=source`).buffer(true).parse(binary);
    expect(src.status).toBe(200);
    expect(Buffer.compare(src.body as Buffer, formBytes)).toBe(0);
    expect(src.headers['content-disposition']).toContain("filename*=UTF-8''T%E1%BB%9D%20khai.docx");
    // Anonymous downloads are counted, not audited one by one (test/security/records.spec.ts).
    const events = await t.db.query<{ actor_id: string | null }[]>(`SELECT actor_id FROM audit_events WHERE action = 'file.downloaded' AND changes->>'documentId' = $1`, [formId]);
    expect(events).toEqual([]);
    const counted = await t.db.query<{ variant: string; downloads: string }[]>(
      `SELECT c.variant, c.downloads FROM public_download_counts c JOIN revisions r ON r.id = c.revision_id WHERE r.document_id = $1`,
      [formId],
    );
    expect(counted).toEqual([{ variant: 'source', downloads: '1' }]);

    await t.flushOutbox();
    const pdf = await until(
      () => t.http.get(`${API}/public/agencies/${agencyCode}/documents/${encodeURIComponent(formCode)}/file`),
      (r) => r.status === 200,
      30_000,
    );
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });

  it('never serves internal procedures, types that are not public, or another agency\'s documents', async () => {
    for (const k of [internalCode, manualCode]) {
      expect((await t.http.get(`${API}/public/agencies/${agencyCode}/documents/${k}`)).status).toBe(404);
      for (const variant of ['source', 'controlled']) expect((await t.http.get(`${API}/public/agencies/${agencyCode}/documents/${k}/file?variant=${variant}`)).status).toBe(404);
    }
    expect((await t.http.get(`${API}/public/agencies/${c.other.code}/documents/${encodeURIComponent(formCode)}`)).status).toBe(404);
    expect((await t.http.get(`${API}/public/agencies/${c.other.code}/documents/${encodeURIComponent(formCode)}/file?variant=source`)).status).toBe(404);
    expect((await t.http.get(`${API}/public/agencies/${c.other.code}/documents`)).body.items).toEqual([]);
  });

  it('never serves drafts, other codes or withdrawn documents', async () => {
    const draftOnly = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code: code('QT'), tthcCode: '1.001194', title: 'Chưa ban hành', content: procedureContent() });
    expect((await t.http.get(`${API}/public/agencies/${agencyCode}/documents/${draftOnly.body.code}`)).status).toBe(404);
    expect((await t.http.get(`${API}/public/agencies/${agencyCode}/documents/NO-SUCH`)).status).toBe(404);
    expect((await t.http.get(`${API}/public/agencies/NO-SUCH-AGENCY/documents`)).status).toBe(404);

    // A new draft of the form exists: the public still gets revision 1 in force, not the draft.
    await newDraft(t, c.drafter, formId, 'Sửa đổi mẫu');
    expect((await t.http.get(`${API}/public/agencies/${agencyCode}/documents/${encodeURIComponent(formCode)}`)).body.revisionNumber).toBe(1);

    const wd = await w.withdraw(c.head, formId, 'Bãi bỏ biểu mẫu');
    expect(wd.status).toBe(200);
    expect((await t.http.get(`${API}/public/agencies/${agencyCode}/documents/${encodeURIComponent(formCode)}`)).status).toBe(404);
    expect((await t.http.get(`${API}/public/agencies/${agencyCode}/documents/${encodeURIComponent(formCode)}/file?variant=source`)).status).toBe(404);
  });
});
