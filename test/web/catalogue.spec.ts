/**
 * In Chromium: the TTHC catalogue imported by the Sở (a file with bad rows refused whole with the
 * rows named, then a good one), found without accents; a commune's ISO secretary declares the TTHC
 * it handles and creates the missing procedure from the coverage list (its first draft prefilled
 * from the catalogue); the secretary names who must read a manual in force, a civil servant
 * reads it from the work list and acknowledges it, finds it by words of its file typed without
 * accents (the snippet highlighted), and the secretary sees the acknowledged share.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { FileTexts } from '../../src/search/file-texts.service.js';
import { bearer, Fixtures, type TestAgency, type TestUser } from '../support/fixtures.js';
import { makeEffective } from '../support/lifecycle.js';
import { pictureOnFailure, screenshot, signedInPage, webSuite, type WebSuite } from './browser.js';

const TIMEOUT = 300_000;
const API = '/api/v1';
const require = createRequire(import.meta.url);
const HEADER = 'Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,Thời hạn giải quyết,"Phí, lệ phí",Căn cứ pháp lý';

async function vietnamesePdf(lines: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  const page = doc.addPage([595, 842]);
  lines.forEach((l, i) => page.drawText(l, { x: 50, y: 780 - i * 20, size: 12, font }));
  return Buffer.from(await doc.save());
}

describe('web application: TTHC catalogue, coverage, read-and-acknowledge, search inside files', () => {
  let s: WebSuite;
  let commune: TestAgency;
  let supervisor: TestUser;
  let secretary: TestUser;
  let staff: TestUser;
  let manual: { id: string; code: string; revisionId: string };
  // Letters only, unique to this run: whole-word search finds exactly our records.
  const word = `tt${randomBytes(4).toString('hex').replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)])}`;
  const [codeA, codeB] = [`2.${randomInt(100000, 999999)}`, `2.${randomInt(100000, 999999)}`];

  beforeAll(async () => {
    s = await webSuite();
    const f = new Fixtures(s.t);
    const province = await f.agency({ level: 'province', name: 'Ủy ban nhân dân tỉnh Kon Tum' });
    commune = await f.agency({ level: 'commune', parentId: province.id, name: 'Ủy ban nhân dân xã Ngọk Bay' });
    [supervisor, secretary, staff] = await Promise.all([
      f.user({ [province.id]: ['supervisor'] }, { fullName: 'Lý Thị Giám Sát' }),
      f.user({ [commune.id]: ['iso_secretary'] }, { fullName: 'Phạm Thị Thư Ký' }),
      f.user({ [commune.id]: ['staff'] }, { fullName: 'Đinh Văn Công Chức' }),
    ]);
    // A quality manual in force whose source PDF says something only this test says.
    const code = `QT-${randomBytes(3).toString('hex').toUpperCase()}`;
    const created = await s.t.http
      .post(`${API}/documents`)
      .set(bearer(secretary.token))
      .send({ agencyId: commune.id, type: 'manual', code, title: 'Sổ tay hướng dẫn một cửa' });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
    const revisionId = created.body.openDraft.id as string;
    const pdf = await vietnamesePdf([`Kiểm tra hiện trường khai thác khoáng sản ${word}`, 'Trách nhiệm của bộ phận một cửa']);
    const up = await s.t.http.post(`${API}/revisions/${revisionId}/files?role=source`).set(bearer(secretary.token)).attach('file', pdf, { filename: 'so-tay.pdf' });
    if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${JSON.stringify(up.body)}`);
    expect(await s.t.app.get(FileTexts).extract(up.body.sha256)).toBe('done');
    await makeEffective(s.t, revisionId);
    manual = { id: created.body.id, code, revisionId };
  }, TIMEOUT);

  afterAll(async () => {
    await s?.close();
  });

  it(
    'imports the catalogue, creates a missing procedure from coverage, asks staff to read a manual, who acknowledge and find it by its file',
    async () => {
      let current = await signedInPage(s, supervisor, '/danh-muc-tthc');
      try {
        // The Sở imports the catalogue: a file with a bad row is refused whole, the row named.
        const upload = (text: string) =>
          current.page.locator('input[type=file]').setInputFiles({ name: 'danh-muc-tthc.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
        const good = [
          `${codeA}.000.00.00.H01,Chứng thực bản sao từ bản chính ${word},Chứng thực,Cấp xã,Trong ngày làm việc,"2.000 đồng/trang",`,
          `${codeB},Đăng ký khai sinh ${word},Hộ tịch,"Cấp huyện, Cấp xã",03 ngày làm việc,Miễn lệ phí,`,
        ];
        await upload([HEADER, good[0], '1.23,Mã sai,,Cấp xã,,,'].join('\n'));
        const errors = current.page.getByTestId('import-errors');
        await errors.waitFor();
        expect(await errors.innerText()).toMatch(/3\s+code/);
        await screenshot(current.page, '50-catalogue-import-errors');
        await upload([HEADER, ...good].join('\n'));
        await current.page.getByText('Đã nhập: 2 mới, 0 cập nhật, 0 không đổi', { exact: false }).waitFor();
        await current.page.getByLabel('Tìm kiếm').fill(`chung thuc ban sao ${word}`);
        const found = current.page.getByRole('row', { name: new RegExp(`Chứng thực bản sao từ bản chính ${word}`) });
        await found.getByText(codeA, { exact: true }).waitFor();
        await screenshot(current.page, '51-catalogue');
        await current.context.close();

        // The commune's ISO secretary declares the TTHC it handles; neither has a procedure yet.
        current = await signedInPage(s, secretary, '/tthc-ap-dung');
        await current.page.getByRole('button', { name: 'Khai báo TTHC đơn vị giải quyết' }).click();
        await current.page.getByLabel('Khai báo TTHC đơn vị giải quyết').fill(`${codeA}\n${codeB}.000.00.00.H01`);
        await current.page.getByRole('button', { name: 'Lưu', exact: true }).click();
        await current.page.getByText('0/2 TTHC đã có quy trình đang hiệu lực').waitFor();
        await screenshot(current.page, '52-coverage');
        // "Create the procedure" from the missing TTHC: its first draft takes the time limit and fee.
        await current.page.getByRole('button', { name: `Tạo quy trình ${codeB}` }).click();
        await current.page.waitForURL(/\/tai-lieu\/[0-9a-f-]{36}$/);
        const createdId = current.page.url().split('/').pop()!;
        const created = await s.t.http.get(`${API}/documents/${createdId}`).set(bearer(secretary.token));
        expect(created.body).toMatchObject({ tthcCode: codeB, type: 'procedure' });
        const draft = await s.t.http.get(`${API}/revisions/${created.body.openDraft.id}`).set(bearer(secretary.token));
        expect(draft.body.content).toMatchObject({ statutoryTimeLimit: { value: 3, unit: 'working_days' }, fee: 'Miễn lệ phí' });
        await current.page.goto('/tthc-ap-dung');
        await current.page.getByRole('row', { name: new RegExp(codeB) }).getByText(`QT.TTHC-${codeB}`).waitFor();

        // The secretary names who must read the manual in force: the commune's civil servants.
        await current.page.goto(`/tai-lieu/${manual.id}`);
        await current.page.getByText('Chưa chọn người phải đọc tài liệu này.').waitFor();
        await current.page.getByRole('button', { name: 'Chọn người phải đọc' }).click();
        const dialog = current.page.getByRole('dialog');
        await dialog.getByLabel('Vai trò phải đọc').waitFor();
        // The field's box takes the click (the dialog may still be moving in): open it until the list shows.
        const option = current.page.getByRole('option', { name: 'Công chức' });
        for (let i = 0; i < 10 && !(await option.isVisible()); i++) {
          await dialog.locator('.mantine-MultiSelect-input').first().click();
          await option.waitFor({ timeout: 2_000 }).catch(() => undefined);
        }
        await option.click();
        await current.page.keyboard.press('Escape');
        await dialog.getByRole('button', { name: 'Lưu' }).click();
        await current.page.getByText('Đã lưu; 1 người được yêu cầu đọc phiên bản có hiệu lực.').waitFor();
        await current.page.getByText('0/1 người đã xác nhận').waitFor();
        await current.context.close();

        // The civil servant reads it from the work list and acknowledges it, once.
        current = await signedInPage(s, staff, '/cong-viec');
        await current.page.getByRole('link', { name: new RegExp(manual.code) }).first().click();
        await current.page.waitForURL(new RegExp(`/xac-nhan-doc/${manual.revisionId}$`));
        await current.page.getByRole('button', { name: 'Tôi đã đọc và hiểu phiên bản này' }).click();
        await current.page.getByText('Đã ghi nhận xác nhận của bạn.').waitFor();
        expect(await current.page.getByRole('button', { name: 'Tôi đã đọc và hiểu phiên bản này' }).isDisabled()).toBe(true);
        await screenshot(current.page, '53-acknowledge');
        // Words of the file typed without accents find the manual, the matched words marked.
        await current.page.goto('/tai-lieu');
        await current.page.getByLabel('Tìm kiếm').fill(`kiem tra hien truong ${word}`);
        const hit = current.page.getByRole('row', { name: /Sổ tay hướng dẫn một cửa/ });
        await hit.locator('.search-snippet mark', { hasText: 'hiện' }).first().waitFor();
        expect(await hit.locator('.search-snippet').innerText()).toContain('so-tay.pdf');
        await screenshot(current.page, '54-search-snippet');
        await current.context.close();

        // The secretary sees who read it.
        current = await signedInPage(s, secretary, `/tai-lieu/${manual.id}`);
        await current.page.getByText('1/1 người đã xác nhận').waitFor();
        await current.page.getByRole('link', { name: 'Ai đã đọc, ai chưa đọc' }).click();
        await current.page.getByRole('cell', { name: 'Đinh Văn Công Chức' }).waitFor();
      } catch (err) {
        await pictureOnFailure(s);
        throw err;
      } finally {
        await current.context.close().catch(() => undefined);
      }
    },
    TIMEOUT,
  );
});
