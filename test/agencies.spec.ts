import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures, TestAgency, uniq } from './support/fixtures.js';

describe('agencies, memberships, delegations and cross-agency isolation', () => {
  let t: TestApp;
  let f: Fixtures;
  let admin: string;
  let province: TestAgency;
  let department: TestAgency;
  let otherProvince: TestAgency;

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    admin = await f.adminToken();
    ({ province, department } = await f.agencyTree());
    otherProvince = await f.agency({ level: 'province', name: 'UBND tỉnh Khác' });
  });
  afterAll(() => t.close());

  describe('hierarchy', () => {
    it('creates agencies with unique codes compared case-insensitively', async () => {
      const code = uniq('So-Tu-Phap');
      const res = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code, name: 'Sở Tư pháp', level: 'department', parentId: province.id });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ code, name: 'Sở Tư pháp', level: 'department', parentId: province.id });
      const dup = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code: code.toLowerCase(), name: 'x', level: 'department', parentId: province.id });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('agency_code_taken');
    });

    it('refuses levels that do not fit the hierarchy (422)', async () => {
      const orphan = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code: uniq('X'), name: 'Sở mồ côi', level: 'department' });
      expect(orphan.status).toBe(422);
      expect(orphan.body.code).toBe('agency_level_invalid');
      const deptUnderDept = await t.http.post('/api/v1/agencies').set(bearer(admin)).send({ code: uniq('X'), name: 'x', level: 'department', parentId: department.id });
      expect(deptUnderDept.status).toBe(422);
      expect(deptUnderDept.body.errors[0].field).toBe('parentId');
    });

    it('refuses a move that would create a cycle', async () => {
      const unit = await f.agency({ level: 'unit', parentId: department.id, name: 'Phòng Quản lý chuyên ngành' });
      const sub = await f.agency({ level: 'unit', parentId: unit.id, name: 'Tổ công tác' });
      const res = await t.http.patch(`/api/v1/agencies/${unit.id}`).set(bearer(admin)).send({ parentId: sub.id });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('agency_cycle');
      const self = await t.http.patch(`/api/v1/agencies/${unit.id}`).set(bearer(admin)).send({ parentId: unit.id });
      expect(self.status).toBe(422);
    });

    it('moves a subtree and its members follow the supervisor scope', async () => {
      const unit = await f.agency({ level: 'unit', parentId: department.id });
      const child = await f.agency({ level: 'unit', parentId: unit.id });
      const otherSupervisor = await f.user({ [otherProvince.id]: ['supervisor'] });
      expect((await t.http.get(`/api/v1/agencies/${child.id}`).set(bearer(otherSupervisor.token))).status).toBe(404);
      await t.http.patch(`/api/v1/agencies/${unit.id}`).set(bearer(admin)).send({ parentId: otherProvince.id }).expect(200);
      expect((await t.http.get(`/api/v1/agencies/${child.id}`).set(bearer(otherSupervisor.token))).status).toBe(200);
      // The move is in the agency's trail, and the old province's supervisor lost the subtree.
      const [moved] = await t.db.query<{ changes: unknown }[]>(`SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'agency.updated'`, [unit.id]);
      expect(moved.changes).toEqual({ parentId: { old: department.id, new: otherProvince.id } });
      const oldSupervisor = await f.user({ [province.id]: ['supervisor'] });
      expect((await t.http.get(`/api/v1/agencies/${child.id}`).set(bearer(oldSupervisor.token))).status).toBe(404);
    });

    it('refuses null for the name, code and parent of an agency (400 naming the field)', async () => {
      const a = await f.agency({ level: 'department', parentId: province.id });
      for (const field of ['name', 'code', 'parentId']) {
        const res = await t.http.patch(`/api/v1/agencies/${a.id}`).set(bearer(admin)).send({ [field]: null });
        expect([field, res.status]).toEqual([field, 400]);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
      }
      expect((await t.http.get(`/api/v1/agencies/${a.id}`).set(bearer(admin))).body).toMatchObject({ name: a.name, code: a.code, parentId: province.id });
    });

    it('records agency changes in the audit trail in the same transaction', async () => {
      const a = await f.agency({ level: 'department', parentId: province.id });
      await t.http.patch(`/api/v1/agencies/${a.id}`).set(bearer(admin)).send({ name: 'Sở Nội vụ' }).expect(200);
      const events = await t.db.query<{ action: string; changes: Record<string, { old: unknown; new: unknown }> }[]>(
        `SELECT action, changes FROM audit_events WHERE entity_id = $1 ORDER BY seq`,
        [a.id],
      );
      expect(events.map((e) => e.action)).toEqual(['agency.created', 'agency.updated']);
      expect(events[1].changes.name).toEqual({ old: 'Ủy ban nhân dân thử nghiệm', new: 'Sở Nội vụ' });
    });
  });

  describe('roles and isolation', () => {
    it('members see their agency; other agencies are 404, never 403', async () => {
      const drafter = await f.user({ [department.id]: ['drafter'] });
      await t.http.get(`/api/v1/agencies/${department.id}`).set(bearer(drafter.token)).expect(200);
      const other = await t.http.get(`/api/v1/agencies/${otherProvince.id}`).set(bearer(drafter.token));
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('not_found');
      expect((await t.http.get(`/api/v1/agencies/${otherProvince.id}/members`).set(bearer(drafter.token))).status).toBe(404);
      expect((await t.http.put(`/api/v1/agencies/${otherProvince.id}/members/${drafter.id}`).set(bearer(drafter.token)).send({ roles: ['head'] })).status).toBe(404);
      const list = await t.http.get('/api/v1/agencies').set(bearer(drafter.token));
      expect(list.body.items.map((a: TestAgency) => a.id)).toEqual([department.id]);
    });

    it('a member without admin rights gets 403 for management in their own agency', async () => {
      const staff = await f.user({ [department.id]: ['staff'] });
      const res = await t.http.post('/api/v1/agencies').set(bearer(staff.token)).send({ code: uniq('U'), name: 'Phòng', level: 'unit', parentId: department.id });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect((await t.http.put(`/api/v1/agencies/${department.id}/members/${staff.id}`).set(bearer(staff.token)).send({ roles: ['head'] })).status).toBe(403);
    });

    it('a supervisor sees the whole subtree of their agency', async () => {
      const supervisor = await f.user({ [province.id]: ['supervisor'] });
      await t.http.get(`/api/v1/agencies/${department.id}`).set(bearer(supervisor.token)).expect(200);
      await t.http.get(`/api/v1/agencies/${department.id}/members`).set(bearer(supervisor.token)).expect(200);
      const list = await t.http.get(`/api/v1/agencies?parentId=${province.id}`).set(bearer(supervisor.token));
      expect(list.body.items.map((a: TestAgency) => a.id)).toContain(department.id);
      expect((await t.http.get(`/api/v1/agencies/${otherProvince.id}`).set(bearer(supervisor.token))).status).toBe(404);
    });

    it('an agency administrator manages their subtree but not above it', async () => {
      const deptAdmin = await f.user({ [department.id]: ['admin'] });
      const unit = await t.http.post('/api/v1/agencies').set(bearer(deptAdmin.token)).send({ code: uniq('P'), name: 'Phòng Tổng hợp', level: 'unit', parentId: department.id });
      expect(unit.status).toBe(201);
      const sibling = await t.http.post('/api/v1/agencies').set(bearer(deptAdmin.token)).send({ code: uniq('P'), name: 'x', level: 'department', parentId: province.id });
      expect(sibling.status).toBe(404);
    });

    it('sets roles with PUT (201 created, 200 replaced), validates them, and lists members', async () => {
      const u = await f.user();
      const created = await t.http.put(`/api/v1/agencies/${department.id}/members/${u.id}`).set(bearer(admin)).send({ roles: ['drafter'] });
      expect(created.status).toBe(201);
      const replaced = await t.http.put(`/api/v1/agencies/${department.id}/members/${u.id}`).set(bearer(admin)).send({ roles: ['iso_secretary', 'drafter'] });
      expect(replaced.status).toBe(200);
      expect(replaced.body.roles).toEqual(['drafter', 'iso_secretary']);
      const bad = await t.http.put(`/api/v1/agencies/${department.id}/members/${u.id}`).set(bearer(admin)).send({ roles: ['emperor'] });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('roles');
      const empty = await t.http.put(`/api/v1/agencies/${department.id}/members/${u.id}`).set(bearer(admin)).send({ roles: [] });
      expect(empty.status).toBe(400);
      const members = await t.http.get(`/api/v1/agencies/${department.id}/members?limit=200`).set(bearer(admin));
      expect(members.body.items.find((m: { userId: string }) => m.userId === u.id).roles).toEqual(['drafter', 'iso_secretary']);
      const me = await t.http.get('/api/v1/me').set(bearer(u.token));
      expect(me.body.memberships).toEqual([{ agencyId: department.id, agencyCode: department.code, agencyName: department.name, roles: ['drafter', 'iso_secretary'] }]);
      await t.http.delete(`/api/v1/agencies/${department.id}/members/${u.id}`).set(bearer(admin)).expect(204);
      expect((await t.http.delete(`/api/v1/agencies/${department.id}/members/${u.id}`).set(bearer(admin))).status).toBe(404);
    });

    it('an agency administrator finds users of their agencies, and others only by exact username', async () => {
      const deptAdmin = await f.user({ [department.id]: ['admin'] });
      const member = await f.user({ [department.id]: ['drafter'] }, { fullName: 'Thành Viên Sở' });
      const outsider = await f.user({ [otherProvince.id]: ['drafter'] }, { fullName: 'Người Tỉnh Khác' });
      const browse = await t.http.get('/api/v1/users?limit=200').set(bearer(deptAdmin.token));
      expect(browse.status).toBe(200);
      const ids = browse.body.items.map((u: { id: string }) => u.id);
      expect(ids).toContain(member.id);
      expect(ids).not.toContain(outsider.id);
      expect((await t.http.get(`/api/v1/users?q=nguoi tinh khac`).set(bearer(deptAdmin.token))).body.items).toEqual([]);
      const exact = await t.http.get(`/api/v1/users?q=${outsider.username}`).set(bearer(deptAdmin.token));
      expect(exact.body.items.map((u: { id: string }) => u.id)).toEqual([outsider.id]);
      expect((await t.http.get(`/api/v1/users/${outsider.id}`).set(bearer(deptAdmin.token))).status).toBe(404);
      expect((await t.http.get(`/api/v1/users/${member.id}`).set(bearer(deptAdmin.token))).status).toBe(200);
      expect((await t.http.get('/api/v1/users').set(bearer(member.token))).status).toBe(403);
      const all = await t.http.get(`/api/v1/users?q=${outsider.username.slice(0, 6)}`).set(bearer(admin));
      expect(all.body.items.map((u: { id: string }) => u.id)).toContain(outsider.id);
    });

    it('only the system administrator creates users', async () => {
      const head = await f.user({ [department.id]: ['head'] });
      const res = await t.http.post('/api/v1/users').set(bearer(head.token)).send({ username: uniq('x'), fullName: 'X', password: 'long-enough-password' });
      expect(res.status).toBe(403);
      const dup = await t.http.post('/api/v1/users').set(bearer(admin)).send({ username: head.username.toUpperCase(), fullName: 'X', password: 'long-enough-password' });
      expect(dup.status).toBe(409);
    });

    it('pagination returns every agency exactly once', async () => {
      const parent = await f.agency({ level: 'province' });
      const made = [];
      for (let i = 0; i < 5; i++) made.push((await f.agency({ level: 'department', parentId: parent.id })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: TestAgency[]; nextCursor: string | null } } = await t.http
          .get(`/api/v1/agencies?parentId=${parent.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(bearer(admin));
        seen.push(...res.body.items.map((a) => a.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(made.sort());
      expect((await t.http.get('/api/v1/agencies?cursor=garbage').set(bearer(admin))).status).toBe(400);
      expect((await t.http.get('/api/v1/agencies?limit=500').set(bearer(admin))).status).toBe(400);
    });
  });

  describe('grants kept per user', () => {
    it('a membership removed, given back or changed applies to the next request with the same token', async () => {
      const unit = await f.agency({ level: 'unit', parentId: department.id });
      const u = await f.user({ [unit.id]: ['staff'] });
      const read = () => t.http.get(`/api/v1/agencies/${unit.id}`).set(bearer(u.token));
      expect((await read()).status).toBe(200);
      expect((await read()).status).toBe(200);
      await t.http.delete(`/api/v1/agencies/${unit.id}/members/${u.id}`).set(bearer(admin)).expect(204);
      expect((await read()).status).toBe(404);
      expect([200, 201]).toContain((await t.http.put(`/api/v1/agencies/${unit.id}/members/${u.id}`).set(bearer(admin)).send({ roles: ['staff'] })).status);
      expect((await read()).status).toBe(200);
      // A role gained shows at once too: creating documents needs document.write.
      const create = () => t.http.post('/api/v1/documents').set(bearer(u.token)).send({ agencyId: unit.id, type: 'manual', code: uniq('ST'), title: 'Sổ tay' });
      expect((await create()).status).toBe(403);
      await t.http.put(`/api/v1/agencies/${unit.id}/members/${u.id}`).set(bearer(admin)).send({ roles: ['drafter'] }).expect(200);
      expect((await create()).status).toBe(201);
    });
  });

  describe('delegations', () => {
    it('a head delegates to a deputy of the same agency within a window', async () => {
      const head = await f.user({ [department.id]: ['head'] }, { fullName: 'Lê Văn Giám Đốc' });
      const deputy = await f.user({ [department.id]: ['deputy'] }, { fullName: 'Phạm Thị Phó' });
      const from = new Date(Date.now() - 60_000).toISOString();
      const to = new Date(Date.now() + 86_400_000).toISOString();
      const res = await t.http.post(`/api/v1/agencies/${department.id}/delegations`).set(bearer(head.token)).send({ fromUserId: head.id, toUserId: deputy.id, validFrom: from, validTo: to });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ fromUserName: 'Lê Văn Giám Đốc', toUserName: 'Phạm Thị Phó', active: true });
      const { ApprovalRights } = await import('../src/approval/approval-rights.js');
      const rights = t.app.get(ApprovalRights);
      expect(await rights.capacityOf(deputy.id, department.id)).toEqual({ role: 'deputy', delegationId: res.body.id, onBehalfOf: { id: head.id, fullName: 'Lê Văn Giám Đốc', title: null } });
      expect(await rights.capacityOf(deputy.id, department.id, new Date(Date.now() + 2 * 86_400_000))).toBeNull();

      const revoked = await t.http.delete(`/api/v1/agencies/${department.id}/delegations/${res.body.id}`).set(bearer(head.token));
      expect(revoked.status).toBe(200);
      expect(revoked.body.active).toBe(false);
      expect(await rights.capacityOf(deputy.id, department.id)).toBeNull();
    });

    it('refuses delegations to non-deputies, from non-heads, and backwards windows', async () => {
      const head = await f.user({ [department.id]: ['head'] });
      const staff = await f.user({ [department.id]: ['staff'] });
      const now = Date.now();
      const res = await t.http
        .post(`/api/v1/agencies/${department.id}/delegations`)
        .set(bearer(admin))
        .send({ fromUserId: staff.id, toUserId: head.id, validFrom: new Date(now).toISOString(), validTo: new Date(now - 1000).toISOString() });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['fromUserId', 'toUserId', 'validTo']);
      const byStaff = await t.http
        .post(`/api/v1/agencies/${department.id}/delegations`)
        .set(bearer(staff.token))
        .send({ fromUserId: head.id, toUserId: staff.id, validFrom: new Date(now).toISOString(), validTo: new Date(now + 1000).toISOString() });
      expect(byStaff.status).toBe(403);
    });
  });
});
