import { randomBytes, randomUUID } from 'node:crypto';
import { AuditService } from '../src/audit/audit.service.js';
import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures, TestAgency, TestUser, uniq } from './support/fixtures.js';

interface EventItem {
  id: string;
  agencyId: string | null;
  seq: number;
  occurredAt: string;
  actor: { id: string | null; name: string | null } | null;
  action: string;
  entityType: string;
  entityId: string | null;
  changes: Record<string, any> | null;
  requestId: string | null;
  clientAddress: string | null;
  hash: string;
  prevHash: string | null;
}

/** A client request id the server keeps as the request id (a UUID; any other is stored apart). */
function requestId(): string {
  return randomUUID();
}

const LOCAL_ADDRESS = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

describe('audit events: recording, querying, chain verification', () => {
  let t: TestApp;
  let f: Fixtures;
  let adminToken: string;
  let adminId: string;
  let adminName: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    adminToken = await f.adminToken();
    const me = await t.http.get('/api/v1/me').set(bearer(adminToken));
    adminId = me.body.id;
    adminName = me.body.fullName;
  });
  afterAll(() => t.close());

  const list = (token: string, query: Record<string, string | number> = {}) => t.http.get('/api/v1/audit-events').query(query).set(bearer(token));
  const verify = (token: string, query: Record<string, string> = {}) => t.http.get('/api/v1/audit-events/verify').query(query).set(bearer(token));

  /** Every page of a listing, following nextCursor. */
  async function listAll(token: string, query: Record<string, string | number> = {}): Promise<EventItem[]> {
    const out: EventItem[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(token, { ...query, limit: query.limit ?? 200, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  }

  /** The chain of an agency as stored, in seq order. */
  function chainRows(agencyId: string): Promise<{ id: string; seq: string; hash: string; prev_hash: string | null; action: string }[]> {
    return t.db.query(`SELECT id, seq, hash, prev_hash, action FROM audit_events WHERE chain = $1 ORDER BY seq`, [agencyId]);
  }

  /** Edits the append-only table the way an attacker with database access would: trigger off, change, trigger on. */
  async function tamper(sql: string, params: unknown[]): Promise<void> {
    await t.db.transaction(async () => {
      await t.db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await t.db.query(sql, params);
      await t.db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
  }

  /** An agency with a few events in its chain: created, and three memberships. */
  async function agencyWithEvents(): Promise<{ agency: TestAgency; auditor: TestUser }> {
    const agency = await f.agency({ name: 'Sở Tư pháp' });
    const auditor = await f.user({ [agency.id]: ['auditor'] });
    await f.user({ [agency.id]: ['drafter'] });
    await f.user({ [agency.id]: ['staff'] });
    return { agency, auditor };
  }

  describe('recording', () => {
    it('records identity and agency operations with actor, changes, request id and client address', async () => {
      const rid = { agency: requestId(), user: requestId(), member: requestId(), roles: requestId(), rename: requestId(), login: requestId(), logout: requestId(), failed: requestId() };
      const code = uniq('AUD');
      const created = await t.http.post('/api/v1/agencies').set(bearer(adminToken)).set('X-Request-Id', rid.agency).send({ code, name: 'UBND tỉnh Kiểm Toán', level: 'province' });
      expect(created.status).toBe(201);
      const agencyId = created.body.id as string;

      const username = uniq('auditor').toLowerCase();
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const user = await t.http.post('/api/v1/users').set(bearer(adminToken)).set('X-Request-Id', rid.user).send({ username, password, fullName: 'Lê Thị Kiểm Toán' });
      expect(user.status).toBe(201);
      const userId = user.body.id as string;
      await t.http.put(`/api/v1/agencies/${agencyId}/members/${userId}`).set(bearer(adminToken)).set('X-Request-Id', rid.member).send({ roles: ['staff'] }).expect(201);
      await t.http.put(`/api/v1/agencies/${agencyId}/members/${userId}`).set(bearer(adminToken)).set('X-Request-Id', rid.roles).send({ roles: ['auditor', 'staff'] }).expect(200);
      await t.http.patch(`/api/v1/agencies/${agencyId}`).set(bearer(adminToken)).set('X-Request-Id', rid.rename).send({ name: 'Ủy ban nhân dân tỉnh Kiểm Toán' }).expect(200);

      const login = await t.http.post('/api/v1/auth/login').set('X-Request-Id', rid.login).send({ username, password });
      expect(login.status).toBe(200);
      const token = login.body.accessToken as string;
      await t.http.post('/api/v1/auth/login').set('X-Request-Id', rid.failed).send({ username, password: 'not-the-password' }).expect(401);

      // The auditor reads the agency's chain.
      const events = await listAll(token, { agencyId, order: 'asc' });
      expect(events.map((e) => e.action)).toEqual(['agency.created', 'membership.created', 'membership.updated', 'agency.updated']);
      const [agencyCreated, memberCreated, memberUpdated, renamed] = events;
      expect(agencyCreated).toMatchObject({
        agencyId,
        seq: 1,
        prevHash: null,
        actor: { id: adminId, name: adminName },
        entityType: 'agency',
        entityId: agencyId,
        requestId: rid.agency,
        changes: { code: { old: null, new: code }, name: { old: null, new: 'UBND tỉnh Kiểm Toán' }, level: { old: null, new: 'province' } },
      });
      expect(agencyCreated.clientAddress).toMatch(LOCAL_ADDRESS);
      expect(agencyCreated.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(memberCreated).toMatchObject({ seq: 2, prevHash: agencyCreated.hash, entityType: 'membership', entityId: userId, requestId: rid.member, changes: { roles: { old: null, new: ['staff'] } } });
      expect(memberUpdated).toMatchObject({ seq: 3, requestId: rid.roles, changes: { roles: { old: ['staff'], new: ['auditor', 'staff'] } } });
      expect(renamed).toMatchObject({ seq: 4, requestId: rid.rename, changes: { name: { old: 'UBND tỉnh Kiểm Toán', new: 'Ủy ban nhân dân tỉnh Kiểm Toán' } } });
      expect(new Date(renamed.occurredAt).getTime()).toBeGreaterThanOrEqual(new Date(agencyCreated.occurredAt).getTime());

      await t.http.post('/api/v1/auth/logout').set(bearer(token)).set('X-Request-Id', rid.logout).expect(204);

      // System events (the user account, logins) are the system administrator's to read.
      const system = await listAll(adminToken, { entityId: userId, order: 'asc' });
      expect(system.every((e) => e.agencyId === null)).toBe(true);
      const byAction = Object.fromEntries(system.map((e) => [e.action, e]));
      expect(byAction['user.created']).toMatchObject({ entityType: 'user', actor: { id: adminId }, requestId: rid.user, changes: expect.objectContaining({ username: { old: null, new: username } }) });
      expect(byAction['auth.login']).toMatchObject({ actor: { id: userId, name: 'Lê Thị Kiểm Toán' }, requestId: rid.login });
      expect(byAction['auth.login'].clientAddress).toMatch(LOCAL_ADDRESS);
      expect(byAction['auth.login_failed']).toMatchObject({ requestId: rid.failed, changes: { username } });
      expect(byAction['auth.logout']).toMatchObject({ actor: { id: userId }, requestId: rid.logout });
      expect(JSON.stringify(system)).not.toContain(password);
    });

    it('records delegations given and revoked in the agency chain', async () => {
      const agency = await f.agency();
      const head = await f.user({ [agency.id]: ['head'] });
      const deputy = await f.user({ [agency.id]: ['deputy'] });
      const from = new Date(Date.now() - 60_000).toISOString();
      const to = new Date(Date.now() + 86_400_000).toISOString();
      const d = await t.http.post(`/api/v1/agencies/${agency.id}/delegations`).set(bearer(head.token)).send({ fromUserId: head.id, toUserId: deputy.id, validFrom: from, validTo: to });
      expect(d.status).toBe(201);
      await t.http.delete(`/api/v1/agencies/${agency.id}/delegations/${d.body.id}`).set(bearer(head.token)).expect(200);
      const events = await listAll(head.token, { agencyId: agency.id, entityId: d.body.id, order: 'asc' });
      expect(events.map((e) => e.action)).toEqual(['delegation.created', 'delegation.revoked']);
      expect(events[0]).toMatchObject({ actor: { id: head.id }, changes: { fromUserId: { old: null, new: head.id }, toUserId: { old: null, new: deputy.id } } });
      expect(events[1].changes!.revokedAt.old).toBeNull();
    });

    it('a failed operation leaves no event', async () => {
      const existing = await f.agency();
      const rid = requestId();
      const dup = await t.http.post('/api/v1/agencies').set(bearer(adminToken)).set('X-Request-Id', rid).send({ code: existing.code, name: 'Trùng mã', level: 'province' });
      expect(dup.status).toBe(409);
      expect(await t.db.query(`SELECT id FROM audit_events WHERE request_id = $1`, [rid])).toEqual([]);
      const sameCode = await t.db.query<unknown[]>(`SELECT id FROM audit_events WHERE action = 'agency.created' AND changes->'code'->>'new' = $1`, [existing.code]);
      expect(sameCode).toHaveLength(1);

      // A refused delegation (422) leaves nothing either.
      const rid2 = requestId();
      const staff = await f.user({ [existing.id]: ['staff'] });
      const bad = await t.http
        .post(`/api/v1/agencies/${existing.id}/delegations`)
        .set(bearer(adminToken))
        .set('X-Request-Id', rid2)
        .send({ fromUserId: staff.id, toUserId: adminId, validFrom: new Date().toISOString(), validTo: new Date(Date.now() + 1000).toISOString() });
      expect(bad.status).toBe(422);
      expect(await t.db.query(`SELECT id FROM audit_events WHERE request_id = $1`, [rid2])).toEqual([]);
    });

    it('an event recorded in a transaction that rolls back is gone, and the chain stays contiguous', async () => {
      const agency = await f.agency();
      const audit = t.app.get(AuditService);
      const marker = uniq('rolled-back');
      await expect(
        t.db.transaction(async () => {
          await audit.record({ action: 'agency.updated', entityType: 'agency', entityId: agency.id, agencyId: agency.id, changes: { marker } });
          throw new Error('the change failed after its event was written');
        }),
      ).rejects.toThrow('the change failed');
      expect(await t.db.query(`SELECT id FROM audit_events WHERE changes->>'marker' = $1`, [marker])).toEqual([]);
      await t.db.transaction(() => audit.record({ action: 'agency.updated', entityType: 'agency', entityId: agency.id, agencyId: agency.id, changes: { marker: 'kept' } }));
      expect((await chainRows(agency.id)).map((r) => Number(r.seq))).toEqual([1, 2]);
      const res = await verify(adminToken, { agencyId: agency.id });
      expect(res.body).toMatchObject({ ok: true, checked: 2 });
    });
  });

  describe('append-only table', () => {
    it('refuses UPDATE, DELETE and TRUNCATE in the database', async () => {
      const agency = await f.agency();
      const [row] = await chainRows(agency.id);
      await expect(t.db.query(`UPDATE audit_events SET action = 'agency.deleted' WHERE id = $1`, [row.id])).rejects.toMatchObject({
        code: 'P0001',
        message: expect.stringContaining('UPDATE on audit_events is not allowed'),
      });
      await expect(t.db.query(`DELETE FROM audit_events WHERE id = $1`, [row.id])).rejects.toMatchObject({
        code: 'P0001',
        message: expect.stringContaining('DELETE on audit_events is not allowed'),
      });
      // Inside a transaction that is rolled back whatever happens: the shared test database is safe.
      const truncated = t.db.transaction(async () => {
        await t.db.query('TRUNCATE audit_events');
        throw new Error('TRUNCATE was allowed');
      });
      await expect(truncated).rejects.toMatchObject({ code: 'P0001', message: expect.stringContaining('TRUNCATE on audit_events is not allowed') });
      const after = await chainRows(agency.id);
      expect(after).toEqual([row]);
    });
  });

  describe('chain verification', () => {
    it('reports ok on an untouched chain, with the head to keep elsewhere', async () => {
      const { agency, auditor } = await agencyWithEvents();
      const rows = await chainRows(agency.id);
      const res = await verify(auditor.token, { agencyId: agency.id });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ok: true,
        checked: rows.length,
        agencyId: agency.id,
        headSeq: rows.length,
        headHash: rows[rows.length - 1].hash,
        verifiedAt: expect.any(String),
      });
      expect(rows.length).toBe(4);
    });

    it('finds an event whose content was edited in SQL', async () => {
      const { agency, auditor } = await agencyWithEvents();
      const rows = await chainRows(agency.id);
      const victim = rows[2];
      await tamper(`UPDATE audit_events SET changes = jsonb_set(changes, '{roles,new}', '["head"]') WHERE id = $1`, [victim.id]);
      const res = await verify(auditor.token, { agencyId: agency.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false, checked: 4, firstBrokenEventId: victim.id, firstBrokenSeq: 3, reason: 'hash_mismatch' });
    });

    it('an edit with a recomputed hash still breaks the link of the next event', async () => {
      const { agency, auditor } = await agencyWithEvents();
      const rows = await chainRows(agency.id);
      await tamper(`UPDATE audit_events SET actor_name = 'Người khác' WHERE id = $1`, [rows[1].id]);
      await tamper(`UPDATE audit_events e SET hash = audit_event_digest(e.prev_hash, e) WHERE id = $1`, [rows[1].id]);
      const res = await verify(auditor.token, { agencyId: agency.id });
      expect(res.body).toMatchObject({ ok: false, firstBrokenEventId: rows[2].id, firstBrokenSeq: 3, reason: 'prev_hash_mismatch' });
    });

    it('finds a deleted event: the next one follows a gap', async () => {
      const { agency, auditor } = await agencyWithEvents();
      const rows = await chainRows(agency.id);
      await tamper(`DELETE FROM audit_events WHERE id = $1`, [rows[1].id]);
      const res = await verify(auditor.token, { agencyId: agency.id });
      expect(res.body).toMatchObject({ ok: false, checked: 3, firstBrokenEventId: rows[2].id, firstBrokenSeq: 3, reason: 'seq_gap' });

      // Deleting the first event of another chain is seen too.
      const other = await agencyWithEvents();
      const otherRows = await chainRows(other.agency.id);
      await tamper(`DELETE FROM audit_events WHERE id = $1`, [otherRows[0].id]);
      const res2 = await verify(other.auditor.token, { agencyId: other.agency.id });
      expect(res2.body).toMatchObject({ ok: false, firstBrokenEventId: otherRows[1].id, firstBrokenSeq: 2, reason: 'seq_gap' });
    });

    it('verify-all (system administrator) lists the first break of each broken chain', async () => {
      const intact = await agencyWithEvents();
      const broken = await agencyWithEvents();
      const rows = await chainRows(broken.agency.id);
      await tamper(`UPDATE audit_events SET request_id = 'forged-request' WHERE id = $1`, [rows[3].id]);
      const res = await t.http.get('/api/v1/audit-events/verify-all').set(bearer(adminToken));
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.chains).toBeGreaterThanOrEqual(2);
      expect(res.body.broken).toContainEqual({ agencyId: broken.agency.id, firstBrokenEventId: rows[3].id, firstBrokenSeq: 4, reason: 'hash_mismatch' });
      expect(res.body.broken.map((b: { agencyId: string | null }) => b.agencyId)).not.toContain(intact.agency.id);
      expect(res.body.broken.map((b: { agencyId: string | null }) => b.agencyId)).not.toContain(null);
      expect((await t.http.get('/api/v1/audit-events/verify-all').set(bearer(intact.auditor.token))).status).toBe(403);
    });

    it('concurrent writers in one agency keep the chain linear', async () => {
      const agency = await f.agency();
      const auditor = await f.user({ [agency.id]: ['auditor'] });
      const users = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const res = await t.http
            .post('/api/v1/users')
            .set(bearer(adminToken))
            .send({ username: uniq(`conc${i}`).toLowerCase(), fullName: `Người dùng ${i}`, password: `pw-${randomBytes(8).toString('hex')}` });
          expect(res.status).toBe(201);
          return res.body.id as string;
        }),
      );
      const results = await Promise.all(users.map((id) => t.http.put(`/api/v1/agencies/${agency.id}/members/${id}`).set(bearer(adminToken)).send({ roles: ['staff'] })));
      expect(results.map((r) => r.status)).toEqual(users.map(() => 201));
      const rows = await chainRows(agency.id);
      expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
      for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
      const res = await verify(auditor.token, { agencyId: agency.id });
      expect(res.body).toMatchObject({ ok: true, checked: 22, headSeq: 22 });
    });

    it('the system chain verifies for the system administrator; others must name an agency', async () => {
      const res = await verify(adminToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, agencyId: null });
      expect(res.body.checked).toBeGreaterThan(0);
      const { auditor } = await agencyWithEvents();
      const refused = await verify(auditor.token);
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: 'agencyId', message: expect.stringContaining('required') }]);
    });
  });

  describe('visibility', () => {
    let province: TestAgency;
    let department: TestAgency;
    let elsewhere: TestAgency;
    let drafter: TestUser;
    let supervisor: TestUser;
    let staff: TestUser;

    beforeAll(async () => {
      ({ province, department } = await f.agencyTree());
      elsewhere = await f.agency({ name: 'UBND tỉnh Khác' });
      drafter = await f.user({ [department.id]: ['drafter'] });
      supervisor = await f.user({ [province.id]: ['supervisor'] });
      staff = await f.user({ [department.id]: ['staff'] });
      await f.user({ [elsewhere.id]: ['auditor'] });
    });

    it("a drafter sees their agency's events, never another agency's nor system events", async () => {
      const own = await listAll(drafter.token, { agencyId: department.id });
      expect(own.map((e) => e.action)).toEqual(['membership.created', 'membership.created', 'agency.created']);
      expect(own.every((e) => e.agencyId === department.id)).toBe(true);
      const filtered = await list(drafter.token, { agencyId: elsewhere.id });
      expect(filtered.status).toBe(404);
      expect(filtered.body.code).toBe('not_found');
      expect((await list(drafter.token, { agencyId: province.id })).status).toBe(404);
      const all = await listAll(drafter.token);
      expect(all.every((e) => e.agencyId === department.id)).toBe(true);
      expect(all.map((e) => e.id).sort()).toEqual(own.map((e) => e.id).sort());
      expect((await verify(drafter.token, { agencyId: elsewhere.id })).status).toBe(404);
    });

    it("a supervisor of the province sees its departments' events", async () => {
      const dept = await listAll(supervisor.token, { agencyId: department.id });
      expect(dept.map((e) => e.action)).toContain('agency.created');
      const all = await listAll(supervisor.token);
      const agencies = new Set(all.map((e) => e.agencyId));
      expect(agencies).toEqual(new Set([province.id, department.id]));
      expect((await list(supervisor.token, { agencyId: elsewhere.id })).status).toBe(404);
      expect((await verify(supervisor.token, { agencyId: department.id })).body.ok).toBe(true);
    });

    it('staff (no audit.read) are refused on their agency and see an empty trail', async () => {
      const res = await list(staff.token, { agencyId: department.id });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      const all = await list(staff.token);
      expect(all.status).toBe(200);
      expect(all.body).toEqual({ items: [], nextCursor: null });
      expect((await verify(staff.token, { agencyId: department.id })).status).toBe(403);
    });

    it('the system administrator reads system events, verifies any chain, but reads agency events only with a role there', async () => {
      const system = await list(adminToken, { entityType: 'user', limit: 20 });
      expect(system.status).toBe(200);
      expect(system.body.items.length).toBeGreaterThan(0);
      expect(system.body.items.every((e: EventItem) => e.agencyId === null)).toBe(true);
      expect((await list(adminToken, { agencyId: department.id })).status).toBe(403);
      expect((await verify(adminToken, { agencyId: department.id })).body).toMatchObject({ ok: true, agencyId: department.id });
    });

    it('an unknown agency is 404 for everybody', async () => {
      const ghost = '5f0c6a7e-3b1d-4c8e-9a2f-0123456789ab';
      expect((await list(adminToken, { agencyId: ghost })).status).toBe(404);
      expect((await list(drafter.token, { agencyId: ghost })).status).toBe(404);
      expect((await verify(adminToken, { agencyId: ghost })).status).toBe(404);
    });

    it('requires authentication', async () => {
      expect((await t.http.get('/api/v1/audit-events')).status).toBe(401);
      expect((await t.http.get('/api/v1/audit-events/verify')).status).toBe(401);
    });
  });

  describe('filters, ordering and pagination', () => {
    let agency: TestAgency;
    let auditor: TestUser;
    let members: TestUser[];

    beforeAll(async () => {
      agency = await f.agency();
      auditor = await f.user({ [agency.id]: ['auditor'] });
      members = [await f.user({ [agency.id]: ['drafter'] }), await f.user({ [agency.id]: ['staff'] })];
      await t.http.put(`/api/v1/agencies/${agency.id}/members/${members[0].id}`).set(bearer(adminToken)).send({ roles: ['drafter', 'iso_secretary'] }).expect(200);
      await t.http.patch(`/api/v1/agencies/${agency.id}`).set(bearer(adminToken)).send({ name: 'Sở Nội vụ' }).expect(200);
    });

    it('pages newest first by default and oldest first on request, without gaps or repeats', async () => {
      const everything = await listAll(auditor.token, { agencyId: agency.id });
      expect(everything.map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
      const paged = await listAll(auditor.token, { agencyId: agency.id, limit: 2 });
      expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));
      const first = await list(auditor.token, { agencyId: agency.id, limit: 2 });
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const asc = await listAll(auditor.token, { agencyId: agency.id, limit: 4, order: 'asc' });
      expect(asc.map((e) => e.id)).toEqual([...everything].reverse().map((e) => e.id));
    });

    it('filters by entity type, entity, actor, action and time', async () => {
      const q = { agencyId: agency.id };
      const memberships = await listAll(auditor.token, { ...q, entityType: 'membership' });
      expect(memberships).toHaveLength(4);
      const ofOne = await listAll(auditor.token, { ...q, entityId: members[0].id, order: 'asc' });
      expect(ofOne.map((e) => e.action)).toEqual(['membership.created', 'membership.updated']);
      expect(await listAll(auditor.token, { ...q, entityId: members[0].id.toUpperCase() })).toHaveLength(2);
      expect(await listAll(auditor.token, { ...q, actorId: adminId })).toHaveLength(6);
      expect(await listAll(auditor.token, { ...q, actorId: auditor.id })).toHaveLength(0);
      expect((await listAll(auditor.token, { ...q, action: 'membership.updated' })).map((e) => e.entityId)).toEqual([members[0].id]);
      expect(await listAll(auditor.token, { ...q, action: 'membership.*' })).toHaveLength(4);
      expect((await listAll(auditor.token, { ...q, action: 'agency.*' })).map((e) => e.action)).toEqual(['agency.updated', 'agency.created']);

      const all = await listAll(auditor.token, { ...q, order: 'asc' });
      const third = all[2];
      const fromThird = await listAll(auditor.token, { ...q, from: third.occurredAt, order: 'asc' });
      expect(fromThird[0].seq).toBeLessThanOrEqual(3);
      expect(fromThird.map((e) => e.seq)).toContain(6);
      expect(fromThird.map((e) => e.seq)).not.toContain(1);
      const upToFirst = await listAll(auditor.token, { ...q, to: all[0].occurredAt });
      expect(upToFirst.map((e) => e.seq)).toContain(1);
      expect(upToFirst.map((e) => e.seq)).not.toContain(6);
      const future = new Date(Date.now() + 3600_000).toISOString();
      expect(await listAll(auditor.token, { ...q, from: future })).toHaveLength(0);
      expect(await listAll(auditor.token, { ...q, from: all[0].occurredAt, to: all[0].occurredAt })).not.toHaveLength(0);
    });

    it.each([
      [{ agencyId: 'not-a-uuid' }, 'agencyId'],
      [{ entityId: '123' }, 'entityId'],
      [{ actorId: 'x' }, 'actorId'],
      [{ entityType: 'Document; DROP TABLE' }, 'entityType'],
      [{ action: 'DROP TABLE' }, 'action'],
      [{ from: 'yesterday' }, 'from'],
      [{ to: '2025-02-30T00:00:00Z' }, 'to'],
      [{ from: '2025-06-02T00:00:00Z', to: '2025-06-01T00:00:00Z' }, 'to'],
      [{ order: 'sideways' }, 'order'],
      [{ limit: 500 }, 'limit'],
      [{ cursor: 'garbage!' }, 'cursor'],
      [{ cursor: Buffer.from(JSON.stringify(['not-a-time', '5f0c6a7e-3b1d-4c8e-9a2f-0123456789ab'])).toString('base64url') }, 'cursor'],
      [{ cursor: Buffer.from(JSON.stringify(['2025-01-01T00:00:00.000000Z', 'nope'])).toString('base64url') }, 'cursor'],
      [{ unknown: 'x' }, 'unknown'],
    ])('rejects %j with a 400 naming the field', async (query, field) => {
      const res = await list(auditor.token, { agencyId: agency.id, ...query } as Record<string, string | number>);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('rejects a malformed agencyId on verify', async () => {
      const res = await verify(auditor.token, { agencyId: 'nope' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'agencyId' })]);
    });
  });
});
