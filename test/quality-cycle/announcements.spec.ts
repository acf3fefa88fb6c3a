/**
 * The steering committee and the announcement of conformity through HTTP: compositions replacing
 * each other with their history, Decree 30 decision numbers, the scope of procedures in force, the
 * head (or a deputy "KT." under a delegation) signing with the password, the supervisors notified,
 * scopeChangedSince after a procedure takes effect or is withdrawn, the database refusing changes,
 * the agency figures and the role × agency matrix.
 */
import { AgencyFactsService } from '../../src/agency-facts/agency-facts.service.js';
import { AnnouncementsService } from '../../src/announcements/announcements.service.js';
import { bearer, TestUser } from '../support/fixtures.js';
import { API, delegate, workflowSuite, type WorkflowSuite } from '../workflow/helpers.js';
import { procedureInForce, sqlState } from './helpers.js';

describe('steering committee and announcement of conformity', () => {
  let s: WorkflowSuite;
  let supervisor: TestUser;
  beforeAll(async () => {
    s = await workflowSuite();
    supervisor = await s.f.user({ [s.c.agency.parentId!]: ['supervisor'] }, { fullName: 'Chi cục TCĐLCL' });
  });
  afterAll(() => s.t.close());

  const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const announce = (u: TestUser, body: Record<string, unknown>, agencyId = s.c.agency.id) =>
    s.t.http.post(`${API}/agencies/${agencyId}/announcements`).set(bearer(u.token)).send({ signedOn: today(), password: u.password, ...body });
  const list = (u: TestUser, agencyId = s.c.agency.id) => s.t.http.get(`${API}/agencies/${agencyId}/announcements`).set(bearer(u.token));
  const committee = (u: TestUser, body: Record<string, unknown>) => s.t.http.put(`${API}/agencies/${s.c.agency.id}/steering-committee`).set(bearer(u.token)).send(body);
  const members = () => [
    { userId: s.c.head.id, fullName: 'Trần Văn Giám', position: 'Giám đốc Sở', role: 'head' },
    { userId: s.c.deputy.id, fullName: 'Hoàng Thị Phó', position: 'Phó Giám đốc Sở', role: 'deputy' },
    { userId: s.c.secretary.id, fullName: 'Phạm Thị Thư', position: 'Chánh Văn phòng', role: 'secretary' },
    { fullName: 'Nguyễn Văn Ngoài', position: 'Trưởng phòng Kế hoạch - Tài chính', role: 'member' },
  ];

  it('a new steering committee replaces the previous one, which stays unchanged in the history', async () => {
    const { t, c } = s;
    const bad = await committee(c.secretary, { decisionNumber: '15/UBND', signedOn: '2026-01-05', members: members() });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('decisionNumber');
    const future = await committee(c.secretary, { decisionNumber: '15/QĐ-SKHCN', signedOn: '2999-01-05', members: members() });
    expect(future.status).toBe(400);
    expect(future.body.errors[0].field).toBe('signedOn');
    const twoHeads = await committee(c.secretary, { decisionNumber: '15/QĐ-SKHCN', signedOn: '2026-01-05', members: [...members(), { fullName: 'X', position: 'Y', role: 'head' }] });
    expect(twoHeads.status).toBe(400);
    const stranger = await committee(c.secretary, { decisionNumber: '15/QĐ-SKHCN', signedOn: '2026-01-05', members: [...members(), { userId: c.stranger.id, fullName: 'Đỗ Người Ngoài', position: 'Khách', role: 'member' }] });
    expect(stranger.status).toBe(422);
    expect(stranger.body.code).toBe('member_required');

    const first = await committee(c.secretary, { decisionNumber: 'Số: 5/QĐ-SKHCN', signedOn: '2026-01-05', members: members() });
    expect(first.status).toBe(200);
    expect(first.body).toEqual(expect.objectContaining({ decisionNumber: '05/QĐ-SKHCN', signedOn: '2026-01-05', state: 'current' }));
    const second = await committee(c.head, { decisionNumber: '40/QĐ-SKHCN', signedOn: '2026-03-01', members: members().slice(0, 3) });
    expect(second.status).toBe(200);
    const got = await t.http.get(`${API}/agencies/${c.agency.id}/steering-committee?history=true`).set(bearer(c.staff.token));
    expect(got.status).toBe(200);
    expect(got.body.current.id).toBe(second.body.id);
    expect(got.body.history).toEqual([expect.objectContaining({ id: first.body.id, state: 'replaced', replacedById: second.body.id, members: first.body.members })]);
    expect(await sqlState(t, `UPDATE steering_committees SET decision_number = '99/QĐ-X' WHERE id = $1`, [first.body.id])).toBe('P0001');
    expect(await sqlState(t, `UPDATE steering_committees SET members = '[]' WHERE id = $1`, [second.body.id])).toBe('P0001');
    expect(await sqlState(t, `DELETE FROM steering_committees WHERE id = $1`, [second.body.id])).toBe('P0001');
    for (const [u, status] of [[c.drafter, 403], [c.deputy, 403], [c.staff, 403], [supervisor, 403], [c.stranger, 404]] as [TestUser, number][]) {
      expect([u.fullName, (await committee(u, { decisionNumber: '41/QĐ-SKHCN', signedOn: '2026-03-01', members: members() })).status]).toEqual([u.fullName, status]);
    }
    expect((await t.http.get(`${API}/agencies/${c.agency.id}/steering-committee`).set(bearer(c.stranger.token))).status).toBe(404);
  });

  it('the head signs the initial announcement with the password; scope is procedures in force; supervisors are notified; then a procedure taking effect or being withdrawn shows in scopeChangedSince', async () => {
    const { t, c } = s;
    const a = await procedureInForce(t, c, 'Quy trình cấp giấy phép hoạt động');
    const b = await procedureInForce(t, c, 'Quy trình thẩm định công nghệ');
    const draftOnly = (await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code: `QT-NHAP-${Date.now()}`, title: 'Dự thảo' })).body;

    const wrongNumber = await announce(c.head, { kind: 'initial', decisionNumber: '15/BC-UBND', documentIds: [a.id, b.id] });
    expect(wrongNumber.status).toBe(400);
    expect(wrongNumber.body.errors[0]).toEqual({ field: 'decisionNumber', message: expect.stringContaining('QĐ') });
    const outOfScope = await announce(c.head, { kind: 'initial', decisionNumber: '15/QĐ-SKHCN', documentIds: [a.id, draftOnly.id] });
    expect(outOfScope.status).toBe(422);
    expect(outOfScope.body.code).toBe('announcement_scope_invalid');
    expect(outOfScope.body.errors).toEqual([{ field: 'documentIds[1]', message: expect.any(String) }]);
    const reFirst = await announce(c.head, { kind: 're_announcement', decisionNumber: '15/QĐ-SKHCN', documentIds: [a.id] });
    expect(reFirst.status).toBe(422);
    expect(reFirst.body.code).toBe('announcement_kind_invalid');
    const wrongPassword = await announce(c.head, { kind: 'initial', decisionNumber: '15/QĐ-SKHCN', documentIds: [a.id], password: 'not-the-password' });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body.code).toBe('invalid_password');
    const deputy = await announce(c.deputy, { kind: 'initial', decisionNumber: '15/QĐ-SKHCN', documentIds: [a.id] });
    expect(deputy.status).toBe(403);
    expect(deputy.body.code).toBe('delegation_required');
    for (const [u, status] of [[c.secretary, 403], [c.drafter, 403], [c.staff, 403], [supervisor, 403], [c.stranger, 404]] as [TestUser, number][]) {
      expect([u.fullName, (await announce(u, { kind: 'initial', decisionNumber: '15/QĐ-SKHCN', documentIds: [a.id] })).status]).toEqual([u.fullName, status]);
    }
    expect(await t.db.query(`SELECT 1 FROM announcements WHERE agency_id = $1`, [c.agency.id])).toEqual([]);

    const signed = await announce(c.head, { kind: 'initial', decisionNumber: '15/QĐ-SKHCN', documentIds: [b.id, a.id] });
    expect(signed.status).toBe(201);
    expect(signed.body).toEqual(expect.objectContaining({ kind: 'initial', decisionNumber: '15/QĐ-SKHCN', capacity: 'head', onBehalfOf: null, signedBy: expect.objectContaining({ id: c.head.id }) }));
    expect(signed.body.scope.map((x: { documentId: string }) => x.documentId).sort()).toEqual([a.id, b.id].sort());
    const notices = await t.db.query<{ user_id: string; kind: string; title: string }[]>(`SELECT user_id, kind, title FROM notifications WHERE entity_id = $1`, [signed.body.id]);
    expect(notices).toEqual([{ user_id: supervisor.id, kind: 'announcement.signed', title: expect.stringContaining('công bố Hệ thống quản lý chất lượng') }]);
    const [event] = await t.db.query<{ action: string }[]>(`SELECT action FROM audit_events WHERE entity_id = $1`, [signed.body.id]);
    expect(event.action).toBe('announcement.signed');
    expect(await sqlState(t, `UPDATE announcements SET scope = '[]' WHERE id = $1`, [signed.body.id])).toBe('P0001');
    expect(await sqlState(t, `DELETE FROM announcements WHERE id = $1`, [signed.body.id])).toBe('P0001');

    const again = await announce(c.head, { kind: 'initial', decisionNumber: '16/QĐ-SKHCN', documentIds: [a.id] });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('initial_announcement_exists');
    const sameNumber = await announce(c.head, { kind: 're_announcement', decisionNumber: '15/QĐ-SKHCN', documentIds: [a.id] });
    expect(sameNumber.status).toBe(409);
    expect(sameNumber.body.code).toBe('decision_number_taken');

    let listed = await list(supervisor);
    expect(listed.status).toBe(200);
    expect(listed.body.scopeChangedSince).toEqual({ since: signed.body.signedAt, added: [], withdrawn: [], reannouncementDue: false });

    // A new procedure takes effect and another is withdrawn after the announcement.
    const added = await procedureInForce(t, c, 'Quy trình cấp phép mới sau công bố');
    expect((await t.http.post(`${API}/documents/${b.id}/withdraw`).set(bearer(c.head.token)).send({ reason: 'Thủ tục bị bãi bỏ', password: c.head.password })).status).toBe(200);
    listed = await list(c.staff);
    expect(listed.body.scopeChangedSince.added.map((x: { documentId: string }) => x.documentId)).toEqual([added.id]);
    expect(listed.body.scopeChangedSince.withdrawn.map((x: { documentId: string }) => x.documentId)).toEqual([b.id]);
    expect(listed.body.scopeChangedSince.reannouncementDue).toBe(true);
    const direct = await t.app.get(AnnouncementsService).scopeChangedSince(c.agency.id);
    expect(direct.added.map((x) => x.documentId)).toEqual([added.id]);

    const year = Number(today().slice(0, 4));
    const facts = await t.app.get(AgencyFactsService).collect([c.agency.id, c.other.id], { year, from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year + 1, 0, 1)) });
    expect(facts.get(c.agency.id)).toEqual(expect.objectContaining({ announced: 1, announcedOn: today(), reannouncementDue: 1 }));
    expect(facts.get(c.other.id)).toEqual(expect.objectContaining({ announced: 0, announcedOn: null, reannouncementDue: 0 }));

    // The deputy re-announces "KT." under a delegation; the change of scope is then cleared.
    await delegate(t, s.f, c, new Date(Date.now() - 60_000), new Date(Date.now() + 3600_000));
    const re = await announce(c.deputy, { kind: 're_announcement', decisionNumber: '52/QĐ-SKHCN', documentIds: [a.id, added.id] });
    expect(re.status).toBe(201);
    expect(re.body).toEqual(expect.objectContaining({ capacity: 'deputy', onBehalfOf: expect.objectContaining({ id: c.head.id }) }));
    listed = await list(c.head);
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([re.body.id, signed.body.id]);
    expect(listed.body.scopeChangedSince).toEqual(expect.objectContaining({ added: [], withdrawn: [], reannouncementDue: false }));
    expect((await list(c.stranger)).status).toBe(404);
  });

  it('the database refuses an announcement signed by someone who may not approve in the agency', async () => {
    const { t, c } = s;
    const state = await sqlState(
      t,
      `INSERT INTO announcements (agency_id, kind, decision_number, signed_on, scope, signed_by, capacity) VALUES ($1, 're_announcement', '77/QĐ-SKHCN', '2026-01-01', '[{"documentId":"x"}]', $2, 'head')`,
      [c.agency.id, c.secretary.id],
    );
    expect(state).toBe('P0001');
  });
});
