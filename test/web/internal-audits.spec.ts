/**
 * End to end, in Chromium against the real service: the ISO secretary plans the internal audit, the
 * head approves the plan with the password, the lead auditor starts it, records a nonconformity
 * against a procedure from the checklist and signs the report; the secretary states the root cause
 * and plans a corrective action that changes the procedure; the responsible drafter cannot complete
 * it before a new revision of the procedure is in effect, and can after; another auditor verifies
 * its effectiveness with the password, which closes the nonconformity and then the audit itself.
 */
import type { Page } from 'playwright-core';
import { bearer, Fixtures, uniq, type TestAgency, type TestUser } from '../support/fixtures.js';
import { procedureContent } from '../workflow/helpers.js';
import { pictureOnFailure, screenshot, signedInPage, webSuite, type WebSuite } from './browser.js';

const TIMEOUT = 480_000;
const API = '/api/v1';

describe('web application: an internal audit from plan to closed', () => {
  let s: WebSuite;
  let agency: TestAgency;
  let drafter: TestUser, secretary: TestUser, checker: TestUser, head: TestUser, lead: TestUser, verifier: TestUser;
  let doc: { id: string; code: string };

  const ok = (res: { status: number; body: unknown }, status: number, what: string) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };

  /** A revision through submit, check and approval by the API (the document screens have their own test). */
  async function toEffective(revisionId: string) {
    ok(await s.t.http.post(`${API}/revisions/${revisionId}/submit`).set(bearer(drafter.token)).send(), 200, 'submit');
    ok(await s.t.http.post(`${API}/revisions/${revisionId}/review`).set(bearer(checker.token)).send({ decision: 'approve' }), 200, 'check');
    ok(await s.t.http.post(`${API}/revisions/${revisionId}/approve`).set(bearer(head.token)).send({ password: head.password }), 200, 'approve');
  }

  beforeAll(async () => {
    s = await webSuite();
    const f = new Fixtures(s.t);
    const province = await f.agency({ level: 'province', name: 'Ủy ban nhân dân tỉnh Kon Tum' });
    agency = await f.agency({ level: 'commune', parentId: province.id, code: uniq('UBND-XA').toUpperCase(), name: 'Ủy ban nhân dân xã Đăk Blà' });
    drafter = await f.user({ [agency.id]: ['drafter'] }, { fullName: 'Lê Thị Soạn' });
    secretary = await f.user({ [agency.id]: ['iso_secretary'] }, { fullName: 'Phạm Văn Thư' });
    checker = await f.user({ [agency.id]: ['iso_secretary'] }, { fullName: 'Võ Thị Kiểm' });
    head = await f.user({ [agency.id]: ['head'] }, { fullName: 'Trần Văn Chủ', title: 'Chủ tịch' });
    lead = await f.user({ [agency.id]: ['auditor'] }, { fullName: 'Đinh Thị Trưởng Đoàn', title: 'Chuyên gia đánh giá' });
    verifier = await f.user({ [agency.id]: ['auditor'] }, { fullName: 'Hà Văn Xác Nhận' });
    const code = uniq('QT').toUpperCase();
    const created = await s.t.http
      .post(`${API}/documents`)
      .set(bearer(drafter.token))
      .send({ agencyId: agency.id, type: 'procedure', code, title: 'Quy trình chứng thực bản sao từ bản chính', content: procedureContent() });
    ok(created, 201, 'procedure');
    doc = { id: created.body.id, code };
    await toEffective(created.body.openDraft.id);
  }, TIMEOUT);

  afterAll(async () => {
    await s?.close();
  });

  async function as(user: TestUser, path: string): Promise<Page> {
    return (await signedInPage(s, user, path)).page;
  }

  async function choose(page: Page, label: string, option: string | RegExp) {
    await page.getByRole('dialog').getByLabel(label).first().click();
    await page.getByRole('option', { name: option }).first().click();
  }

  it(
    'plan → approval → checklist → report → corrective action through a procedure revision → verification → closed',
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
    // The secretary plans the audit.
    const plan = await as(secretary, '/danh-gia-noi-bo');
    await plan.getByRole('button', { name: 'Lập kế hoạch đánh giá' }).click();
    const dialog = plan.getByRole('dialog');
    await dialog.getByLabel('Đơn vị được đánh giá (mỗi dòng một đơn vị)').fill('Bộ phận Một cửa');
    await dialog.getByLabel('Từ ngày').fill('2026-12-07');
    await dialog.getByLabel('Đến ngày').fill('2026-12-09');
    await choose(plan, 'Trưởng đoàn đánh giá', lead.fullName);
    await dialog.getByRole('button', { name: 'Lập kế hoạch đánh giá' }).click();
    await plan.waitForURL(/\/danh-gia-noi-bo\/[0-9a-f-]{36}$/);
    const auditPath = new URL(plan.url()).pathname;
    await plan.getByText('Kế hoạch', { exact: true }).waitFor();
    await plan.context().close();

    // The head approves the plan with the password.
    const approve = await as(head, auditPath);
    await approve.getByRole('button', { name: 'Phê duyệt kế hoạch' }).click();
    await approve.getByRole('dialog').locator('input[type=password]').fill(head.password);
    await approve.getByRole('dialog').getByRole('button', { name: 'Phê duyệt kế hoạch' }).click();
    await approve.getByText('Đã phê duyệt kế hoạch', { exact: true }).waitFor();
    await approve.context().close();

    // The lead auditor starts, records a nonconformity against the procedure, and signs the report.
    const audit = await as(lead, auditPath);
    await audit.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
    await audit.getByText('Đang đánh giá', { exact: true }).waitFor();
    await audit.getByRole('button', { name: 'Ghi phát hiện' }).click();
    await choose(audit, 'Loại phát hiện', 'Điểm không phù hợp');
    await choose(audit, 'Điều khoản ISO 9001:2015', /^7\.5\.3$/);
    await audit.getByRole('dialog').getByLabel('Mô tả').fill('Bước 2 của quy trình không quy định thời hạn chuyển hồ sơ');
    await choose(audit, 'Tài liệu liên quan', new RegExp(doc.code));
    await audit.getByRole('dialog').getByRole('button', { name: 'Ghi phát hiện' }).click();
    const ncLink = audit.getByRole('link', { name: /^KPH-\d{3}$/ });
    await ncLink.waitFor();
    await screenshot(audit, 'quality-01-checklist');
    await audit.getByRole('button', { name: 'Ký báo cáo đánh giá' }).click();
    const report = audit.getByRole('dialog');
    await report.getByLabel('Tóm tắt').fill('Đoàn đã đánh giá quy trình chứng thực tại Bộ phận Một cửa');
    await report.getByLabel('Kết luận').fill('Hệ thống được duy trì; 01 điểm không phù hợp cần khắc phục');
    await report.locator('input[type=password]').fill(lead.password);
    await report.getByRole('button', { name: 'Ký báo cáo đánh giá' }).click();
    await audit.getByText('Đã báo cáo', { exact: true }).waitFor();
    await audit.getByRole('button', { name: 'Báo cáo đánh giá (PDF)' }).waitFor();
    const ncPath = new URL((await ncLink.getAttribute('href'))!, s.base).pathname;
    await audit.context().close();

    // The secretary states the root cause and plans the action that changes the procedure.
    const nc = await as(secretary, ncPath);
    await nc.getByLabel('Nguyên nhân gốc').fill('Quy trình ban hành chưa rà soát theo quy định mới');
    await nc.getByRole('button', { name: 'Lưu' }).click();
    await nc.getByText('Đã lưu.').first().waitFor();
    await nc.getByRole('button', { name: 'Thêm hành động khắc phục' }).click();
    await nc.getByRole('dialog').getByLabel('Nội dung hành động').fill(`Sửa đổi quy trình ${doc.code}, bổ sung thời hạn bước 2`);
    await choose(nc, 'Người chịu trách nhiệm', drafter.fullName);
    await nc.getByRole('dialog').getByLabel('Thời hạn').fill('2030-12-31');
    // The document of the nonconformity is proposed as the one to change.
    expect(await nc.getByRole('dialog').getByLabel('Tài liệu cần sửa đổi').first().inputValue()).toContain(doc.code);
    await nc.getByRole('dialog').getByRole('button', { name: 'Thêm hành động khắc phục' }).click();
    await nc.getByText('Đang khắc phục', { exact: true }).waitFor();
    await nc.context().close();

    // The drafter cannot report it done before the new revision is in effect.
    const act = await as(drafter, ncPath);
    await act.getByRole('button', { name: 'Báo cáo hoàn thành' }).click();
    await act.getByRole('dialog').getByLabel('Bằng chứng').fill('Đã trình dự thảo sửa đổi');
    await act.getByRole('dialog').getByRole('button', { name: 'Báo cáo hoàn thành' }).click();
    await act.getByRole('dialog').getByText(/Tài liệu cần sửa đổi chưa có lần ban hành mới/).waitFor();
    await act.getByRole('dialog').getByRole('button', { name: 'Hủy' }).click();
    const draft = await s.t.http.post(`${API}/documents/${doc.id}/revisions`).set(bearer(drafter.token)).send({ changeSummary: 'Bổ sung thời hạn bước 2 theo kết quả đánh giá nội bộ' });
    ok(draft, 201, 'new draft');
    await toEffective(draft.body.id);
    await act.reload();
    await act.getByRole('button', { name: 'Báo cáo hoàn thành' }).click();
    await act.getByRole('dialog').getByLabel('Bằng chứng').fill(`Quy trình ${doc.code} lần ban hành 02 đã có hiệu lực`);
    await act.getByRole('dialog').getByRole('button', { name: 'Báo cáo hoàn thành' }).click();
    await act.getByText('Chờ xác nhận hiệu lực', { exact: true }).waitFor();
    await act.context().close();

    // Another auditor verifies effectiveness with the password: the nonconformity closes, then the audit.
    const verify = await as(verifier, ncPath);
    await verify.getByRole('button', { name: 'Xác nhận hiệu lực' }).click();
    await verify.getByRole('dialog').getByLabel('Nhận xét').fill('Quy trình mới đã áp dụng, hồ sơ chuyển đúng hạn');
    await verify.getByRole('dialog').locator('input[type=password]').fill(verifier.password);
    await verify.getByRole('dialog').getByRole('button', { name: 'Xác nhận hiệu lực' }).click();
    await verify.getByText('Đã đóng', { exact: true }).first().waitFor();
    await verify.goto(auditPath);
    await verify.getByText('Đã đóng', { exact: true }).first().waitFor();
    await screenshot(verify, 'quality-02-closed');
    // The register filters by source.
    await verify.goto('/khong-phu-hop?source=internal_audit');
    await verify.getByRole('link', { name: /^KPH-\d{3}$/ }).first().waitFor();
    await verify.context().close();
    const closed = await s.t.http.get(`${API}${auditPath.replace('/danh-gia-noi-bo', '/internal-audits')}`).set(bearer(head.token));
    expect(closed.body.state).toBe('closed');
  }
});
