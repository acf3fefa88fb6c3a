/**
 * Evaluations of quality objectives through HTTP: one result per objective of the revision in force,
 * unknown numbers and missing objectives refused, one evaluation per period (a correction names the
 * one it corrects), the period's year, the database refusing any change, the agency's roll-up of its
 * units, the public posting and the role × agency matrix.
 */
import type { Role } from '../../src/access/roles.js';
import { bearer, TestUser } from '../support/fixtures.js';
import { API, workflowSuite, type WorkflowSuite } from '../workflow/helpers.js';
import { objectivesInForce, sqlState } from './helpers.js';

describe('quality objectives: evaluation', () => {
  let s: WorkflowSuite;
  beforeAll(async () => {
    s = await workflowSuite();
  });
  afterAll(() => s.t.close());

  const post = (u: TestUser, docId: string, body: Record<string, unknown>) => s.t.http.post(`${API}/documents/${docId}/evaluations`).set(bearer(u.token)).send(body);
  const results = (nos: number[], achieved = (n: number) => n !== 2) => nos.map((no) => ({ no, actual: `${95 + no}% hồ sơ đúng hạn`, achieved: achieved(no), note: 'Số liệu từ Hệ thống một cửa' }));

  it('records one result per objective of the revision in force; refuses unknown numbers, missing objectives and another year', async () => {
    const { t, c } = s;
    const doc = await objectivesInForce(t, c.secretary, c.agency.id, 2026);
    const unknown = await post(c.secretary, doc.id, { period: '2026-Q1', results: results([1, 2, 3, 7]) });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('objective_unknown');
    expect(unknown.body.errors).toEqual([{ field: 'results[3].no', message: expect.stringContaining('objective 7') }]);
    const missing = await post(c.secretary, doc.id, { period: '2026-Q1', results: results([1, 3]) });
    expect(missing.status).toBe(422);
    expect(missing.body.code).toBe('evaluation_incomplete');
    const twice = await post(c.secretary, doc.id, { period: '2026-Q1', results: [...results([1, 2, 3]), ...results([1])] });
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].field).toBe('results[3].no');
    const otherYear = await post(c.secretary, doc.id, { period: '2025-H1', results: results([1, 2, 3]) });
    expect(otherYear.status).toBe(422);
    expect(otherYear.body.code).toBe('evaluation_period_invalid');
    const badPeriod = await post(c.secretary, doc.id, { period: '2026-H2', results: results([1, 2, 3]) });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.errors[0].field).toBe('period');
    expect(await t.db.query(`SELECT 1 FROM objective_evaluations WHERE document_id = $1`, [doc.id])).toEqual([]);

    const ok = await post(c.secretary, doc.id, { period: '2026-Q1', results: results([3, 1, 2]) });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual(
      expect.objectContaining({ period: '2026-Q1', revisionId: doc.revisionId, achievedCount: 2, total: 3, evaluatedBy: c.secretary.id, current: true, correctsId: null }),
    );
    expect(ok.body.results.map((r: { no: number; objective: string }) => r.no)).toEqual([1, 2, 3]);
    expect(ok.body.results[0].objective).toContain('giải quyết đúng hạn');
    const [event] = await t.db.query<{ action: string }[]>(`SELECT action FROM audit_events WHERE entity_id = $1`, [ok.body.id]);
    expect(event.action).toBe('objective_evaluation.recorded');
  });

  it('one evaluation per period: a second is 409; a correction names the one it corrects, which stops counting', async () => {
    const { t, c } = s;
    const doc = await objectivesInForce(t, c.secretary, c.agency.id, 2027);
    const first = await post(c.head, doc.id, { period: '2027', results: results([1, 2, 3]) });
    expect(first.status).toBe(201);
    const second = await post(c.secretary, doc.id, { period: '2027', results: results([1, 2, 3], () => true) });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('evaluation_exists');
    const noReason = await post(c.secretary, doc.id, { period: '2027', results: results([1, 2, 3]), correctsId: first.body.id });
    expect(noReason.status).toBe(400);
    const wrongPeriod = await post(c.secretary, doc.id, { period: '2027-Q4', results: results([1, 2, 3]), correctsId: first.body.id, reason: 'Số liệu sai' });
    expect(wrongPeriod.status).toBe(422);
    expect(wrongPeriod.body.code).toBe('evaluation_correction_invalid');
    const fix = await post(c.secretary, doc.id, { period: '2027', results: results([1, 2, 3], () => true), correctsId: first.body.id, reason: 'Số liệu quý IV được cập nhật đầy đủ' });
    expect(fix.status).toBe(201);
    expect(fix.body).toEqual(expect.objectContaining({ achievedCount: 3, correctsId: first.body.id, correctionReason: 'Số liệu quý IV được cập nhật đầy đủ' }));
    const again = await post(c.secretary, doc.id, { period: '2027', results: results([1, 2, 3]), correctsId: first.body.id, reason: 'Lần nữa' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('evaluation_already_corrected');
    const list = await t.http.get(`${API}/documents/${doc.id}/evaluations`).set(bearer(c.staff.token));
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { id: string; current: boolean; correctedById: string | null }) => [e.id, e.current, e.correctedById])).toEqual([
      [fix.body.id, true, null],
      [first.body.id, false, fix.body.id],
    ]);
  });

  it('an evaluation never changes: the database refuses UPDATE and DELETE', async () => {
    const { t, c } = s;
    const doc = await objectivesInForce(t, c.secretary, c.agency.id, 2028);
    const e = await post(c.secretary, doc.id, { period: '2028-H1', results: results([1, 2, 3]) });
    expect(e.status).toBe(201);
    expect(await sqlState(t, `UPDATE objective_evaluations SET achieved_count = 3 WHERE id = $1`, [e.body.id])).toBe('P0001');
    expect(await sqlState(t, `DELETE FROM objective_evaluations WHERE id = $1`, [e.body.id])).toBe('P0001');
  });

  it('only a quality_objectives document in force is evaluated', async () => {
    const { t, c } = s;
    const draft = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.secretary.token))
      .send({ agencyId: c.agency.id, type: 'quality_objectives', code: `MTCL-NHAP-${Date.now()}`, title: 'Mục tiêu nháp', year: 2029, content: { year: 2029, objectives: [] } });
    const res = await post(c.secretary, draft.body.id, { period: '2029', results: results([1]) });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('objectives_not_in_force');
  });

  it('role × agency: the ISO secretary and the head evaluate; others of the agency 403; other agencies 404; readers list', async () => {
    const { t, c, f } = s;
    const doc = await objectivesInForce(t, c.secretary, c.agency.id, 2030);
    const supervisor = await f.user({ [c.agency.parentId!]: ['supervisor'] });
    const deputy = c.deputy;
    const cases: [TestUser, number][] = [
      [c.drafter, 403],
      [c.staff, 403],
      [c.auditor, 403],
      [deputy, 403],
      [supervisor, 403],
      [c.stranger, 404],
    ];
    for (const [u, status] of cases) {
      const res = await post(u, doc.id, { period: '2030-Q2', results: results([1, 2, 3]) });
      expect([u.fullName, res.status]).toEqual([u.fullName, status]);
    }
    for (const [u, status] of [[c.staff, 200], [supervisor, 200], [c.auditor, 200], [c.stranger, 404]] as [TestUser, number][]) {
      expect((await t.http.get(`${API}/documents/${doc.id}/evaluations`).set(bearer(u.token))).status).toBe(status);
    }
    expect((await post(c.head, doc.id, { period: '2030-Q2', results: results([1, 2, 3]) })).status).toBe(201);
  });

  it("the agency's view rolls up its units' objectives; the public page shows the results once the year is evaluated", async () => {
    const { t, c, f } = s;
    const unit = await f.agency({ level: 'unit', parentId: c.agency.id, name: 'Phòng Quản lý chuyên ngành' });
    const unitSecretary = await f.user({ [unit.id]: ['iso_secretary'] } as Record<string, Role[]>);
    const own = await objectivesInForce(t, c.secretary, c.agency.id, 2031, [1, 2]);
    const unitDoc = await objectivesInForce(t, unitSecretary, unit.id, 2031, [1]);
    expect((await post(unitSecretary, unitDoc.id, { period: '2031-Q3', results: results([1]) })).status).toBe(201);

    const view = await t.http.get(`${API}/agencies/${c.agency.id}/objectives?year=2031`).set(bearer(c.staff.token));
    expect(view.status).toBe(200);
    expect(view.body.items.map((i: { documentId: string; scope: string; latestEvaluation: { period: string } | null }) => [i.documentId, i.scope, i.latestEvaluation?.period ?? null])).toEqual([
      [own.id, 'agency', null],
      [unitDoc.id, 'unit', '2031-Q3'],
    ]);
    expect((await t.http.get(`${API}/agencies/${c.agency.id}/objectives?year=2031`).set(bearer(c.stranger.token))).status).toBe(404);

    const before = await t.http.get(`${API}/public/agencies/${encodeURIComponent(c.agency.code)}/objectives?year=2031`);
    expect(before.status).toBe(200);
    const ownBefore = before.body.items.find((i: { code: string }) => i.code === own.code);
    expect(ownBefore).toEqual(expect.objectContaining({ evaluated: false, achievedCount: null }));
    expect(ownBefore.objectives[0]).toEqual(expect.objectContaining({ no: 1, target: '≥ 98%', actual: null, achieved: null }));
    expect((await post(c.secretary, own.id, { period: '2031', results: results([1, 2]) })).status).toBe(201);
    const after = await t.http.get(`${API}/public/agencies/${encodeURIComponent(c.agency.code)}/objectives?year=2031`);
    const ownAfter = after.body.items.find((i: { code: string }) => i.code === own.code);
    expect(ownAfter).toEqual(expect.objectContaining({ evaluated: true, achievedCount: 1 }));
    expect(ownAfter.objectives.map((o: { achieved: boolean }) => o.achieved)).toEqual([true, false]);
  });
});
