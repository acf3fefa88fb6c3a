/**
 * In Chromium: the legal registry (import with the row errors shown, post a change and
 * watch its progress) and administration (agencies tree, memberships and roles, users with field
 * errors from the API, queue status), as the system administrator.
 */
import { TEST_ADMIN_PASSWORD } from '../support/app.js';
import { Fixtures, uniq } from '../support/fixtures.js';
import { pictureOnFailure, screenshot, signedInPage, webSuite, type WebSuite } from './browser.js';

const TIMEOUT = 300_000;

describe('web application: legal registry and administration', () => {
  let s: WebSuite;
  let member: { fullName: string; username: string };

  beforeAll(async () => {
    s = await webSuite();
    const u = await new Fixtures(s.t).user({}, { fullName: `Vũ Thị Thành Viên ${uniq('x')}` });
    member = { fullName: u.fullName, username: u.username };
  }, TIMEOUT);

  afterAll(async () => {
    await s?.close();
  });

  it(
    'imports legal documents (row errors first), posts a change and follows it; manages agencies, members, users, queues',
    async () => {
      const { context, page } = await signedInPage(s, { username: 'admin', password: TEST_ADMIN_PASSWORD });
      try {

        // Legal registry: a file with a bad row is refused whole and the row is named.
        const n = 100 + Math.floor(Math.random() * 899);
        const number = `${n}/2019/TT-BKHCN`;
        const amending = `${n}/2024/TT-BKHCN`;
        await page.goto('/van-ban-phap-luat');
        const header = 'number,type,issuer,title,issuedOn,effectiveFrom,status\n';
        await page.locator('input[type=file]').setInputFiles({
          name: 'van-ban.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(`${header}${number},circular,Bộ Khoa học và Công nghệ,Thông tư hướng dẫn ISO,2019-12-31,2020-02-15,in_force\n${n + 1}/2019/TT-BKHCN,circular,Bộ KH&CN,Thông tư lỗi,ngày xấu,2020-02-15,in_force\n`),
        });
        await page.getByTestId('import-errors').waitFor();
        expect(await page.getByTestId('import-errors').innerText()).toMatch(/3\s+issuedOn/);
        await screenshot(page, '11-legal-import-errors');
        await page.locator('input[type=file]').setInputFiles({
          name: 'van-ban.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(
            `${header}${number},circular,Bộ Khoa học và Công nghệ,Thông tư hướng dẫn áp dụng ISO điện tử,2019-12-31,2020-02-15,in_force\n` +
              `${amending},circular,Bộ Khoa học và Công nghệ,Thông tư sửa đổi hướng dẫn ISO điện tử,2024-06-30,2024-08-15,in_force\n`,
          ),
        });
        await page.getByText('Đã nhập 2 văn bản.').waitFor();
        await page.getByLabel('Tìm kiếm').fill('huong dan ap dung iso');
        await page.getByRole('link', { name: number }).click();
        await page.getByRole('button', { name: 'Ghi nhận thay đổi' }).click();
        const change = page.getByRole('dialog');
        await change.getByLabel('Ghi chú').fill('Sửa đổi Điều 3');
        await change.getByRole('button', { name: 'Ghi nhận thay đổi' }).click();
        // The API's field error (errors[].field) is shown under the field it names.
        await change.getByText('is required for amended').waitFor();
        await change.getByLabel('Văn bản sửa đổi / thay thế / bãi bỏ').fill(amending);
        await page.getByRole('option', { name: new RegExp(amending.replace(/[/.]/g, '.')) }).click();
        await change.getByRole('button', { name: 'Ghi nhận thay đổi' }).click();
        await page.waitForURL(/\/thay-doi-phap-luat\//);
        await page.getByTestId('change-progress').getByText('Hoàn tất', { exact: true }).waitFor({ timeout: 60_000 });
        await screenshot(page, '12-legal-change-progress');

        // Agencies tree, a new agency and a member with roles.
        const code = uniq('SO-TEST').toUpperCase();
        await page.goto('/quan-tri/co-quan');
        await page.getByRole('button', { name: 'Thêm cơ quan' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Mã cơ quan').fill(code);
        await dialog.getByLabel('Tên cơ quan').fill('Sở Thử nghiệm giao diện');
        await dialog.getByLabel('Cấp', { exact: true }).click();
        await page.getByRole('option', { name: 'Cấp tỉnh' }).click();
        await dialog.getByRole('button', { name: 'Lưu' }).click();
        await page.getByRole('treeitem').filter({ hasText: code }).first().waitFor();
        await screenshot(page, '13-agencies-tree');
        await page.getByRole('link', { name: 'Sở Thử nghiệm giao diện' }).first().click();
        await page.getByRole('button', { name: 'Thêm thành viên' }).click();
        await page.getByRole('dialog').getByLabel('Người dùng').fill(member.username);
        await page.getByRole('option', { name: new RegExp(member.username) }).click();
        await page.getByRole('dialog').getByLabel('Thư ký ISO').check();
        await page.getByRole('dialog').getByRole('button', { name: 'Lưu' }).click();
        await page.getByRole('cell', { name: member.fullName, exact: true }).waitFor();
        expect(await page.getByRole('row').filter({ hasText: member.fullName }).innerText()).toMatch(/Thư ký ISO/);

        // Users: the API's field error shows next to the field.
        await page.goto('/quan-tri/nguoi-dung');
        await page.getByRole('button', { name: 'Thêm người dùng' }).click();
        const userDialog = page.getByRole('dialog');
        await userDialog.getByLabel('Tên đăng nhập').fill(member.username);
        await userDialog.getByLabel('Họ và tên').fill('Người trùng tên đăng nhập');
        await userDialog.getByLabel('Mật khẩu ban đầu').fill('mat-khau-du-dai-42');
        await userDialog.getByRole('button', { name: 'Lưu' }).click();
        await userDialog.getByText('Tên đăng nhập đã được dùng.').waitFor();
        await userDialog.getByRole('button', { name: 'Hủy' }).click();

        // Queue status.
        await page.goto('/quan-tri/hang-doi');
        await page.getByRole('cell', { name: 'render', exact: true }).waitFor();
        await screenshot(page, '14-queues');
      } catch (err) {
        await pictureOnFailure(s);
        throw err;
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
