import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentStore } from '../../src/documents/content-store.js';
import { ObjectMaintenance } from '../../src/documents/object-maintenance.js';
import { contentObjectKey } from '../../src/storage/object-keys.js';
import { ObjectStorage } from '../../src/storage/object-storage.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { API, binary, Cast, cast, code, createDocument, listen, makeEffective, repeatedChunks, streamUpload, uploadFile } from './helpers.js';
import { compoundFile, docx, exe, jpeg, odf, pdf, png, xlsx } from './samples.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Polls `cond` every 25 ms until it holds or `ms` pass; returns whether it held. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) if (cond()) return true;
  return cond();
}

function filenameStar(disposition: string): string {
  const m = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  return m ? decodeURIComponent(m[1]) : '';
}

describe('documents: files in object storage', () => {
  let t: TestApp;
  let small: TestApp;
  let f: Fixtures;
  let c: Cast;
  let dataDir: string;
  let smallDir: string;
  let storage: ObjectStorage;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'eiso-files-'));
    smallDir = mkdtempSync(join(tmpdir(), 'eiso-files-small-'));
    t = await createTestApp({ DATA_DIR: dataDir });
    small = await createTestApp({ DATA_DIR: smallDir, MAX_UPLOAD_SIZE: '1mb' });
    f = new Fixtures(t);
    c = await cast(f);
    storage = t.app.get(ObjectStorage);
  });
  afterAll(async () => {
    await Promise.all([t.close(), small.close()]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(smallDir, { recursive: true, force: true });
  });

  const tmpFiles = (dir: string) => {
    try {
      return readdirSync(join(dir, 'tmp'));
    } catch {
      return [];
    }
  };
  const draft = (type = 'other') => createDocument(t, c.drafter, { agencyId: c.agency.id, type, code: code('TL'), title: 'Tài liệu có tệp' });

  it("adding or removing a file moves the revision's version and ETag on (If-None-Match no longer matches)", async () => {
    const d = await draft();
    const url = `${API}/revisions/${d.draftId}`;
    const before = await t.http.get(url).set(bearer(c.drafter.token));
    expect(before.status).toBe(200);
    const up = await uploadFile(t, c.drafter, d.draftId, 'mau.pdf', pdf(randomUUID()), 'attachment');
    expect(up.status).toBe(201);
    const added = await t.http.get(url).set(bearer(c.drafter.token)).set('If-None-Match', before.headers.etag);
    expect(added.status).toBe(200);
    expect(added.headers.etag).not.toBe(before.headers.etag);
    expect(added.body.version).toBe(before.body.version + 1);
    expect(added.body.files.map((x: { id: string }) => x.id)).toEqual([up.body.id]);
    const del = await t.http.delete(`${url}/files/${up.body.id}`).set(bearer(c.drafter.token));
    expect(del.status).toBe(204);
    const removed = await t.http.get(url).set(bearer(c.drafter.token)).set('If-None-Match', added.headers.etag);
    expect(removed.status).toBe(200);
    expect(removed.body.version).toBe(before.body.version + 2);
    expect(removed.body.files).toEqual([]);
  });

  it('uploads a file with a Vietnamese name and returns it byte for byte, with the name in filename*', async () => {
    const d = await draft();
    const name = 'Biểu mẫu đăng ký hộ kinh doanh (lần 2).docx';
    const bytes = docx(randomUUID());
    const res = await uploadFile(t, c.drafter, d.draftId, `C:\\fakepath\\${name.normalize('NFD')}`, bytes, 'source');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      filename: name,
      mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      size: bytes.length,
      sha256: sha256(bytes),
      role: 'source',
      revisionId: d.draftId,
    });
    expect(res.headers.location).toBe(`/api/v1/revisions/${d.draftId}/files/${res.body.id}`);
    const dl = await t.http.get(`${API}/revisions/${d.draftId}/files/${res.body.id}`).set(bearer(c.drafter.token)).buffer(true).parse(binary);
    expect(dl.status).toBe(200);
    expect(Buffer.compare(dl.body, bytes)).toBe(0);
    expect(dl.headers.etag).toBe(`"${sha256(bytes)}"`);
    expect(dl.headers['content-length']).toBe(String(bytes.length));
    expect(dl.headers['accept-ranges']).toBe('bytes');
    expect(dl.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(filenameStar(dl.headers['content-disposition'])).toBe(name);
    expect(dl.headers['content-disposition']).toContain('filename="Bieu mau dang ky ho kinh doanh (lan 2).docx"');
    const rev = await t.http.get(`${API}/revisions/${d.draftId}`).set(bearer(c.drafter.token));
    expect(rev.body.files).toEqual([expect.objectContaining({ id: res.body.id, filename: name, role: 'source', sha256: sha256(bytes) })]);
    const events = await t.db.query<{ changes: { sha256: string; filename: string } }[]>(
      `SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'file.added'`,
      [d.draftId],
    );
    expect(events[0].changes).toMatchObject({ sha256: sha256(bytes), filename: name });
    expect(tmpFiles(dataDir)).toEqual([]);
  });

  it.each([
    ['xlsx', xlsx(), 'Bảng tính.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['odt', odf('text'), 'Văn bản.odt', 'application/vnd.oasis.opendocument.text'],
    ['ods', odf('spreadsheet'), 'Bảng.ods', 'application/vnd.oasis.opendocument.spreadsheet'],
    ['doc', compoundFile('WordDocument'), 'Cũ.doc', 'application/msword'],
    ['xls', compoundFile('Workbook'), 'Cũ.xls', 'application/vnd.ms-excel'],
    ['png (named .pdf)', png(), 'ảnh.pdf', 'image/png'],
    ['jpeg', jpeg(), 'ảnh chụp.jpg', 'image/jpeg'],
    ['pdf (named .docx)', pdf(), 'quy trình.docx', 'application/pdf'],
  ])('accepts %s, typed by its bytes', async (_kind, bytes, name, mediaType) => {
    const d = await draft();
    const res = await uploadFile(t, c.drafter, d.draftId, name, bytes, 'attachment');
    expect(res.status).toBe(201);
    expect(res.body.mediaType).toBe(mediaType);
  });

  it('refuses an .exe renamed .pdf (415) and stores nothing', async () => {
    const d = await draft();
    const bytes = exe();
    const res = await uploadFile(t, c.drafter, d.draftId, 'hồ sơ.pdf', bytes, 'source');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
    expect(await t.db.query('SELECT 1 FROM revision_files WHERE revision_id = $1', [d.draftId])).toHaveLength(0);
    expect(await t.db.query('SELECT 1 FROM stored_objects WHERE sha256 = $1', [sha256(bytes)])).toHaveLength(0);
    expect(await storage.stat(contentObjectKey(sha256(bytes)))).toBeNull();
    expect(tmpFiles(dataDir)).toEqual([]);
  });

  it('refuses bad multipart requests with 4xx', async () => {
    const d = await draft();
    const noFile = await t.http.post(`${API}/revisions/${d.draftId}/files`).set(bearer(c.drafter.token)).field('x', 'y');
    expect(noFile.status).toBe(400);
    const json = await t.http.post(`${API}/revisions/${d.draftId}/files`).set(bearer(c.drafter.token)).send({ file: 'x' });
    expect(json.status).toBe(415);
    const role = await t.http.post(`${API}/revisions/${d.draftId}/files?role=main`).set(bearer(c.drafter.token)).attach('file', pdf(), 'a.pdf');
    expect(role.status).toBe(400);
    const empty = await uploadFile(t, c.drafter, d.draftId, 'trống.pdf', Buffer.alloc(0));
    expect(empty.status).toBe(400);
  });

  it('leaves no temporary file when the client aborts mid-body', async () => {
    const d = await draft();
    const port = await listen(t);
    // The client sends part of the file, then goes away.
    const boundary = `----eiso${randomBytes(6).toString('hex')}`;
    const aborted = httpRequest({
      host: '127.0.0.1',
      agent: false, // a connection of its own (see streamUpload)
      port,
      path: `${API}/revisions/${d.draftId}/files`,
      method: 'POST',
      headers: { Authorization: `Bearer ${c.drafter.token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(10 * 1024 * 1024) },
    });
    aborted.on('error', () => undefined);
    aborted.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dở dang.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
    aborted.write(Buffer.alloc(512 * 1024, 0x41));
    await until(() => tmpFiles(dataDir).length > 0, 5000);
    aborted.destroy();
    expect(await until(() => tmpFiles(dataDir).length === 0, 5000)).toBe(true);
  });

  it('size limit: 413 from Content-Length before the body is read, and when the stream runs over', async () => {
    const s = new Fixtures(small);
    const agency = await s.agency();
    const u = await s.user({ [agency.id]: ['drafter'] });
    const d = await createDocument(small, u, { agencyId: agency.id, type: 'other', code: code('TL'), title: 'Giới hạn' });
    const port = await listen(small);
    // The body never ends: only an answer given before reading it can arrive.
    async function* stalled() {
      yield Buffer.from('%PDF-1.7\n');
      await new Promise((r) => setTimeout(r, 60_000).unref());
    }
    const declared = await streamUpload({ port, path: `${API}/revisions/${d.draftId}/files`, token: u.token, filename: 'lớn.pdf', chunks: stalled(), declaredLength: 50 * 1024 * 1024 });
    expect(declared.status).toBe(413);
    expect(declared.body.code).toBe('payload_too_large');
    // Chunked (no Content-Length): cut when the file passes 1 MB.
    const over = await streamUpload({ port, path: `${API}/revisions/${d.draftId}/files`, token: u.token, filename: 'lớn.pdf', chunks: repeatedChunks(Buffer.from('%PDF-1.7\n'), 3 * 1024 * 1024, 64 * 1024) });
    expect(over.status).toBe(413);
    expect(over.headers.connection).toBe('close');
    expect(await small.db.query('SELECT 1 FROM revision_files WHERE revision_id = $1', [d.draftId])).toHaveLength(0);
    // Under the limit it works on the same app.
    const ok = await uploadFile(small, u, d.draftId, 'nhỏ.pdf', pdf(randomUUID()));
    expect(ok.status).toBe(201);
    await new Promise((r) => setTimeout(r, 200));
    expect(tmpFiles(smallDir)).toEqual([]);
  });

  it('stores identical bytes once (dedup by content address)', async () => {
    const [a, b] = [await draft(), await draft()];
    const bytes = pdf(randomUUID());
    const first = await uploadFile(t, c.drafter, a.draftId, 'Quy trình.pdf', bytes, 'source');
    const second = await uploadFile(t, c.secretary, b.draftId, 'Bản sao.pdf', bytes, 'source');
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.sha256).toBe(first.body.sha256);
    expect(second.body.id).not.toBe(first.body.id);
    const rows = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM stored_objects WHERE sha256 = $1', [first.body.sha256]);
    expect(rows[0].n).toBe(1);
    const listed: string[] = [];
    const key = contentObjectKey(first.body.sha256);
    for await (const o of storage.list(key.slice(0, key.lastIndexOf('/') + 1))) if (o.key === key) listed.push(o.key);
    expect(listed).toEqual([key]);
    // Whether the bytes were already stored is never told (it would tell across agencies: test/security/records.spec.ts).
    const ev = await t.db.query<{ changes: Record<string, unknown> }[]>(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'file.added'`, [b.draftId]);
    expect(ev[0].changes).not.toHaveProperty('deduplicated');
  });

  it('serves byte ranges (206/416), honours If-None-Match (304) and If-Range', async () => {
    const d = await draft();
    const bytes = pdf(`range ${randomUUID()}`);
    const up = await uploadFile(t, c.drafter, d.draftId, 'range.pdf', bytes);
    const url = `${API}/revisions/${d.draftId}/files/${up.body.id}`;
    const get = () => t.http.get(url).set(bearer(c.drafter.token)).buffer(true).parse(binary);
    const head4 = await get().set('Range', 'bytes=0-3');
    expect(head4.status).toBe(206);
    expect(head4.headers['content-range']).toBe(`bytes 0-3/${bytes.length}`);
    expect(head4.headers['content-length']).toBe('4');
    expect(head4.body.toString('latin1')).toBe('%PDF');
    const tail = await get().set('Range', 'bytes=-6');
    expect(tail.status).toBe(206);
    expect(Buffer.compare(tail.body, bytes.subarray(bytes.length - 6))).toBe(0);
    const middle = await get().set('Range', `bytes=5-${bytes.length + 100}`);
    expect(Buffer.compare(middle.body, bytes.subarray(5))).toBe(0);
    const outside = await t.http.get(url).set(bearer(c.drafter.token)).set('Range', `bytes=${bytes.length}-`);
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${bytes.length}`);
    // Unsatisfiable ranges are 416; malformed ones are ignored (the whole file), never a 500.
    for (const range of ['bytes=-0', 'bytes=99999999999999999999999-']) expect((await t.http.get(url).set(bearer(c.drafter.token)).set('Range', range)).status).toBe(416);
    for (const range of ['bytes=abc', 'bytes=5-2', 'bytes=-', 'bytes=0-1,4-5', 'bytes=1.5-2', 'pages=1-2']) {
      const whole = await get().set('Range', range);
      expect([range, whole.status, whole.body.length]).toEqual([range, 200, bytes.length]);
    }
    const etag = `"${sha256(bytes)}"`;
    const cached = await t.http.get(url).set(bearer(c.drafter.token)).set('If-None-Match', etag);
    expect(cached.status).toBe(304);
    expect(cached.headers.etag).toBe(etag);
    const changed = await get().set('Range', 'bytes=0-3').set('If-Range', '"other"');
    expect(changed.status).toBe(200);
    expect(changed.body.length).toBe(bytes.length);
  });

  it('one source file per revision; files change on drafts only', async () => {
    const d = await draft('form').catch(() => null);
    expect(d).toBeNull(); // a form needs a procedure
    const proc = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình' });
    const form = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'form', code: code('BM'), title: 'Mẫu', procedureId: proc.id });
    const a = await uploadFile(t, c.drafter, form.draftId, 'mẫu.docx', docx(randomUUID()), 'source');
    const b = await uploadFile(t, c.drafter, form.draftId, 'mẫu 2.docx', docx(randomUUID()), 'source');
    expect(b.status).toBe(409);
    expect(b.body.code).toBe('source_file_exists');
    await t.http.delete(`${API}/revisions/${form.draftId}/files/${a.body.id}`).set(bearer(c.drafter.token)).expect(204);
    const removed = await t.db.query(`SELECT 1 FROM audit_events WHERE entity_id = $1 AND action = 'file.removed'`, [form.draftId]);
    expect(removed).toHaveLength(1);
    const again = await uploadFile(t, c.drafter, form.draftId, 'mẫu 3.docx', docx(randomUUID()), 'source');
    expect(again.status).toBe(201);
    await makeEffective(t, form.draftId);
    const late = await uploadFile(t, c.drafter, form.draftId, 'muộn.pdf', pdf(randomUUID()), 'attachment');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('revision_not_draft');
    const del = await t.http.delete(`${API}/revisions/${form.draftId}/files/${again.body.id}`).set(bearer(c.drafter.token));
    expect(del.status).toBe(409);
    expect((await t.http.delete(`${API}/revisions/${form.draftId}/files/${randomUUID()}`).set(bearer(c.drafter.token))).status).toBe(404);
  });

  it('serves the current source file, records who took it; the controlled copy is the default variant (renditions)', async () => {
    const proc = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình' });
    const form = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'form', code: code('BM'), title: 'Mẫu tờ khai', procedureId: proc.id });
    const bytes = docx(randomUUID());
    await uploadFile(t, c.drafter, form.draftId, 'Tờ khai.docx', bytes, 'source');
    // Draft downloads are not recorded as taking a controlled document.
    const draftFiles = (await t.http.get(`${API}/revisions/${form.draftId}`).set(bearer(c.drafter.token))).body.files;
    await t.http.get(`${API}/revisions/${form.draftId}/files/${draftFiles[0].id}`).set(bearer(c.drafter.token)).expect(200);
    // No effective revision yet: 404 for everyone, a plain not_found for staff.
    for (const q of ['?variant=source', '?variant=controlled']) {
      const staffRes = await t.http.get(`${API}/documents/${form.id}/current/file${q}`).set(bearer(c.staff.token));
      expect([staffRes.status, staffRes.body.code]).toEqual([404, 'not_found']);
      const drafterRes = await t.http.get(`${API}/documents/${form.id}/current/file${q}`).set(bearer(c.drafter.token));
      expect([drafterRes.status, drafterRes.body.code]).toEqual([404, 'no_effective_revision']);
    }
    await makeEffective(t, form.draftId);
    expect((await t.http.get(`${API}/documents/${form.id}/current/file?variant=source`).set(bearer(c.staff.token)).buffer(true).parse(binary)).body).toEqual(bytes);
    const ev = await t.db.query<{ actor_id: string; entity_id: string; changes: Record<string, unknown> }[]>(
      `SELECT actor_id, entity_id, changes FROM audit_events WHERE action = 'file.downloaded' AND changes->>'documentId' = $1`,
      [form.id],
    );
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ actor_id: c.staff.id, entity_id: form.draftId, changes: { revisionNumber: 1, variant: 'source', sha256: sha256(bytes) } });
    for (const q of ['?variant=controlled', '']) {
      // Rendered by the render queue (test/renditions): 202 while pending, then the PDF.
      const res = await t.http.get(`${API}/documents/${form.id}/current/file${q}`).set(bearer(c.staff.token));
      expect([200, 202]).toContain(res.status);
      if (res.status === 202) expect(res.body.status).toBe('pending');
    }
    expect((await t.http.get(`${API}/documents/${form.id}/current/file?variant=original`).set(bearer(c.staff.token))).status).toBe(400);
    // A new draft with another source file changes nothing of the current file.
    const draft2 = await t.http.post(`${API}/documents/${form.id}/revisions`).set(bearer(c.drafter.token)).send({ changeSummary: 'Mẫu mới' });
    await t.http.delete(`${API}/revisions/${draft2.body.id}/files/${draft2.body.files[0].id}`).set(bearer(c.drafter.token)).expect(204);
    expect((await uploadFile(t, c.drafter, draft2.body.id, 'Tờ khai mới.docx', docx(randomUUID()), 'source')).status).toBe(201);
    const still = await t.http.get(`${API}/documents/${form.id}/current/file?variant=source`).set(bearer(c.drafter.token)).buffer(true).parse(binary);
    expect(Buffer.compare(still.body, bytes)).toBe(0);
    expect(filenameStar(still.headers['content-disposition'])).toBe('Tờ khai.docx');
    await makeEffective(t, proc.draftId);
    const noSource = await t.http.get(`${API}/documents/${proc.id}/current/file?variant=source`).set(bearer(c.staff.token));
    expect(noSource.status).toBe(404);
    expect(noSource.body.code).toBe('source_file_missing');
  });

  it('hides draft files from staff and strangers (404); readers without write get 403 on upload', async () => {
    const d = await draft();
    const up = await uploadFile(t, c.drafter, d.draftId, 'a.pdf', pdf(randomUUID()));
    for (const u of [c.staff, c.otherDrafter]) {
      expect((await uploadFile(t, u, d.draftId, 'x.pdf', pdf())).status).toBe(404);
      expect((await t.http.get(`${API}/revisions/${d.draftId}/files/${up.body.id}`).set(bearer(u.token))).status).toBe(404);
      expect((await t.http.delete(`${API}/revisions/${d.draftId}/files/${up.body.id}`).set(bearer(u.token))).status).toBe(404);
    }
    expect((await uploadFile(t, c.head, d.draftId, 'x.pdf', pdf())).status).toBe(403);
    expect((await t.http.get(`${API}/revisions/${d.draftId}/files/${up.body.id}`).set(bearer(c.head.token))).status).toBe(200);
  });

  it('removes the object again when the record of an upload fails', async () => {
    const d = await draft();
    const trigger = `eiso_test_fail_${randomBytes(4).toString('hex')}`;
    await t.db.query(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.filename = '${trigger}.pdf' THEN RAISE EXCEPTION 'injected failure' USING ERRCODE = 'XX000'; END IF; RETURN NEW; END $$`);
    await t.db.query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON revision_files FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
    try {
      const bytes = pdf(randomUUID());
      const res = await uploadFile(t, c.drafter, d.draftId, `${trigger}.pdf`, bytes);
      expect(res.status).toBe(500);
      expect(await t.db.query('SELECT 1 FROM stored_objects WHERE sha256 = $1', [sha256(bytes)])).toHaveLength(0);
      expect(await storage.stat(contentObjectKey(sha256(bytes)))).toBeNull();
      expect(await t.db.query(`SELECT 1 FROM audit_events WHERE entity_id = $1 AND action = 'file.added'`, [d.draftId])).toHaveLength(0);
    } finally {
      await t.db.query(`DROP TRIGGER ${trigger} ON revision_files`);
      await t.db.query(`DROP FUNCTION ${trigger}()`);
    }
  });

  it('the sweeper removes unreferenced objects older than an hour, and only those', async () => {
    const store = t.app.get(ContentStore);
    const d = await draft();
    const oldBytes = pdf(randomUUID());
    const youngBytes = pdf(randomUUID());
    const oldUp = await uploadFile(t, c.drafter, d.draftId, 'cũ.pdf', oldBytes);
    const youngUp = await uploadFile(t, c.drafter, d.draftId, 'mới.pdf', youngBytes);
    for (const id of [oldUp.body.id, youngUp.body.id]) await t.http.delete(`${API}/revisions/${d.draftId}/files/${id}`).set(bearer(c.drafter.token)).expect(204);
    await t.db.query(`UPDATE stored_objects SET created_at = now() - interval '2 hours' WHERE sha256 = $1`, [sha256(oldBytes)]);
    const result = await store.sweepUnreferencedRows();
    expect(result.rowsRemoved).toBeGreaterThanOrEqual(1);
    expect(await storage.stat(contentObjectKey(sha256(oldBytes)))).toBeNull();
    expect(await t.db.query('SELECT 1 FROM stored_objects WHERE sha256 = $1', [sha256(oldBytes)])).toHaveLength(0);
    expect(await storage.stat(contentObjectKey(sha256(youngBytes)))).not.toBeNull();
    // Objects in S3 the registry does not know (a crash between upload and record).
    const stray = pdf(randomUUID());
    await storage.putBytes(contentObjectKey(sha256(stray)), stray, 'application/pdf');
    await store.sweepUnregisteredObjects();
    expect(await storage.stat(contentObjectKey(sha256(stray)))).not.toBeNull();
    await store.sweepUnregisteredObjects({ minAgeMs: 0 });
    expect(await storage.stat(contentObjectKey(sha256(stray)))).toBeNull();
    // A referenced object survives any sweep.
    const kept = await uploadFile(t, c.drafter, d.draftId, 'giữ.pdf', pdf(randomUUID()));
    await t.db.query(`UPDATE stored_objects SET created_at = now() - interval '2 hours' WHERE sha256 = $1`, [kept.body.sha256]);
    await store.sweepUnreferencedRows();
    await store.sweepUnregisteredObjects({ minAgeMs: 0 });
    expect(await storage.stat(contentObjectKey(kept.body.sha256))).not.toBeNull();
  });

  it('the scrub job re-hashes stored objects and reports a mismatch', async () => {
    const d = await draft();
    const good = await uploadFile(t, c.drafter, d.draftId, 'tốt.pdf', pdf(randomUUID()));
    const bad = await uploadFile(t, c.drafter, d.draftId, 'hỏng.pdf', pdf(randomUUID()));
    await storage.putBytes(contentObjectKey(bad.body.sha256), Buffer.from('%PDF-1.7 tampered'), 'application/pdf');
    const result = await t.app.get(ContentStore).scrub({ only: [good.body.sha256, bad.body.sha256] });
    expect(result.checked).toBe(2);
    expect(result.mismatches).toEqual([{ sha256: bad.body.sha256, found: sha256(Buffer.from('%PDF-1.7 tampered')), problem: 'hash_mismatch' }]);
    const rows = await t.db.query<{ sha256: string; verified_at: Date | null; mismatch_at: Date | null }[]>(
      'SELECT sha256, verified_at, mismatch_at FROM stored_objects WHERE sha256 = ANY($1::text[])',
      [[good.body.sha256, bad.body.sha256]],
    );
    const bySha = new Map(rows.map((r) => [r.sha256, r]));
    expect(bySha.get(good.body.sha256)!.verified_at).not.toBeNull();
    expect(bySha.get(good.body.sha256)!.mismatch_at).toBeNull();
    expect(bySha.get(bad.body.sha256)!.mismatch_at).not.toBeNull();
    const ev = await t.db.query<{ changes: { sha256: string; files: { revisionId: string }[] } }[]>(
      `SELECT changes FROM audit_events WHERE action = 'storage.scrub_mismatch' AND changes->>'sha256' = $1`,
      [bad.body.sha256],
    );
    expect(ev).toHaveLength(1);
    expect(ev[0].changes.files).toEqual([expect.objectContaining({ revisionId: d.draftId })]);
    // The scheduled handler runs the same scrub (bounded batch).
    const scheduled = await t.app.get(ObjectMaintenance).scrub();
    expect(scheduled.checked).toBeGreaterThan(0);
    await t.app.get(ContentStore).scrub({ only: [bad.body.sha256] });
    const after = await t.db.query(`SELECT 1 FROM audit_events WHERE action = 'storage.scrub_mismatch' AND changes->>'sha256' = $1`, [bad.body.sha256]);
    expect(after).toHaveLength(1);
  });
});
