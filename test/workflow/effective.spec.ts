import { DocumentFlags } from '../../src/documents/document-flags.service.js';
import { Queues } from '../../src/queue/job-queue.js';
import { EffectiveDates, effectiveJobId } from '../../src/workflow/effective-dates.service.js';
import { PeriodicReview } from '../../src/workflow/periodic-review.service.js';
import type { TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { API, delegate, newDraft, newProcedure, toEffective, toPendingApproval, until, Workflow, workflowCast, WorkflowCast, workflowSuite } from './helpers.js';

describe('workflow: effective dates, withdrawal, periodic review', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: WorkflowCast;
  let w: Workflow;

  beforeAll(async () => ({ t, f, c, w } = await workflowSuite()));
  afterAll(() => t.close());

  const stateOf = async (id: string) => (await t.db.query<{ state: string }[]>('SELECT state FROM revisions WHERE id = $1', [id]))[0].state;

  it('a future effective date: approved now, made effective at that moment by the delayed job', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    const from = new Date(Date.now() + 6000);
    const res = await w.approve(c.head, d.revisionId, { effectiveFrom: from.toISOString() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'approved', effectiveFrom: from.toISOString(), effectiveAt: null, numberAssigned: false });
    const outbox = await t.db.query<{ name: string; run_at: Date }[]>(`SELECT name, run_at FROM job_outbox WHERE job_id = $1`, [effectiveJobId(d.revisionId)]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0].name).toBe('workflow.make-effective');
    expect(new Date(outbox[0].run_at).toISOString()).toBe(from.toISOString());
    // Not current yet.
    expect((await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.staff.token))).status).toBe(404);
    await t.flushOutbox();
    expect(await until(() => stateOf(d.revisionId), (s) => s === 'effective', 20_000)).toBe('effective');
    const rev = await w.revision(c.head, d.revisionId);
    expect(new Date(rev.body.effectiveAt).getTime()).toBeGreaterThanOrEqual(from.getTime());
    expect(rev.body.number).toBe(1);
    expect((await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.staff.token))).body.id).toBe(d.revisionId);
    // The job is idempotent.
    expect(await t.app.get(EffectiveDates).handleMakeEffective({ revisionId: d.revisionId })).toBe('already_effective');
    // The author is told.
    const notes = await t.db.query<{ kind: string; title: string }[]>(`SELECT kind, title FROM notifications WHERE user_id = $1 AND entity_id = $2 ORDER BY created_at`, [c.drafter.id, d.revisionId]);
    expect(notes.map((n) => n.kind)).toEqual(['revision.approved', 'revision.effective']);
    expect(notes[1].title).toBe(`Đã có hiệu lực: ${d.code} ${d.title} (lần ban hành 01)`);
  });

  it('the sweep applies a due revision whose job was lost (outbox row and queued job removed)', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    const from = new Date(Date.now() + 6000);
    expect((await w.approve(c.head, d.revisionId, { effectiveFrom: from.toISOString() })).status).toBe(200);
    await t.flushOutbox();
    const queue = t.app.get(Queues).get('workflow');
    const job = await queue.getJob(effectiveJobId(d.revisionId));
    expect(job).toBeDefined();
    await job!.remove();
    await t.db.query(`DELETE FROM job_outbox WHERE job_id = $1`, [effectiveJobId(d.revisionId)]);
    await new Promise((r) => setTimeout(r, Math.max(0, from.getTime() - Date.now()) + 1000));
    expect(await stateOf(d.revisionId)).toBe('approved');
    const sweep = t.app.get(EffectiveDates);
    expect(await sweep.sweepDue()).toBeGreaterThanOrEqual(1);
    expect(await stateOf(d.revisionId)).toBe('effective');
    // Idempotent: nothing more to do for it, and the job handler agrees.
    expect(await sweep.takeEffect(d.revisionId)).toBe('already_effective');
    expect(await t.db.query(`SELECT 1 FROM revision_transitions WHERE revision_id = $1 AND to_state = 'effective'`, [d.revisionId])).toHaveLength(1);
  });

  it('an effective date in the past or absent takes effect at once', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    const res = await w.approve(c.head, d.revisionId, { effectiveFrom: '2020-01-01' });
    expect(res.body.state).toBe('effective');
    expect(res.body.effectiveFrom).toBe(res.body.approvedAt);
    expect(res.body.effectiveAt).toBe(res.body.approvedAt);
    expect(await t.db.query(`SELECT 1 FROM job_outbox WHERE job_id = $1`, [effectiveJobId(d.revisionId)])).toHaveLength(0);
  });

  it('the sweep leaves revisions that are not due yet', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    expect((await w.approve(c.head, d.revisionId, { effectiveFrom: '2030-01-01' })).body.effectiveFrom).toBe('2029-12-31T17:00:00.000Z');
    await t.app.get(EffectiveDates).sweepDue();
    expect(await stateOf(d.revisionId)).toBe('approved');
    expect(await t.app.get(EffectiveDates).takeEffect(d.revisionId)).toBe('not_due');
    // While it waits, nothing may overtake it: no new draft.
    expect((await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({})).status).toBe(409);
  });

  it('taking effect clears the legal-change and review flags with the revision that resolved them', async () => {
    const d = await newProcedure(t, c);
    await toEffective(w, c, d.revisionId);
    const flags = t.app.get(DocumentFlags);
    await t.db.transaction(() => flags.raise({ documentId: d.id, kind: 'legal_basis_changed', reason: 'Nghị định 61/2018/NĐ-CP được sửa đổi', dueOn: '2030-01-01' }));
    const r2 = await newDraft(t, c.drafter, d.id, 'Cập nhật căn cứ pháp lý');
    expect((await w.document(c.head, d.id)).body.flags.map((x: { kind: string }) => x.kind)).toEqual(['legal_basis_changed']);
    await toEffective(w, c, r2.id);
    expect((await w.document(c.head, d.id)).body.flags).toEqual([]);
    const [cleared] = await t.db.query<{ cleared_by_revision_id: string }[]>(`SELECT cleared_by_revision_id FROM document_flags WHERE document_id = $1`, [d.id]);
    expect(cleared.cleared_by_revision_id).toBe(r2.id);
  });

  it('withdrawal: re-authenticated head only; the document becomes obsolete and leaves the current routes', async () => {
    const d = await newProcedure(t, c);
    await toEffective(w, c, d.revisionId);
    const noReason = await w.withdraw(c.head, d.id, undefined);
    expect(noReason.status).toBe(400);
    expect((await w.withdraw(c.drafter, d.id, 'Bãi bỏ')).status).toBe(403);
    expect((await w.withdraw(c.secretary, d.id, 'Bãi bỏ')).status).toBe(403);
    expect((await w.withdraw(c.stranger, d.id, 'Bãi bỏ')).status).toBe(404);
    expect((await w.withdraw(c.deputy, d.id, 'Bãi bỏ')).body.code).toBe('delegation_required');
    const wrong = await w.withdraw(c.head, d.id, 'Bãi bỏ', 'wrong-password');
    expect(wrong.status).toBe(401);
    expect((await w.document(c.head, d.id)).body.withdrawnAt).toBeNull();
    expect(await t.db.query(`SELECT 1 FROM audit_events WHERE action = 'auth.reauth_failed' AND entity_id = $1 AND changes->>'purpose' = 'document.withdraw'`, [c.head.id])).toHaveLength(1);

    const reason = 'Thủ tục đã bị bãi bỏ theo Quyết định số 15/QĐ-UBND';
    const ok = await w.withdraw(c.head, d.id, reason);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ withdrawnReason: reason, currentRevision: null });
    expect(ok.body.withdrawnAt).not.toBeNull();
    expect(await stateOf(d.revisionId)).toBe('obsolete');
    expect((await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.staff.token))).status).toBe(404);
    expect((await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.head.token))).status).toBe(404);
    expect((await t.http.get(`${API}/agencies/${c.agency.id}/documents/by-code/${encodeURIComponent(d.code)}/current`).set(bearer(c.staff.token))).status).toBe(404);
    // Still listed and readable for auditors, with its history.
    const listed = await t.http.get(`${API}/documents?agencyId=${c.agency.id}&q=${encodeURIComponent(d.code)}`).set(bearer(c.auditor.token));
    expect(listed.body.items.map((x: { id: string; withdrawnAt: string | null }) => [x.id, x.withdrawnAt !== null])).toEqual([[d.id, true]]);
    expect((await t.http.get(`${API}/documents/${d.id}/revisions`).set(bearer(c.auditor.token))).body.items[0].state).toBe('obsolete');
    const [obsolete] = await t.db.query<{ comment: string }[]>(`SELECT comment FROM revision_transitions WHERE revision_id = $1 AND to_state = 'obsolete'`, [d.revisionId]);
    expect(obsolete.comment).toBe(reason);
    expect(await t.db.query(`SELECT 1 FROM audit_events WHERE action = 'document.withdrawn' AND entity_id = $1`, [d.id])).toHaveLength(1);
    // Withdrawn documents take no new revisions and cannot be withdrawn twice.
    expect((await t.http.post(`${API}/documents/${d.id}/revisions`).set(bearer(c.drafter.token)).send({})).body.code).toBe('document_withdrawn');
    expect((await w.withdraw(c.head, d.id, reason)).body.code).toBe('document_withdrawn');
  });

  it('withdrawal waits for revisions in the workflow, obsoletes an approved one, and leaves a draft that can no longer be submitted', async () => {
    const d = await newProcedure(t, c);
    await toEffective(w, c, d.revisionId);
    const r2 = await newDraft(t, c.drafter, d.id);
    expect((await w.submit(c.drafter, r2.id)).status).toBe(200);
    const blocked = await w.withdraw(c.head, d.id, 'Bãi bỏ');
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'revision_in_workflow', revisionId: r2.id, state: 'in_review' });
    expect((await w.check(c.secretary, r2.id)).status).toBe(200);
    expect((await w.approve(c.head, r2.id, { effectiveFrom: new Date(Date.now() + 3600_000).toISOString() })).body.state).toBe('approved');
    // A deputy under a delegation may withdraw too.
    await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + 3600_000));
    expect((await w.withdraw(c.deputy, d.id, 'Hợp nhất vào quy trình khác')).status).toBe(200);
    expect([await stateOf(d.revisionId), await stateOf(r2.id)]).toEqual(['obsolete', 'obsolete']);
    // The delayed job finds nothing to do.
    expect(await t.app.get(EffectiveDates).takeEffect(r2.id)).toBe('not_approved');

    const other = await newProcedure(t, c);
    expect((await w.withdraw(c.head, other.id, 'Không ban hành')).status).toBe(200);
    expect(await stateOf(other.revisionId)).toBe('draft');
    const submit = await w.submit(c.drafter, other.revisionId);
    expect(submit.status).toBe(409);
    expect(submit.body.code).toBe('document_withdrawn');
  });

  it('periodic review: overdue documents are flagged once, the ISO secretaries told once, a new revision clears it', async () => {
    const cc = await workflowCast(f);
    const d = await newProcedure(t, cc);
    await toEffective(w, cc, d.revisionId);
    const fresh = await newProcedure(t, cc);
    await toEffective(w, cc, fresh.revisionId);
    await t.db.query(`UPDATE documents SET review_interval_months = 24 WHERE id = $1`, [fresh.id]);
    const review = t.app.get(PeriodicReview);
    const later = new Date(Date.now() + 13 * 31 * 86400_000);
    expect(await review.flagOverdue({ now: new Date(), agencyIds: [cc.agency.id] })).toBe(0);
    expect(await review.flagOverdue({ now: later, agencyIds: [cc.agency.id] })).toBe(1);
    expect(await review.flagOverdue({ now: later, agencyIds: [cc.agency.id] })).toBe(0);

    const doc = await w.document(cc.head, d.id);
    expect(doc.body.flags).toEqual([expect.objectContaining({ kind: 'review_overdue', sourceId: d.revisionId })]);
    expect(doc.body.flags[0].reason).toContain('chu kỳ xem xét 12 tháng');
    expect((await w.document(cc.head, fresh.id)).body.flags).toEqual([]);
    const notes = await t.db.query<{ user_id: string; title: string }[]>(`SELECT user_id, title FROM notifications WHERE kind = 'document.review_overdue' AND agency_id = $1`, [cc.agency.id]);
    expect(notes.map((n) => n.user_id).sort()).toEqual([cc.secretary.id, cc.secretary2.id].sort());
    expect(notes[0].title).toBe(`Quá hạn xem xét định kỳ: ${d.code} ${d.title}`);

    const tasks = await w.tasks(cc.secretary, '?kind=review_due');
    expect(tasks.body.items).toEqual([
      expect.objectContaining({ kind: 'review_due', documentId: d.id, code: d.code, revisionId: d.revisionId, state: 'effective', number: 1, flagId: doc.body.flags[0].id }),
    ]);
    expect(tasks.body.items[0].dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await w.tasks(cc.drafter, '?kind=review_due')).body.items).toEqual([]);

    const r2 = await newDraft(t, cc.drafter, d.id, 'Rà soát định kỳ');
    expect((await w.tasks(cc.secretary, '?kind=review_due')).body.items[0]).toMatchObject({ revisionId: r2.id, state: 'draft', number: 2 });
    await toEffective(w, cc, r2.id);
    expect((await w.document(cc.head, d.id)).body.flags).toEqual([]);
    expect((await w.tasks(cc.secretary, '?kind=review_due')).body.items).toEqual([]);
  });
});
