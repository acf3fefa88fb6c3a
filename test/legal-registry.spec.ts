import { randomBytes, randomInt } from 'node:crypto';
import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures, TestUser } from './support/fixtures.js';

/** A number no other test file uses: <random>/<year>/QĐ-X<hex>. */
function freshNumber(year = 2014, kind = 'QĐ'): string {
  return `${randomInt(1, 99999)}/${year}/${kind}-X${randomBytes(3).toString('hex').toUpperCase()}`;
}

/** A word that occurs only in this test's titles. */
function marker(): string {
  return `mk${randomBytes(4).toString('hex')}`;
}

describe('legal registry', () => {
  let t: TestApp;
  let f: Fixtures;
  let admin: string;
  let supervisor: TestUser;
  let drafter: TestUser;
  let outsider: TestUser;

  const api = '/api/v1';
  const doc = (over: Record<string, unknown> = {}) => ({
    number: freshNumber(),
    type: 'decision',
    issuer: 'Thủ tướng Chính phủ',
    title: 'Quyết định về việc áp dụng Hệ thống quản lý chất lượng',
    issuedOn: '2014-03-05',
    effectiveFrom: '2014-04-20',
    ...over,
  });
  const create = async (token: string, body: Record<string, unknown>) => {
    const res = await t.http.post(`${api}/legal-documents`).set(bearer(token)).send(body);
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; number: string; status: string; title: string };
  };
  const search = async (token: string, query: Record<string, string | number>) => {
    const res = await t.http.get(`${api}/legal-documents`).query(query).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body as { items: { id: string; number: string; title: string; status: string }[]; nextCursor: string | null };
  };
  const relate = (token: string, body: Record<string, unknown>) => t.http.post(`${api}/legal-relations`).set(bearer(token)).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    admin = await f.adminToken();
    const { province, department } = await f.agencyTree();
    supervisor = await f.user({ [province.id]: ['supervisor'] });
    drafter = await f.user({ [department.id]: ['drafter', 'iso_secretary'] });
    outsider = await f.user();
  });
  afterAll(() => t.close());

  describe('numbers', () => {
    it('stores the number as written and refuses the same number in another case or without accents (409)', async () => {
      const number = freshNumber();
      const created = await create(supervisor.token, doc({ number: ` ${number.replace('/', ' / ')} ` }));
      expect(created.number).toBe(number);
      for (const variant of [number.toLowerCase(), number.replace('QĐ', 'QD'), number.normalize('NFD').toUpperCase()]) {
        const dup = await t.http.post(`${api}/legal-documents`).set(bearer(admin)).send(doc({ number: variant }));
        expect(dup.status).toBe(409);
        expect(dup.body.code).toBe('legal_number_taken');
        expect(dup.body.existingId).toBe(created.id);
      }
    });

    it('the database computes the key itself, so a direct insert of a variant spelling is refused too', async () => {
      const number = freshNumber();
      await create(admin, doc({ number }));
      await expect(
        t.db.query(
          `INSERT INTO legal_documents (number, number_key, type, issuer, title, issued_on, effective_from, status)
           VALUES ($1, 'anything', 'decision', 'x', 'y', '2014-01-01', '2014-01-01', 'in_force')`,
          [number.toLowerCase().replace('đ', 'd')],
        ),
      ).rejects.toThrow(/legal_documents_number_key/);
    });

    it('rejects garbage numbers, unknown types and effectiveFrom before issuedOn with 400 field errors', async () => {
      const bad = await t.http.post(`${api}/legal-documents`).set(bearer(admin)).send(doc({ number: 'công văn gửi sở', type: 'memo', effectiveFrom: '2014-03-01' }));
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      const fields = (bad.body.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(['effectiveFrom', 'number', 'type']);
      const date = await t.http.post(`${api}/legal-documents`).set(bearer(admin)).send(doc({ issuedOn: '2014-02-30' }));
      expect(date.status).toBe(400);
      expect(date.body.errors[0].field).toBe('issuedOn');
      const unknown = await t.http.post(`${api}/legal-documents`).set(bearer(admin)).send({ ...doc(), agencyId: 'x' });
      expect(unknown.status).toBe(400);
    });
  });

  describe('types: the code or the Vietnamese name, everywhere a type is taken', () => {
    it('create, update, the list filter and the import accept "Quyết định" as well as "decision"; anything else is a 400 naming type', async () => {
      const m = marker();
      const byLabel = await t.http.post(`${api}/legal-documents`).set(bearer(supervisor.token)).send(doc({ type: 'Quyết định', title: `Quyết định ${m}` }));
      expect(byLabel.status).toBe(201);
      expect(byLabel.body).toMatchObject({ type: 'decision', typeLabel: 'Quyết định' });
      // Case and accents do not matter, as in the import.
      const plain = await create(supervisor.token, doc({ type: 'quyet dinh', title: `Quyết định khác ${m}` }));
      expect(plain).toMatchObject({ type: 'decision' });
      const circular = await create(supervisor.token, doc({ type: 'THÔNG TƯ', number: freshNumber(2014, 'TT'), title: `Thông tư ${m}` }));
      expect(circular).toMatchObject({ type: 'circular' });

      const updated = await t.http.patch(`${api}/legal-documents/${plain.id}`).set(bearer(supervisor.token)).send({ type: 'Chỉ thị' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ type: 'directive', typeLabel: 'Chỉ thị' });
      expect((await t.http.patch(`${api}/legal-documents/${plain.id}`).set(bearer(supervisor.token)).send({ type: 'decision' })).body.type).toBe('decision');

      for (const type of ['decision', 'Quyết định', 'quyết định', 'QUYET DINH']) {
        expect([type, (await search(drafter.token, { q: m, type })).items.map((i) => i.id).sort()]).toEqual([type, [byLabel.body.id, plain.id].sort()]);
      }
      expect((await search(drafter.token, { q: m, type: 'Thông tư' })).items.map((i) => i.id)).toEqual([circular.id]);

      const badFilter = await t.http.get(`${api}/legal-documents`).query({ type: 'memo' }).set(bearer(drafter.token));
      expect(badFilter.status).toBe(400);
      expect(badFilter.body.errors).toEqual([{ field: 'type', message: expect.stringContaining('or its Vietnamese name') }]);
      const badCreate = await t.http.post(`${api}/legal-documents`).set(bearer(supervisor.token)).send(doc({ type: 'Công văn hỏa tốc' }));
      expect(badCreate.status).toBe(400);
      expect(badCreate.body.errors).toEqual([{ field: 'type', message: expect.stringContaining('or its Vietnamese name') }]);
      const badUpdate = await t.http.patch(`${api}/legal-documents/${plain.id}`).set(bearer(supervisor.token)).send({ type: 'memo' });
      expect(badUpdate.status).toBe(400);
      expect(badUpdate.body.errors.map((e: { field: string }) => e.field)).toEqual(['type']);

      const imported = await t.http
        .post(`${api}/legal-documents/import`)
        .set(bearer(supervisor.token))
        .send({ items: [doc({ type: 'Quyết định', title: `Nhập ${m}` }), doc({ type: 'decision', title: `Nhập mã ${m}` })] });
      expect(imported.status).toBe(201);
      expect((await search(drafter.token, { q: `nhap ${m}`, type: 'Quyết định' })).items).toHaveLength(2);

      // The contract says so: the request schemas list the codes and the names.
      const api_ = (await t.http.get('/api/docs-json')).body as { components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> } };
      expect(api_.components.schemas.CreateLegalDocumentRequest.properties.type.enum).toEqual(expect.arrayContaining(['decision', 'Quyết định']));
    });
  });

  describe('permissions', () => {
    it('401 without a token', async () => {
      expect((await t.http.get(`${api}/legal-documents`)).status).toBe(401);
      expect((await t.http.post(`${api}/legal-documents`).send(doc())).status).toBe(401);
      expect((await t.http.post(`${api}/legal-documents/import`).send({ items: [doc()] })).status).toBe(401);
    });

    it('a drafter reads but cannot write (403); a supervisor and the administrator write', async () => {
      const denied = await t.http.post(`${api}/legal-documents`).set(bearer(drafter.token)).send(doc());
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('legal_registry_read_only');
      const created = await create(supervisor.token, doc());
      await create(admin, doc());
      expect((await t.http.patch(`${api}/legal-documents/${created.id}`).set(bearer(drafter.token)).send({ title: 'Khác' })).status).toBe(403);
      expect((await t.http.post(`${api}/legal-documents/import`).set(bearer(drafter.token)).send({ items: [doc()] })).status).toBe(403);
      expect((await relate(drafter.token, { kind: 'repeals', toId: created.id, effectiveFrom: '2020-01-01' })).status).toBe(403);
      for (const reader of [drafter, outsider]) {
        const got = await t.http.get(`${api}/legal-documents/${created.id}`).set(bearer(reader.token));
        expect(got.status).toBe(200);
        expect(got.body).toMatchObject({ id: created.id, type: 'decision', typeLabel: 'Quyết định', status: 'in_force', statusLabel: 'Còn hiệu lực' });
        expect((await t.http.get(`${api}/legal-documents/${created.id}/history`).set(bearer(reader.token))).status).toBe(200);
      }
    });

    it('404 for an unknown id, 400 for a malformed one', async () => {
      expect((await t.http.get(`${api}/legal-documents/00000000-0000-4000-8000-000000000000`).set(bearer(drafter.token))).status).toBe(404);
      expect((await t.http.get(`${api}/legal-documents/not-a-uuid`).set(bearer(drafter.token))).status).toBe(400);
    });
  });

  describe('search', () => {
    it('matches every word of q in the number or title, ignoring accents and case', async () => {
      const m = marker();
      const hit = await create(supervisor.token, doc({ title: `Quyết định về việc áp dụng Hệ thống quản lý chất lượng ${m}` }));
      await create(supervisor.token, doc({ title: `Thông tư quy định về kiểm tra ${m}`, type: 'circular', number: freshNumber(2014, 'TT') }));
      const found = await search(outsider.token, { q: `quyet dinh ap dung he thong ${m}` });
      expect(found.items.map((i) => i.id)).toEqual([hit.id]);
      expect((await search(outsider.token, { q: `QUYẾT ĐỊNH ${m.toUpperCase()}` })).items.map((i) => i.id)).toEqual([hit.id]);
      const byNumber = await search(outsider.token, { q: hit.number.toLowerCase().replace('đ', 'd') });
      expect(byNumber.items.map((i) => i.id)).toEqual([hit.id]);
      expect((await search(outsider.token, { q: `${m} 100%_` })).items).toEqual([]);
    });

    it('filters by status and type, and pages with a cursor', async () => {
      const m = marker();
      const inForce = await create(supervisor.token, doc({ title: `Văn bản ${m}` }));
      const repealed = await create(supervisor.token, doc({ title: `Văn bản ${m}`, status: 'repealed', issuedOn: '2014-05-05', effectiveFrom: '2014-05-05' }));
      const decree = await create(supervisor.token, doc({ title: `Văn bản ${m}`, type: 'decree', number: freshNumber(2014, 'NĐ'), issuedOn: '2014-01-02', effectiveFrom: '2014-02-02' }));
      expect((await search(drafter.token, { q: m, status: 'repealed' })).items.map((i) => i.id)).toEqual([repealed.id]);
      expect((await search(drafter.token, { q: m, status: 'in_force' })).items.map((i) => i.id).sort()).toEqual([inForce.id, decree.id].sort());
      expect((await search(drafter.token, { q: m, type: 'decree' })).items.map((i) => i.id)).toEqual([decree.id]);
      expect((await t.http.get(`${api}/legal-documents`).query({ status: 'dead' }).set(bearer(drafter.token))).status).toBe(400);

      const first = await search(drafter.token, { q: m, limit: 2 });
      expect(first.items.map((i) => i.id)).toEqual([repealed.id, inForce.id]); // newest issue date first
      expect(first.nextCursor).toBeTruthy();
      const second = await search(drafter.token, { q: m, limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((i) => i.id)).toEqual([decree.id]);
      expect(second.nextCursor).toBeNull();
      expect((await t.http.get(`${api}/legal-documents`).query({ cursor: 'garbage' }).set(bearer(drafter.token))).status).toBe(400);
    });
  });

  describe('corrections', () => {
    it('a writer corrects fields (audited, system chain); a duplicate number is 409', async () => {
      const a = await create(supervisor.token, doc());
      const b = await create(supervisor.token, doc());
      const res = await t.http
        .patch(`${api}/legal-documents/${a.id}`)
        .set(bearer(supervisor.token))
        .send({ title: 'Quyết định sửa tên', issuer: 'Chính phủ', effectiveFrom: '2014-05-01', status: 'amended' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'Quyết định sửa tên', issuer: 'Chính phủ', effectiveFrom: '2014-05-01', status: 'amended' });
      const events = await t.db.query<{ action: string; agency_id: string | null; actor_id: string; changes: Record<string, { old: unknown; new: unknown }> }[]>(
        `SELECT action, agency_id, actor_id, changes FROM audit_events WHERE entity_id = $1 ORDER BY seq`,
        [a.id],
      );
      expect(events.map((e) => e.action)).toEqual(['legal_document.created', 'legal_document.updated']);
      expect(events[1]).toMatchObject({ agency_id: null, actor_id: supervisor.id });
      expect(events[1].changes.title).toEqual({ old: 'Quyết định về việc áp dụng Hệ thống quản lý chất lượng', new: 'Quyết định sửa tên' });
      expect(events[0].changes.number).toEqual({ old: null, new: a.number });

      const dup = await t.http.patch(`${api}/legal-documents/${a.id}`).set(bearer(supervisor.token)).send({ number: b.number.toLowerCase() });
      expect(dup.status).toBe(409);
      const bad = await t.http.patch(`${api}/legal-documents/${a.id}`).set(bearer(supervisor.token)).send({ effectiveFrom: '2013-01-01' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'effectiveFrom', message: 'must not be before issuedOn' }]);
    });
  });

  describe('bulk import', () => {
    const importJson = (token: string, body: unknown) => t.http.post(`${api}/legal-documents/import`).set(bearer(token)).send(body as object);
    const importCsv = (token: string, csv: string | Buffer) =>
      t.http.post(`${api}/legal-documents/import`).set(bearer(token)).set('Content-Type', 'text/csv; charset=utf-8').send(typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv);

    it('imports a JSON batch whole, audited once, and the documents are searchable', async () => {
      const m = marker();
      const items = [doc({ title: `Một ${m}` }), doc({ title: `Hai ${m}`, type: 'Thông tư', number: freshNumber(2015, 'TT'), issuedOn: '05/03/2015', effectiveFrom: '2015-04-01' }), doc({ title: `Ba ${m}`, status: 'Bị thay thế' })];
      const res = await importJson(supervisor.token, { items });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ format: 'json', created: 3 });
      const found = await search(drafter.token, { q: m });
      expect(found.items.map((i) => i.title).sort()).toEqual([`Ba ${m}`, `Hai ${m}`, `Một ${m}`]);
      expect(found.items.find((i) => i.title === `Ba ${m}`)!.status).toBe('replaced');
      const linked = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM legal_documents WHERE import_id = $1', [res.body.importId]);
      expect(linked[0].n).toBe(3);
      const audit = await t.db.query<{ agency_id: string | null; changes: { count: number } }[]>(`SELECT agency_id, changes FROM audit_events WHERE action = 'legal_document.imported' AND entity_id = $1`, [res.body.importId]);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ agency_id: null, changes: { count: 3 } });
      // A bare array works too.
      expect((await importJson(admin, [doc()])).status).toBe(201);
    });

    it('imports nothing when one row is bad, and names the row and field (422)', async () => {
      const m = marker();
      const existing = await create(supervisor.token, doc());
      const items = [
        doc({ title: `Tốt ${m}` }),
        doc({ title: `Sai ngày ${m}`, issuedOn: '2014-13-01' }),
        doc({ title: `Tốt nữa ${m}` }),
        doc({ title: `Trùng ${m}`, number: existing.number.toUpperCase() }),
        { ...doc({ title: `Lạ ${m}` }), color: 'red' },
      ];
      items.push(doc({ title: `Lặp ${m}`, number: (items[0].number as string).toLowerCase() }));
      const res = await importJson(supervisor.token, { items });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('legal_import_invalid');
      expect(res.body.errors).toEqual([
        { row: 2, field: 'issuedOn', message: 'must be a date YYYY-MM-DD (or dd/mm/yyyy)' },
        { row: 4, field: 'number', message: `${existing.number} is already in the registry` },
        { row: 5, field: 'color', message: 'is not a known property' },
        { row: 6, field: 'number', message: `is the same number as row 1 (${items[0].number})` },
      ]);
      const again = await importJson(supervisor.token, { items: [doc({ title: `Tốt ${m}` }), doc({ title: `Trùng ${m}`, number: existing.number.toUpperCase() })] });
      expect(again.status).toBe(422);
      expect(again.body.errors).toEqual([{ row: 2, field: 'number', message: `${existing.number} is already in the registry` }]);
      expect((await search(drafter.token, { q: m })).items).toEqual([]);
      expect((await importJson(supervisor.token, { items: [] })).status).toBe(400);
      expect((await importJson(supervisor.token, { rows: [] })).status).toBe(400);
    });

    it('imports CSV with a BOM, Vietnamese column titles and names, quoted commas and line breaks', async () => {
      const m = marker();
      const n1 = freshNumber(2014, 'TT');
      const n2 = freshNumber(2018, 'NĐ');
      const csv =
        '\uFEFFSố hiệu,Loại văn bản,Cơ quan ban hành,Trích yếu,Ngày ban hành,Ngày hiệu lực,Tình trạng\r\n' +
        `${n1},Thông tư,Bộ Khoa học và Công nghệ,"Thông tư quy định về việc xây dựng, áp dụng ${m}",15/10/2014,2014-12-01,Còn hiệu lực\r\n` +
        `${n2},nghi dinh,Chính phủ,"Nghị định về thực hiện
cơ chế một cửa ${m}",2018-04-23,2018-06-21,\r\n`;
      const res = await importCsv(supervisor.token, csv);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ format: 'csv', created: 2 });
      const found = await search(drafter.token, { q: `xay dung ap dung ${m}` });
      expect(found.items).toHaveLength(1);
      expect(found.items[0]).toMatchObject({ number: n1, title: `Thông tư quy định về việc xây dựng, áp dụng ${m}` });
      const decree = (await search(drafter.token, { q: `mot cua ${m}` })).items[0];
      expect(decree).toMatchObject({ number: n2, title: `Nghị định về thực hiện cơ chế một cửa ${m}`, status: 'in_force' });
    });

    it('accepts a multipart CSV file; reports CSV row errors with their lines', async () => {
      const m = marker();
      const header = 'number,type,issuer,title,issuedOn,effectiveFrom\n';
      const ok = await t.http
        .post(`${api}/legal-documents/import`)
        .set(bearer(admin))
        .attach('file', Buffer.from(`${header}${freshNumber()},decision,UBND tỉnh,Kế hoạch ${m},2014-01-01,2014-01-01\n`, 'utf8'), { filename: 'van-ban.csv', contentType: 'text/csv' });
      expect(ok.status).toBe(201);
      expect(ok.body.created).toBe(1);

      const bad = await importCsv(admin, `${header}${freshNumber()},decision,UBND,"Hai
dòng ${m}",2014-01-01,2014-01-01\n${freshNumber()},decision,UBND,Ba ${m},2014-01-01\nrác,decision,UBND,Bốn ${m},2014-01-01,2014-01-01\n`);
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toEqual([
        { row: 2, line: 4, field: 'row', message: 'has 5 fields; the header has 6' },
        { row: 2, line: 4, field: 'effectiveFrom', message: 'is required' },
        { row: 3, line: 5, field: 'number', message: expect.stringContaining('is not a legal document number') },
      ]);
      expect((await search(drafter.token, { q: m })).items.map((i) => i.title)).toEqual([`Kế hoạch ${m}`]);
    });

    it('accepts a multipart JSON file', async () => {
      const m = marker();
      const res = await t.http
        .post(`${api}/legal-documents/import`)
        .set(bearer(supervisor.token))
        .attach('file', Buffer.from(JSON.stringify({ items: [doc({ title: `Tệp JSON ${m}` })] }), 'utf8'), { filename: 'van-ban.json', contentType: 'application/json' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ format: 'json', created: 1 });
      const wrongPart = await t.http.post(`${api}/legal-documents/import`).set(bearer(supervisor.token)).attach('upload', Buffer.from('[]'), { filename: 'a.json', contentType: 'application/json' });
      expect(wrongPart.status).toBe(400);
      const pdf = await t.http.post(`${api}/legal-documents/import`).set(bearer(supervisor.token)).attach('file', Buffer.from('%PDF-1.7'), { filename: 'a.pdf', contentType: 'application/pdf' });
      expect(pdf.status).toBe(415);
    });

    it('refuses malformed CSV (400), non-UTF-8 CSV (415) and CSV on other routes (415)', async () => {
      const unknownColumn = await importCsv(admin, 'number,type,colour\n1/QĐ-X,decision,red\n');
      expect(unknownColumn.status).toBe(400);
      expect(unknownColumn.body.code).toBe('import_malformed');
      expect(unknownColumn.body.errors.map((e: { field: string }) => e.field)).toEqual(['header[3]', 'header', 'header', 'header', 'header']);
      expect((await importCsv(admin, 'number,type,issuer,title,issuedOn,effectiveFrom\n"1/QĐ-X,decision\n')).status).toBe(400);
      const latin1 = Buffer.from(`number,type,issuer,title,issuedOn,effectiveFrom\n${freshNumber()},decision,UBND,Quy\u1EBFt,2014-01-01,2014-01-01\n`, 'latin1');
      expect((await importCsv(admin, Buffer.concat([latin1, Buffer.from([0xe0, 0x80])]))).status).toBe(415);
      const tooMany = await importCsv(admin, 'number\n' + '1/QĐ-X\n'.repeat(50_001));
      expect(tooMany.status).toBe(413);
      const elsewhere = await t.http.post(`${api}/legal-documents`).set(bearer(admin)).set('Content-Type', 'text/csv').send('number\n1/QĐ-X\n');
      expect(elsewhere.status).toBe(415);
    });

    it('reports odd values as row errors, never a 500: words that name JavaScript object members, numbers the database folds alike', async () => {
      const m = marker();
      const header = 'number,type,issuer,title,issuedOn,effectiveFrom,status\n';
      const row = (number: string, type: string, status: string) => `${number},${type},UBND,Tên ${m},2014-01-01,2014-01-01,${status}\n`;
      const odd = await importCsv(admin, header + row(freshNumber(), 'constructor', '') + row(freshNumber(), 'decision', 'constructor') + row(freshNumber(), 'toString', 'hasOwnProperty'));
      expect(odd.status).toBe(422);
      expect(odd.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
        [1, 'type'],
        [2, 'status'],
        [3, 'type'],
        [3, 'status'],
      ]);
      const column = await importCsv(admin, `number,type,issuer,title,issuedOn,effectiveFrom,constructor\n${freshNumber()},decision,UBND,Tên ${m},2014-01-01,2014-01-01,x\n`);
      expect(column.status).toBe(400);
      expect(column.body.errors).toEqual([{ field: 'header[7]', message: expect.stringContaining('"constructor" is not a known column') }]);
      // A huge unknown column title is not echoed back whole; a header of thousands of columns is one error.
      const long = await importCsv(admin, `${'x'.repeat(100_000)},number\n1,2\n`);
      expect(long.status).toBe(400);
      expect(long.body.errors[0].message.length).toBeLessThan(200);
      const wide = await importCsv(admin, `number,type,issuer,title,issuedOn,effectiveFrom${','.repeat(5000)}\n`);
      expect(wide.status).toBe(400);
      expect(wide.body.errors).toEqual([{ field: 'header', message: expect.stringContaining('has 5006 columns') }]);

      // The registry's key folds "ø" to "o" (the database's unaccent): the same number, reported on its row.
      const base = freshNumber(2014, 'QĐ');
      const pair = await importJson(admin, { items: [doc({ number: `${base}Ø`, title: `Một ${m}` }), doc({ number: `${base}O`, title: `Hai ${m}` })] });
      expect(pair.status).toBe(422);
      expect(pair.body.errors).toEqual([{ row: 2, field: 'number', message: `is the same number as row 1 (${base}Ø)` }]);
      const existing = await create(admin, doc({ number: `${base}Ø` }));
      const taken = await importJson(admin, { items: [doc({ number: `${base}o`, title: `Ba ${m}` })] });
      expect(taken.status).toBe(422);
      expect(taken.body.errors).toEqual([{ row: 1, field: 'number', message: `${existing.number} is already in the registry` }]);
      const dup = await t.http.post(`${api}/legal-documents`).set(bearer(admin)).send(doc({ number: `${base}O` }));
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ code: 'legal_number_taken', existingId: existing.id });
      const other = await create(admin, doc());
      const renamed = await t.http.patch(`${api}/legal-documents/${other.id}`).set(bearer(admin)).send({ number: `${base}o` });
      expect(renamed.status).toBe(409);
      expect(renamed.body.code).toBe('legal_number_taken');
      expect((await search(drafter.token, { q: m })).items).toEqual([]);
    });

    it('imports 10,000 CSV rows in one transaction', async () => {
      const m = marker();
      const prefix = randomBytes(3).toString('hex').toUpperCase();
      const lines = ['number,type,issuer,title,issuedOn,effectiveFrom,status'];
      for (let i = 1; i <= 10_000; i++) lines.push(`${i}/2016/QĐ-B${prefix},decision,Ủy ban nhân dân tỉnh Kon Tum,"Quyết định số ${i} về việc công bố thủ tục hành chính ${m}",2016-01-${String((i % 28) + 1).padStart(2, '0')},2016-03-01,in_force`);
      const res = await importCsv(supervisor.token, lines.join('\n'));
      expect(res.status).toBe(201);
      expect(res.body.created).toBe(10_000);
      const n = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM legal_documents WHERE import_id = $1', [res.body.importId]);
      expect(n[0].n).toBe(10_000);
      // Searching among them still works and pages.
      const page = await search(drafter.token, { q: `so 9999 ${m}` });
      expect(page.items.map((i) => i.number)).toEqual([`9999/2016/QĐ-B${prefix}`]);
    }, 120_000);
  });

  describe('relations and history', () => {
    it('records replaces / amends / repeals, sets statuses, lists both directions, and resolves the chain', async () => {
      const a = await create(supervisor.token, doc({ issuedOn: '2014-03-05', effectiveFrom: '2014-04-20', title: 'A' }));
      const b = await create(supervisor.token, doc({ number: freshNumber(2018), issuedOn: '2018-01-10', effectiveFrom: '2018-03-01', title: 'B' }));
      const c = await create(supervisor.token, doc({ number: freshNumber(2020), issuedOn: '2020-06-01', effectiveFrom: '2020-07-01', title: 'C' }));

      const replaced = await relate(supervisor.token, { fromId: b.id, kind: 'replaces', toId: a.id, note: 'Thay thế toàn bộ' });
      expect(replaced.status).toBe(201);
      expect(replaced.body).toMatchObject({ kind: 'replaces', from: { id: b.id }, to: { id: a.id, status: 'replaced' }, effectiveFrom: '2018-03-01', note: 'Thay thế toàn bộ', createdBy: supervisor.id });
      expect((await relate(admin, { fromId: c.id, kind: 'amends', toId: b.id, effectiveFrom: '2020-08-01' })).status).toBe(201);

      const get = async (id: string) => (await t.http.get(`${api}/legal-documents/${id}`).set(bearer(drafter.token))).body;
      expect((await get(a.id)).status).toBe('replaced');
      expect((await get(b.id)).status).toBe('amended');
      expect((await get(c.id)).status).toBe('in_force');

      const rel = await t.http.get(`${api}/legal-documents/${b.id}/relations`).set(bearer(drafter.token));
      expect(rel.status).toBe(200);
      expect(rel.body.items.map((r: { kind: string; from: { id: string }; to: { id: string } }) => [r.kind, r.from.id, r.to.id])).toEqual([
        ['replaces', b.id, a.id],
        ['amends', c.id, b.id],
      ]);
      const newer = await t.http.get(`${api}/legal-documents/${b.id}/relations`).query({ direction: 'newer' }).set(bearer(drafter.token));
      expect(newer.body.items.map((r: { kind: string }) => r.kind)).toEqual(['amends']);

      const history = await t.http.get(`${api}/legal-documents/${a.id}/history`).set(bearer(outsider.token));
      expect(history.status).toBe(200);
      expect(history.body.items.map((i: { kind: string; direction: string; depth: number }) => [i.kind, i.direction, i.depth])).toEqual([
        ['replaces', 'newer', 1],
        ['amends', 'newer', 2],
      ]);
      expect(history.body.current.map((d: { id: string }) => d.id)).toEqual([b.id, c.id]);
      expect(history.body.repealed).toBe(false);
      const fromC = await t.http.get(`${api}/legal-documents/${c.id}/history`).set(bearer(outsider.token));
      expect(fromC.body.items.map((i: { kind: string; direction: string; depth: number }) => [i.kind, i.direction, i.depth])).toEqual([
        ['replaces', 'older', 2],
        ['amends', 'older', 1],
      ]);

      const events = await t.db.query<{ action: string; agency_id: string | null }[]>(
        `SELECT action, agency_id FROM audit_events WHERE (entity_id = $1 AND action = 'legal_document.updated') OR (action = 'legal_relation.created' AND entity_id = $2)`,
        [a.id, replaced.body.id],
      );
      expect(events.map((e) => e.action).sort()).toEqual(['legal_document.updated', 'legal_relation.created']);
      expect(events.every((e) => e.agency_id === null)).toBe(true);

      // The status of a document with history follows the history.
      const patch = await t.http.patch(`${api}/legal-documents/${a.id}`).set(bearer(supervisor.token)).send({ status: 'in_force' });
      expect(patch.status).toBe(422);
      expect(patch.body.code).toBe('legal_status_from_relations');
    });

    it('enforces the history rules: duplicates, ends, date order, cycles, repeals without a source', async () => {
      const a = await create(supervisor.token, doc({ title: 'A' }));
      const b = await create(supervisor.token, doc({ number: freshNumber(2016), issuedOn: '2016-01-10', effectiveFrom: '2016-03-01', title: 'B' }));
      const c = await create(supervisor.token, doc({ number: freshNumber(2017), issuedOn: '2017-01-10', effectiveFrom: '2017-03-01', title: 'C' }));
      expect((await relate(supervisor.token, { fromId: b.id, kind: 'amends', toId: a.id })).status).toBe(201);
      const dup = await relate(supervisor.token, { fromId: b.id, kind: 'amends', toId: a.id });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('legal_relation_exists');
      // The older act cannot affect the newer one.
      const backwards = await relate(supervisor.token, { fromId: a.id, kind: 'amends', toId: c.id });
      expect(backwards.status).toBe(422);
      expect(backwards.body.errors[0].field).toBe('fromId');
      const early = await relate(supervisor.token, { fromId: c.id, kind: 'amends', toId: a.id, effectiveFrom: '2016-12-31' });
      expect(early.status).toBe(422);
      expect(early.body.errors[0].field).toBe('effectiveFrom');
      expect((await relate(supervisor.token, { kind: 'amends', toId: a.id, effectiveFrom: '2020-01-01' })).status).toBe(400);
      expect((await relate(supervisor.token, { kind: 'repeals', toId: a.id })).status).toBe(400);
      expect((await relate(supervisor.token, { fromId: a.id, kind: 'repeals', toId: a.id })).status).toBe(400);
      expect((await relate(supervisor.token, { fromId: b.id, kind: 'amends', toId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);

      // Repealed (by an act not in the registry) from 2019: nothing can take effect after that.
      const repeal = await relate(admin, { kind: 'repeals', toId: a.id, effectiveFrom: '2019-01-01', note: 'Hết hiệu lực theo Quyết định 99/QĐ-UBND' });
      expect(repeal.status).toBe(201);
      expect(repeal.body).toMatchObject({ from: null, to: { status: 'repealed' } });
      const after = await relate(supervisor.token, { fromId: c.id, kind: 'amends', toId: a.id, effectiveFrom: '2019-06-01' });
      expect(after.status).toBe(409);
      expect(after.body.code).toBe('legal_document_ended');
      expect((await relate(supervisor.token, { fromId: c.id, kind: 'replaces', toId: a.id })).status).toBe(409);
      // An earlier amendment is still history that can be recorded; the status stays repealed.
      expect((await relate(supervisor.token, { fromId: c.id, kind: 'amends', toId: a.id, effectiveFrom: '2017-06-01' })).status).toBe(201);
      const hist = await t.http.get(`${api}/legal-documents/${a.id}/history`).set(bearer(drafter.token));
      expect(hist.body.document.status).toBe('repealed');
      expect(hist.body.current).toEqual([]);
      expect(hist.body.repealed).toBe(true);

      // Same-day acts cannot loop.
      const d = await create(supervisor.token, doc({ number: freshNumber(2021), issuedOn: '2021-01-01', effectiveFrom: '2021-01-01', title: 'D' }));
      const e = await create(supervisor.token, doc({ number: freshNumber(2021), issuedOn: '2021-01-01', effectiveFrom: '2021-01-01', title: 'E' }));
      expect((await relate(supervisor.token, { fromId: d.id, kind: 'amends', toId: e.id })).status).toBe(201);
      const loop = await relate(supervisor.token, { fromId: e.id, kind: 'amends', toId: d.id });
      expect(loop.status).toBe(422);
      expect(loop.body.code).toBe('legal_relation_cycle');

      // A document entered as replaced accepts only what ended it.
      const old = await create(supervisor.token, doc({ status: 'replaced', title: 'Old' }));
      expect((await relate(supervisor.token, { fromId: b.id, kind: 'amends', toId: old.id })).status).toBe(409);
      expect((await relate(supervisor.token, { fromId: b.id, kind: 'replaces', toId: old.id })).status).toBe(201);
      // Relations are append-only in the database.
      await expect(t.db.query('DELETE FROM legal_document_relations WHERE to_id = $1', [old.id])).rejects.toThrow(/not allowed/);
    });

    it('recordRelation joins the caller\'s transaction: a rollback leaves no relation, status change or audit event', async () => {
      const { LegalRegistryService } = await import('../src/legal/legal-registry.service.js');
      const registry = t.app.get(LegalRegistryService);
      const a = await create(supervisor.token, doc({ title: 'A' }));
      const b = await create(supervisor.token, doc({ number: freshNumber(2016), issuedOn: '2016-01-10', effectiveFrom: '2016-03-01', title: 'B' }));
      await expect(
        t.db.transaction(async () => {
          const r = await registry.recordRelation({ kind: 'replaces', fromId: b.id, toId: a.id });
          expect(r.statusAfter).toBe('replaced');
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect((await registry.findById(a.id))!.status).toBe('in_force');
      const left = await t.db.query<unknown[]>(`SELECT 1 FROM audit_events WHERE action = 'legal_relation.created' AND changes->>'toId' = $1`, [a.id]);
      expect(left).toHaveLength(0);
      const recorded = await registry.recordRelation({ kind: 'replaces', fromId: b.id, toId: a.id });
      expect(recorded).toMatchObject({ statusBefore: 'in_force', statusAfter: 'replaced', relation: { createdBy: null, effectiveFrom: '2016-03-01' } });
      expect((await registry.currentBasis(a.id)).documents.map((d) => d.id)).toEqual([b.id]);
      expect((await registry.findByNumber(b.number.toLowerCase()))?.id).toBe(b.id);
    });
  });

  it('documents every legal operation in OpenAPI, with the three import body types', async () => {
    const res = await t.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, { operationId?: string; summary?: string; responses?: Record<string, unknown>; requestBody?: { content: Record<string, unknown> } }>>;
    const ours = Object.entries(paths).filter(([p]) => /legal-/.test(p));
    expect(ours.map(([p]) => p).sort()).toEqual(
      [
        '/api/v1/legal-document-types',
        '/api/v1/legal-documents',
        '/api/v1/legal-documents/import',
        '/api/v1/legal-documents/{id}',
        '/api/v1/legal-documents/{id}/history',
        '/api/v1/legal-documents/{id}/relations',
        '/api/v1/legal-relations',
        // Legal changes (src/legal-changes).
        '/api/v1/legal-documents/{id}/citations',
        '/api/v1/legal-documents/{id}/changes',
        '/api/v1/legal-changes/{changeId}',
        '/api/v1/legal-changes/{changeId}/retry',
      ].sort(),
    );
    for (const [, ops] of ours) {
      for (const op of Object.values(ops)) {
        expect(op.operationId).toBeTruthy();
        expect(op.summary).toBeTruthy();
        expect(Object.keys(op.responses ?? {})).toEqual(expect.arrayContaining(['401']));
      }
    }
    expect(Object.keys(paths['/api/v1/legal-documents/import'].post.requestBody!.content).sort()).toEqual(['application/json', 'multipart/form-data', 'text/csv']);
    expect(Object.keys(paths['/api/v1/legal-documents/import'].post.responses!)).toEqual(expect.arrayContaining(['201', '403', '413', '415', '422']));
    const createSchema = res.body.components.schemas.CreateLegalDocumentRequest;
    expect(createSchema.properties.type.enum).toContain('circular');
    expect(Object.keys(paths['/api/v1/legal-documents/{id}/changes'].post.responses!)).toEqual(expect.arrayContaining(['202', '403', '404', '409', '422']));
  });

  it('publishes the vocabulary', async () => {
    const res = await t.http.get(`${api}/legal-document-types`).set(bearer(outsider.token));
    expect(res.status).toBe(200);
    expect(res.body.types).toContainEqual({ code: 'joint_circular', label: 'Thông tư liên tịch' });
    expect(res.body.statuses).toContainEqual({ code: 'partially_repealed', label: 'Hết hiệu lực một phần' });
  });
});
