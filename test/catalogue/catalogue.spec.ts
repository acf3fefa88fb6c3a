import { randomBytes, randomInt } from 'node:crypto';
import ExcelJS from 'exceljs';
import { deflateRawSync } from 'node:zlib';
import { AgencyFactsService } from '../../src/agency-facts/index.js';
import { parseTimeLimit, baseTthcCode, legalNumbersIn } from '../../src/catalogue/tthc-fields.js';
import { EffectiveDates } from '../../src/workflow/effective-dates.service.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from '../support/fixtures.js';
import { forceState } from '../support/lifecycle.js';
import { zip } from '../documents/samples.js';

const API = '/api/v1';
const HEADER = 'Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,Thời hạn giải quyết,"Phí, lệ phí",Căn cứ pháp lý,Cơ quan thực hiện';

/** A base code no other test of this run uses. */
function tthc(): string {
  return `2.${randomInt(100000, 999999)}`;
}
function docCode(): string {
  return `QT-TTHC-${randomBytes(3).toString('hex').toUpperCase()}`;
}
function csvLine(cells: string[]): string {
  return cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}
const step = (no: number, days: number) => ({ no, action: `Bước ${no}`, responsible: 'Bộ phận một cửa', duration: { value: days, unit: 'working_days' } });
function content(extra: Record<string, unknown> = {}) {
  return {
    purpose: 'Quy định trình tự giải quyết.',
    scope: 'Áp dụng tại đơn vị.',
    definitions: [],
    legalBases: [],
    dossier: [{ name: 'Đơn đề nghị' }],
    steps: [step(1, 2), step(2, 3)],
    records: [{ name: 'Hồ sơ', keeper: 'Văn phòng', retention: '05 năm' }],
    ...extra,
  };
}

