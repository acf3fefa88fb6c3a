/**
 * "Who may approve" has one answer (src/approval/approval-rights.ts and the SQL functions
 * approver_capacities / may_approve / revision_approval_exclusions): the notice that a revision
 * waits for approval, the approval work list, the approval itself, ApprovalRights and the
 * sign-off trigger never disagree — for a deputy without a delegation, with an expired, future,
 * revoked one, with one from someone who is no longer head, with an active one, and for a head who
 * checked the revision.
 */
import { ApprovalRights } from '../../src/approval/approval-rights.js';
import type { TestApp } from '../support/app.js';
import { bearer, Fixtures, TestUser } from '../support/fixtures.js';
import { API, delegate, newProcedure, toPendingApproval, Workflow, WorkflowCast, workflowSuite } from '../workflow/helpers.js';

interface Answers {
  notified: boolean;
  listed: boolean;
  mayApproveSql: boolean;
  capacity: boolean;
  approver: boolean;
  approved: boolean;
}

describe('approval rights: one answer for the notice, the work list, the approval and the database', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: WorkflowCast;
  let w: Workflow;
  let rights: ApprovalRights;
  let admin: string;

  beforeAll(async () => {
    ({ t, f, c, w } = await workflowSuite());
    rights = t.app.get(ApprovalRights);
    admin = await f.adminToken();
  });
  afterAll(() => t.close());

  const day = 86_400_000;

  /** A revision checked by the ISO secretary, then every answer about `who` approving it. */
  async function answersFor(who: TestUser, checker: TestUser = c.secretary): Promise<{ answers: Answers; revisionId: string; approval: { status: number; body: { code?: string } } }> {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId, checker);
    const notices = await t.db.query<{ kind: string }[]>(`SELECT kind FROM notifications WHERE user_id = $1 AND entity_id = $2`, [who.id, d.revisionId]);
    const tasks = await w.tasks(who, '?kind=approve');
    expect(tasks.status).toBe(200);
    const [sql] = await t.db.query<{ may: boolean }[]>(
      `SELECT may_approve($1, $2, now()) AND NOT EXISTS (SELECT 1 FROM revision_approval_exclusions($3) x WHERE x.user_id = $2) AS may`,
      [c.agency.id, who.id, d.revisionId],
    );
    const capacity = await rights.capacityOf(who.id, c.agency.id);
    const excluded = (await t.db.query<{ user_id: string }[]>('SELECT user_id FROM revision_approval_exclusions($1)', [d.revisionId])).map((r) => r.user_id);
    const approvers = await rights.approvers(c.agency.id, { exclude: excluded });
    const approval = await w.approve(who, d.revisionId);
    return {
      revisionId: d.revisionId,
      approval,
      answers: {
        notified: notices.some((n) => n.kind === 'revision.to_approve'),
        listed: tasks.body.items.some((i: { revisionId: string }) => i.revisionId === d.revisionId),
        mayApproveSql: sql.may,
        capacity: capacity !== null && !excluded.includes(who.id),
        approver: approvers.includes(who.id),
        approved: approval.status === 200,
      },
    };
  }

  const all = (v: boolean): Answers => ({ notified: v, listed: v, mayApproveSql: v, capacity: v, approver: v, approved: v });

  /** The database refuses the approval sign-off the service refused. */
  async function triggerRefuses(revisionId: string, user: TestUser, delegation: { id: string; headId: string } | null): Promise<void> {
    const [check] = await t.db.query<{ digest: string }[]>(`SELECT digest FROM sign_offs WHERE revision_id = $1 AND meaning = 'checked'`, [revisionId]);
    const insert = delegation
      ? t.db.query(
          `INSERT INTO sign_offs (revision_id, agency_id, user_id, full_name, role, meaning, capacity, on_behalf_of_user_id, on_behalf_of_name, delegation_id, digest)
           VALUES ($1, $2, $3, 'x', 'deputy', 'approved', 'KT.', $4, 'y', $5, $6)`,
          [revisionId, c.agency.id, user.id, delegation.headId, delegation.id, check.digest],
        )
      : t.db.query(`INSERT INTO sign_offs (revision_id, agency_id, user_id, full_name, role, meaning, digest) VALUES ($1, $2, $3, 'x', 'head', 'approved', $4)`, [
          revisionId,
          c.agency.id,
          user.id,
          check.digest,
        ]);
    await expect(insert).rejects.toThrow(/may not approve/);
  }

  it('a deputy: no, expired, future, revoked, from a former head — then an active delegation', async () => {
    // No delegation at all.
    let r = await answersFor(c.deputy);
    expect(r.answers).toEqual(all(false));
    expect(r.approval.body.code).toBe('delegation_required');
    await triggerRefuses(r.revisionId, c.deputy, null);

    // Expired.
    const expired = await delegate(t, f, c, new Date(Date.now() - 3 * day), new Date(Date.now() - day));
    r = await answersFor(c.deputy);
    expect(r.answers).toEqual(all(false));
    expect(r.approval.body.code).toBe('delegation_required');
    await triggerRefuses(r.revisionId, c.deputy, { id: expired.id, headId: c.head.id });

    // Not yet valid.
    const future = await delegate(t, f, c, new Date(Date.now() + day), new Date(Date.now() + 2 * day));
    r = await answersFor(c.deputy);
    expect(r.answers).toEqual(all(false));
    await triggerRefuses(r.revisionId, c.deputy, { id: future.id, headId: c.head.id });

    // Revoked.
    const revoked = await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + day));
    expect((await t.http.delete(`${API}/agencies/${c.agency.id}/delegations/${revoked.id}`).set(bearer(admin))).status).toBe(200);
    r = await answersFor(c.deputy);
    expect(r.answers).toEqual(all(false));
    await triggerRefuses(r.revisionId, c.deputy, { id: revoked.id, headId: c.head.id });

    // From someone who was head when delegating and no longer is.
    const formerHead = await f.user({ [c.agency.id]: ['head'] }, { fullName: 'Đặng Nguyên Giám' });
    const fromFormer = await t.http
      .post(`${API}/agencies/${c.agency.id}/delegations`)
      .set(bearer(admin))
      .send({ fromUserId: formerHead.id, toUserId: c.deputy.id, validFrom: new Date(Date.now() - 60_000).toISOString(), validTo: new Date(Date.now() + day).toISOString() });
    expect(fromFormer.status).toBe(201);
    expect((await t.http.put(`${API}/agencies/${c.agency.id}/members/${formerHead.id}`).set(bearer(admin)).send({ roles: ['staff'] })).status).toBe(200);
    r = await answersFor(c.deputy);
    expect(r.answers).toEqual(all(false));
    await triggerRefuses(r.revisionId, c.deputy, { id: fromFormer.body.id, headId: formerHead.id });

    // Active, from the head: every answer is yes, and the approval signs "KT." for the head.
    const active = await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + day));
    expect(await rights.capacityOf(c.deputy.id, c.agency.id)).toEqual({ role: 'deputy', delegationId: active.id, onBehalfOf: { id: c.head.id, fullName: 'Trần Văn Giám', title: 'Giám đốc' } });
    r = await answersFor(c.deputy);
    expect(r.answers).toEqual(all(true));
    const [signOff] = await t.db.query<{ capacity: string; delegation_id: string }[]>(`SELECT capacity, delegation_id FROM sign_offs WHERE revision_id = $1 AND meaning = 'approved'`, [r.revisionId]);
    expect(signOff).toEqual({ capacity: 'KT.', delegation_id: active.id });
    // The head, of course, as well.
    const other = await answersFor(c.head);
    expect(other.answers).toEqual(all(true));
  }, 240_000);

  it('a head who checked the revision: a capacity, but excluded everywhere; the other head approves', async () => {
    const checkingHead = await f.user({ [c.agency.id]: ['iso_secretary', 'head'] }, { fullName: 'Bùi Kiêm Nhiệm' });
    const r = await answersFor(checkingHead, checkingHead);
    expect(r.answers).toEqual(all(false));
    expect(await rights.capacityOf(checkingHead.id, c.agency.id)).toEqual({ role: 'head' });
    expect(r.approval.status).toBe(403);
    expect(r.approval.body.code).toBe('separation_of_duties');
    const [check] = await t.db.query<{ digest: string }[]>(`SELECT digest FROM sign_offs WHERE revision_id = $1 AND meaning = 'checked'`, [r.revisionId]);
    await expect(
      t.db.query(`INSERT INTO sign_offs (revision_id, agency_id, user_id, full_name, role, meaning, digest) VALUES ($1, $2, $3, 'x', 'head', 'approved', $4)`, [
        r.revisionId,
        c.agency.id,
        checkingHead.id,
        check.digest,
      ]),
    ).rejects.toThrow(/separation of duties/);
    // The other head was told, has it in the list, and approves it.
    const notices = await t.db.query<{ kind: string }[]>(`SELECT kind FROM notifications WHERE user_id = $1 AND entity_id = $2`, [c.head.id, r.revisionId]);
    expect(notices.map((n) => n.kind)).toContain('revision.to_approve');
    expect((await w.tasks(c.head, '?kind=approve')).body.items.map((i: { revisionId: string }) => i.revisionId)).toContain(r.revisionId);
    expect((await w.approve(c.head, r.revisionId)).status).toBe(200);
  }, 120_000);

  it('ApprovalRights.capacity: 403 codes for new record types, exclusions by separation of duties', async () => {
    const principal = async (u: TestUser) => {
      const { Principal } = await import('../../src/access/principal.js');
      return new Principal(u.id, u.username, u.fullName, false, 'test');
    };
    await expect(rights.capacity(await principal(c.secretary), c.agency.id)).rejects.toMatchObject({ status: 403, code: 'approver_required' });
    await expect(rights.capacity(await principal(c.head), c.agency.id)).resolves.toEqual({ role: 'head' });
    await expect(
      rights.capacity(await principal(c.head), c.agency.id, { exclusions: [{ userId: c.head.id, reason: 'author', detail: 'The author of an audit plan cannot approve it.' }] }),
    ).rejects.toMatchObject({ status: 403, code: 'separation_of_duties', detail: 'The author of an audit plan cannot approve it.' });
    expect(await rights.approvers(c.agency.id, { exclude: [c.head.id] })).not.toContain(c.head.id);
    expect(await rights.approvers(c.agency.id)).toContain(c.head.id);
  });
});
