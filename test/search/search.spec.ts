import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { OPEN_STATES, REVISION_STATES } from '../../src/documents/document-types.js';
import { FileTexts } from '../../src/search/file-texts.service.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from '../support/fixtures.js';
import { makeEffective } from '../support/lifecycle.js';
import { docx, zip } from '../documents/samples.js';
import { marker, procedureContent } from './helpers.js';

const API = '/api/v1';
const require = createRequire(import.meta.url);

/** A PDF whose pages carry `lines` as real text (DejaVu Sans, Vietnamese intact). */
async function vietnamesePdf(lines: string[], pages = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    lines.forEach((l, i) => page.drawText(l, { x: 50, y: 780 - i * 20, size: 12, font }));
  }
  return Buffer.from(await doc.save());
}

/** A "scan": a page with a picture-like rectangle and no text layer. */
async function scannedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawRectangle({ x: 40, y: 40, width: 500, height: 700, color: rgb(0.8, 0.8, 0.8) });
  return Buffer.from(await doc.save());
}


describe('search inside files', () => {
  let t: TestApp;
  let f: Fixtures;
  let agency: TestAgency;
  let drafter: TestUser;
  let staff: TestUser;
  let supervisor: TestUser;
  let outsider: TestUser;

  const create = async (body: Record<string, unknown>) => {
    const res = await t.http
      .post(`${API}/documents`)
      .set(bearer(drafter.token))
      .send({ agencyId: agency.id, code: `TL-${randomBytes(3).toString('hex').toUpperCase()}`, title: 'Tài liệu', ...body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id as string, draftId: res.body.openDraft.id as string };
  };
  /** Uploads and extracts at once (the job's own method), returning the file's text state. */
  const attach = async (revisionId: string, filename: string, bytes: Buffer, role: 'source' | 'attachment' = 'attachment') => {
    const res = await t.http.post(`${API}/revisions/${revisionId}/files?role=${role}`).set(bearer(drafter.token)).attach('file', bytes, { filename });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    return t.app.get(FileTexts).extract(res.body.sha256);
  };
  const search = async (u: TestUser, q: string) => {
    const res = await t.http.get(`${API}/documents`).query({ q }).set(bearer(u.token));
    expect(res.status).toBe(200);
    return res.body.items as { id: string; matches: { in: string; snippet: string; filename?: string }[] }[];
  };

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    const tree = await f.agencyTree();
    agency = tree.department;
    [drafter, staff, supervisor, outsider] = await Promise.all([
      f.user({ [agency.id]: ['drafter'] }),
      f.user({ [agency.id]: ['staff'] }),
      f.user({ [tree.province.id]: ['supervisor'] }),
      f.user({ [(await f.agency({ level: 'department', parentId: tree.province.id })).id]: ['staff'] }),
    ]);
  });
  afterAll(() => t.close());

  it('the search vectors follow the same open states as the register (one list: OPEN_STATES)', async () => {
    const rows = await t.db.query<{ state: string; class: string | null }[]>(`SELECT s AS state, revision_search_class(s) AS class FROM unnest($1::text[]) s`, [[...REVISION_STATES]]);
    expect(Object.fromEntries(rows.map((r) => [r.state, r.class]))).toEqual(
      Object.fromEntries(REVISION_STATES.map((st) => [st, st === 'effective' ? 'in_force' : OPEN_STATES.includes(st) ? 'open' : null])),
    );
  });

  it('the indexes every search reads keep a short GIN pending list (each scan reads it whole)', async () => {
    const rows = await t.db.query<{ name: string; options: string[] | null }[]>(
      `SELECT c.relname AS name, c.reloptions AS options FROM pg_class c WHERE c.relname = ANY($1) ORDER BY c.relname`,
      [['document_search_in_force_idx', 'document_search_open_idx', 'documents_search_idx']],
    );
    expect(rows).toEqual(['document_search_in_force_idx', 'document_search_open_idx', 'documents_search_idx'].map((name) => ({ name, options: ['gin_pending_list_limit=256'] })));
  });

  it('extracts a Vietnamese PDF: words typed without accents find the document, with a highlighted snippet', async () => {
    const m = marker();
    const doc = await create({ type: 'manual', title: 'Sổ tay chất lượng' });
    expect(await attach(doc.draftId, 'so-tay.pdf', await vietnamesePdf([`Hồ sơ đề nghị cấp giấy phép khai thác khoáng sản ${m}`, 'Trách nhiệm của Phòng Tài nguyên']), 'source')).toBe('done');
    await makeEffective(t, doc.draftId);
    const hits = await search(staff, `khoang san ${m}`);
    expect(hits.map((h) => h.id)).toEqual([doc.id]);
    expect(hits[0].matches).toEqual([expect.objectContaining({ in: 'file', filename: 'so-tay.pdf' })]);
    expect(hits[0].matches[0].snippet).toContain('<mark>khoáng</mark> <mark>sản</mark>');
    // Supervisors of an ancestor find it; strangers do not.
    expect((await search(supervisor, `khai thac ${m}`)).map((h) => h.id)).toEqual([doc.id]);
    expect(await search(outsider, m)).toEqual([]);
  });

  it('extracts DOCX text, accent-insensitively', async () => {
    const m = marker();
    const doc = await create({ type: 'form', procedureId: (await create({ type: 'procedure', content: procedureContent() })).id, title: 'Biểu mẫu biên bản' });
    expect(await attach(doc.draftId, 'bien-ban.docx', docx(`Biên bản kiểm tra hiện trường ${m}`), 'source')).toBe('done');
    await makeEffective(t, doc.draftId);
    const hits = await search(staff, `bien ban kiem tra hien truong ${m}`);
    expect(hits.map((h) => h.id)).toEqual([doc.id]);
    expect(hits[0].matches[0]).toMatchObject({ in: 'file', filename: 'bien-ban.docx' });
    expect(hits[0].matches[0].snippet).toContain('<mark>Biên</mark>');
  });

  it("staff never match a draft's file or content; those who may read drafts do", async () => {
    const m = marker();
    const doc = await create({ type: 'procedure', content: procedureContent() });
    await makeEffective(t, doc.draftId);
    const next = await t.http.post(`${API}/documents/${doc.id}/revisions`).set(bearer(drafter.token)).send({ content: procedureContent(`Thẩm định hồ sơ ${m}`), changeSummary: 'Bổ sung' });
    expect(next.status).toBe(201);
    expect(await attach(next.body.id, 'du-thao.pdf', await vietnamesePdf([`Dự thảo quy trình mới ${m} thẩm định`]))).toBe('done');
    expect(await search(staff, m)).toEqual([]);
    expect(await search(staff, `tham dinh ${m}`)).toEqual([]);
    const mine = await search(drafter, `tham dinh ${m}`);
    expect(mine.map((h) => h.id)).toEqual([doc.id]);
    expect(mine[0].matches.map((x) => x.in).sort()).toEqual(['content', 'file']);
    expect(mine[0].matches.find((x) => x.in === 'content')!.snippet).toContain('<mark>Thẩm</mark> <mark>định</mark>');
  });

  it('titles and codes still match by substring, with the match marked', async () => {
    const m = marker();
    const doc = await create({ type: 'procedure', title: `Quy trình cấp phép ${m}`, content: procedureContent() });
    await makeEffective(t, doc.draftId);
    const hits = await search(staff, `cap phep ${m}`);
    expect(hits[0].matches).toEqual([{ in: 'title', snippet: `Quy trình <mark>cấp</mark> <mark>phép</mark> <mark>${m}</mark>` }]);
  });

  it("document_search carries its document's code and agency, and follows a change of either", async () => {
    const m = marker();
    const doc = await create({ type: 'procedure', title: `Quy trình ${m}`, content: procedureContent() });
    const row = async () => (await t.db.query<{ code_key: string; agency_id: string }[]>(`SELECT code_key, agency_id FROM document_search WHERE document_id = $1`, [doc.id]))[0];
    const [d] = await t.db.query<{ code_key: string; agency_id: string }[]>(`SELECT code_key, agency_id FROM documents WHERE id = $1`, [doc.id]);
    expect(await row()).toEqual({ code_key: d.code_key, agency_id: d.agency_id });
    await t.db.query(`UPDATE documents SET code_key = $2 WHERE id = $1`, [doc.id, `${d.code_key}-x`]);
    expect((await row()).code_key).toBe(`${d.code_key}-x`);
  });

  it('the public list searches files of documents in force, never of documents that are not public', async () => {
    const m = marker();
    const pub = await create({ type: 'procedure', tthcCode: '1.001193', content: procedureContent() });
    await attach(pub.draftId, 'quy-trinh.pdf', await vietnamesePdf([`Quy trình công khai ${m}`]));
    await makeEffective(t, pub.draftId);
    const internal = await create({ type: 'manual' });
    await attach(internal.draftId, 'noi-bo.pdf', await vietnamesePdf([`Tài liệu nội bộ ${m}`]), 'source');
    await makeEffective(t, internal.draftId);
    const draftOnly = await create({ type: 'procedure', tthcCode: '1.001194', content: procedureContent() });
    await attach(draftOnly.draftId, 'chua.pdf', await vietnamesePdf([`Chưa ban hành ${m}`]));
    const agencyCode = (await t.http.get(`${API}/agencies/${agency.id}`).set(bearer(drafter.token))).body.code;
    const res = await t.http.get(`${API}/public/agencies/${agencyCode}/documents`).query({ q: m });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].matches).toEqual([expect.objectContaining({ in: 'file', filename: 'quy-trinh.pdf' })]);
    expect(res.body.items[0].matches[0].snippet).toContain(`công khai <mark>${m}</mark>`);
  });

  it('the searched words follow the revision in force: a new revision taking effect replaces the old words', async () => {
    const [old, fresh] = [marker(), marker()];
    const doc = await create({ type: 'procedure', content: procedureContent(`Quy định cũ ${old}`) });
    await makeEffective(t, doc.draftId);
    expect((await search(staff, old)).map((h) => h.id)).toEqual([doc.id]);
    const next = await t.http.post(`${API}/documents/${doc.id}/revisions`).set(bearer(drafter.token)).send({ content: procedureContent(`Quy định mới ${fresh}`), changeSummary: 'Sửa đổi' });
    expect(next.status).toBe(201);
    expect(await attach(next.body.id, 'moi.docx', docx(`Phụ lục ${fresh}`))).toBe('done');
    expect(await search(staff, fresh)).toEqual([]);
    expect((await search(drafter, fresh)).map((h) => h.id)).toEqual([doc.id]);
    await makeEffective(t, next.body.id);
    const hits = await search(staff, fresh);
    expect(hits.map((h) => h.id)).toEqual([doc.id]);
    expect(hits[0].matches.map((m) => m.in)).toEqual(['content', 'file']);
    // The superseded revision's words no longer find the document, for anyone.
    expect(await search(staff, old)).toEqual([]);
    expect(await search(drafter, old)).toEqual([]);
  });

  it("a draft's words follow each save of its content: the new words find it with their snippet, the old ones no longer", async () => {
    const [before, after] = [marker(), marker()];
    const doc = await create({ type: 'procedure', content: procedureContent(`Quy định ${before} trình tự`) });
    expect((await search(drafter, before))[0].matches).toEqual([{ in: 'content', snippet: expect.stringContaining(`<mark>${before}</mark>`) }]);
    const current = await t.http.get(`${API}/revisions/${doc.draftId}`).set(bearer(drafter.token));
    await t.http
      .patch(`${API}/revisions/${doc.draftId}`)
      .set(bearer(drafter.token))
      .set('If-Match', current.headers.etag)
      .send({ content: procedureContent(`Quy định ${after} trình tự`) })
      .expect(200);
    expect(await search(drafter, before)).toEqual([]);
    const hits = await search(drafter, after);
    expect(hits.map((h) => h.id)).toEqual([doc.id]);
    expect(hits[0].matches).toEqual([{ in: 'content', snippet: expect.stringContaining(`<mark>${after}</mark>`) }]);
    // Every revision's kept words are those of its content (migration RevisionContentVector).
    const [{ stale }] = await t.db.query<{ stale: number }[]>(
      `SELECT count(*)::int AS stale FROM revisions WHERE content_tsv IS DISTINCT FROM jsonb_to_tsvector('vn_unaccent'::regconfig, content, '["string"]')`,
    );
    expect(stale).toBe(0);
  });

  it('words spread over the content and a file of the revision find it, each place showing its words', async () => {
    const [a, b] = [marker(), marker()];
    const doc = await create({ type: 'procedure', content: procedureContent(`Mục đích ${a}`) });
    expect(await attach(doc.draftId, 'phu-luc.docx', docx(`Phụ lục ${b}`))).toBe('done');
    await makeEffective(t, doc.draftId);
    const hits = await search(staff, `${a} ${b}`);
    expect(hits.map((h) => h.id)).toEqual([doc.id]);
    expect(hits[0].matches).toEqual([
      { in: 'content', snippet: expect.stringContaining(`<mark>${a}</mark>`) },
      { in: 'file', filename: 'phu-luc.docx', snippet: expect.stringContaining(`<mark>${b}</mark>`) },
    ]);
  });

  it('a word deep inside a long file is found and its snippet shows it', async () => {
    const m = marker();
    const filler = Array.from({ length: 4000 }, (_, i) => `đoạn văn bản số ${i} về thủ tục hành chính`).join(' ');
    const doc = await create({ type: 'manual' });
    expect(await attach(doc.draftId, 'dai.docx', docx(`${filler} Kết luận thanh tra ${m} cuối tài liệu`), 'source')).toBe('done');
    await makeEffective(t, doc.draftId);
    const hits = await search(staff, `thanh tra ${m}`);
    expect(hits.map((h) => h.id)).toEqual([doc.id]);
    expect(hits[0].matches[0]).toMatchObject({ in: 'file', filename: 'dai.docx' });
    expect(hits[0].matches[0].snippet).toContain(`<mark>thanh</mark> <mark>tra</mark> <mark>${m}</mark>`);
    expect(hits[0].matches[0].snippet.length).toBeLessThan(1000);
  });

  it('a scanned PDF is no_text; a zip bomb in a DOCX is refused (failed) without inflating it; same bytes are extracted once', async () => {
    const doc = await create({ type: 'manual' });
    const scan = await scannedPdf();
    expect(await attach(doc.draftId, 'scan.pdf', scan)).toBe('no_text');
    const bomb = zip([
      { name: '[Content_Types].xml', data: '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>', deflate: true },
      { name: '_rels/.rels', data: '<Relationships/>', deflate: true },
      { name: 'word/document.xml', data: Buffer.alloc(40 * 1024 * 1024, 0x20), deflate: true },
    ]);
    expect(await attach(doc.draftId, 'bomb.docx', bomb)).toBe('failed');
    const [row] = await t.db.query<{ last_error: string }[]>(`SELECT last_error FROM file_texts WHERE state = 'failed' ORDER BY extracted_at DESC LIMIT 1`);
    expect(row.last_error).toMatch(/refused: .*inflates more than/);
    const again = await t.http.post(`${API}/revisions/${doc.draftId}/files`).set(bearer(drafter.token)).attach('file', scan, { filename: 'scan-2.pdf' });
    expect(again.status).toBe(201);
    expect(await t.app.get(FileTexts).state(again.body.sha256)).toBe('no_text');
  });
});
