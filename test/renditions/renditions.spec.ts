/**
 * Controlled-copy PDFs (src/renditions) through the real stack: render requests committed with the
 * changes that need them, the render queue (BullMQ worker), content-addressed storage, and the
 * HTTP side (202 then 200, ETag/304/Range, access, audit). PDFs are read back with pdfjs-dist.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { LAYOUT_VERSION, renderRevisionPdf, WATERMARK_CONTROLLED, WATERMARK_DRAFT, WATERMARK_NOT_YET_EFFECTIVE, WATERMARK_OBSOLETE } from '../../src/rendering/index.js';
import { ContentStore } from '../../src/documents/content-store.js';
import { RenderRevisionJob } from '../../src/renditions/render-revision.job.js';
import { RenditionModelBuilder } from '../../src/renditions/rendition-model.builder.js';
import { RenditionRequests } from '../../src/renditions/rendition-requests.js';
import { contentObjectKey } from '../../src/storage/object-keys.js';
import { ObjectStorage } from '../../src/storage/object-storage.js';
import { uploadFile } from '../documents/helpers.js';
import { pdf as malformedPdf } from '../documents/samples.js';
import type { TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { delegate, failInserts, newDraft, newProcedure, procedureContent, toEffective, toPendingApproval, Workflow, WorkflowCast, workflowSuite } from '../workflow/helpers.js';
import { API, fetchBinary, getRendition, pageLabels, renderWorker, sourcePdf, waitForPdf, waitForRendition, watermarks } from './helpers.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('renditions: controlled-copy PDFs rendered by the queue', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: WorkflowCast;
  let w: Workflow;

  beforeAll(async () => ({ t, f, c, w } = await workflowSuite()));
  afterAll(() => t.close());

  const requestRow = async (revisionId: string, state: string) =>
    (
      await t.db.query<{ status: string; generation: number; round: number; job_id: string; attempts: number; last_error: string | null; rendition_id: string | null }[]>(
        `SELECT status, generation, round, job_id, attempts, last_error, rendition_id FROM rendition_requests WHERE revision_id = $1 AND state = $2 AND layout_version = $3`,
        [revisionId, state, LAYOUT_VERSION],
      )
    )[0];
  const renditionRows = (revisionId: string) =>
    t.db.query<{ id: string; state: string; digest: string; sha256: string; page_count: number; warnings: string[] }[]>(
      `SELECT id, state, digest, sha256, page_count, warnings FROM renditions WHERE revision_id = $1 ORDER BY created_at, id`,
      [revisionId],
    );
  const revisionView = async (revisionId: string) => (await w.revision(c.secretary, revisionId)).body;

  async function legalDocument(): Promise<{ id: string; number: string; title: string }> {
    const number = `${randomInt(1000, 99_999)}/2018/NĐ-CP`;
    const title = 'Nghị định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính';
    const res = await t.http
      .post(`${API}/legal-documents`)
      .set(bearer(await f.adminToken()))
      .send({ number, type: 'decree', issuer: 'Chính phủ', title, issuedOn: '2018-04-23', effectiveFrom: '2018-06-21' });
    if (res.status !== 201) throw new Error(`legal document: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, number, title };
  }

  it('documents GET /revisions/{id}/rendition and the controlled variant in OpenAPI', async () => {
    const doc = (await t.http.get('/api/docs-json')).body as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    const op = doc.paths['/api/v1/revisions/{id}/rendition']?.get;
    expect(op?.operationId).toBe('getRevisionRendition');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '202', '206', '304', '404', '503']));
    expect(Object.keys(doc.paths['/api/v1/documents/{id}/current/file'].get.responses)).toEqual(expect.arrayContaining(['200', '202']));
  });

  it('a new draft: 202 with Retry-After while it is queued, then the PDF (BẢN NHÁP, title, code and revision on every page, Trang 1/N..N/N)', async () => {
    const worker = renderWorker(t);
    await worker.pause();
    let d: Awaited<ReturnType<typeof newProcedure>>;
    try {
      d = await newProcedure(t, c, c.drafter, 'Quy trình cấp giấy phép hoạt động đo lường');
      const pending = await getRendition(t, c.drafter, d.revisionId);
      expect(pending.status).toBe(202);
      expect(pending.headers['retry-after']).toBe('2');
      expect(pending.json).toMatchObject({ status: 'pending', revisionId: d.revisionId, state: 'draft', layoutVersion: LAYOUT_VERSION, attempts: 0, error: null });
      expect((await revisionView(d.revisionId)).rendition).toMatchObject({ status: 'pending', state: 'draft', sha256: null });
      // The request was committed with the draft: one job, keyed by (revision, state, layout).
      expect(await requestRow(d.revisionId, 'draft')).toMatchObject({ status: 'pending', job_id: `render_${d.revisionId}_draft_${LAYOUT_VERSION}` });
    } finally {
      worker.resume();
    }
    const got = await waitForRendition(t, c.drafter, d!.revisionId);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers.etag).toBe(`"${sha256(got.bytes)}"`);
    const { pages, info } = got.pdf;
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(watermarks(got.pdf).every((m) => m.length === 1 && m[0] === WATERMARK_DRAFT)).toBe(true);
    expect(pageLabels(got.pdf)).toEqual(pages.map((_, i) => [`${i + 1}/${pages.length}`]));
    for (const p of pages) {
      expect(p.text).toContain('Quy trình cấp giấy phép hoạt động đo lường');
      expect(p.text).toContain(`Mã hiệu: ${d!.code}`);
      expect(p.text).toContain('Lần ban hành: 01');
    }
    expect(pages[0].text).toContain('SỞ KHOA HỌC VÀ CÔNG NGHỆ');
    expect(pages[0].text).toContain('UBND TỈNH THỬ NGHIỆM');
    const view = await revisionView(d!.revisionId);
    expect(info.Custom).toMatchObject({ EisoRevisionSha256: view.digest, EisoRevisionState: 'draft', EisoLayoutVersion: String(LAYOUT_VERSION) });
    expect(view.rendition).toMatchObject({ status: 'ready', state: 'draft', digest: view.digest, sha256: sha256(got.bytes), pageCount: pages.length, warnings: [] });
    const disposition = got.headers['content-disposition'];
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`${d!.code} - Lần 1 - ${WATERMARK_DRAFT}.pdf`)}`);
    expect(disposition).toContain(`filename="${d!.code} - Lan 1 - BAN NHAP.pdf"`);
    // Conditional and partial requests.
    expect((await getRendition(t, c.drafter, d!.revisionId, { 'If-None-Match': got.headers.etag })).status).toBe(304);
    const part = await getRendition(t, c.drafter, d!.revisionId, { Range: 'bytes=0-7' });
    expect(part.status).toBe(206);
    expect(part.bytes.toString('latin1')).toBe(got.bytes.subarray(0, 8).toString('latin1'));
  });

  it('follows the workflow: draft → in review (BẢN NHÁP) → effective (BẢN CÓ KIỂM SOÁT, sign-offs) → superseded (HẾT HIỆU LỰC); history rows; access', async () => {
    const legal = await legalDocument();
    const d = await newProcedure(t, c, c.drafter, 'Quy trình tiếp nhận hồ sơ đăng ký khoa học');
    const first = await t.http
      .patch(`${API}/revisions/${d.revisionId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', (await w.revision(c.drafter, d.revisionId)).body.etag)
      .send({ content: procedureContent({ legalBases: [{ legalDocumentId: legal.id, articles: 'Điều 5, Điều 6' }], purpose: 'Mục đích: tiếp nhận đúng hạn, minh bạch.' }) });
    expect(first.status).toBe(200);

    expect((await w.submit(c.drafter, d.revisionId)).status).toBe(200);
    const inReview = await waitForRendition(t, c.secretary, d.revisionId);
    expect(inReview.pdf.info.Custom?.EisoRevisionState).toBe('in_review');
    expect(watermarks(inReview.pdf).flat()).toEqual(inReview.pdf.pages.map(() => WATERMARK_DRAFT));
    // Staff (document.read only) and strangers never see a revision in preparation.
    expect((await getRendition(t, c.staff, d.revisionId)).status).toBe(404);
    expect((await getRendition(t, c.stranger, d.revisionId)).status).toBe(404);

    expect((await w.check(c.secretary, d.revisionId)).status).toBe(200);
    expect((await w.approve(c.head, d.revisionId)).status).toBe(200);
    const effective = await waitForRendition(t, c.staff, d.revisionId);
    const text = effective.pdf.pages.map((p) => p.text).join('\n');
    expect(effective.pdf.info.Custom?.EisoRevisionState).toBe('effective');
    expect(watermarks(effective.pdf).flat()).toEqual(effective.pdf.pages.map(() => WATERMARK_CONTROLLED));
    const cover = effective.pdf.pages[0].text;
    for (const name of ['Lê Văn Soạn', 'Phạm Thị Thư', 'Trần Văn Giám']) expect(cover).toContain(name);
    expect(cover).toContain('Thư ký ISO');
    expect(cover).toContain('Giám đốc');
    expect(text).toContain('Mục đích: tiếp nhận đúng hạn, minh bạch.');
    expect(text).toContain(`Nghị định số ${legal.number}`);
    expect(text).toContain('(Điều 5, Điều 6)');
    expect(text).toContain('TRANG THEO DÕI SỬA ĐỔI');
    expect(text).toContain('Ban hành lần đầu');
    // The current file's controlled copy is the same PDF, and taking it is recorded.
    const current = await waitForPdf(t, c.staff, `/documents/${d.id}/current/file?variant=controlled`);
    expect(current.bytes.equals(effective.bytes)).toBe(true);
    const byDefault = await fetchBinary(t, c.staff, `/documents/${d.id}/current/file`);
    expect(byDefault.status).toBe(200);
    const downloads = await t.db.query<{ actor_id: string; changes: Record<string, unknown> }[]>(
      `SELECT actor_id, changes FROM audit_events WHERE action = 'file.downloaded' AND entity_id = $1 ORDER BY occurred_at, id`,
      [d.revisionId],
    );
    expect(downloads.length).toBeGreaterThanOrEqual(3);
    expect(downloads.map((e) => e.changes.via)).toEqual(expect.arrayContaining(['rendition', 'controlled']));
    expect(downloads[0]).toMatchObject({ actor_id: c.staff.id, changes: { variant: 'controlled', sha256: sha256(effective.bytes), revisionNumber: 1, documentCode: d.code } });

    // Revision 2 takes effect: revision 1 is superseded and re-stamped.
    const next = await newDraft(t, c.drafter, d.id, 'Sửa đổi bước 2: rút ngắn thời gian thẩm định');
    await toEffective(w, c, next.id);
    const superseded = await waitForRendition(t, c.secretary, d.revisionId);
    expect(superseded.pdf.info.Custom?.EisoRevisionState).toBe('superseded');
    expect(watermarks(superseded.pdf).flat()).toEqual(superseded.pdf.pages.map(() => WATERMARK_OBSOLETE));
    expect(superseded.pdf.pages.every((p) => p.text.includes('Lần ban hành: 01'))).toBe(true);
    // The effective copy of revision 1 stays a record (its rendition row is kept).
    expect((await renditionRows(d.revisionId)).map((r) => r.state)).toEqual(expect.arrayContaining(['effective', 'superseded']));
    // Superseded revisions are history: document.readDrafts, as for the revision itself.
    expect((await getRendition(t, c.staff, d.revisionId)).status).toBe(404);

    const second = await waitForRendition(t, c.staff, next.id);
    expect(second.pdf.pages.every((p) => p.text.includes('Lần ban hành: 02'))).toBe(true);
    const tracking = second.pdf.pages.find((p) => p.text.includes('TRANG THEO DÕI SỬA ĐỔI'))!.text;
    expect(tracking).toContain('Ban hành lần đầu');
    expect(tracking).toContain('Sửa đổi bước 2: rút ngắn thời gian thẩm định');
    expect(tracking.indexOf('01')).toBeLessThan(tracking.indexOf('02'));
    const againCurrent = await waitForPdf(t, c.staff, `/documents/${d.id}/current/file?variant=controlled`);
    expect(againCurrent.bytes.equals(second.bytes)).toBe(true);
  }, 120_000);

  it('appends the pages of an uploaded source PDF; a malformed source PDF gives a rendition without them and a warning', async () => {
    const proc = await newProcedure(t, c);
    const form = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'form', code: `BM-${randomUUID().slice(0, 8).toUpperCase()}`, title: 'Mẫu đơn đề nghị cấp giấy phép', procedureId: proc.id });
    expect(form.status).toBe(201);
    const formDraft = form.body.openDraft.id as string;
    const before = await waitForRendition(t, c.drafter, formDraft);
    const tag = randomUUID();
    expect((await uploadFile(t, c.drafter, formDraft, 'Mẫu đơn.pdf', await sourcePdf(5, tag), 'source')).status).toBe(201);
    const withSource = await waitForRendition(t, c.drafter, formDraft);
    expect(withSource.pdf.pages.length).toBe(before.pdf.pages.length + 5);
    const last = withSource.pdf.pages.slice(-5);
    last.forEach((p, i) => {
      expect(p.text).toContain(`Source page ${i + 1}/5 ${tag}`);
      expect(p.text).toContain(`Trang ${before.pdf.pages.length + i + 1}/${withSource.pdf.pages.length}`);
    });
    expect((await revisionView(formDraft)).rendition).toMatchObject({ status: 'ready', pageCount: withSource.pdf.pages.length, warnings: [] });
    // Removing the source is a new digest again: its pages are gone.
    const fileId = (await revisionView(formDraft)).files[0].id;
    expect((await t.http.delete(`${API}/revisions/${formDraft}/files/${fileId}`).set(bearer(c.drafter.token))).status).toBe(204);
    const without = await waitForRendition(t, c.drafter, formDraft);
    expect(without.bytes.equals(before.bytes)).toBe(true);

    const broken = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'decision', code: `QĐ-${randomUUID().slice(0, 8).toUpperCase()}`, title: 'Quyết định ban hành hệ thống tài liệu' });
    expect(broken.status).toBe(201);
    const brokenDraft = broken.body.openDraft.id as string;
    expect((await uploadFile(t, c.drafter, brokenDraft, 'Quyết định.pdf', malformedPdf(randomUUID()), 'source')).status).toBe(201);
    const rendered = await waitForRendition(t, c.drafter, brokenDraft);
    expect(rendered.pdf.pages.map((p) => p.text).join(' ')).toContain('không đọc được');
    const view = (await revisionView(brokenDraft)).rendition;
    expect(view.status).toBe('ready');
    expect(view.warnings).toEqual([expect.stringMatching(/^source_pdf_unreadable: /)]);
    expect(await requestRow(brokenDraft, 'draft')).toMatchObject({ status: 'ready', attempts: 0, last_error: null });
  });

  it('repeated requests and repeated runs render once: one rendition row, one stored object; a content save renders the new digest', async () => {
    const d = await newProcedure(t, c);
    const first = await waitForRendition(t, c.drafter, d.revisionId);
    const requests = t.app.get(RenditionRequests);
    const before = await requestRow(d.revisionId, 'draft');
    const worker = renderWorker(t);
    await worker.pause();
    try {
      await t.db.transaction(() => requests.request(d.revisionId));
      await requests.request(d.revisionId);
      // Two requests, one unit of work.
      expect(await t.db.query<unknown[]>(`SELECT 1 FROM job_outbox WHERE job_id = $1`, [`render_${d.revisionId}_draft_${LAYOUT_VERSION}`])).toHaveLength(1);
      expect(await requestRow(d.revisionId, 'draft')).toMatchObject({ status: 'pending', generation: before.generation + 2 });
    } finally {
      worker.resume();
    }
    await t.flushOutbox();
    const until = Date.now() + 15_000;
    while ((await requestRow(d.revisionId, 'draft')).status !== 'ready' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect((await requestRow(d.revisionId, 'draft')).status).toBe('ready');
    expect(await renditionRows(d.revisionId)).toHaveLength(1);

    const job = t.app.get(RenderRevisionJob);
    const data = { revisionId: d.revisionId, state: 'draft' as const, layoutVersion: LAYOUT_VERSION, round: 0 };
    expect(await job.handle(data)).toBe('exists');
    expect(await job.handle(data)).toBe('exists');
    let rows = await renditionRows(d.revisionId);
    expect(rows).toHaveLength(1);
    expect(rows[0].sha256).toBe(sha256(first.bytes));
    // Rendered again from scratch (row removed), the same bytes land on the same stored object.
    await t.db.query('DELETE FROM renditions WHERE revision_id = $1', [d.revisionId]);
    expect(await job.handle(data)).toBe('rendered');
    rows = await renditionRows(d.revisionId);
    expect(rows).toHaveLength(1);
    expect(rows[0].sha256).toBe(sha256(first.bytes));
    expect(await t.db.query<unknown[]>('SELECT 1 FROM stored_objects WHERE sha256 = $1', [rows[0].sha256])).toHaveLength(1);
    // A job for a state the revision has left is moot.
    expect(await job.handle({ ...data, state: 'effective' })).toBe('moot');

    // Content saved on the draft: same job key, new digest, new rendition; the old copy of the draft is pruned.
    const etag = (await w.revision(c.drafter, d.revisionId)).body.etag;
    const saved = await t.http
      .patch(`${API}/revisions/${d.revisionId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', etag)
      .send({ content: procedureContent({ purpose: 'Mục đích mới sau khi chỉnh sửa bản nháp.' }) });
    expect(saved.status).toBe(200);
    const second = await waitForRendition(t, c.drafter, d.revisionId);
    expect(sha256(second.bytes)).not.toBe(sha256(first.bytes));
    expect(second.pdf.info.Custom?.EisoRevisionSha256).toBe(saved.body.digest);
    expect(second.pdf.pages.map((p) => p.text).join(' ')).toContain('Mục đích mới sau khi chỉnh sửa bản nháp.');
    rows = await renditionRows(d.revisionId);
    expect(rows.map((r) => r.digest)).toEqual([saved.body.digest]);
    // The database keeps renditions of frozen states: never changed, never deleted.
    await expect(t.db.query(`UPDATE renditions SET page_count = 99 WHERE id = $1`, [rows[0].id])).rejects.toThrow(/never changed/);
  });

  it('the objects of renditions survive the orphan sweeper', async () => {
    const d = await newProcedure(t, c);
    const got = await waitForRendition(t, c.drafter, d.revisionId);
    await t.db.query(`UPDATE stored_objects SET created_at = now() - interval '2 hours' WHERE sha256 = $1`, [sha256(got.bytes)]);
    await t.app.get(ContentStore).sweepUnreferencedRows({ minAgeMs: 3600_000 });
    expect(await t.app.get(ObjectStorage).stat(contentObjectKey(sha256(got.bytes)))).not.toBeNull();
    expect(await t.db.query<unknown[]>('SELECT 1 FROM stored_objects WHERE sha256 = $1', [sha256(got.bytes)])).toHaveLength(1);
  });

  it('a failing render is retried, its error shown on the revision; after the last attempt 503 rendition_failed; asked again after the cool-down', async () => {
    const proc = await newProcedure(t, c);
    const form = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'form', code: `BM-${randomUUID().slice(0, 8).toUpperCase()}`, title: 'Mẫu tờ khai', procedureId: proc.id });
    const revisionId = form.body.openDraft.id as string;
    const source = await sourcePdf(2, randomUUID());
    const worker = renderWorker(t);
    await worker.pause();
    try {
      expect((await uploadFile(t, c.drafter, revisionId, 'Tờ khai.pdf', source, 'source')).status).toBe(201);
      // Storage lost the source: every attempt fails (the loader rejects; no rendition without its pages).
      const storage = t.app.get(ObjectStorage);
      await storage.remove(contentObjectKey(sha256(source)));
      const job = t.app.get(RenderRevisionJob);
      const data = { revisionId, state: 'draft' as const, layoutVersion: LAYOUT_VERSION, round: 0 };
      const attempt = (attemptsMade: number) => ({ attemptsMade, opts: { attempts: 5 } }) as never;
      await expect(job.handle(data, attempt(0))).rejects.toThrow();
      const retrying = await getRendition(t, c.drafter, revisionId);
      expect(retrying.status).toBe(202);
      expect(retrying.json).toMatchObject({ status: 'pending', attempts: 1 });
      expect(retrying.json.error).toEqual(expect.any(String));
      expect((await revisionView(revisionId)).rendition).toMatchObject({ status: 'pending', attempts: 1 });

      await expect(job.handle(data, attempt(4))).rejects.toThrow();
      const failed = await getRendition(t, c.drafter, revisionId);
      expect(failed.status).toBe(503);
      expect(failed.headers['content-type']).toContain('application/problem+json');
      expect(failed.json).toMatchObject({ code: 'rendition_failed', attempts: 2 });
      expect(Number(failed.headers['retry-after'])).toBeGreaterThan(500);
      expect((await revisionView(revisionId)).rendition).toMatchObject({ status: 'failed', attempts: 2, error: expect.any(String) });
      expect(await renditionRows(revisionId)).toHaveLength(0);

      // After the cool-down a read asks again, under a new job id (the failed job stays for operators).
      await t.db.query(`UPDATE rendition_requests SET updated_at = now() - interval '11 minutes' WHERE revision_id = $1 AND state = 'draft'`, [revisionId]);
      const again = await getRendition(t, c.drafter, revisionId);
      expect(again.status).toBe(202);
      expect(await requestRow(revisionId, 'draft')).toMatchObject({ status: 'pending', round: 1, attempts: 0, job_id: `render_${revisionId}_draft_${LAYOUT_VERSION}_r1` });
      // An old round's job is moot.
      expect(await job.handle(data)).toBe('moot');
      await storage.putBytes(contentObjectKey(sha256(source)), source, 'application/pdf');
    } finally {
      worker.resume();
    }
    const got = await waitForRendition(t, c.drafter, revisionId);
    expect(got.pdf.pages.slice(-2).every((p) => p.text.includes('Source page'))).toBe(true);
    expect(await requestRow(revisionId, 'draft')).toMatchObject({ status: 'ready', last_error: null });
  }, 60_000);

  it('a render whose record fails after the upload leaves no stored object and no rendition row; the error is on the request', async () => {
    const worker = renderWorker(t);
    await worker.pause();
    let expected: string;
    let d: Awaited<ReturnType<typeof newProcedure>>;
    try {
      d = await newProcedure(t, c, c.drafter, `Quy trình thử lỗi ghi ${randomUUID()}`);
      // The bytes the job will store (the renderer is deterministic), to look for their object.
      const builder = t.app.get(RenditionModelBuilder);
      const { model } = await builder.build((await builder.snapshot(d.revisionId))!);
      expected = sha256(Buffer.from((await renderRevisionPdf(model)).bytes));
      const job = t.app.get(RenderRevisionJob);
      const stop = await failInserts(t, 'renditions', 'revision_id', d.revisionId);
      try {
        await expect(job.handle({ revisionId: d.revisionId, state: 'draft', layoutVersion: LAYOUT_VERSION, round: 0 }, { attemptsMade: 0, opts: { attempts: 5 } } as never)).rejects.toThrow(
          /not allowed/,
        );
      } finally {
        await stop();
      }
      expect(await t.app.get(ObjectStorage).stat(contentObjectKey(expected))).toBeNull();
      expect(await t.db.query<unknown[]>('SELECT 1 FROM stored_objects WHERE sha256 = $1', [expected])).toHaveLength(0);
      expect(await renditionRows(d.revisionId)).toHaveLength(0);
      expect(await requestRow(d.revisionId, 'draft')).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('not allowed') });
    } finally {
      worker.resume();
    }
    // The retry stores exactly those bytes.
    expect(sha256((await waitForRendition(t, c.drafter, d!.revisionId)).bytes)).toBe(expected!);
  });

  it('a read finds nothing requested (e.g. after a layout bump) or a lost job: it requests one; the periodic re-send catches lost jobs', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    await waitForRendition(t, c.secretary, d.revisionId);
    const worker = renderWorker(t);
    await worker.pause();
    try {
      // No request row at all (as for a new layout version): the read asks for it.
      await t.db.query(`DELETE FROM renditions WHERE revision_id = $1`, [d.revisionId]);
      await t.db.query(`DELETE FROM rendition_requests WHERE revision_id = $1`, [d.revisionId]);
      const res = await getRendition(t, c.secretary, d.revisionId);
      expect(res.status).toBe(202);
      expect(await requestRow(d.revisionId, 'pending_approval')).toMatchObject({ status: 'pending' });
      // The job is lost (its outbox row went with a job that finished meanwhile): re-sent under a
      // new round's job id (the old id may be a failed job in BullMQ, which ignores an add of it).
      await t.db.query(`DELETE FROM job_outbox WHERE job_id = $1`, [`render_${d.revisionId}_pending_approval_${LAYOUT_VERSION}`]);
      expect(await t.app.get(RenditionRequests).resendLost(0)).toBeGreaterThanOrEqual(1);
      expect(await requestRow(d.revisionId, 'pending_approval')).toMatchObject({ status: 'pending', round: 1, job_id: `render_${d.revisionId}_pending_approval_${LAYOUT_VERSION}_r1` });
      expect(await t.db.query<unknown[]>(`SELECT 1 FROM job_outbox WHERE job_id = $1`, [`render_${d.revisionId}_pending_approval_${LAYOUT_VERSION}_r1`])).toHaveLength(1);
    } finally {
      worker.resume();
    }
    // resendLost(0) re-queued every pending request of this file's database behind it: in a full
    // run on 2 loaded cores those renders take longer than the default 30 s.
    const got = await waitForRendition(t, c.secretary, d.revisionId, 120_000);
    expect(got.pdf.info.Custom?.EisoRevisionState).toBe('pending_approval');
  }, 180_000);

  it('approved for a later date: CHƯA CÓ HIỆU LỰC; a deputy signs "KT. GIÁM ĐỐC" under a delegation', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    await delegate(t, f, c, new Date(Date.now() - 3600_000), new Date(Date.now() + 86400_000));
    const later = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    const approved = await w.approve(c.deputy, d.revisionId, { effectiveFrom: later });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('approved');
    const got = await waitForRendition(t, c.secretary, d.revisionId);
    expect(got.pdf.info.Custom?.EisoRevisionState).toBe('approved');
    expect(watermarks(got.pdf).flat()).toEqual(got.pdf.pages.map(() => WATERMARK_NOT_YET_EFFECTIVE));
    const cover = got.pdf.pages[0].text;
    expect(cover).toContain('Hoàng Thị Phó');
    expect(cover).toContain('KT. GIÁM ĐỐC');
    expect(cover).toContain(`Có hiệu lực từ ngày ${later.slice(8, 10)} tháng`);
  });

  it('withdrawal makes the effective copy obsolete (HẾT HIỆU LỰC); 404 for unknown revisions, 400 for bad ids', async () => {
    const d = await newProcedure(t, c);
    await toEffective(w, c, d.revisionId);
    await waitForRendition(t, c.staff, d.revisionId);
    expect((await w.withdraw(c.head, d.id, 'Thủ tục hành chính đã bị bãi bỏ')).status).toBe(200);
    const obsolete = await waitForRendition(t, c.auditor, d.revisionId);
    expect(obsolete.pdf.info.Custom?.EisoRevisionState).toBe('obsolete');
    expect(watermarks(obsolete.pdf).flat()).toEqual(obsolete.pdf.pages.map(() => WATERMARK_OBSOLETE));
    expect((await getRendition(t, c.staff, d.revisionId)).status).toBe(404);
    expect((await getRendition(t, c.staff, randomUUID())).status).toBe(404);
    expect((await fetchBinary(t, c.staff, '/revisions/not-a-uuid/rendition')).status).toBe(400);
  });
});
