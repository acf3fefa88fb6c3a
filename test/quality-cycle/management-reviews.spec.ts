/**
 * Management reviews through HTTP: the inputs collected from the owner modules (internal audits and
 * their findings, nonconformities, legal changes, objectives, announcement) when the review is
 * created and again while it is a draft; decisions carried into the next review with their status;
 * approval by the chair only, a deputy only under a delegation ("KT." on the minutes), with the
 * password; the database freezing the approved review and its decisions; the minutes PDF; tasks;
 * and the role × agency matrix.
 */
import { Principal } from '../../src/access/principal.js';
import { AgencyFactsService } from '../../src/agency-facts/agency-facts.service.js';
import { InternalAuditsService } from '../../src/internal-audits/index.js';
import { NonconformitiesService } from '../../src/nonconformities/index.js';
import { effectiveProcedure, finished, legalDocument, postChange } from '../legal-changes-helpers.js';
import { waitForPdf } from '../renditions/helpers.js';
import { bearer, TestUser } from '../support/fixtures.js';
import { API, delegate, workflowCast, workflowSuite, type WorkflowCast, type WorkflowSuite } from '../workflow/helpers.js';
import { objectivesInForce, sqlState } from './helpers.js';

const vnToday = (days = 0) => {
  const d = new Date(Date.now() + 7 * 3600_000);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const YEAR = Number(vnToday().slice(0, 4));
const principal = (u: TestUser) => new Principal(u.id, u.username, u.fullName, false, 'test');

describe('management review', () => {
  let s: WorkflowSuite;
  let supervisor: TestUser;
  beforeAll(async () => {
    s = await workflowSuite();
    supervisor = await s.f.user({ [s.c.agency.parentId!]: ['supervisor'] });
  });
  afterAll(() => s.t.close());

  const create = (u: TestUser, c: WorkflowCast, extra: Record<string, unknown> = {}) =>
    s.t.http
      .post(`${API}/management-reviews`)
      .set(bearer(u.token))
      .send({
        agencyId: c.agency.id,
        year: YEAR,
        heldOn: vnToday(),
        chairUserId: c.head.id,
        attendees: [
          { fullName: 'Trần Văn Giám', title: 'Giám đốc Sở' },
          { fullName: 'Phạm Thị Thư', title: 'Thư ký ISO' },
        ],
        ...extra,
      });
  const get = (u: TestUser, id: string) => s.t.http.get(`${API}/management-reviews/${id}`).set(bearer(u.token));
  const decide = (u: TestUser, id: string, body: Record<string, unknown>) => s.t.http.post(`${API}/management-reviews/${id}/decisions`).set(bearer(u.token)).send(body);
  const approve = (u: TestUser, id: string, password = u.password) => s.t.http.post(`${API}/management-reviews/${id}/approve`).set(bearer(u.token)).send({ password });

  it('the inputs reflect the internal audits, nonconformities, legal changes and objectives of the year, and are refreshed while the review is a draft', async () => {
    const { t, f } = s;
    const c = await workflowCast(f);
    // An internal audit held with two findings (one opens a nonconformity).
    const audits = t.app.get(InternalAuditsService);
    const plan = await audits.create(principal(c.secretary), {
      agencyId: c.agency.id,
      year: YEAR,
      title: `Đánh giá chất lượng nội bộ năm ${YEAR}`,
      scope: { units: ['Bộ phận Một cửa'] },
      plannedFrom: vnToday(),
      plannedTo: vnToday(),
      leadAuditorId: c.auditor.id,
      auditorIds: [],
    });
    await audits.approve(principal(c.head), plan.id, { password: c.head.password });
    await audits.start(principal(c.auditor), plan.id);
    await audits.addFinding(principal(c.auditor), plan.id, { kind: 'observation', clause: '7.5.3', description: 'Sổ theo dõi văn bản đến chưa cập nhật' });
    await audits.addFinding(principal(c.auditor), plan.id, { kind: 'nonconformity', clause: '8.5.1', description: 'Hồ sơ trả kết quả trễ hạn không có phiếu xin lỗi' });
    // A nonconformity from a complaint.
    const ncs = t.app.get(NonconformitiesService);
    await ncs.open({ agencyId: c.agency.id, source: 'complaint', severity: 'minor', description: 'Công dân phản ánh thái độ tiếp dân', createdBy: c.secretary.id });
    // A legal change reaching a procedure of the agency (a draft is prepared and stays open).
    const admin = await f.adminToken();
    const base = await legalDocument(t, admin, { year: 2018 });
    const amending = await legalDocument(t, admin, { year: YEAR });
    await effectiveProcedure(t, c.drafter, c.agency.id, [{ legalDocumentId: base.id }]);
    const change = await postChange(t, admin, base.id, { kind: 'amended', byLegalDocumentId: amending.id, effectiveFrom: vnToday() });
    expect(change.status).toBe(202);
    await finished(t, admin, change.body.changeId);
    // Objectives in force, evaluated for a quarter.
    const objectives = await objectivesInForce(t, c.secretary, c.agency.id, YEAR, [1, 2]);
    const evaluation = await t.http
      .post(`${API}/documents/${objectives.id}/evaluations`)
      .set(bearer(c.secretary.token))
      .send({ period: `${YEAR}-Q1`, results: [{ no: 1, actual: '99%', achieved: true }, { no: 2, actual: '90%', achieved: false }] });
    expect(evaluation.status).toBe(201);

    const res = await create(c.secretary, c);
    expect(res.status).toBe(201);
    const inputs = res.body.inputs;
    expect(inputs.audits).toEqual(expect.objectContaining({ count: 1, held: 1, findings: { nonconformity: 1, observation: 1, opportunity: 0, strength: 0 } }));
    expect(inputs.audits.items[0]).toEqual(expect.objectContaining({ id: plan.id, nonconformitiesOpen: 1 }));
    expect(inputs.nonconformities).toEqual(expect.objectContaining({ count: 2, open: 2, closed: 0 }));
    expect(inputs.legalChanges).toEqual(expect.objectContaining({ count: 1, openDrafts: 1 }));
    expect(inputs.legalChanges.items[0]).toEqual(expect.objectContaining({ changeId: change.body.changeId, legalDocumentNumber: base.number, kind: 'amended', documents: 1, openDrafts: 1 }));
    expect(inputs.objectives).toEqual(expect.objectContaining({ count: 1, objectives: 2, met: 1 }));
    expect(inputs.objectives.items[0].latestEvaluation).toEqual({ period: `${YEAR}-Q1`, achievedCount: 1, total: 2 });
    expect(inputs.announcement).toEqual(expect.objectContaining({ announced: false, reannouncementDue: false }));
    expect(inputs.previousDecisions).toEqual(expect.objectContaining({ count: 0, previousReviewId: null }));

    // One more nonconformity: a draft's inputs follow.
    await ncs.open({ agencyId: c.agency.id, source: 'process', severity: 'major', description: 'Quy trình nội bộ không được tuân thủ', createdBy: c.secretary.id });
    const again = await get(c.head, res.body.id);
    expect(again.status).toBe(200);
    expect(again.body.inputs.nonconformities.open).toBe(3);
    expect(Date.parse(again.body.inputs.collectedAt)).toBeGreaterThan(Date.parse(inputs.collectedAt));

    const second = await create(c.secretary, c);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('management_review_draft_open');
    const facts = await t.app.get(AgencyFactsService).collect([c.agency.id], { year: YEAR, from: new Date(Date.UTC(YEAR, 0, 1)), to: new Date(Date.UTC(YEAR + 1, 0, 1)) });
    expect(facts.get(c.agency.id)).toEqual(expect.objectContaining({ objectivesIssued: 1, objectivesTotal: 2, objectivesEvaluated: 2, objectivesMet: 1, managementReviewsHeld: 0 }));
  });

  it('decisions: approved by the chair with the password, frozen by the database, carried into the next review with their status; open ones are tasks', async () => {
    const { t, f } = s;
    const c = await workflowCast(f);
    const review = (await create(c.drafter, c)).body;
    const d1 = await decide(c.secretary, review.id, { kind: 'improvement', description: 'Rà soát, cập nhật quy trình tiếp nhận hồ sơ theo Nghị định mới', responsibleUserId: c.secretary.id, dueOn: vnToday(30) });
    expect(d1.status).toBe(201);
    expect(d1.body).toEqual(expect.objectContaining({ no: 1, status: 'open' }));
    const d2 = await decide(c.drafter, review.id, { kind: 'resources', description: 'Bổ sung máy quét tài liệu cho Bộ phận Một cửa', responsibleUserId: c.drafter.id, dueOn: vnToday(60) });
    expect(d2.body.no).toBe(2);
    const past = await decide(c.secretary, review.id, { kind: 'qms_change', description: 'x', responsibleUserId: c.secretary.id, dueOn: vnToday(-1) });
    expect(past.status).toBe(422);
    expect(past.body.code).toBe('due_date_past');
    const outsider = await decide(c.secretary, review.id, { kind: 'qms_change', description: 'x', responsibleUserId: c.stranger.id, dueOn: vnToday(5) });
    expect(outsider.status).toBe(422);
    expect(outsider.body.code).toBe('responsible_not_member');

    // Minutes edited with If-Match.
    const current = await get(c.secretary, review.id);
    const noMatch = await t.http.patch(`${API}/management-reviews/${review.id}`).set(bearer(c.secretary.token)).send({ minutes: 'x' });
    expect(noMatch.status).toBe(428);
    const stale = await t.http.patch(`${API}/management-reviews/${review.id}`).set(bearer(c.secretary.token)).set('If-Match', `"${review.id}:0"`).send({ minutes: 'x' });
    expect(stale.status).toBe(412);
    const edited = await t.http
      .patch(`${API}/management-reviews/${review.id}`)
      .set(bearer(c.secretary.token))
      .set('If-Match', current.headers.etag)
      .send({ minutes: 'Lãnh đạo Sở chủ trì, Thư ký ISO báo cáo tình hình duy trì HTQLCL.', feedback: 'Không có phản ánh, kiến nghị.', risks: 'Thiếu nhân lực bộ phận một cửa.' });
    expect(edited.status).toBe(200);

    const notChair = await approve(c.deputy, review.id);
    expect(notChair.status).toBe(403);
    const wrong = await approve(c.head, review.id, 'not-the-password');
    expect(wrong.status).toBe(401);
    const ok = await approve(c.head, review.id);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(expect.objectContaining({ state: 'approved', capacity: 'head', approvedBy: expect.objectContaining({ id: c.head.id }) }));
    expect((await approve(c.head, review.id)).status).toBe(409);
    expect((await decide(c.secretary, review.id, { kind: 'improvement', description: 'muộn', responsibleUserId: c.secretary.id, dueOn: vnToday(3) })).body.code).toBe('management_review_not_draft');
    const late = await t.http.patch(`${API}/management-reviews/${review.id}`).set(bearer(c.secretary.token)).set('If-Match', ok.body.etag).send({ minutes: 'sửa' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('management_review_not_draft');
    // The database refuses it too.
    expect(await sqlState(t, `UPDATE management_reviews SET minutes = 'sửa' WHERE id = $1`, [review.id])).toBe('P0001');
    expect(await sqlState(t, `DELETE FROM management_reviews WHERE id = $1`, [review.id])).toBe('P0001');
    expect(await sqlState(t, `UPDATE management_review_decisions SET description = 'sửa' WHERE id = $1`, [d1.body.id])).toBe('P0001');
    expect(await sqlState(t, `DELETE FROM management_review_decisions WHERE id = $1`, [d1.body.id])).toBe('P0001');
    expect(
      await sqlState(t, `INSERT INTO management_review_decisions (review_id, agency_id, no, kind, description, responsible_user_id, due_on, created_by) VALUES ($1, $2, 9, 'improvement', 'x', $3, now(), $3)`, [
        review.id,
        c.agency.id,
        c.secretary.id,
      ]),
    ).toBe('P0001');

    // Tasks and completion.
    const tasks = await t.http.get(`${API}/me/tasks?kind=review_decision`).set(bearer(c.drafter.token));
    expect(tasks.status).toBe(200);
    expect(tasks.body.items).toEqual([expect.objectContaining({ kind: 'review_decision', entityId: review.id, title: d2.body.description, dueOn: vnToday(60) })]);
    const byOther = await t.http.post(`${API}/management-review-decisions/${d2.body.id}/complete`).set(bearer(c.head.token)).send({ note: 'x' });
    expect(byOther.status).toBe(403);
    expect(byOther.body.code).toBe('not_decision_responsible');
    const done = await t.http.post(`${API}/management-review-decisions/${d2.body.id}/complete`).set(bearer(c.drafter.token)).send({ note: 'Đã trang bị 02 máy quét' });
    expect(done.status).toBe(200);
    expect(done.body).toEqual(expect.objectContaining({ status: 'done', completionNote: 'Đã trang bị 02 máy quét' }));
    expect((await t.http.post(`${API}/management-review-decisions/${d2.body.id}/complete`).set(bearer(c.drafter.token)).send({ note: 'lần nữa' })).body.code).toBe('decision_completed');
    expect((await t.http.get(`${API}/me/tasks?kind=review_decision`).set(bearer(c.drafter.token))).body.items).toEqual([]);

    // The next review carries the decisions with their status.
    const next = await create(c.secretary, c);
    expect(next.status).toBe(201);
    expect(next.body.inputs.previousDecisions).toEqual(expect.objectContaining({ count: 2, open: 1, previousReviewId: review.id }));
    expect(next.body.inputs.previousDecisions.items.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [d1.body.id, 'open'],
      [d2.body.id, 'done'],
    ]);
    const facts = await t.app.get(AgencyFactsService).collect([c.agency.id], { year: YEAR, from: new Date(Date.UTC(YEAR, 0, 1)), to: new Date(Date.UTC(YEAR + 1, 0, 1)) });
    expect(facts.get(c.agency.id)?.managementReviewsHeld).toBe(1);
  });

  it('a deputy chairing approves only under a delegation; the minutes PDF prints the decisions with diacritics and "KT."', async () => {
    const { t, f } = s;
    const c = await workflowCast(f);
    const notChair = await create(c.secretary, c, { chairUserId: c.secretary.id });
    expect(notChair.status).toBe(422);
    expect(notChair.body.code).toBe('chair_not_approver');
    const review = (await create(c.secretary, c, { chairUserId: c.deputy.id })).body;
    const description = 'Xây dựng kế hoạch khắc phục điểm không phù hợp về lưu trữ hồ sơ điện tử';
    expect((await decide(c.secretary, review.id, { kind: 'qms_change', description, responsibleUserId: c.secretary.id, dueOn: vnToday(20) })).status).toBe(201);
    const refused = await approve(c.deputy, review.id);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('delegation_required');
    const headNotChair = await approve(c.head, review.id);
    expect(headNotChair.status).toBe(403);
    expect(headNotChair.body.code).toBe('not_review_chair');
    expect((await get(c.secretary, review.id)).body.state).toBe('draft');

    await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + 3600_000));
    const ok = await approve(c.deputy, review.id);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(expect.objectContaining({ capacity: 'deputy', onBehalfOf: expect.objectContaining({ id: c.head.id }) }));

    const json = await t.http.get(`${API}/management-reviews/${review.id}/minutes`).set(bearer(c.auditor.token));
    expect(json.status).toBe(200);
    expect(json.body.review.decisions[0].description).toBe(description);
    const pdf = await waitForPdf(t, c.auditor, `/management-reviews/${review.id}/minutes?format=pdf`);
    const text = pdf.pdf.pages.map((p) => p.text).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('BIÊN BẢN');
    expect(text).toContain(`Họp xem xét của lãnh đạo năm ${YEAR}`);
    expect(text).toContain('Xây dựng kế hoạch khắc phục điểm không phù hợp');
    expect(text).toContain('Thay đổi Hệ thống quản lý chất lượng');
    expect(text).toContain('KT. GIÁM ĐỐC');
    expect(text).toContain('Hoàng Thị Phó');
    expect(pdf.headers['content-disposition']).toContain(encodeURIComponent(`Biên bản họp xem xét của lãnh đạo năm ${YEAR}.pdf`));
  });

  it('role × agency for every operation', async () => {
    const { t, c } = s;
    const matrix = async (label: string, call: (u: TestUser) => Promise<{ status: number }>, expected: [TestUser, number][]) => {
      for (const [u, status] of expected) expect([label, u.fullName, (await call(u)).status]).toEqual([label, u.fullName, status]);
    };
    await matrix('create', (u) => create(u, c), [
      [c.staff, 403],
      [c.auditor, 403],
      [c.deputy, 403],
      [supervisor, 403],
      [c.stranger, 404],
    ]);
    const review = (await create(c.secretary, c)).body;
    await matrix('read', (u) => get(u, review.id), [
      [c.staff, 403],
      [c.auditor, 200],
      [c.deputy, 200],
      [c.drafter, 200],
      [supervisor, 200],
      [c.stranger, 404],
    ]);
    await matrix('list', (u) => t.http.get(`${API}/management-reviews?agencyId=${c.agency.id}`).set(bearer(u.token)), [
      [c.staff, 403],
      [supervisor, 200],
      [c.stranger, 404],
    ]);
    const listed = await t.http.get(`${API}/management-reviews?year=${YEAR}`).set(bearer(c.stranger.token));
    expect(listed.body.items.map((r: { id: string }) => r.id)).not.toContain(review.id);
    await matrix('decision', (u) => decide(u, review.id, { kind: 'improvement', description: 'Kết luận', responsibleUserId: c.secretary.id, dueOn: vnToday(9) }), [
      [c.staff, 403],
      [c.auditor, 403],
      [c.deputy, 403],
      [supervisor, 403],
      [c.stranger, 404],
      [c.head, 201],
    ]);
    const etag = (await get(c.secretary, review.id)).headers.etag;
    await matrix('update', (u) => t.http.patch(`${API}/management-reviews/${review.id}`).set(bearer(u.token)).set('If-Match', etag).send({ minutes: 'x' }), [
      [c.staff, 403],
      [c.auditor, 403],
      [supervisor, 403],
      [c.stranger, 404],
    ]);
    await matrix('approve', (u) => approve(u, review.id), [
      [c.staff, 403],
      [c.secretary, 403],
      [supervisor, 403],
      [c.stranger, 404],
    ]);
    await matrix('minutes', (u) => t.http.get(`${API}/management-reviews/${review.id}/minutes`).set(bearer(u.token)), [
      [c.staff, 403],
      [supervisor, 200],
      [c.stranger, 404],
    ]);
    expect((await approve(c.head, review.id)).status).toBe(200);
    const [decision] = (await get(c.head, review.id)).body.decisions;
    await matrix('complete', (u) => t.http.post(`${API}/management-review-decisions/${decision.id}/complete`).set(bearer(u.token)).send({ note: 'Đã thực hiện' }), [
      [c.staff, 403],
      [c.stranger, 404],
      [c.secretary2, 200],
    ]);
  });
});