describe('TTHC catalogue', () => {
  let t: TestApp;
  let f: Fixtures;
  let admin: string;
  let province: TestAgency;
  let agency: TestAgency;
  let other: TestAgency;
  let supervisor: TestUser;
  let secretary: TestUser;
  let drafter: TestUser;
  let staff: TestUser;
  let outsider: TestUser;

  const importCsv = (token: string, text: string, filename = 'tthc.csv') =>
    t.http.post(`${API}/tthc/import`).set(bearer(token)).attach('file', Buffer.from(text, 'utf8'), { filename, contentType: 'text/csv' });
  const importOk = async (text: string) => {
    const res = await importCsv(supervisor.token, text);
    if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const getTthc = (code: string) => t.http.get(`${API}/tthc/${code}`).set(bearer(staff.token));
  const newProcedure = async (tthcCode: string, body: Record<string, unknown> = { content: content() }) => {
    const res = await t.http.post(`${API}/documents`).set(bearer(drafter.token)).send({ agencyId: agency.id, type: 'procedure', code: docCode(), title: 'Quy trình giải quyết TTHC', tthcCode, ...body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const effective = async (revisionId: string) => {
    await forceState(t, revisionId, 'approved');
    expect(await t.app.get(EffectiveDates).takeEffect(revisionId)).toBe('effective');
  };
  const flagsOf = async (documentId: string) => (await t.http.get(`${API}/documents/${documentId}`).set(bearer(secretary.token))).body.flags as { kind: string; reason: string }[];

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    admin = await f.adminToken();
    const tree = await f.agencyTree();
    province = tree.province;
    agency = tree.department;
    other = await f.agency({ level: 'department', parentId: province.id });
    [supervisor, secretary, drafter, staff, outsider] = await Promise.all([
      f.user({ [province.id]: ['supervisor'] }),
      f.user({ [agency.id]: ['iso_secretary'] }),
      f.user({ [agency.id]: ['drafter'] }),
      f.user({ [agency.id]: ['staff'] }),
      f.user({ [other.id]: ['iso_secretary'] }),
    ]);
  });
  afterAll(() => t.close());

  describe('parsing', () => {
    it('reads statutory time limits from their published text', () => {
      expect(parseTimeLimit('05 ngày làm việc')).toEqual({ value: 5, unit: 'working_days' });
      expect(parseTimeLimit('Không quá 10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ')).toEqual({ value: 10, unit: 'working_days' });
      expect(parseTimeLimit('1,5 ngày')).toEqual({ value: 1.5, unit: 'days' });
      expect(parseTimeLimit('24 giờ')).toEqual({ value: 24, unit: 'hours' });
      expect(parseTimeLimit('05 ngay lam viec')).toEqual({ value: 5, unit: 'working_days' });
      expect(parseTimeLimit('Trong ngày làm việc')).toEqual({ value: 1, unit: 'working_days' });
      expect(parseTimeLimit('Không quy định')).toBeNull();
    });
    it('maps an instance code to its base code and finds legal numbers in text', () => {
      expect(baseTthcCode('1.001612.000.00.00.H01')).toBe('1.001612');
      expect(baseTthcCode('1.00161')).toBeNull();
      expect(legalNumbersIn('Luật Xây dựng số 50/2014/QH13; Nghị định 15/2021/NĐ-CP')).toEqual(['50/2014/QH13', '15/2021/NĐ-CP']);
    });
  });

  describe('import', () => {
    it('imports a CSV with the portal\'s Vietnamese column titles, instance codes and time-limit texts; q ignores accents', async () => {
      const a = tthc();
      const b = tthc();
      const word = `xq${randomBytes(3).toString('hex')}`;
      const body = await importOk(
        [
          HEADER,
          csvLine([`${a}.000.00.00.H01`, `Cấp giấy phép xây dựng ${word}`, 'Hoạt động xây dựng', 'Cấp tỉnh, Cấp huyện', '05 ngày làm việc', 'Lệ phí: 100.000 đồng', 'Luật Xây dựng số 50/2014/QH13', 'UBND']),
          csvLine([b, `Đăng ký kết hôn ${word}`, 'Hộ tịch', 'Cấp xã', 'Trong ngày làm việc', '', '', '']),
        ].join('\n'),
      );
      expect(body).toMatchObject({ format: 'csv', created: 2, updated: 0, unchanged: 0, errors: [], ignoredColumns: ['Cơ quan thực hiện'] });
      const got = await getTthc(a);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        code: a,
        name: `Cấp giấy phép xây dựng ${word}`,
        levels: ['province', 'district'],
        timeLimit: { value: 5, unit: 'working_days' },
        fee: 'Lệ phí: 100.000 đồng',
        legalBasisNumbers: ['50/2014/QH13'],
        status: 'in_force',
      });
      expect((await getTthc(`${a}.000.00.00.H01`)).body.code).toBe(a);
      const found = await t.http.get(`${API}/tthc`).query({ q: `dang ky ket hon ${word}` }).set(bearer(staff.token));
      expect(found.body.items.map((i: { code: string }) => i.code)).toEqual([b]);
      const byLevel = await t.http.get(`${API}/tthc`).query({ q: word, level: 'commune' }).set(bearer(staff.token));
      expect(byLevel.body.items.map((i: { code: string }) => i.code)).toEqual([b]);
    });

    it('refuses a file with bad rows whole: 422 with each row\'s errors, nothing written', async () => {
      const good = tthc();
      const dup = tthc();
      const res = await importCsv(
        supervisor.token,
        [HEADER, csvLine([good, 'Thủ tục hợp lệ', 'X', 'Cấp tỉnh', '3 ngày', '', '', '']), csvLine(['1.23', 'Mã sai', '', '', '', '', '', '']), csvLine([dup, '', '', 'Cấp Mặt Trăng', '', '', '', '']), csvLine([good, 'Lặp lại', '', '', '', '', '', ''])].join('\n'),
      );
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('tthc_import_invalid');
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ row: 2, line: 3, field: 'code' }),
          expect.objectContaining({ row: 3, field: 'name', message: 'is required' }),
          expect.objectContaining({ row: 3, field: 'levels' }),
        ]),
      );
      expect((await getTthc(good)).status).toBe(404);
      // Duplicates are found once the rows themselves are valid.
      const again = await importCsv(supervisor.token, [HEADER, csvLine([good, 'A', '', '', '', '', '', '']), csvLine([`${good}.000.00.00.H01`, 'B', '', '', '', '', '', ''])].join('\n'));
      expect(again.status).toBe(422);
      expect(again.body.errors).toEqual([expect.objectContaining({ row: 2, field: 'code', message: `${good} is already in row 1` })]);
      expect((await getTthc(good)).status).toBe(404);
    });

    it('re-import reports unchanged rows and updates changed ones', async () => {
      const a = tthc();
      const b = tthc();
      const file = (nameB: string) => [HEADER, csvLine([a, 'Thủ tục A', 'Lĩnh vực', 'Cấp tỉnh', '05 ngày làm việc', '', '', '']), csvLine([b, nameB, 'Lĩnh vực', 'Cấp tỉnh', '10 ngày', '', '', ''])].join('\n');
      expect(await importOk(file('Thủ tục B'))).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
      expect(await importOk(file('Thủ tục B'))).toMatchObject({ created: 0, updated: 0, unchanged: 2, changed: 0 });
      expect(await importOk(file('Thủ tục B (sửa tên)'))).toMatchObject({ created: 0, updated: 1, unchanged: 1, changed: 0 });
      expect((await getTthc(b)).body.name).toBe('Thủ tục B (sửa tên)');
    });

    it('imports XLSX (a title row above the header) and JSON with Vietnamese keys', async () => {
      const a = tthc();
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Danh mục');
      ws.addRow(['DANH MỤC THỦ TỤC HÀNH CHÍNH']);
      ws.addRow(['STT', 'Mã thủ tục', 'Tên thủ tục', 'Lĩnh vực', 'Cấp thực hiện', 'Thời hạn giải quyết', 'Phí, lệ phí', 'Căn cứ pháp lý']);
      ws.addRow([1, `${a}.000.00.00.H01`, 'Cấp phép khai thác nước', 'Tài nguyên nước', 'Cấp Tỉnh', '15 ngày làm việc', 'Không', 'Nghị định 02/2023/NĐ-CP']);
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      const res = await t.http.post(`${API}/tthc/import`).set(bearer(admin)).attach('file', buf, { filename: 'danh-muc.xlsx' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ format: 'xlsx', created: 1, ignoredColumns: ['STT'] });
      expect((await getTthc(a)).body).toMatchObject({ timeLimit: { value: 15, unit: 'working_days' }, legalBasisNumbers: ['02/2023/NĐ-CP'], levels: ['province'] });

      const j = tthc();
      const json = JSON.stringify({ items: [{ 'Mã thủ tục': j, 'Tên thủ tục': 'Thủ tục JSON', 'Thời hạn giải quyết': '03 ngày làm việc', levels: ['commune'] }] });
      const r2 = await t.http.post(`${API}/tthc/import`).set(bearer(admin)).attach('file', Buffer.from(json), { filename: 'x.json', contentType: 'application/json' });
      expect(r2.status).toBe(201);
      expect((await getTthc(j)).body).toMatchObject({ timeLimit: { value: 3, unit: 'working_days' }, levels: ['commune'] });
    });

    it('refuses a workbook that inflates far beyond its size (zip bomb) with 413 before reading it', async () => {
      const huge = Buffer.alloc(64 * 1024 * 1024, 0x20);
      const bomb = zip([{ name: 'xl/worksheets/sheet1.xml', data: huge, deflate: true }]);
      expect(deflateRawSync(huge).length).toBeLessThan(200_000);
      const res = await t.http.post(`${API}/tthc/import`).set(bearer(admin)).attach('file', bomb, { filename: 'bomb.xlsx' });
      expect(res.status).toBe(413);
    });

    it('only the system administrator and supervisors import (403)', async () => {
      const res = await importCsv(secretary.token, `${HEADER}\n${csvLine([tthc(), 'X', '', '', '', '', '', ''])}`);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('tthc_catalogue_read_only');
    });
  });

  describe('prefill of a procedure\'s first draft', () => {
    it('takes the time limit, fee and legal bases found in the registry, and lists the numbers not found', async () => {
      const number = `${randomInt(1, 9999)}/2020/NĐ-CP`;
      const legal = await t.http
        .post(`${API}/legal-documents`)
        .set(bearer(admin))
        .send({ number, type: 'decree', issuer: 'Chính phủ', title: 'Nghị định quy định chi tiết', issuedOn: '2020-01-10', effectiveFrom: '2020-03-01' });
      expect(legal.status).toBe(201);
      const missing = `${randomInt(1, 9999)}/2099/QH99`;
      const code = tthc();
      await importOk(`${HEADER}\n${csvLine([code, 'Thủ tục cấp phép', 'X', 'Cấp tỉnh', '07 ngày làm việc', '50.000 đồng/hồ sơ', `Nghị định ${number}; Luật ${missing}`, ''])}`);
      const doc = await newProcedure(`${code}.000.00.00.H01`, {});
      expect(doc.prefill).toEqual({ tthcCode: `${code}.000.00.00.H01`, found: true, fields: ['statutoryTimeLimit', 'fee', 'legalBases'], unresolvedLegalBases: [missing] });
      expect(doc.openDraft.content).toMatchObject({ statutoryTimeLimit: { value: 7, unit: 'working_days' }, fee: '50.000 đồng/hồ sơ', legalBases: [{ legalDocumentId: legal.body.id }] });
      // An unknown code prefills nothing and says so.
      const none = await newProcedure(tthc(), {});
      expect(none.prefill).toMatchObject({ found: false, fields: [] });
    });
  });

  describe('coverage', () => {
    it('lists handled TTHC with their procedure in force; figures for reports', async () => {
      const [a, b, c] = [tthc(), tthc(), tthc()];
      await importOk([HEADER, ...[a, b, c].map((x) => csvLine([x, `Thủ tục ${x}`, 'X', 'Cấp tỉnh', '10 ngày làm việc', '', '', '']))].join('\n'));
      const put = await t.http.put(`${API}/agencies/${agency.id}/tthc`).set(bearer(secretary.token)).send({ codes: [a, `${b}.000.00.00.H01`] });
      expect(put.status).toBe(200);
      expect(put.body.codes).toEqual([a, b].sort());
      const covered = await newProcedure(a);
      await effective(covered.openDraft.id);
      const drafting = await newProcedure(b);
      const cov = await t.http.get(`${API}/agencies/${agency.id}/tthc-coverage`).set(bearer(staff.token));
      expect(cov.status).toBe(200);
      expect(cov.body.total).toBe(2);
      expect(cov.body.covered).toBe(1);
      expect(cov.body.items[0]).toMatchObject({ code: b, covered: false, documentId: drafting.id, state: 'draft' });
      expect(cov.body.items[1]).toMatchObject({ code: a, covered: true, documentId: covered.id, state: 'effective' });
      const facts = await t.app.get(AgencyFactsService).collect([agency.id], { year: 2026, from: new Date('2026-01-01'), to: new Date('2027-01-01') });
      expect(facts.get(agency.id)).toMatchObject({ tthcHandled: 2, tthcCovered: 1 });
    });

    it('declaring: unknown codes 422, staff 403, another agency 404; supervisors of an ancestor may', async () => {
      const unknown = await t.http.put(`${API}/agencies/${agency.id}/tthc`).set(bearer(secretary.token)).send({ codes: ['9.999999'] });
      expect(unknown.status).toBe(422);
      expect(unknown.body.code).toBe('tthc_unknown');
      expect(unknown.body.errors[0].field).toBe('codes[0]');
      expect((await t.http.put(`${API}/agencies/${agency.id}/tthc`).set(bearer(staff.token)).send({ codes: [] })).status).toBe(403);
      expect((await t.http.put(`${API}/agencies/${agency.id}/tthc`).set(bearer(outsider.token)).send({ codes: [] })).status).toBe(404);
      expect((await t.http.get(`${API}/agencies/${agency.id}/tthc-coverage`).set(bearer(outsider.token))).status).toBe(404);
      const x = tthc();
      await importOk(`${HEADER}\n${csvLine([x, 'Thủ tục', '', '', '', '', '', ''])}`);
      expect((await t.http.put(`${API}/agencies/${other.id}/tthc`).set(bearer(supervisor.token)).send({ codes: [x] })).status).toBe(200);
      expect((await t.http.put(`${API}/agencies/${other.id}/tthc`).set(bearer(secretary.token)).send({ codes: [x] })).status).toBe(404);
    });
  });

  describe('tthc_changed', () => {
    it('a re-import that shortens the time limit flags every procedure with the code, says the steps are too long, and shows in tasks', async () => {
      const code = tthc();
      const line = (limit: string) => `${HEADER}\n${csvLine([code, 'Thủ tục', 'X', 'Cấp tỉnh', limit, '', '', ''])}`;
      await importOk(line('10 ngày làm việc'));
      const doc = await newProcedure(code, { content: content({ statutoryTimeLimit: { value: 10, unit: 'working_days' } }) });
      await effective(doc.openDraft.id);
      const instance = await newProcedure(`${code}.000.00.00.H01`);
      const res = await importOk(line('03 ngày làm việc'));
      expect(res).toMatchObject({ updated: 1, changed: 1, flaggedDocuments: 2 });
      const flags = await flagsOf(doc.id);
      expect(flags).toHaveLength(1);
      expect(flags[0].kind).toBe('tthc_changed');
      expect(flags[0].reason).toContain('10 ngày làm việc → 3 ngày làm việc');
      expect(flags[0].reason).toContain('dài hơn thời hạn mới');
      expect((await flagsOf(instance.id)).map((x) => x.kind)).toEqual(['tthc_changed']);
      const tasks = await t.http.get(`${API}/me/tasks`).query({ kind: 'tthc_change' }).set(bearer(secretary.token));
      expect(tasks.status).toBe(200);
      expect(tasks.body.items.map((i: { documentId: string }) => i.documentId)).toEqual(expect.arrayContaining([doc.id, instance.id]));
      // The same file again changes nothing and raises nothing.
      expect(await importOk(line('03 ngày làm việc'))).toMatchObject({ unchanged: 1, changed: 0, flaggedDocuments: 0 });

      // A revision that does not carry the new time limit leaves the flag; one that does clears it.
      const keep = await t.http.post(`${API}/documents/${doc.id}/revisions`).set(bearer(drafter.token)).send({ content: content({ statutoryTimeLimit: { value: 10, unit: 'working_days' } }), changeSummary: 'Sửa lỗi chính tả' });
      expect(keep.status).toBe(201);
      await effective(keep.body.id);
      expect((await flagsOf(doc.id)).map((x) => x.kind)).toEqual(['tthc_changed']);
      const fix = await t.http
        .post(`${API}/documents/${doc.id}/revisions`)
        .set(bearer(drafter.token))
        .send({ content: content({ statutoryTimeLimit: { value: 3, unit: 'working_days' }, steps: [step(1, 1), step(2, 2)] }), changeSummary: 'Cập nhật thời hạn theo danh mục TTHC' });
      expect(fix.status).toBe(201);
      await effective(fix.body.id);
      expect(await flagsOf(doc.id)).toEqual([]);
    });

    it('abolishing a TTHC flags its procedures; a fee change alone flags too; a name change does not', async () => {
      const code = tthc();
      const line = (name: string, fee: string, status = '') => `${HEADER},Tình trạng\n${csvLine([code, name, 'X', 'Cấp tỉnh', '', fee, '', '', status])}`;
      await importOk(line('Tên', 'Miễn phí'));
      const doc = await newProcedure(code);
      expect(await importOk(line('Tên mới', 'Miễn phí'))).toMatchObject({ updated: 1, changed: 0, flaggedDocuments: 0 });
      expect(await importOk(line('Tên mới', '20.000 đồng'))).toMatchObject({ changed: 1, flaggedDocuments: 1 });
      expect(await importOk(line('Tên mới', '20.000 đồng', 'Đã bãi bỏ'))).toMatchObject({ changed: 1, flaggedDocuments: 1 });
      const flags = await flagsOf(doc.id);
      expect(flags).toHaveLength(2);
      expect(flags[1].reason).toContain('bãi bỏ');
      expect((await getTthc(code)).body.status).toBe('abolished');
    });

    it('the change record is append-only in the database', async () => {
      await expect(t.db.query(`UPDATE tthc_changes SET changes = '{}' WHERE true`)).rejects.toThrow();
      await expect(t.db.query(`DELETE FROM tthc_procedures WHERE true`)).rejects.toThrow();
    });
  });
});
