/**
 * Periodic reports to the Sở KH&CN through HTTP: periods and due dates, figures computed from the
 * records of the test and frozen at submission, signing by the head or a deputy "KT." with the
 * password, late after the due date, return with a comment and resubmission keeping both versions,
 * the database guard of submitted rows, the Decree 30 PDF, and the reminders sent once.
 */
import ExcelJS from 'exceljs';
import { ReportReminders } from '../../src/supervision/report-reminders.js';
import { vnDate } from '../../src/supervision/reporting-periods.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from '../support/fixtures.js';
import { API, delegate, newProcedure, toEffective, workflow, workflowCast, type Workflow, type WorkflowCast } from '../workflow/helpers.js';
import { waitForPdf } from '../renditions/helpers.js';

const YEAR = Number(vnDate(new Date()).slice(0, 4));
const ANNUAL = String(YEAR);
const LAST_YEAR = String(YEAR - 1);

describe('periodic reports', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: WorkflowCast;
  let w: Workflow;
  let supervisor: TestUser;
  let province: TestAgency;

  beforeAll(async () => {
    // The annual report falls due on 31/12 here, so this year's report is never late whatever the day the suite runs.
    t = await createTestApp({ REPORT_DUE_YEAR: '31/12' });
    f = new Fixtures(t);
    c = await workflowCast(f);
    w = workflow(t);
    province = { id: c.agency.parentId!, code: '', name: '', level: 'province', parentId: null };
    supervisor = await f.user({ [province.id]: ['supervisor'] }, { fullName: 'Lý Giám Sát', title: 'Chuyên viên Chi cục TCĐLCL' });
  }, 120_000);
  afterAll(() => t.close());

  const open = (u: TestUser, period: string, agencyId = c.agency.id) => t.http.post(`${API}/agencies/${agencyId}/reports`).set(bearer(u.token)).send({ period });
  const get = (u: TestUser, id: string) => t.http.get(`${API}/reports/${id}`).set(bearer(u.token));
  const submit = (u: TestUser, id: string, password = u.password) => t.http.post(`${API}/reports/${id}/submit`).set(bearer(u.token)).send({ password });
  const giveBack = (u: TestUser, id: string, comment: string) => t.http.post(`${API}/reports/${id}/return`).set(bearer(u.token)).send({ comment });
  const patch = (u: TestUser, id: string, etag: string | undefined, body: Record<string, unknown>) => {
    const r = t.http.patch(`${API}/reports/${id}`).set(bearer(u.token));
    return (etag ? r.set('If-Match', etag) : r).send(body);
  };
  const tasks = async (u: TestUser, kind: string) =>
    ((await t.http.get(`${API}/me/tasks?kind=${kind}&agencyId=${c.agency.id}`).set(bearer(u.token))).body.items as { entityId: string; comment: string | null; dueOn: string | null }[]);
  const effectiveProcedure = async () => {
    const doc = await newProcedure(t, c);
    await toEffective(w, c, doc.revisionId);
    return doc;
  };

  it('lists the periods of a year with their due dates (defaults and the configured annual date)', async () => {
    const res = await t.http.get(`${API}/reporting-periods?year=2026`).set(bearer(c.secretary.token));
    expect(res.status).toBe(200);
    const due = Object.fromEntries(res.body.map((p: { period: string; dueOn: string }) => [p.period, p.dueOn]));
    expect(due).toEqual({ '2026-Q1': '2026-03-20', '2026-Q2': '2026-06-20', '2026-H1': '2026-06-15', '2026-Q3': '2026-09-20', '2026-Q4': '2026-12-20', '2026': '2026-12-31' });
    expect(res.body.find((p: { period: string }) => p.period === '2026-H1')).toEqual({ period: '2026-H1', kind: 'half_year', dueOn: '2026-06-15', from: '2026-01-01', to: '2026-06-30' });
    expect((await t.http.get(`${API}/reporting-periods?year=abc`).set(bearer(c.secretary.token))).status).toBe(400);
  });

  it('figures come from the records; submission freezes them; return and resubmission keep both versions', async () => {
    await effectiveProcedure();
    const opened = await open(c.secretary, ANNUAL);
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual(expect.objectContaining({ state: 'draft', period: ANNUAL, kind: 'year', dueOn: `${YEAR}-12-31`, late: false, submissionCount: 0, versions: [], figuresFrozenAt: null }));
    expect(opened.body.figures).toEqual(expect.objectContaining({ proceduresInForce: 1, documentsRevisedInPeriod: 1, documentsOverdueReview: 0, legalChangesApplied: 0, legalChangesOutstanding: 0, legalUpdatesOverdue: 0 }));
    const id = opened.body.id as string;

    // One report per agency and period.
    const again = await open(c.head, ANNUAL);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('report_exists');

    // Draft figures are live.
    await effectiveProcedure();
    expect((await get(c.secretary, id)).body.figures.proceduresInForce).toBe(2);

    // Free text with If-Match.
    const etag = (await get(c.secretary, id)).headers.etag;
    expect((await patch(c.secretary, id, undefined, { results: 'x' })).status).toBe(428);
    const edited = await patch(c.secretary, id, etag, { results: 'Duy trì 100% quy trình.', difficulties: 'Thiếu cán bộ chuyên trách.', proposals: 'Đề nghị Sở tổ chức tập huấn.' });
    expect(edited.status).toBe(200);
    expect((await patch(c.secretary, id, etag, { results: 'y' })).status).toBe(412);

    // The head has it to sign and send; the secretary does not.
    expect((await tasks(c.head, 'submit_report')).map((x) => x.entityId)).toContain(id);
    expect((await tasks(c.head, 'submit_report')).find((x) => x.entityId === id)?.dueOn).toBe(`${YEAR}-12-31`);
    expect(await tasks(c.secretary, 'submit_report')).toEqual([]);

    // Who may sign: not the secretary, not a deputy without a delegation, not with a wrong password.
    expect((await submit(c.secretary, id)).status).toBe(403);
    const deputyAlone = await submit(c.deputy, id);
    expect(deputyAlone.status).toBe(403);
    expect(deputyAlone.body.code).toBe('delegation_required');
    const wrong = await submit(c.head, id, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect((await get(c.head, id)).body.state).toBe('draft');

    const submitted = await submit(c.head, id);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toEqual(expect.objectContaining({ state: 'submitted', late: false, submissionCount: 1 }));
    expect(submitted.body.figures.proceduresInForce).toBe(2);
    expect(submitted.body.versions).toEqual([
      expect.objectContaining({ version: 1, state: 'submitted', late: false, number: expect.stringMatching(/^\d{2}\/BC-/), results: 'Duy trì 100% quy trình.', signature: expect.objectContaining({ capacity: 'head', fullName: c.head.fullName }) }),
    ]);

    // Frozen: a later change does not alter the submitted report.
    await effectiveProcedure();
    const later = await get(supervisor, id);
    expect(later.body.figures.proceduresInForce).toBe(2);
    expect(later.body.versions[0].figures.proceduresInForce).toBe(2);
    expect((await patch(c.secretary, id, later.headers.etag, { results: 'sửa sau khi gửi' })).status).toBe(409);
    expect((await submit(c.head, id)).body.code).toBe('report_not_editable');
    // ... and the database refuses it too.
    await expect(t.db.query(`UPDATE periodic_reports SET results = 'x' WHERE id = $1`, [id])).rejects.toThrow(/cannot be changed|only .* may change/);
    await expect(t.db.query(`UPDATE periodic_report_versions SET figures = '{}' WHERE report_id = $1`, [id])).rejects.toThrow(/cannot be changed|only .* may change/);
    await expect(t.db.query(`DELETE FROM periodic_report_versions WHERE report_id = $1`, [id])).rejects.toThrow(/cannot be deleted/);

    // Return: only a supervisor of an ancestor, only a submitted report.
    expect((await giveBack(c.head, id, 'Trả lại')).status).toBe(403);
    const returned = await giveBack(supervisor, id, 'Đề nghị bổ sung số liệu TTHC.');
    expect(returned.status).toBe(200);
    expect(returned.body.state).toBe('returned');
    expect((await giveBack(supervisor, id, 'lần nữa')).body.code).toBe('report_not_submitted');
    const notices = await t.db.query<{ kind: string }[]>(`SELECT kind FROM notifications WHERE user_id = $1 AND entity_id = $2`, [c.head.id, id]);
    expect(notices.map((n) => n.kind)).toContain('periodic_report.returned');

    // The secretary has it to revise, with the Sở's comment; the head to sign again.
    expect((await tasks(c.secretary, 'report_returned')).find((x) => x.entityId === id)?.comment).toBe('Đề nghị bổ sung số liệu TTHC.');
    expect((await tasks(c.head, 'submit_report')).map((x) => x.entityId)).toContain(id);

    // Returned: editable and live again; resubmitted by the deputy under a delegation ("KT.").
    const r2 = await get(c.secretary, id);
    expect(r2.body.figures.proceduresInForce).toBe(3);
    expect((await patch(c.secretary, id, r2.headers.etag, { results: 'Đã bổ sung số liệu.' })).status).toBe(200);
    await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + 86_400_000));
    const resubmitted = await submit(c.deputy, id);
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.submissionCount).toBe(2);
    expect(resubmitted.body.versions).toEqual([
      expect.objectContaining({ version: 1, state: 'returned', returnComment: 'Đề nghị bổ sung số liệu TTHC.', returnedBy: supervisor.id, results: 'Duy trì 100% quy trình.' }),
      expect.objectContaining({ version: 2, state: 'submitted', results: 'Đã bổ sung số liệu.', signature: expect.objectContaining({ capacity: 'deputy', onBehalfOfName: c.head.fullName }) }),
    ]);
    expect(resubmitted.body.versions[0].figures.proceduresInForce).toBe(2);
    expect(resubmitted.body.versions[1].figures.proceduresInForce).toBe(3);
    expect(resubmitted.body.versions[1].number).not.toBe(resubmitted.body.versions[0].number);
    expect((await tasks(c.secretary, 'report_returned')).map((x) => x.entityId)).not.toContain(id);
    expect((await tasks(c.head, 'submit_report')).map((x) => x.entityId)).not.toContain(id);

    // The audit trail has every move.
    const events = await t.db.query<{ action: string }[]>(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at, id`, [id]);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['periodic_report.opened', 'periodic_report.updated', 'periodic_report.submitted', 'periodic_report.returned']));

    // The PDF: Decree 30 layout, the deputy's "KT." block, the figures, "Nơi nhận".
    const got = await waitForPdf(t, c.head, `/reports/${id}?format=pdf`, 60_000);
    const text = got.pdf.pages.map((p) => p.text).join(' ');
    expect(text).toContain('BÁO CÁO');
    expect(text).toContain('Tình hình duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015');
    expect(text).toMatch(/Số: \d{2}\/BC-/);
    expect(text).toContain('KT. GIÁM ĐỐC');
    expect(text).toContain('Số quy trình đang có hiệu lực');
    expect(text).toContain('Đã bổ sung số liệu.');
    expect(text).toContain('Nơi nhận');
    expect(text).toMatch(/ngày \d{2} tháng \d{1,2} năm \d{4}/);
  }, 180_000);

  it('a submission after the due date is late', async () => {
    const opened = await open(c.secretary, LAST_YEAR);
    expect(opened.status).toBe(201);
    const res = await submit(c.head, opened.body.id);
    expect(res.status).toBe(200);
    expect(res.body.late).toBe(true);
    expect(res.body.versions[0].late).toBe(true);
  }, 60_000);

  it('refuses a period that has not started, a malformed period, and strangers (404)', async () => {
    const future = await open(c.secretary, String(YEAR + 1));
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('report_period_not_started');
    const bad = await open(c.secretary, `${YEAR}-Q5`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('period');
    expect((await open(c.stranger, `${YEAR}-Q1`)).status).toBe(404);
    const q1 = await open(c.secretary, `${YEAR}-Q1`);
    expect(q1.status).toBe(201);
    expect((await get(c.stranger, q1.body.id)).status).toBe(404);
    expect((await t.http.get(`${API}/reports/${q1.body.id}?format=pdf`).set(bearer(c.stranger.token))).status).toBe(404);
    expect((await submit(c.stranger, q1.body.id)).status).toBe(404);
    expect((await open(c.staff, `${YEAR}-Q2`)).status).toBe(403);
    const list = await t.http.get(`${API}/reports?agencyId=${c.agency.id}&year=${YEAR}`).set(bearer(supervisor.token));
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { period: string }) => r.period)).toEqual(expect.arrayContaining([ANNUAL, `${YEAR}-Q1`]));
  }, 60_000);

  it('reminds agencies without a submitted report 7 days and 1 day before, once each', async () => {
    const waiting = await f.agency({ level: 'commune', parentId: province.id, name: 'Ủy ban nhân dân xã Đăk Blá' });
    const done = await f.agency({ level: 'commune', parentId: province.id, name: 'Ủy ban nhân dân xã Đăk Ui' });
    const [head, secretary, staff, doneHead] = await Promise.all([
      f.user({ [waiting.id]: ['head'] }),
      f.user({ [waiting.id]: ['iso_secretary'] }),
      f.user({ [waiting.id]: ['staff'] }),
      f.user({ [done.id]: ['head'] }),
    ]);
    const doneReport = await open(doneHead, LAST_YEAR, done.id);
    expect((await submit(doneHead, doneReport.body.id)).status).toBe(200);
    const reminders = t.app.get(ReportReminders);
    const agencyIds = [waiting.id, done.id];
    const count = (u: TestUser) => t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'periodic_report.reminder'`, [u.id]).then((r) => r[0].n);
    // The annual report of last year was due on 31/12 of last year (configured): 7 days before, then 1 day before.
    const at = (day: string) => new Date(`${day}T09:00:00+07:00`);
    const first = await reminders.remind({ now: at(`${YEAR - 1}-12-24`), agencyIds });
    expect(first.sent).toEqual([{ agencyId: waiting.id, period: LAST_YEAR, daysBefore: 7 }]);
    expect(await count(head)).toBe(1);
    expect(await count(secretary)).toBe(1);
    expect(await count(staff)).toBe(0);
    expect(await count(doneHead)).toBe(0);
    // The same day again, and the next days: nothing new.
    expect((await reminders.remind({ now: at(`${YEAR - 1}-12-24`), agencyIds })).sent).toEqual([]);
    expect((await reminders.remind({ now: at(`${YEAR - 1}-12-27`), agencyIds })).sent).toEqual([]);
    const second = await reminders.remind({ now: at(`${YEAR - 1}-12-30`), agencyIds });
    expect(second.sent).toEqual([{ agencyId: waiting.id, period: LAST_YEAR, daysBefore: 1 }]);
    expect((await reminders.remind({ now: at(`${YEAR - 1}-12-31`), agencyIds })).sent).toEqual([]);
    expect(await count(head)).toBe(2);
    // Two runs at once still send once (the reminder row is the lock); neither agency submitted that six-month report.
    const runs = await Promise.all([reminders.remind({ now: at(`${YEAR - 1}-06-14`), agencyIds }), reminders.remind({ now: at(`${YEAR - 1}-06-14`), agencyIds })]);
    const sent = runs.flatMap((r) => r.sent);
    expect(sent).toHaveLength(2);
    expect(sent).toEqual(expect.arrayContaining(agencyIds.map((agencyId) => ({ agencyId, period: `${YEAR - 1}-H1`, daysBefore: 1 }))));
    expect(await count(head)).toBe(3);
    expect(await count(doneHead)).toBe(1);
  }, 60_000);

  describe('the province overview', () => {
    let sub: TestAgency;
    let subSupervisor: TestUser;

    beforeAll(async () => {
      sub = await f.agency({ level: 'district', parentId: province.id, name: 'Ủy ban nhân dân huyện Đăk Hà' });
      await f.agency({ level: 'commune', parentId: sub.id, name: 'Ủy ban nhân dân xã Hà Mòn' });
      subSupervisor = await f.user({ [sub.id]: ['supervisor'] });
    }, 60_000);

    const overview = (u: TestUser, agencyId: string, format = 'json') =>
      t.http.get(`${API}/supervision/overview?agencyId=${agencyId}&year=${YEAR}&format=${format}`).set(bearer(u.token)).buffer(true);

    it('one row per agency of the subtree with its figures and report statuses; totals per level against the targets', async () => {
      const res = await overview(supervisor, province.id);
      expect(res.status).toBe(200);
      const ids = res.body.items.map((r: { agency: { id: string } }) => r.agency.id);
      expect(ids).toEqual(expect.arrayContaining([province.id, c.agency.id, c.other.id, sub.id]));
      const dept = res.body.items.find((r: { agency: { id: string } }) => r.agency.id === c.agency.id);
      expect(dept.level).toBe('department');
      expect(dept.reports[ANNUAL]).toBe('submitted');
      expect(dept.reports[`${YEAR}-Q1`]).toBe('draft');
      expect(dept.reports[`${YEAR}-H1`]).toBe('missing');
      expect(dept.tthcCoverage).toEqual({ covered: 0, total: 0 });
      expect(res.body.periods).toEqual(expect.arrayContaining([`${YEAR}-H1`, ANNUAL, `${YEAR}-Q1`]));
      const deptTotal = res.body.totals.find((x: { level: string }) => x.level === 'department');
      expect(deptTotal).toEqual(expect.objectContaining({ agencies: 2, targetYear: 2025, reportsSubmitted: expect.objectContaining({ [ANNUAL]: 1 }) }));
      expect(res.body.rollout.map((r: { target: string; targetYear: number }) => [r.target, r.targetYear])).toEqual([
        ['provincial', 2025],
        ['district', 2027],
        ['all', 2030],
      ]);
      expect(res.body.rollout[2].agencies).toBe(res.body.items.length);
    }, 60_000);

    it("excludes agencies outside the supervisor's subtree; agency users get 403, strangers 404", async () => {
      const res = await overview(subSupervisor, sub.id);
      expect(res.status).toBe(200);
      const ids = res.body.items.map((r: { agency: { id: string } }) => r.agency.id);
      expect(ids).toHaveLength(2);
      expect(ids).toContain(sub.id);
      expect(ids).not.toContain(province.id);
      expect(ids).not.toContain(c.agency.id);
      expect((await overview(subSupervisor, province.id)).status).toBe(404);
      expect((await overview(subSupervisor, c.agency.id)).status).toBe(404);
      expect((await overview(c.head, c.agency.id)).status).toBe(403);
      expect((await overview(c.stranger, c.agency.id)).status).toBe(404);
      expect((await overview(c.head, province.id)).status).toBe(404);
    }, 60_000);

    it('CSV (UTF-8 with BOM) and XLSX carry the same rows as JSON', async () => {
      const json = (await overview(supervisor, province.id)).body;
      const csv = await overview(supervisor, province.id, 'csv');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const text = csv.text;
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const lines = text.slice(1).trim().split('\r\n');
      expect(lines).toHaveLength(json.items.length + 1);
      expect(lines[0]).toContain('Tên cơ quan');
      lines.slice(1).forEach((line, i) => {
        expect(line.startsWith(`${json.items[i].agency.code},`)).toBe(true);
        expect(line).toContain(json.items[i].reports[ANNUAL]);
      });

      const xlsx = await t.http
        .get(`${API}/supervision/overview?agencyId=${province.id}&year=${YEAR}&format=xlsx`)
        .set(bearer(supervisor.token))
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(xlsx.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.body as never);
      const sheet = wb.getWorksheet('Tổng quan')!;
      const rows: string[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
      expect(rows).toHaveLength(json.items.length + 1);
      const annualCol = rows[0].indexOf(`Báo cáo ${ANNUAL}`);
      rows.slice(1).forEach((r, i) => {
        expect(r[0]).toBe(json.items[i].agency.code);
        expect(r[1]).toBe(json.items[i].agency.name);
        expect(r[annualCol]).toBe(json.items[i].reports[ANNUAL]);
      });
      expect(wb.getWorksheet('Theo cấp')!.rowCount).toBe(json.totals.length + 1);
    }, 60_000);
  });
});
