/**
 * In Chromium: the ISO secretary evaluates the year's objectives in the form (one row per objective
 * of the revision in force), sees them posted on the public page, and opens a management review whose inputs show that evaluation; the
 * head, its chair, approves it with the password.
 */
import { Fixtures } from '../support/fixtures.js';
import { objectivesInForce } from '../quality-cycle/helpers.js';
import { workflowCast, type WorkflowCast } from '../workflow/helpers.js';
import { pictureOnFailure, screenshot, signedInPage, webSuite, type WebSuite } from './browser.js';

const TIMEOUT = 300_000;
const YEAR = Number(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 4));

describe('web application: quality records', () => {
  let s: WebSuite;
  let c: WorkflowCast;

  beforeAll(async () => {
    s = await webSuite();
    c = await workflowCast(new Fixtures(s.t));
    await objectivesInForce(s.t, c.secretary, c.agency.id, YEAR, [1, 2]);
  }, TIMEOUT);

  afterAll(async () => {
    await s?.close();
  });

  it(
    'evaluates the objectives, opens a management review with the evaluation in its inputs, and the chair approves it',
    async () => {
      const { context, page } = await signedInPage(s, c.secretary);
      try {
        await page.goto('/ho-so-chat-luong');
        await page.getByRole('button', { name: 'Đánh giá mục tiêu' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Kết quả đạt được 1').fill('99% hồ sơ đúng hạn');
        await dialog.getByLabel('Kết quả đạt được 2').fill('85% hài lòng');
        await dialog.getByLabel('Đạt 1').check();
        await screenshot(page, '41-objectives-evaluation');
        await dialog.getByRole('button', { name: 'Lưu' }).click();
        await page.getByText(`${YEAR}: 1/2 mục tiêu đạt`).waitFor();
        // The public page posts the objectives and, the year being evaluated, their results.
        await page.goto(`/cong-khai/${encodeURIComponent(c.agency.code)}`);
        await page.getByText('99% hồ sơ đúng hạn · Đạt').waitFor();
        await page.getByText('85% hài lòng · Không đạt').waitFor();
        await page.goto('/ho-so-chat-luong');

        await page.getByRole('tab', { name: 'Họp xem xét của lãnh đạo' }).click();
        await page.getByRole('button', { name: 'Lập cuộc họp xem xét' }).click();
        const create = page.getByRole('dialog');
        await create.getByLabel('Chủ trì').click();
        await page.getByRole('option', { name: 'Trần Văn Giám' }).click();
        await create.getByLabel(/Thành phần tham dự/).fill('Trần Văn Giám - Giám đốc\nPhạm Thị Thư - Thư ký ISO');
        await create.getByRole('button', { name: 'Lưu' }).click();
        await page.waitForURL(/\/ho-so-chat-luong\/hop-xem-xet\//);
        await page.getByText('Đầu vào do hệ thống tổng hợp').waitFor();
        await page.getByText(`${YEAR}: 1/2 mục tiêu đạt`).waitFor();
        await screenshot(page, '42-management-review-inputs');
        const reviewUrl = page.url();
        await context.close();

        const head = await signedInPage(s, c.head, reviewUrl);
        await head.page.getByRole('button', { name: 'Phê duyệt biên bản' }).click();
        const sign = head.page.getByRole('dialog');
        await sign.locator('input[type=password]').fill(c.head.password);
        await sign.getByRole('button', { name: 'Phê duyệt biên bản' }).click();
        await head.page.getByText('Đã phê duyệt', { exact: true }).first().waitFor();
        await head.context.close();
      } catch (err) {
        await pictureOnFailure(s);
        throw err;
      }
    },
    TIMEOUT,
  );
});
