import { AgencyFactsService } from '../../src/agency-facts/index.js';
import { OverdueActions } from '../../src/nonconformities/overdue-actions.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { Fixtures } from '../support/fixtures.js';
import { EffectiveDates } from '../../src/workflow/effective-dates.service.js';
import { failInserts, newDraft, newProcedure, toEffective, toPendingApproval, workflow, type Workflow } from '../workflow/helpers.js';
import { expectOk, ncWithRootCause, quality, qualityCast, vnToday, type Quality, type QualityCast } from './helpers.js';

describe('nonconformities and corrective actions', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: QualityCast;
  let q: Quality;
  let w: Workflow;

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    c = await qualityCast(f);
    q = quality(t);
    w = workflow(t);
  });
  afterAll(() => t.close());

  const state = async (id: string) => (await t.db.query<{ state: string }[]>('SELECT state FROM nonconformities WHERE id = $1', [id]))[0]?.state;

  it('role and agency matrix: 404 across agencies, 403 inside, for every operation', async () => {
    const body = { agencyId: c.agency.id, source: 'complaint', severity: 'major', description: 'Công dân phản ánh trả kết quả trễ hạn', clause: '8.5.1' };
    expect((await q.createNc(c.stranger, body)).status).toBe(404);
    const staff = await q.createNc(c.staff, body);
    expect(staff.status).toBe(403);
    expect((await q.createNc(c.auditor, body)).status).toBe(403);
    const created = await q.createNc(c.drafter, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'open', source: 'complaint', severity: 'major', clause: '8.5.1', code: expect.stringMatching(/^KPH-\d{3}$/) });
    const id = created.body.id as string;

    expect((await q.nc(c.stranger, id)).status).toBe(404);
    expect((await q.nc(c.staff, id)).status).toBe(403);
    expect((await q.nc(c.auditor, id)).status).toBe(200);
    expect((await q.ncs(c.stranger, `?agencyId=${c.agency.id}`)).body.items).toEqual([]);

    const etag = created.body.etag as string;
    expect((await q.patchNc(c.stranger, id, { rootCause: 'x' }, etag)).status).toBe(404);
    expect((await q.patchNc(c.staff, id, { rootCause: 'x' }, etag)).status).toBe(403);
    expect((await q.patchNc(c.auditor, id, { rootCause: 'x' }, etag)).status).toBe(403);
    expect((await q.patchNc(c.secretary, id, { rootCause: 'x' })).status).toBe(428);
    expect((await q.patchNc(c.secretary, id, { rootCause: 'x' }, '"stale"')).status).toBe(412);
    const patched = await q.patchNc(c.secretary, id, { correction: 'Trả kết quả ngay cho công dân', rootCause: 'Không theo dõi thời hạn giải quyết' }, etag);
    expect(patched.status).toBe(200);

    const action = { description: 'Lập sổ theo dõi thời hạn', responsibleUserId: c.staff.id, dueOn: vnToday(10) };
    expect((await q.addAction(c.stranger, id, action)).status).toBe(404);
    expect((await q.addAction(c.staff, id, action)).status).toBe(403);
    const added = await q.addAction(c.secretary, id, action);
    expect(added.status).toBe(201);
    // The responsible staff member reads the nonconformity they act on, and only they complete it.
    expect((await q.nc(c.staff, id)).status).toBe(200);
    expect((await q.complete(c.stranger, added.body.id)).status).toBe(404);
    const notMine = await q.complete(c.secretary, added.body.id);
    expect(notMine.status).toBe(403);
    expect(notMine.body.code).toBe('not_action_responsible');
    expect((await q.complete(c.staff, added.body.id)).body.state).toBe('awaiting_verification');

    expect((await q.verify(c.stranger, id, true)).status).toBe(404);
    expect((await q.verify(c.drafter, id, true)).status).toBe(403);
    expect((await q.verify(c.staff, id, true)).status).toBe(403);
    const closed = await q.verify(c.auditor, id, true);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', verifications: [expect.objectContaining({ effective: true, verifierName: c.auditor.fullName })] });
  });

  it('bad input is 400 naming the field, never a 500', async () => {
    const bad = await q.createNc(c.secretary, { agencyId: c.agency.id, source: 'rumour', severity: 'minor', description: 'x', clause: '11.1' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['clause', 'source']);
    const nc = await ncWithRootCause(q, c);
    const due = await q.addAction(c.secretary, nc.id, { description: 'x', responsibleUserId: c.staff.id, dueOn: '2026-02-30' });
    expect(due.status).toBe(400);
    expect(due.body.errors[0].field).toBe('dueOn');
    const past = await q.addAction(c.secretary, nc.id, { description: 'x', responsibleUserId: c.staff.id, dueOn: vnToday(-1) });
    expect(past.status).toBe(422);
    expect(past.body.code).toBe('due_date_past');
    const outsider = await q.addAction(c.secretary, nc.id, { description: 'x', responsibleUserId: c.stranger.id, dueOn: vnToday(1) });
    expect(outsider.status).toBe(422);
    expect(outsider.body).toMatchObject({ code: 'responsible_not_member', errors: [{ field: 'responsibleUserId' }] });
  });

  it('the root cause is required before any action is planned, and nothing is written', async () => {
    const created = await q.createNc(c.secretary, { agencyId: c.agency.id, source: 'other', severity: 'minor', description: 'Biểu mẫu cũ còn được sử dụng' });
    const res = await q.addAction(c.secretary, created.body.id, { description: 'Thu hồi biểu mẫu cũ', responsibleUserId: c.drafter.id, dueOn: vnToday(5) });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'root_cause_required', errors: [{ field: 'rootCause' }] });
    expect(await t.db.query('SELECT id FROM corrective_actions WHERE nonconformity_id = $1', [created.body.id])).toHaveLength(0);
    expect(await state(created.body.id)).toBe('open');
    // Once actions exist the root cause cannot be removed.
    const nc = await ncWithRootCause(q, c);
    expectOk(await q.addAction(c.secretary, nc.id, { description: 'Phân công', responsibleUserId: c.drafter.id, dueOn: vnToday(5) }), 201, 'action');
    const etag = (await q.nc(c.secretary, nc.id)).body.etag;
    expect((await q.patchNc(c.secretary, nc.id, { rootCause: null }, etag)).body.code).toBe('root_cause_required');
  });

  it('an action naming a document completes only once a revision approved after it is effective', async () => {
    const doc = await newProcedure(t, c);
    await toEffective(w, c, doc.revisionId);
    const nc = await ncWithRootCause(q, c, { documentId: doc.id, clause: '7.5.3' });
    const added = await q.addAction(c.secretary, nc.id, { description: `Sửa đổi quy trình ${doc.code}`, responsibleUserId: c.drafter.id, dueOn: vnToday(30), documentId: doc.id });
    expectOk(added, 201, 'action');
    // The revision effective before the action was raised does not count.
    const early = await q.complete(c.drafter, added.body.id);
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'action_document_not_revised', errors: [{ field: 'documentId', message: expect.stringContaining(doc.code) }] });
    expect(early.body.detail).toContain(doc.code);
    // A new revision that is only approved, not yet effective, does not count either.
    const draft = await newDraft(t, c.drafter, doc.id, 'Bổ sung bước lưu phiếu kiểm soát');
    await toPendingApproval(w, c, draft.id);
    const from = new Date(Date.now() + 3000);
    expectOk(await w.approve(c.head, draft.id, { effectiveFrom: from.toISOString() }), 200, 'approve later');
    expect((await q.complete(c.drafter, added.body.id)).body.code).toBe('action_document_not_revised');
    await new Promise((r) => setTimeout(r, Math.max(0, from.getTime() - Date.now()) + 200));
    await t.app.get(EffectiveDates).takeEffect(draft.id);
    const done = await q.complete(c.drafter, added.body.id);
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('awaiting_verification');
    expect(done.body.actions[0]).toMatchObject({ state: 'complete', completedRevisionId: draft.id });
    expect((await q.complete(c.drafter, added.body.id)).body.code).toBe('action_complete');
    // The nonconformities of a document are found from it.
    expect((await q.ncs(c.secretary, `?documentId=${doc.id}`)).body.items.map((i: { id: string }) => i.id)).toEqual([nc.id]);
  });

  it('the verifier is responsible for none of the actions; not effective goes back to action_planned with the comment', async () => {
    const nc = await ncWithRootCause(q, c);
    const a1 = await q.addAction(c.secretary, nc.id, { description: 'Đào tạo lại công chức', responsibleUserId: c.auditor.id, dueOn: vnToday(3) });
    expectOk(await q.complete(c.auditor, a1.body.id), 200, 'complete');
    const own = await q.verify(c.auditor, nc.id, true);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('separation_of_duties');
    expect((await q.verify(c.secretary2, nc.id, true, 'ok', 'wrong-password')).status).toBe(401);
    expect(await state(nc.id)).toBe('awaiting_verification');
    const no = await q.verify(c.secretary2, nc.id, false, 'Vẫn còn hồ sơ trễ hạn trong tháng');
    expect(no.status).toBe(200);
    expect(no.body).toMatchObject({ state: 'action_planned', verifications: [expect.objectContaining({ effective: false, comment: 'Vẫn còn hồ sơ trễ hạn trong tháng' })] });
    expect((await q.verify(c.secretary2, nc.id, true)).status).toBe(409);
    const a2 = await q.addAction(c.secretary, nc.id, { description: 'Kiểm tra hằng tuần', responsibleUserId: c.drafter.id, dueOn: vnToday(3) });
    expectOk(await q.complete(c.drafter, a2.body.id), 200, 'complete');
    expect((await q.verify(c.secretary2, nc.id, true)).body.state).toBe('closed');
    const events = await t.db.query<{ action: string }[]>(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at, id`, [nc.id]);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['nonconformity.opened', 'nonconformity.updated', 'nonconformity.action_planned', 'nonconformity.awaiting_verification', 'nonconformity.closed']),
    );
  });

  it('a closed nonconformity and its actions are refused by the database and by the API', async () => {
    const nc = await ncWithRootCause(q, c);
    const a = await q.addAction(c.secretary, nc.id, { description: 'Cập nhật sổ', responsibleUserId: c.drafter.id, dueOn: vnToday(3) });
    await q.complete(c.drafter, a.body.id);
    expectOk(await q.verify(c.auditor, nc.id, true), 200, 'verify');
    await expect(t.db.query(`UPDATE nonconformities SET description = 'sửa lén' WHERE id = $1`, [nc.id])).rejects.toMatchObject({ code: 'P0001' });
    await expect(t.db.query(`DELETE FROM nonconformities WHERE id = $1`, [nc.id])).rejects.toMatchObject({ code: 'P0001' });
    await expect(t.db.query(`UPDATE corrective_actions SET evidence = 'khác' WHERE id = $1`, [a.body.id])).rejects.toMatchObject({ code: 'P0001' });
    await expect(
      t.db.query(`INSERT INTO corrective_actions (nonconformity_id, agency_id, description, responsible_user_id, due_on, created_by) VALUES ($1, $2, 'x', $3, current_date, $3)`, [nc.id, c.agency.id, c.drafter.id]),
    ).rejects.toMatchObject({ code: 'P0001' });
    const etag = (await q.nc(c.secretary, nc.id)).body.etag;
    expect((await q.patchNc(c.secretary, nc.id, { correction: 'khác' }, etag)).body.code).toBe('nonconformity_closed');
    expect((await q.addAction(c.secretary, nc.id, { description: 'x', responsibleUserId: c.drafter.id, dueOn: vnToday(3) })).body.code).toBe('nonconformity_closed');
    // A completed action is frozen even while its nonconformity is open.
    const open = await ncWithRootCause(q, c);
    const b = await q.addAction(c.secretary, open.id, { description: 'Một', responsibleUserId: c.drafter.id, dueOn: vnToday(3) });
    await q.addAction(c.secretary, open.id, { description: 'Hai', responsibleUserId: c.drafter.id, dueOn: vnToday(3) });
    await q.complete(c.drafter, b.body.id);
    await expect(t.db.query(`UPDATE corrective_actions SET evidence = 'khác' WHERE id = $1`, [b.body.id])).rejects.toMatchObject({ code: 'P0001' });
    // The database also refuses a verifier responsible for an action.
    await expect(
      t.db.query(`INSERT INTO nonconformity_verifications (nonconformity_id, agency_id, effective, comment, verified_by, verifier_name) VALUES ($1, $2, true, 'x', $3, 'x')`, [open.id, c.agency.id, c.drafter.id]),
    ).rejects.toMatchObject({ code: 'P0001' });
  });

  it('a failed last write of the verification leaves nothing behind', async () => {
    const nc = await ncWithRootCause(q, c);
    const a = await q.addAction(c.secretary, nc.id, { description: 'Cập nhật sổ', responsibleUserId: c.drafter.id, dueOn: vnToday(3) });
    await q.complete(c.drafter, a.body.id);
    const before = await t.db.query<unknown[]>('SELECT id FROM audit_events WHERE entity_id = $1', [nc.id]);
    const restore = await failInserts(t, 'audit_events', 'entity_id', nc.id);
    try {
      const res = await q.verify(c.auditor, nc.id, true);
      expect(res.status).toBe(409);
    } finally {
      await restore();
    }
    expect(await state(nc.id)).toBe('awaiting_verification');
    expect(await t.db.query('SELECT id FROM nonconformity_verifications WHERE nonconformity_id = $1', [nc.id])).toHaveLength(0);
    expect(await t.db.query('SELECT id FROM audit_events WHERE entity_id = $1', [nc.id])).toHaveLength(before.length);
    expect((await q.verify(c.auditor, nc.id, true)).body.state).toBe('closed');
  });

  it('overdue actions: in the register, in /me/tasks of the responsible person and the secretary, notified once the day after', async () => {
    const nc = await ncWithRootCause(q, c);
    const a = await q.addAction(c.secretary, nc.id, { description: 'Rà soát hồ sơ trễ hạn', responsibleUserId: c.staff.id, dueOn: vnToday(2) });
    expectOk(a, 201, 'action');
    const staffTasks = await q.tasks(c.staff, `?agencyId=${c.agency.id}`);
    expect(staffTasks.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'corrective_action', entityId: nc.id, dueOn: vnToday(2) })]));
    const sweep = t.app.get(OverdueActions);
    expect(await sweep.notifyOverdue({ agencyIds: [c.agency.id] })).toBe(0);

    // The due date passes (open actions may still change; only complete ones are frozen).
    await t.db.query(`UPDATE corrective_actions SET due_on = due_on - 3 WHERE id = $1`, [a.body.id]);
    expect((await q.ncs(c.secretary, `?agencyId=${c.agency.id}&overdue=true`)).body.items.map((i: { id: string }) => i.id)).toEqual([nc.id]);
    expect((await q.nc(c.secretary, nc.id)).body).toMatchObject({ overdue: true, actions: [expect.objectContaining({ overdue: true })] });
    for (const u of [c.staff, c.secretary]) {
      const items = (await q.tasks(u, `?agencyId=${c.agency.id}`)).body.items as { kind: string; entityId: string }[];
      expect(items.filter((i) => i.entityId === nc.id).map((i) => i.kind)).toEqual(['corrective_action_overdue']);
    }
    expect((await q.tasks(c.drafter, `?agencyId=${c.agency.id}`)).body.items.filter((i: { entityId: string }) => i.entityId === nc.id)).toEqual([]);

    expect(await sweep.notifyOverdue({ agencyIds: [c.agency.id] })).toBe(1);
    expect(await sweep.notifyOverdue({ agencyIds: [c.agency.id] })).toBe(0);
    await Promise.all([sweep.notifyOverdue({ agencyIds: [c.agency.id] }), sweep.notifyOverdue({ agencyIds: [c.agency.id] })]);
    const notes = await t.db.query<{ user_id: string }[]>(`SELECT user_id FROM notifications WHERE kind = 'corrective_action.overdue' AND entity_id = $1 ORDER BY user_id`, [nc.id]);
    expect(notes.map((n) => n.user_id).sort()).toEqual([c.staff.id, c.secretary.id, c.secretary2.id].sort());
    expect(await t.db.query(`SELECT id FROM audit_events WHERE action = 'corrective_action.overdue_notified' AND entity_id = $1`, [a.body.id])).toHaveLength(1);
  });

  it('supplies the agency figures in one query for every agency', async () => {
    const agency = await f.agency();
    const sec = await f.user({ [agency.id]: ['iso_secretary'] });
    const doer = await f.user({ [agency.id]: ['staff'] });
    const make = async () => {
      const created = await q.createNc(sec, { agencyId: agency.id, source: 'process', severity: 'minor', description: 'Thiếu hồ sơ' });
      await q.patchNc(sec, created.body.id, { rootCause: 'Chưa phân công' }, created.body.etag);
      return created.body.id as string;
    };
    const late = await make();
    const action = await q.addAction(sec, late, { description: 'Bổ sung', responsibleUserId: doer.id, dueOn: vnToday(1) });
    await t.db.query(`UPDATE corrective_actions SET due_on = due_on - 5 WHERE id = $1`, [action.body.id]);
    await make();
    const now = new Date();
    const facts = await t.app.get(AgencyFactsService).collect([agency.id, c.other.id], { year: now.getUTCFullYear(), from: new Date(now.getTime() - 86400_000), to: new Date(now.getTime() + 86400_000) });
    expect(facts.get(agency.id)).toMatchObject({ nonconformitiesOpen: 2, nonconformitiesClosed: 0, nonconformitiesOverdue: 1, actionsOverdue: 1, internalAuditsHeld: 0 });
    expect(facts.get(c.other.id)).toMatchObject({ nonconformitiesOpen: 0, actionsOverdue: 0 });
  });
});
