import type { TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { forceState } from '../support/lifecycle.js';
import { API, delegate, failInserts, newDraft, newProcedure, toEffective, toPendingApproval, Workflow, WorkflowCast, workflowSuite } from './helpers.js';

describe('workflow: approval path, sign-offs, separation of duties', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: WorkflowCast;
  let w: Workflow;

  beforeAll(async () => ({ t, f, c, w } = await workflowSuite()));
  afterAll(() => t.close());

  const transitions = (revisionId: string) =>
    t.db.query<{ from_state: string | null; to_state: string; actor_id: string | null; comment: string | null }[]>(
      `SELECT from_state, to_state, actor_id, comment FROM revision_transitions WHERE revision_id = $1 ORDER BY at, id`,
      [revisionId],
    );
  const auditActions = async (revisionId: string) =>
    (await t.db.query<{ action: string }[]>(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at, id`, [revisionId])).map((r) => r.action);

  it('documents every workflow operation in OpenAPI', async () => {
    const doc = (await t.http.get('/api/docs-json')).body as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    const ops: [string, string, string, string[]][] = [
      ['post', '/api/v1/revisions/{id}/submit', 'submitRevision', ['200', '403', '404', '409', '422']],
      ['post', '/api/v1/revisions/{id}/review', 'reviewRevision', ['200', '400', '403', '404', '409']],
      ['post', '/api/v1/revisions/{id}/approve', 'approveRevision', ['200', '401', '403', '404', '409', '429']],
      ['post', '/api/v1/revisions/{id}/return', 'returnRevision', ['200', '400', '403', '404', '409']],
      ['get', '/api/v1/revisions/{id}/sign-offs', 'listRevisionSignOffs', ['200', '404']],
      ['post', '/api/v1/documents/{id}/withdraw', 'withdrawDocument', ['200', '401', '403', '404', '409']],
      ['get', '/api/v1/me/tasks', 'listMyTasks', ['200', '401']],
    ];
    for (const [method, path, operationId, statuses] of ops) {
      const op = doc.paths[path]?.[method];
      expect(op?.operationId).toBe(operationId);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(statuses));
    }
  });

  it('drafter → checker → head → effective, with valid drafted/checked/approved sign-offs, history and audit', async () => {
    const d = await newProcedure(t, c);
    const submitted = await w.submit(c.drafter, d.revisionId);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ state: 'in_review', number: 1 });
    expect(submitted.body.signOffs).toEqual([expect.objectContaining({ meaning: 'drafted', userId: c.drafter.id, fullName: 'Lê Văn Soạn', title: 'Chuyên viên', role: 'drafter', valid: true })]);

    const checked = await w.check(c.secretary, d.revisionId, 'Đạt yêu cầu');
    expect(checked.status).toBe(200);
    expect(checked.body.state).toBe('pending_approval');

    const approved = await w.approve(c.head, d.revisionId);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'effective', number: 1, numberAssigned: true });
    expect(approved.body.approvedAt).not.toBeNull();
    expect(approved.body.effectiveAt).not.toBeNull();

    const so = await w.signOffs(c.auditor, d.revisionId);
    expect(so.status).toBe(200);
    expect(so.body.digest).toBe(approved.body.digest);
    expect(so.body.items.map((s: { meaning: string }) => s.meaning)).toEqual(['drafted', 'checked', 'approved']);
    expect(so.body.items.every((s: { valid: boolean; digest: string }) => s.valid && s.digest === so.body.digest)).toBe(true);
    expect(so.body.items[1]).toMatchObject({ userId: c.secretary.id, fullName: 'Phạm Thị Thư', title: 'Thư ký ISO', role: 'iso_secretary', capacity: null });
    expect(so.body.items[2]).toMatchObject({ userId: c.head.id, fullName: 'Trần Văn Giám', title: 'Giám đốc', role: 'head', capacity: null, onBehalfOfName: null, invalidReason: null });

    const current = await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.staff.token));
    expect(current.status).toBe(200);
    expect(current.body.id).toBe(d.revisionId);
    // Staff read the sign-offs of the effective revision; they are part of the revision views and the history.
    expect((await w.signOffs(c.staff, d.revisionId)).status).toBe(200);
    expect(current.body.signOffs.map((s: { meaning: string; valid: boolean }) => [s.meaning, s.valid])).toEqual([
      ['drafted', true],
      ['checked', true],
      ['approved', true],
    ]);
    const history = await t.http.get(`${API}/documents/${d.id}/revisions`).set(bearer(c.auditor.token));
    expect(history.body.items[0].signOffs.map((s: { meaning: string; fullName: string }) => [s.meaning, s.fullName])).toEqual([
      ['drafted', 'Lê Văn Soạn'],
      ['checked', 'Phạm Thị Thư'],
      ['approved', 'Trần Văn Giám'],
    ]);

    expect(await transitions(d.revisionId)).toEqual([
      { from_state: null, to_state: 'draft', actor_id: c.drafter.id, comment: null },
      { from_state: 'draft', to_state: 'in_review', actor_id: c.drafter.id, comment: null },
      { from_state: 'in_review', to_state: 'pending_approval', actor_id: c.secretary.id, comment: 'Đạt yêu cầu' },
      { from_state: 'pending_approval', to_state: 'approved', actor_id: c.head.id, comment: null },
      { from_state: 'approved', to_state: 'effective', actor_id: c.head.id, comment: null },
    ]);
    expect(await auditActions(d.revisionId)).toEqual(['revision.created', 'revision.submitted', 'revision.checked', 'revision.approved', 'revision.effective']);
    // Sign-offs are immutable.
    await expect(t.db.query(`UPDATE sign_offs SET full_name = 'Người khác' WHERE revision_id = $1`, [d.revisionId])).rejects.toThrow(/not allowed/);
    await expect(t.db.query(`DELETE FROM sign_offs WHERE revision_id = $1`, [d.revisionId])).rejects.toThrow(/not allowed/);
  });

  it('a deputy approves only inside an active delegation, signing "KT." with both names', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    const without = await w.approve(c.deputy, d.revisionId);
    expect(without.status).toBe(403);
    expect(without.body.code).toBe('delegation_required');
    // A delegation that has ended does not count either.
    await delegate(t, f, c, new Date(Date.now() - 3 * 86400_000), new Date(Date.now() - 86400_000));
    expect((await w.approve(c.deputy, d.revisionId)).body.code).toBe('delegation_required');
    expect((await w.ret(c.deputy, d.revisionId, 'Xem lại')).status).toBe(403);

    const delegation = await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + 86400_000));
    const ok = await w.approve(c.deputy, d.revisionId);
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('effective');
    const approval = ok.body.signOffs.find((s: { meaning: string }) => s.meaning === 'approved');
    expect(approval).toMatchObject({
      userId: c.deputy.id,
      fullName: 'Hoàng Thị Phó',
      title: 'Phó Giám đốc',
      role: 'deputy',
      capacity: 'KT.',
      onBehalfOfUserId: c.head.id,
      onBehalfOfName: 'Trần Văn Giám',
      onBehalfOfTitle: 'Giám đốc',
      delegationId: delegation.id,
      valid: true,
    });
    const [event] = await t.db.query<{ changes: { capacity: string; onBehalfOf: { name: string } } }[]>(
      `SELECT changes FROM audit_events WHERE entity_id = $1 AND action = 'revision.approved'`,
      [d.revisionId],
    );
    expect(event.changes).toMatchObject({ capacity: 'KT.', onBehalfOf: { name: 'Trần Văn Giám' } });
  });

  it('refuses every forbidden transition with a stable code', async () => {
    // The author never checks their own revision (an ISO secretary drafting).
    const own = await newProcedure(t, c, c.secretary);
    expect((await w.submit(c.secretary, own.revisionId)).status).toBe(200);
    const selfCheck = await w.check(c.secretary, own.revisionId);
    expect(selfCheck.status).toBe(403);
    expect(selfCheck.body.code).toBe('separation_of_duties');
    expect((await w.check(c.secretary2, own.revisionId)).status).toBe(200);

    // Staff may not even see a draft (404), nor may strangers; a drafter who is not the author, and the head, may not submit it (403).
    const d = await newProcedure(t, c);
    expect((await w.submit(c.staff, d.revisionId)).status).toBe(404);
    expect((await w.submit(c.stranger, d.revisionId)).status).toBe(404);
    const otherDrafter = await f.user({ [c.agency.id]: ['drafter'] });
    const notAuthor = await w.submit(otherDrafter, d.revisionId);
    expect(notAuthor.status).toBe(403);
    expect(notAuthor.body.code).toBe('not_revision_author');
    expect((await w.submit(c.head, d.revisionId)).status).toBe(403);

    // Approve and check in the wrong state: 409 with the state.
    const early = await w.approve(c.head, d.revisionId);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'revision_not_pending_approval', state: 'draft' });
    expect((await w.check(c.secretary, d.revisionId)).body.code).toBe('revision_not_in_review');
    expect((await w.reviewReturn(c.secretary, d.revisionId, 'Xem lại')).body.code).toBe('revision_not_in_review');
    expect((await w.ret(c.head, d.revisionId, 'Xem lại')).body.code).toBe('revision_not_pending_approval');
    // An ISO secretary may submit anyone's draft.
    expect((await w.submit(c.secretary, d.revisionId)).status).toBe(200);
    expect((await w.submit(c.drafter, d.revisionId)).body.code).toBe('revision_not_draft');
    expect((await w.approve(c.head, d.revisionId)).body.code).toBe('revision_not_pending_approval');
    // Drafters and heads cannot check.
    expect((await w.check(c.drafter, d.revisionId)).status).toBe(403);
    expect((await w.check(c.head, d.revisionId)).status).toBe(403);
    // Returning needs a comment.
    const noComment = await w.reviewReturn(c.secretary, d.revisionId);
    expect(noComment.status).toBe(400);
    expect(noComment.body.errors).toEqual([{ field: 'comment', message: 'is required to return a revision' }]);
    expect((await w.reviewReturn(c.secretary, d.revisionId, '   ')).status).toBe(400);
    expect((await w.check(c.secretary, d.revisionId)).status).toBe(200);
    expect((await w.ret(c.head, d.revisionId)).status).toBe(400);
    expect((await w.ret(c.head, d.revisionId, '')).status).toBe(400);
    // Checkers and drafters cannot approve; staff do not see it.
    expect((await w.approve(c.secretary, d.revisionId)).status).toBe(403);
    expect((await w.approve(c.drafter, d.revisionId)).status).toBe(403);
    expect((await w.approve(c.staff, d.revisionId)).status).toBe(404);
    expect((await w.approve(c.stranger, d.revisionId)).status).toBe(404);
    expect((await w.check(c.secretary2, d.revisionId)).body.code).toBe('revision_not_in_review');
    expect((await t.http.post(`${API}/revisions/not-a-uuid/submit`).set(bearer(c.drafter.token))).status).toBe(400);
    expect((await t.http.post(`${API}/revisions/${d.revisionId}/review`).set(bearer(c.secretary.token)).send({ decision: 'maybe' })).status).toBe(400);
    expect((await t.http.post(`${API}/revisions/${d.revisionId}/approve`).set(bearer(c.head.token)).send({})).status).toBe(400);
    expect((await w.approve(c.head, d.revisionId, { effectiveFrom: 'next week' })).status).toBe(400);
    expect((await w.approve(c.head, d.revisionId, { effectiveFrom: '2999-01-01' })).body.errors).toEqual([{ field: 'effectiveFrom', message: 'must be within 5 years' }]);
    expect((await w.revision(c.head, d.revisionId)).body.state).toBe('pending_approval');
  });

  it('the checker never approves, and an author who is head never approves their own revision', async () => {
    const secretaryHead = await f.user({ [c.agency.id]: ['iso_secretary', 'head'] }, { fullName: 'Bùi Kiêm Nhiệm' });
    const d = await newProcedure(t, c);
    expect((await w.submit(c.drafter, d.revisionId)).status).toBe(200);
    expect((await w.check(secretaryHead, d.revisionId)).status).toBe(200);
    const sod = await w.approve(secretaryHead, d.revisionId);
    expect(sod.status).toBe(403);
    expect(sod.body.code).toBe('separation_of_duties');
    expect((await w.ret(secretaryHead, d.revisionId, 'Tự trả lại')).body.code).toBe('separation_of_duties');
    // The database refuses it as well.
    const [digest] = await t.db.query<{ digest: string }[]>(`SELECT digest FROM sign_offs WHERE revision_id = $1 AND meaning = 'checked'`, [d.revisionId]);
    await expect(
      t.db.query(
        `INSERT INTO sign_offs (revision_id, agency_id, user_id, full_name, role, meaning, digest) VALUES ($1, $2, $3, 'x', 'head', 'approved', $4)`,
        [d.revisionId, c.agency.id, secretaryHead.id, digest.digest],
      ),
    ).rejects.toThrow(/separation of duties/);

    const headDoc = await newProcedure(t, c, secretaryHead);
    expect((await w.submit(secretaryHead, headDoc.revisionId)).status).toBe(200);
    expect((await w.check(c.secretary, headDoc.revisionId)).status).toBe(200);
    const selfApprove = await w.approve(secretaryHead, headDoc.revisionId);
    expect(selfApprove.status).toBe(403);
    expect(selfApprove.body.code).toBe('separation_of_duties');
    expect((await w.approve(c.head, headDoc.revisionId)).status).toBe(200);
  });

  it('submit runs the content rules (422) and needs a source file for file-based types', async () => {
    const res = await t.http
      .post(`${API}/documents`)
      .set(bearer(c.drafter.token))
      .send({ agencyId: c.agency.id, type: 'procedure', code: `QT-${Date.now()}`, title: 'Quy trình chưa xong' });
    const incomplete = await w.submit(c.drafter, res.body.openDraft.id);
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.code).toBe('revision_incomplete');
    expect(incomplete.body.rules.map((r: { rule: string }) => r.rule)).toEqual(expect.arrayContaining(['procedure.purpose_required', 'procedure.steps_required']));
    expect((await w.revision(c.drafter, res.body.openDraft.id)).body.state).toBe('draft');

    const manual = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'manual', code: `ST-${Date.now()}`, title: 'Sổ tay chất lượng' });
    const noSource = await w.submit(c.drafter, manual.body.openDraft.id);
    expect(noSource.status).toBe(422);
    expect(noSource.body.rules.map((r: { rule: string }) => r.rule)).toContain('revision.source_file_required');
    expect(await t.db.query(`SELECT 1 FROM sign_offs WHERE revision_id = $1`, [manual.body.openDraft.id])).toHaveLength(0);
  });

  it('a return and an edit make the old sign-offs invalid; approval waits for a new check', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    const returned = await w.ret(c.head, d.revisionId, 'Bổ sung thời hạn bước 2');
    expect(returned.status).toBe(200);
    expect(returned.body.state).toBe('draft');
    // Returned: the earlier round no longer holds, even before any edit.
    expect(returned.body.signOffs.map((s: { meaning: string; valid: boolean; invalidReason: string }) => [s.meaning, s.valid, s.invalidReason])).toEqual([
      ['drafted', false, 'returned'],
      ['checked', false, 'returned'],
    ]);
    const edited = await t.http
      .patch(`${API}/revisions/${d.revisionId}`)
      .set(bearer(c.drafter.token))
      .set('If-Match', returned.body.etag)
      .send({ content: { ...returned.body.content, steps: [{ ...returned.body.content.steps[0] }, { ...returned.body.content.steps[1], duration: { value: 3, unit: 'working_days' } }] } });
    expect(edited.status).toBe(200);
    const stale = await w.signOffs(c.head, d.revisionId);
    expect(stale.body.digest).toBe(edited.body.digest);
    expect(stale.body.items.map((s: { meaning: string; valid: boolean; invalidReason: string }) => [s.meaning, s.valid, s.invalidReason])).toEqual([
      ['drafted', false, 'content_changed'],
      ['checked', false, 'content_changed'],
    ]);
    expect((await w.approve(c.head, d.revisionId)).status).toBe(409);
    expect((await w.submit(c.drafter, d.revisionId)).status).toBe(200);
    expect((await w.approve(c.head, d.revisionId)).body.code).toBe('revision_not_pending_approval');
    expect((await w.check(c.secretary2, d.revisionId)).status).toBe(200);
    const ok = await w.approve(c.head, d.revisionId);
    expect(ok.status).toBe(200);
    const valid = ok.body.signOffs.filter((s: { valid: boolean }) => s.valid).map((s: { meaning: string; userId: string }) => [s.meaning, s.userId]);
    expect(valid).toEqual([
      ['drafted', c.drafter.id],
      ['checked', c.secretary2.id],
      ['approved', c.head.id],
    ]);
    const [history] = await t.db.query<{ comment: string }[]>(`SELECT comment FROM revision_transitions WHERE revision_id = $1 AND from_state = 'pending_approval' AND to_state = 'draft'`, [d.revisionId]);
    expect(history.comment).toBe('Bổ sung thời hạn bước 2');
  });

  it('a revision changed after its check cannot be approved (check_stale), and the database refuses such an approval too', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    // Tamper with the content behind the workflow's back (the state is not frozen yet).
    await t.db.query(`UPDATE revisions SET content = jsonb_set(content, '{purpose}', '"Mục đích đã bị sửa"') WHERE id = $1`, [d.revisionId]);
    const so = await w.signOffs(c.head, d.revisionId);
    expect(so.body.items.every((s: { valid: boolean; invalidReason: string }) => !s.valid && s.invalidReason === 'content_changed')).toBe(true);
    const res = await w.approve(c.head, d.revisionId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('check_stale');
    expect(await t.db.query(`SELECT 1 FROM sign_offs WHERE revision_id = $1 AND meaning = 'approved'`, [d.revisionId])).toHaveLength(0);
    expect((await w.revision(c.head, d.revisionId)).body.state).toBe('pending_approval');
    await expect(
      t.db.query(
        `INSERT INTO sign_offs (revision_id, agency_id, user_id, full_name, role, meaning, digest) VALUES ($1, $2, $3, 'x', 'head', 'approved', $4)`,
        [d.revisionId, c.agency.id, c.head.id, so.body.digest],
      ),
    ).rejects.toThrow(/no valid check/);
  });

  it('a wrong password is 401, changes nothing and is audited; repeated failures are throttled (429)', async () => {
    const head = await f.user({ [c.agency.id]: ['head'] }, { fullName: 'Lý Thủ Trưởng' });
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    const before = await w.revision(c.head, d.revisionId);
    const wrong = await w.approve(head, d.revisionId, { password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_password');
    const after = await w.revision(c.head, d.revisionId);
    expect(after.body.state).toBe('pending_approval');
    expect(after.body.etag).toBe(before.body.etag);
    expect(await t.db.query(`SELECT 1 FROM sign_offs WHERE revision_id = $1 AND meaning = 'approved'`, [d.revisionId])).toHaveLength(0);
    const events = await t.db.query<{ agency_id: string; changes: { purpose: string } }[]>(
      `SELECT agency_id, changes FROM audit_events WHERE action = 'auth.reauth_failed' AND entity_id = $1`,
      [head.id],
    );
    expect(events).toEqual([{ agency_id: c.agency.id, changes: { purpose: 'revision.approve' } }]);
    for (let i = 0; i < 4; i++) expect((await w.approve(head, d.revisionId, { password: `wrong-${i}` })).status).toBe(401);
    const throttled = await w.approve(head, d.revisionId);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBeDefined();
    expect((await w.revision(c.head, d.revisionId)).body.state).toBe('pending_approval');
  });

  it('every move that fails at its last write (the notice) leaves nothing behind: state, sign-off, history, audit, render request', async () => {
    const d = await newProcedure(t, c);
    const trace = async () => ({
      revision: (await t.db.query<unknown[]>(`SELECT state, number, version FROM revisions WHERE id = $1`, [d.revisionId]))[0],
      effective: await t.db.query(`SELECT id FROM revisions WHERE document_id = $1 AND state = 'effective'`, [d.id]),
      document: (await t.db.query<unknown[]>(`SELECT withdrawn_at FROM documents WHERE id = $1`, [d.id]))[0],
      signOffs: (await t.db.query<{ meaning: string }[]>(`SELECT meaning FROM sign_offs WHERE revision_id = $1 ORDER BY signed_at`, [d.revisionId])).map((r) => r.meaning),
      transitions: await transitions(d.revisionId),
      audit: [...(await auditActions(d.revisionId)), ...(await auditActions(d.id))],
      renderRequests: (await t.db.query<{ state: string }[]>(`SELECT state FROM rendition_requests WHERE revision_id = $1 ORDER BY state`, [d.revisionId])).map((r) => r.state),
    });
    const failing = async (id: string, move: () => Promise<{ status: number }>) => {
      const before = await trace();
      const stop = await failInserts(t, 'notifications', 'entity_id', id);
      try {
        expect((await move()).status).toBe(409);
      } finally {
        await stop();
      }
      expect(await trace()).toEqual(before);
    };

    await failing(d.revisionId, () => w.submit(c.drafter, d.revisionId));
    expect((await w.submit(c.drafter, d.revisionId)).status).toBe(200);
    await failing(d.revisionId, () => w.check(c.secretary, d.revisionId));
    await failing(d.revisionId, () => w.reviewReturn(c.secretary, d.revisionId, 'Bổ sung thành phần hồ sơ'));
    expect((await w.check(c.secretary, d.revisionId)).status).toBe(200);
    await failing(d.revisionId, () => w.ret(c.head, d.revisionId, 'Xem lại thời hạn'));
    await failing(d.revisionId, () => w.approve(c.head, d.revisionId));
    expect((await w.approve(c.head, d.revisionId)).body.state).toBe('effective');
    await failing(d.id, () => w.withdraw(c.head, d.id, 'Bãi bỏ'));
    expect((await w.withdraw(c.head, d.id, 'Bãi bỏ')).status).toBe(200);
  });

  it('two approvals at once: exactly one succeeds, the other gets 409 and leaves no sign-off', async () => {
    const d = await newProcedure(t, c);
    await toPendingApproval(w, c, d.revisionId);
    await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + 86400_000));
    const results = await Promise.all([w.approve(c.head, d.revisionId), w.approve(c.deputy, d.revisionId)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('revision_not_pending_approval');
    expect(await t.db.query(`SELECT 1 FROM sign_offs WHERE revision_id = $1 AND meaning = 'approved'`, [d.revisionId])).toHaveLength(1);
    expect(await t.db.query(`SELECT 1 FROM revisions WHERE document_id = $1 AND state = 'effective'`, [d.id])).toHaveLength(1);
  });

  it('a PATCH racing a submit: the submit wins or the PATCH is refused; a signed revision is never edited', async () => {
    for (let i = 0; i < 3; i++) {
      const d = await newProcedure(t, c);
      const draft = await w.revision(c.drafter, d.revisionId);
      const patch = t.http
        .patch(`${API}/revisions/${d.revisionId}`)
        .set(bearer(c.drafter.token))
        .set('If-Match', draft.body.etag)
        .send({ content: { ...draft.body.content, purpose: `Mục đích sửa lần ${i}` } });
      const [p, s] = await Promise.all([patch, w.submit(c.drafter, d.revisionId)]);
      expect(s.status).toBe(200);
      expect([200, 409, 412]).toContain(p.status);
      const so = await w.signOffs(c.drafter, d.revisionId);
      const drafted = so.body.items.find((x: { meaning: string }) => x.meaning === 'drafted');
      // Whatever the order, the signature vouches for exactly what is stored.
      expect(drafted.valid).toBe(true);
      expect(drafted.digest).toBe(so.body.digest);
      const current = await w.revision(c.drafter, d.revisionId);
      expect(current.body.state).toBe('in_review');
      expect(current.body.content.purpose).toBe(p.status === 200 ? `Mục đích sửa lần ${i}` : draft.body.content.purpose);
    }
    // After submit, edits are refused.
    const d = await newProcedure(t, c);
    const submitted = await w.submit(c.drafter, d.revisionId);
    const late = await t.http.patch(`${API}/revisions/${d.revisionId}`).set(bearer(c.drafter.token)).set('If-Match', submitted.body.etag).send({ changeSummary: 'x' });
    expect(late.status).toBe(409);
  });

  it('a new revision supersedes the effective one: exactly one effective revision, enforced by a unique index', async () => {
    const d = await newProcedure(t, c);
    await toEffective(w, c, d.revisionId);
    const r2 = await newDraft(t, c.drafter, d.id);
    await toEffective(w, c, r2.id);
    const rows = await t.db.query<{ id: string; state: string; number: number; superseded_at: Date | null }[]>(
      `SELECT id, state, number, superseded_at FROM revisions WHERE document_id = $1 ORDER BY number`,
      [d.id],
    );
    expect(rows.map((r) => [r.id, r.state, r.number])).toEqual([
      [d.revisionId, 'superseded', 1],
      [r2.id, 'effective', 2],
    ]);
    expect(rows[0].superseded_at).not.toBeNull();
    expect((await t.http.get(`${API}/documents/${d.id}/current`).set(bearer(c.staff.token))).body.id).toBe(r2.id);
    expect(await auditActions(d.revisionId)).toContain('revision.superseded');
    // A second effective revision cannot exist, whatever writes it (even along the lifecycle's own moves).
    const r3 = await newDraft(t, c.drafter, d.id);
    await forceState(t, r3.id, 'approved');
    await expect(t.db.query(`UPDATE revisions SET state = 'effective', effective_at = now(), number = 3 WHERE id = $1`, [r3.id])).rejects.toThrow(/revisions_one_effective/);
    expect((await w.revision(c.drafter, r3.id)).body.state).toBe('approved');
  });
});
