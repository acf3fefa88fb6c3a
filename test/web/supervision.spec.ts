/**
 * In Chromium: the periodic report of a commune (opened by its ISO secretary with the figures
 * computed, signed and sent by the chairman with his password), the Sở's dashboard (filters, the
 * report's status, the rollout), the drill-down into the commune, the return of the report, and an
 * inspection whose finding is recorded.
 */
import { Fixtures, type TestAgency, type TestUser } from '../support/fixtures.js';
import { vnDate } from '../../src/supervision/reporting-periods.js';
import { pictureOnFailure, screenshot, signedInPage, webSuite, type WebSuite } from './browser.js';

const TIMEOUT = 300_000;
const YEAR = Number(vnDate(new Date()).slice(0, 4));

describe('web application: supervision by the Sở KH&CN', () => {
  let s: WebSuite;
  let commune: TestAgency;
  let secretary: TestUser;
  let head: TestUser;
  let supervisor: TestUser;

  beforeAll(async () => {
    s = await webSuite();
    const f = new Fixtures(s.t);
    const province = await f.agency({ level: 'province', name: 'Ủy ban nhân dân tỉnh Kon Tum' });
    commune = await f.agency({ level: 'commune', parentId: province.id, name: 'Ủy ban nhân dân xã Đăk Blá' });
    [secretary, head, supervisor] = await Promise.all([
      f.user({ [commune.id]: ['iso_secretary'] }, { fullName: 'Phạm Thị Thư Ký' }),
      f.user({ [commune.id]: ['head'] }, { fullName: 'Nguyễn Văn Chủ Tịch', title: 'Chủ tịch' }),
      f.user({ [province.id]: ['supervisor'] }, { fullName: 'Lý Thị Giám Sát' }),
    ]);
  }, TIMEOUT);

  afterAll(async () => {
    await s?.close();
  });

  it(
    'a report is opened with computed figures, signed and sent, seen on the dashboard, returned; an inspection records a finding',
    async () => {
      let current = await signedInPage(s, secretary);
      try {
        // The ISO secretary opens this year's annual report: the figures come from the system.
        await current.page.goto('/bao-cao');
        await current.page.getByRole('row', { name: new RegExp(`^${YEAR} — Cả năm`) }).getByRole('button', { name: 'Lập báo cáo' }).click();
        await current.page.waitForURL(/\/bao-cao\/[0-9a-f-]{36}$/);
        const reportUrl = current.page.url();
        await current.page.getByRole('cell', { name: 'Số quy trình đang có hiệu lực' }).waitFor();
        await current.page.getByLabel('Kết quả thực hiện').fill('Duy trì và áp dụng 100% quy trình.');
        await current.page.getByLabel('Khó khăn, vướng mắc').fill('Thiếu cán bộ chuyên trách ISO.');
        await current.page.getByRole('button', { name: 'Lưu nội dung' }).click();
        await current.page.getByText('Đã lưu.').waitFor();
        await screenshot(current.page, '40-report-form');
        await current.context.close();

        // The chairman signs and sends it with his password.
        current = await signedInPage(s, head);
        await current.page.goto(reportUrl);
        await current.page.getByRole('button', { name: 'Ký và gửi báo cáo' }).click();
        const dialog = current.page.getByRole('dialog');
        await dialog.getByLabel('Mật khẩu của bạn').fill(head.password);
        await dialog.getByRole('button', { name: 'Ký và gửi báo cáo' }).click();
        await current.page.getByText('Đã gửi báo cáo.').waitFor();
        await current.page.getByRole('cell', { name: /\d{2}\/BC-UBND/ }).waitFor();
        await current.context.close();

        // The Sở's dashboard: the commune's report is sent; filters by level and status.
        current = await signedInPage(s, supervisor);
        await current.page.goto('/giam-sat');
        await current.page.getByText('Tiến độ công bố HTQLCL theo lộ trình', { exact: false }).waitFor();
        const row = current.page.getByRole('row', { name: /Ủy ban nhân dân xã Đăk Blá/ });
        await row.getByText('Đã gửi').waitFor();
        await current.page.getByRole('combobox', { name: 'Tình trạng báo cáo' }).click();
        await current.page.getByRole('option', { name: 'Bị trả lại' }).click();
        await current.page.getByText('0/2 cơ quan', { exact: true }).waitFor();
        await current.page.getByRole('combobox', { name: 'Tình trạng báo cáo' }).click();
        await current.page.getByRole('option', { name: 'Đã gửi' }).click();
        await current.page.getByText('1/2 cơ quan', { exact: true }).waitFor();
        await screenshot(current.page, '41-supervision-dashboard');

        // Drill-down into the commune, then its report: returned with a comment.
        await current.page.getByRole('link', { name: 'Ủy ban nhân dân xã Đăk Blá' }).click();
        await current.page.getByRole('heading', { name: /Tình hình áp dụng HTQLCL: Ủy ban nhân dân xã Đăk Blá/ }).waitFor();
        await current.page.getByRole('link', { name: String(YEAR), exact: true }).click();
        await current.page.getByRole('button', { name: 'Trả lại báo cáo' }).click();
        const back = current.page.getByRole('dialog');
        await back.getByLabel('Lý do trả lại').fill('Đề nghị bổ sung số liệu TTHC.');
        await back.getByRole('button', { name: 'Trả lại báo cáo' }).click();
        await current.page.getByText('Đã trả lại báo cáo.').waitFor();
        await current.page.getByRole('cell', { name: 'Đề nghị bổ sung số liệu TTHC.' }).waitFor();

        // An inspection of the commune, and a finding that opens a nonconformity there.
        await current.page.goBack();
        await current.page.getByRole('button', { name: 'Lập kế hoạch kiểm tra' }).click();
        await current.page.getByRole('dialog').getByRole('button', { name: 'Lập kế hoạch' }).click();
        await current.page.waitForURL(/\/kiem-tra\/[0-9a-f-]{36}$/);
        await current.page.getByRole('button', { name: 'Ghi nhận phát hiện' }).click();
        const fd = current.page.getByRole('dialog');
        await fd.getByLabel('Mô tả điểm không phù hợp').fill('Quy trình QT-05 chưa cập nhật văn bản mới.');
        await fd.getByRole('button', { name: 'Lưu' }).click();
        await current.page.getByRole('cell', { name: 'Quy trình QT-05 chưa cập nhật văn bản mới.' }).waitFor();
        await screenshot(current.page, '42-inspection');
        const [nc] = await s.t.db.query<{ agency_id: string; source: string }[]>(
          `SELECT agency_id, source FROM nonconformities WHERE description = 'Quy trình QT-05 chưa cập nhật văn bản mới.' AND agency_id = $1`,
          [commune.id],
        );
        expect(nc).toEqual({ agency_id: commune.id, source: 'inspection' });
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
