/**
 * End to end, in Chromium against the real service: a drafter writes a procedure whose
 * steps exceed the statutory time limit, sees the rule, fixes it and submits (with its form, whose
 * source file is uploaded with progress); the ISO secretary checks; the head approves with the
 * password after seeing the controlled copy in the page; staff download the new form; a citizen
 * finds it on the public page without accents, on a phone, and downloads it; a stale edit shows
 * the conflict; staff can never open a draft URL; an auditor sees the timeline and the diff; a
 * signed-out user is sent to sign-in and brought back.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { docx } from '../documents/samples.js';
import { bearer, Fixtures, uniq, type TestAgency, type TestUser } from '../support/fixtures.js';
import { newPage, pictureOnFailure, screenshot, signedInPage, signIn, webSuite, type WebSuite } from './browser.js';

const TIMEOUT = 480_000;

describe('web application: the document cycle in a real browser', () => {
  let s: WebSuite;
  let agency: TestAgency;
  let drafter: TestUser, secretary: TestUser, head: TestUser, staff: TestUser, auditor: TestUser;
  let legalNumber: string;
  const formBytes = docx('Tờ khai cấp Giấy khai sinh');

  beforeAll(async () => {
    s = await webSuite();
    const f = new Fixtures(s.t);
    const province = await f.agency({ level: 'province', name: 'Ủy ban nhân dân tỉnh Kon Tum' });
    agency = await f.agency({ level: 'commune', parentId: province.id, code: uniq('UBND-XA').toUpperCase(), name: 'Ủy ban nhân dân xã Tân Lập' });
    drafter = await f.user({ [agency.id]: ['drafter'] }, { fullName: 'Lê Thị Soạn' });
    secretary = await f.user({ [agency.id]: ['iso_secretary'] }, { fullName: 'Phạm Văn Thư' });
    head = await f.user({ [agency.id]: ['head'] }, { fullName: 'Trần Văn Chủ', title: 'Chủ tịch' });
    staff = await f.user({ [agency.id]: ['staff'] }, { fullName: 'Ngô Văn Công' });
    auditor = await f.user({ [agency.id]: ['auditor'] }, { fullName: 'Đỗ Thị Đánh' });
    legalNumber = `${100 + Math.floor(Math.random() * 899)}/2015/NĐ-CP`;
    const legal = await s.t.http
      .post('/api/v1/legal-documents')
      .set(bearer(await f.adminToken()))
      .send({ number: legalNumber, type: 'decree', issuer: 'Chính phủ', title: 'Nghị định về đăng ký và quản lý hộ tịch', issuedOn: '2015-11-15', effectiveFrom: '2016-01-01', status: 'in_force' });
    expect([legal.status, legal.body.errors]).toEqual([201, undefined]);
  }, TIMEOUT);

  afterAll(async () => {
    await s?.close();
  });

  async function createDocument(page: Page, opts: { type?: string; code: string; title: string; procedure?: string }): Promise<string> {
    await page.goto('/so-dang-ky');
    await page.getByRole('button', { name: 'Tạo tài liệu' }).click();
    const dialog = page.getByRole('dialog');
    if (opts.type) {
      await dialog.getByLabel('Loại tài liệu').click();
      await page.getByRole('option', { name: opts.type, exact: true }).click();
    }
    await dialog.getByLabel('Mã hiệu').fill(opts.code);
    await dialog.getByLabel('Tên tài liệu').fill(opts.title);
    if (opts.procedure) {
      await dialog.getByLabel('Thuộc quy trình').click();
      await page.getByRole('option', { name: new RegExp(opts.procedure) }).click();
    }
    await dialog.getByRole('button', { name: 'Tạo tài liệu' }).click();
    await page.waitForURL(/\/ban\/[0-9a-f-]{36}$/);
    return page.url().split('/ban/')[1];
  }

  async function setStep(page: Page, no: number, action: string, days: number) {
    await page.getByLabel(`Nội dung công việc bước ${no}`).fill(action);
    await page.getByLabel(`Trách nhiệm bước ${no}`).fill(no === 1 ? 'Bộ phận một cửa' : 'Công chức tư pháp - hộ tịch');
    await page.getByLabel(`Thời gian bước ${no}: Thời hạn`).fill(String(days));
  }

  async function openTask(page: Page, title: RegExp) {
    await page.goto('/cong-viec');
    await page.getByRole('link', { name: title }).first().click();
    await page.waitForURL(/\/ban\//);
  }

  it(
    'drafter → secretary → head → staff → citizen → auditor, with the rule, the conflict and the draft kept from staff',
    async () => {
      try {
        await cycle();
      } catch (err) {
        await pictureOnFailure(s);
        throw err;
      }
    },
    TIMEOUT,
  );

  async function cycle() {
    {
      // A signed-out user asking for a screen is sent to sign-in, then brought back to it.
      phase('A signed-out user asking for a screen');
      const d = await newPage(s);
      const page = d.page;
      await page.goto('/so-dang-ky');
      await page.waitForURL(/\/dang-nhap\?redirect=/);
      await screenshot(page, '01-sign-in');
      await signIn(page, drafter, page.url());
      await page.waitForURL(/\/so-dang-ky$/);
      await page.getByRole('heading', { name: 'Sổ đăng ký tài liệu' }).waitFor();

      // The drafter writes a procedure whose steps take 7 working days against a limit of 5.
      phase('The drafter writes a procedure whose ');
      const procedureId = await createDocument(page, { code: 'QT-01', title: 'Quy trình đăng ký khai sinh' });
      await page.getByLabel('1. Mục đích').fill('Quy định trình tự đăng ký khai sinh tại UBND xã.');
      await page.getByLabel('2. Phạm vi áp dụng').fill('Áp dụng cho công chức tư pháp - hộ tịch của xã.');
      const legal = page.getByRole('group', { name: '3. Căn cứ pháp lý' });
      await legal.getByRole('button', { name: '+ Thêm dòng' }).click();
      await legal.getByLabel('Văn bản 1').fill(legalNumber);
      await page.getByRole('option', { name: new RegExp(legalNumber.replace(/[/.]/g, '.')) }).click();
      await page.getByLabel('Thời hạn giải quyết theo quy định', { exact: true }).fill('5');
      for (let i = 0; i < 3; i++) await page.getByRole('button', { name: '+ Thêm bước' }).click();
      await setStep(page, 1, 'Tiếp nhận hồ sơ, kiểm tra thành phần hồ sơ', 2);
      await setStep(page, 2, 'Thẩm định, ghi sổ hộ tịch', 2);
      await setStep(page, 3, 'Trình ký, trả kết quả', 3);
      const total = page.getByTestId('step-total');
      await expectAttribute(total, 'data-exceeds', 'true');
      expect(await total.innerText()).toMatch(/Vượt thời hạn giải quyết 16 giờ/);
      await screenshot(page, '02-procedure-editor-over-limit');

      // Submitting anyway: the server's rule is shown next to the step table.
      phase("Submitting anyway: the server's rule ");
      await page.getByRole('button', { name: 'Trình kiểm tra' }).click();
      await page.getByTestId('steps-rule-error').waitFor();
      expect(await page.getByRole('alert').first().innerText()).toMatch(/Tổng thời gian các bước vượt thời hạn/);

      // The drafter fixes step 3: 5 days in total, within the limit; submitted.
      phase('The drafter fixes step 3: 5 days in t');
      await page.getByLabel('Thời gian bước 3: Thời hạn').fill('1');
      await expectAttribute(total, 'data-exceeds', 'false');
      await page.getByRole('button', { name: 'Trình kiểm tra' }).click();
      await page.getByText('Đang kiểm tra', { exact: true }).first().waitFor();

      // Its form: a file-based document whose source file is uploaded with progress.
      phase('Its form: a file-based document whose');
      await createDocument(page, { type: 'Biểu mẫu', code: 'BM.01/QT-01', title: 'Tờ khai cấp Giấy khai sinh', procedure: 'QT-01' });
      await page.getByRole('tab', { name: /Tệp đính kèm/ }).click();
      // Bytes that are not those the browser read (here: the announced digest altered on the way) are refused, next to the upload, and nothing is stored.
      await page.route('**/api/v1/revisions/*/files?role=*', (route) =>
        route.continue({ headers: { ...route.request().headers(), 'repr-digest': `sha-256=:${Buffer.alloc(32, 7).toString('base64')}:` } }),
      );
      const refused = page.waitForResponse((r) => r.url().includes('/files') && r.request().method() === 'POST');
      await page.locator('input[type=file]').setInputFiles({ name: 'To-khai-khai-sinh.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: formBytes });
      expect((await refused).status()).toBe(400);
      await page.getByRole('alert').filter({ hasText: 'khác với tệp bạn đã chọn' }).waitFor();
      await page.getByText('Chưa có tệp nào.').waitFor();
      await page.unrouteAll({ behavior: 'wait' });
      const uploaded = page.waitForResponse((r) => r.url().includes('/files') && r.request().method() === 'POST');
      await page.locator('input[type=file]').setInputFiles({ name: 'To-khai-khai-sinh.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: formBytes });
      const up = await uploaded;
      expect([up.status(), await up.text()]).toEqual([201, expect.any(String)]);
      // The browser hashed the file and announced it (Repr-Digest), so the API stored it under its content key as it arrived.
      const formSha256 = createHash('sha256').update(formBytes).digest();
      expect(up.request().headers()['repr-digest']).toBe(`sha-256=:${formSha256.toString('base64')}:`);
      expect((await up.json()).sha256).toBe(formSha256.toString('hex'));
      await page.getByRole('cell', { name: /^To-khai-khai-sinh\.docx/ }).waitFor();
      await page.getByRole('tab', { name: 'Nội dung' }).click();
      await page.getByRole('button', { name: 'Trình kiểm tra' }).click();
      await page.getByText('Đang kiểm tra', { exact: true }).first().waitFor();

      // The ISO secretary checks both from the work list (counts in the navigation).
      phase('The ISO secretary checks both from th');
      const sec = await signedInPage(s, secretary);
      await sec.page.goto('/cong-viec');
      await sec.page.getByRole('link', { name: /QT-01 — Quy trình đăng ký khai sinh/ }).first().waitFor();
      await screenshot(sec.page, '03-tasks');
      for (const title of [/QT-01 — Quy trình đăng ký khai sinh/, /BM\.01\/QT-01 — Tờ khai/]) {
        await openTask(sec.page, title);
        await sec.page.getByRole('button', { name: 'Kiểm tra' }).click();
        await sec.page.getByRole('dialog').getByLabel('Ý kiến').fill('Đạt yêu cầu.');
        await sec.page.getByRole('dialog').getByRole('button', { name: 'Xác nhận' }).click();
        await sec.page.getByText('Chờ phê duyệt', { exact: true }).first().waitFor();
      }

      // The head sees the controlled copy in the page, then approves with the password.
      phase('The head sees the controlled copy in ');
      const hd = await signedInPage(s, head);
      for (const [i, title] of [/QT-01 — Quy trình đăng ký khai sinh/, /BM\.01\/QT-01 — Tờ khai/].entries()) {
        await openTask(hd.page, title);
        await hd.page.getByTestId('rendition-frame').waitFor({ timeout: 60_000 });
        if (i === 0) await screenshot(hd.page, '04-approval-with-pdf');
        await hd.page.getByRole('button', { name: 'Phê duyệt' }).click();
        const dialog = hd.page.getByRole('dialog');
        if (i === 0) {
          await dialog.getByLabel('Mật khẩu của bạn').fill('not-the-password');
          await dialog.getByRole('button', { name: 'Phê duyệt' }).click();
          await dialog.getByText('Mật khẩu không đúng.').waitFor();
        }
        await dialog.getByLabel('Mật khẩu của bạn').fill(head.password);
        await dialog.getByRole('button', { name: 'Phê duyệt' }).click();
        await hd.page.getByText('Đang có hiệu lực', { exact: true }).first().waitFor();
      }

      // The drafter opens revision 2; two windows edit it and the later save is told of the conflict.
      phase('The drafter opens revision 2; two win');
      await page.goto(`/tai-lieu/${await documentIdOf(procedureId)}`);
      await page.getByRole('button', { name: 'Mở bản dự thảo sửa đổi' }).click();
      await page.waitForURL(/\/ban\//);
      const draftId = page.url().split('/ban/')[1];
      const other = await d.context.newPage();
      await other.goto(`/ban/${draftId}`);
      await other.getByLabel('Nội dung công việc bước 1').waitFor();
      await page.getByLabel('Nội dung công việc bước 1').fill('Tiếp nhận hồ sơ trực tuyến hoặc trực tiếp');
      await page.getByLabel('Tóm tắt nội dung sửa đổi').fill('Bước 1: tiếp nhận cả hồ sơ trực tuyến.');
      await page.getByRole('button', { name: 'Lưu bản dự thảo' }).click();
      await page.getByText('Đã lưu bản dự thảo.').waitFor();
      await other.getByLabel('Nội dung công việc bước 2').fill('Thẩm định hồ sơ');
      await other.getByRole('button', { name: 'Lưu bản dự thảo' }).click();
      await other.getByTestId('conflict').waitFor();
      expect(await other.getByTestId('conflict').innerText()).toMatch(/Có người đã lưu một phiên bản mới hơn/);
      await screenshot(other, '05-conflict');

      // Staff: the form in force in one click; a draft URL is never shown to them.
      phase('Staff: the form in force in one click');
      const st = await signedInPage(s, staff);
      await st.page.goto('/tai-lieu');
      await st.page.getByLabel('Tìm kiếm').fill('giay khai sinh');
      await st.page.getByRole('button', { name: 'Tải file gốc BM.01/QT-01' }).waitFor();
      await screenshot(st.page, '06-staff-documents');
      const staffDownload = st.page.waitForEvent('download');
      await st.page.getByRole('button', { name: 'Tải file gốc BM.01/QT-01' }).click();
      const staffFile = await (await staffDownload).path();
      expect(Buffer.compare(await readFile(staffFile), formBytes)).toBe(0);
      await st.page.goto(`/ban/${draftId}`);
      await st.page.getByText('Không tìm thấy, hoặc bạn không có quyền xem.').waitFor();
      expect(await st.page.getByLabel('Nội dung công việc bước 1').count()).toBe(0);

      // A citizen on a phone: the public page, searched without accents, one-click download.
      phase('A citizen on a phone: the public page');
      const citizen = await newPage(s, { width: 360, height: 740 });
      await citizen.page.goto(`/cong-khai/${agency.code}`);
      await citizen.page.getByLabel('Tìm biểu mẫu, thủ tục').fill('giay khai sinh');
      await citizen.page.getByText('1 tài liệu', { exact: true }).waitFor();
      await citizen.page.getByRole('heading', { name: 'Tờ khai cấp Giấy khai sinh' }).waitFor();
      expect(await citizen.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await screenshot(citizen.page, '07-public-page-phone');
      const publicDownload = citizen.page.waitForEvent('download');
      await citizen.page.getByRole('link', { name: 'Biểu mẫu gốc: Tờ khai cấp Giấy khai sinh' }).click();
      expect(Buffer.compare(await readFile(await (await publicDownload).path()), formBytes)).toBe(0);

      // The auditor: the timeline (sign-offs, transitions, downloads) and revision 2 against 1.
      phase('The auditor: the timeline (sign-offs,');
      const au = await signedInPage(s, auditor);
      const docId = await documentIdOf(procedureId);
      await au.page.goto(`/tai-lieu/${docId}/lich-su`);
      await au.page.getByText('Trần Văn Chủ').first().waitFor();
      await screenshot(au.page, '08-timeline');
      await au.page.getByRole('combobox', { name: 'Bản sau' }).click();
      await au.page.getByRole('option', { name: /Lần ban hành 02/ }).click();
      await au.page.getByRole('combobox', { name: 'So sánh với' }).click();
      await au.page.getByRole('option', { name: /Lần ban hành 01/ }).click();
      await au.page.getByRole('button', { name: 'So sánh hai bản' }).click();
      await au.page.waitForURL(/\/so-sanh\?voi=/);
      await au.page.getByText('Tiếp nhận hồ sơ trực tuyến hoặc trực tiếp').first().waitFor();
      await au.page.getByText('Tiếp nhận hồ sơ, kiểm tra thành phần hồ sơ').first().waitFor();
      await screenshot(au.page, '09-diff');
      await au.page.goto('/nhat-ky');
      await au.page.getByRole('button', { name: 'Kiểm tra chuỗi băm' }).click();
      expect(await au.page.getByTestId('verify-result').innerText()).toMatch(/Toàn vẹn: đã kiểm tra \d+ sự kiện/);
      await screenshot(au.page, '10-audit-trail');

      for (const c of [d, sec, hd, st, citizen, au]) await c.context.close();
    }
  }

  async function documentIdOf(revisionId: string): Promise<string> {
    const res = await s.t.http.get(`/api/v1/revisions/${revisionId}`).set(bearer(drafter.token));
    return res.body.documentId;
  }
});

let last = Date.now();
/** Prints how long the previous phase took (PHASES=1), to keep the browser test fast. */
function phase(name: string) {
  if (process.env.PHASES) process.stderr.write(`[phase] ${((Date.now() - last) / 1000).toFixed(1)} s → ${name}\n`);
  last = Date.now();
}

async function expectAttribute(locator: import('playwright-core').Locator, name: string, value: string) {
  for (let i = 0; i < 50; i++) {
    if ((await locator.getAttribute(name)) === value) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await locator.getAttribute(name)).toBe(value);
}
