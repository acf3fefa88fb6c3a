/**
 * Inspections by the Sở KH&CN through HTTP: planned by a supervisor of an ancestor with inspectors
 * who supervise the agency, findings opening nonconformities of the inspected agency (source
 * inspection), the conclusion, and the inspection closing when the last of its nonconformities is
 * closed (the nonconformities module tells its watcher). 404 across agencies, 403 inside.
 */
import { Principal } from '../../src/access/principal.js';
import { NonconformitiesService } from '../../src/nonconformities/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from '../support/fixtures.js';

const API = '/api/v1';

describe('inspections', () => {
  let t: TestApp;
  let f: Fixtures;
  let province: TestAgency;
  let commune: TestAgency;
  let other: TestAgency;
  let supervisor: TestUser;
  let inspector: TestUser;
  let outsider: TestUser;
  let head: TestUser;
  let secretary: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    province = await f.agency({ level: 'province', name: 'Ủy ban nhân dân tỉnh Kon Tum' });
    commune = await f.agency({ level: 'commune', parentId: province.id, name: 'Ủy ban nhân dân xã Đăk Blá' });
    other = await f.agency({ level: 'province', name: 'Ủy ban nhân dân tỉnh Khác' });
    [supervisor, inspector, outsider, head, secretary, stranger] = await Promise.all([
      f.user({ [province.id]: ['supervisor'] }, { fullName: 'Lý Giám Sát' }),
      f.user({ [province.id]: ['supervisor'] }, { fullName: 'Trần Kiểm Tra', title: 'Chuyên viên' }),
      f.user({ [other.id]: ['supervisor'] }, { fullName: 'Người Tỉnh Khác' }),
      f.user({ [commune.id]: ['head'] }, { fullName: 'Chủ Tịch Xã' }),
      f.user({ [commune.id]: ['iso_secretary'] }, { fullName: 'Thư Ký Xã' }),
      f.user({ [other.id]: ['head', 'iso_secretary'] }),
    ]);
  }, 120_000);
  afterAll(() => t.close());

  const plan = (u: TestUser, body: Record<string, unknown>) => t.http.post(`${API}/inspections`).set(bearer(u.token)).send(body);
  const finding = (u: TestUser, id: string, body: Record<string, unknown>) => t.http.post(`${API}/inspections/${id}/findings`).set(bearer(u.token)).send(body);
  const conclude = (u: TestUser, id: string, conclusion = 'Cơ quan duy trì HTQLCL, còn 01 điểm không phù hợp.') => t.http.post(`${API}/inspections/${id}/conclude`).set(bearer(u.token)).send({ conclusion });
  const get = (u: TestUser, id: string) => t.http.get(`${API}/inspections/${id}`).set(bearer(u.token));
  const body = (extra: Record<string, unknown> = {}) => ({ agencyId: commune.id, kind: 'on_site', plannedOn: '2026-10-15', inspectorIds: [inspector.id], ...extra });
  const principal = (u: TestUser) => new Principal(u.id, u.username, u.fullName, false, 'test-session');

  it('a supervisor of an ancestor plans it; inspectors must supervise the agency; others get 403/404', async () => {
    const res = await plan(supervisor, body());
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ agencyId: commune.id, kind: 'on_site', plannedOn: '2026-10-15', state: 'planned', findings: [] }));
    expect(res.body.inspectors).toEqual([{ userId: inspector.id, fullName: 'Trần Kiểm Tra', title: 'Chuyên viên' }]);
    const notices = await t.db.query<{ kind: string }[]>(`SELECT kind FROM notifications WHERE user_id = $1 AND entity_id = $2`, [head.id, res.body.id]);
    expect(notices.map((n) => n.kind)).toEqual(['inspection.planned']);

    const badInspector = await plan(supervisor, body({ inspectorIds: [inspector.id, outsider.id] }));
    expect(badInspector.status).toBe(422);
    expect(badInspector.body.code).toBe('inspector_invalid');
    expect(badInspector.body.errors).toEqual([{ field: 'inspectorIds[1]', message: expect.any(String) }]);
    expect((await plan(outsider, body({ inspectorIds: [outsider.id] }))).status).toBe(404);
    expect((await plan(head, body({ inspectorIds: [inspector.id] }))).status).toBe(403);
    expect((await plan(supervisor, body({ kind: 'phone' }))).status).toBe(400);

    expect((await get(head, res.body.id)).status).toBe(200);
    expect((await get(stranger, res.body.id)).status).toBe(404);
    expect((await get(outsider, res.body.id)).status).toBe(404);
    const list = await t.http.get(`${API}/inspections?agencyId=${province.id}&year=2026`).set(bearer(supervisor.token));
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(res.body.id);
    const strangerList = await t.http.get(`${API}/inspections?year=2026`).set(bearer(stranger.token));
    expect(strangerList.body.items.map((i: { id: string }) => i.id)).not.toContain(res.body.id);
  }, 60_000);

  it('a finding opens a nonconformity of the inspected agency; the inspection closes when its nonconformities are closed', async () => {
    const id = (await plan(supervisor, body())).body.id as string;
    expect((await finding(supervisor, id, { description: 'x', severity: 'minor' })).status).toBe(403);
    expect((await finding(stranger, id, { description: 'x', severity: 'minor' })).status).toBe(404);
    const res = await finding(inspector, id, { description: 'Quy trình QT-05 chưa cập nhật theo Nghị định 30/2020/NĐ-CP.', severity: 'major', clause: '7.5' });
    expect(res.status).toBe(201);
    expect(res.body.findings).toHaveLength(1);
    const ncId = res.body.findings[0].nonconformityId as string;
    const [nc] = await t.db.query<{ agency_id: string; source: string; source_id: string; severity: string; state: string }[]>(
      'SELECT agency_id, source, source_id, severity, state FROM nonconformities WHERE id = $1',
      [ncId],
    );
    expect(nc).toEqual({ agency_id: commune.id, source: 'inspection', source_id: id, severity: 'major', state: 'open' });
    expect(res.body.findings[0]).toEqual(expect.objectContaining({ number: 1, severity: 'major', clause: '7.5', nonconformityState: 'open', nonconformityCode: expect.any(String) }));

    // A bad clause refuses the finding and leaves nothing behind.
    const bad = await finding(inspector, id, { description: 'y', severity: 'minor', clause: '12.9' });
    expect(bad.status).toBe(400);
    expect((await get(inspector, id)).body.findings).toHaveLength(1);

    // Concluded with an open nonconformity: waits; no more findings.
    const concluded = await conclude(inspector, id);
    expect(concluded.status).toBe(200);
    expect(concluded.body.state).toBe('concluded');
    expect((await finding(inspector, id, { description: 'muộn', severity: 'minor' })).body.code).toBe('inspection_closed');
    expect((await conclude(inspector, id)).status).toBe(409);
    await expect(t.db.query(`UPDATE inspections SET title = 'x' WHERE id = $1`, [id])).rejects.toThrow();
    await expect(t.db.query(`DELETE FROM inspection_findings WHERE inspection_id = $1`, [id])).rejects.toThrow();

    // The agency corrects and its secretary verifies: the nonconformity closes, and the inspection with it.
    const ncs = t.app.get(NonconformitiesService);
    const view = await ncs.get(principal(secretary), ncId);
    await ncs.update(principal(secretary), ncId, view.etag, { rootCause: 'Chưa rà soát văn bản mới.' });
    const action = await ncs.addAction(principal(secretary), ncId, { description: 'Cập nhật quy trình QT-05.', responsibleUserId: head.id, dueOn: '2099-12-31' });
    await ncs.completeAction(principal(head), action.id, { evidence: 'Quy trình đã được sửa đổi.' });
    await ncs.verify(principal(secretary), ncId, { effective: true, comment: 'Đã khắc phục.', password: secretary.password });
    const closed = await get(supervisor, id);
    expect(closed.body.state).toBe('closed');
    expect(closed.body.closedAt).not.toBeNull();
    expect(closed.body.findings[0].nonconformityState).toBe('closed');
  }, 90_000);

  it('an inspection without findings closes at its conclusion', async () => {
    const id = (await plan(supervisor, body({ kind: 'documentary' }))).body.id as string;
    const res = await conclude(inspector, id, 'Không phát hiện điểm không phù hợp.');
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('closed');
  }, 30_000);
});
