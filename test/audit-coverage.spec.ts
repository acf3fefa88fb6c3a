import { binary } from './support/http.js';
/**
 * The audit rule "every state change records its event in the same transaction; a failed operation
 * leaves no event" (src/audit/audit.service.ts): one walk through the operations of every module — documents, files, downloads, the
 * workflow, legal documents, agencies, memberships, delegations, users, logins — each sent with its
 * own X-Request-Id and checked for exactly the events it must write (actor, agency, entity,
 * changes, request id, client address); and failed operations that must write nothing but the
 * record of the failure itself.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { docx, exe } from './documents/samples.js';
import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures, TestUser, uniq } from './support/fixtures.js';
import { API, procedureContent, workflowCast, WorkflowCast } from './workflow/helpers.js';

interface EventRow {
  id: string;
  agency_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  changes: Record<string, any> | null;
  request_id: string | null;
  client_ip: string | null;
}

const LOCAL_ADDRESS = /^(::ffff:)?127\.0\.0\.1$|^::1$/;


describe('audit coverage: every operation kind writes its events; failed operations write none', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: WorkflowCast;
  let admin: string;
  let adminUser: { id: string; fullName: string };

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    c = await workflowCast(f);
    admin = await f.adminToken();
    const me = await t.http.get(`${API}/me`).set(bearer(admin));
    adminUser = { id: me.body.id, fullName: me.body.fullName };
  });
  afterAll(() => t.close());

  /** A fresh request id to send (a UUID, so the server keeps it); `events(rid)` finds what that request wrote. */
  const rid = () => randomUUID();
  const events = (requestId: string) =>
    t.db.query<EventRow[]>(
      `SELECT id, agency_id, actor_id, actor_name, action, entity_type, entity_id, changes, request_id, client_ip
         FROM audit_events WHERE request_id = $1 ORDER BY occurred_at, seq`,
      [requestId],
    );

  /** The events of a request: their actions in order, each by `actor`, from this machine, with the request id. */
  async function expectEvents(requestId: string, actions: string[], actor: { id: string; fullName: string } | null): Promise<EventRow[]> {
    const rows = await events(requestId);
    expect(rows.map((r) => r.action)).toEqual(actions);
    for (const r of rows) {
      expect(r.request_id).toBe(requestId);
      expect(r.client_ip).toMatch(LOCAL_ADDRESS);
      if (actor) expect({ action: r.action, actorId: r.actor_id, actorName: r.actor_name }).toEqual({ action: r.action, actorId: actor.id, actorName: actor.fullName });
    }
    return rows;
  }

  /** A refused request (403) writes only its security record, `access.denied`, once it was answered. */
  async function expectOnlyRefusal(requestId: string): Promise<void> {
    const end = Date.now() + 5000;
    let rows = await events(requestId);
    while (!rows.length && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      rows = await events(requestId);
    }
    expect(rows.map((r) => r.action)).toEqual(['access.denied']);
    expect(rows[0].changes).toMatchObject({ outcome: 'forbidden', status: 403 });
  }

  const as = (u: TestUser | string, requestId: string) => ({ Authorization: bearer(typeof u === 'string' ? u : u.token).Authorization, 'X-Request-Id': requestId });

  async function etagOf(u: TestUser, revisionId: string): Promise<string> {
    return (await t.http.get(`${API}/revisions/${revisionId}`).set(bearer(u.token))).body.etag;
  }

  it('documents, drafts, files and downloads', async () => {
    // Create: the document and its first draft.
    const r1 = rid();
    const code = uniq('QT').toUpperCase();
    const created = await t.http.post(`${API}/documents`).set(as(c.drafter, r1)).send({ agencyId: c.agency.id, type: 'procedure', code, title: 'Quy trình tiếp nhận hồ sơ', content: procedureContent() });
    expect(created.status).toBe(201);
    const docId = created.body.id as string;
    const rev1 = created.body.openDraft.id as string;
    const [docCreated, revCreated] = await expectEvents(r1, ['document.created', 'revision.created'], c.drafter);
    expect(docCreated).toMatchObject({ agency_id: c.agency.id, entity_type: 'document', entity_id: docId, changes: { code: { old: null, new: code }, title: { old: null, new: 'Quy trình tiếp nhận hồ sơ' }, type: { old: null, new: 'procedure' } } });
    expect(revCreated).toMatchObject({ agency_id: c.agency.id, entity_type: 'revision', entity_id: rev1, changes: { documentId: docId, basedOnRevisionId: null } });

    // PATCH: the changed fields with old and new values.
    const r2 = rid();
    const patched = await t.http
      .patch(`${API}/revisions/${rev1}`)
      .set(as(c.drafter, r2))
      .set('If-Match', await etagOf(c.drafter, rev1))
      .send({ content: procedureContent({ purpose: 'Mục đích mới' }) });
    expect(patched.status).toBe(200);
    const [updated] = await expectEvents(r2, ['revision.updated'], c.drafter);
    expect(updated).toMatchObject({ agency_id: c.agency.id, entity_type: 'revision', entity_id: rev1, changes: { documentId: docId, 'content.purpose': { old: 'Quy định trình tự tiếp nhận và giải quyết hồ sơ.', new: 'Mục đích mới' } } });
    expect(Object.keys(updated.changes!).filter((k) => k.startsWith('content.'))).toEqual(['content.purpose']);

    // Upload and delete a file.
    const r3 = rid();
    const up = await t.http.post(`${API}/revisions/${rev1}/files?role=attachment`).set(as(c.drafter, r3)).attach('file', docx('Biểu mẫu 01'), { filename: 'Biểu mẫu 01.docx' });
    expect(up.status).toBe(201);
    const [added] = await expectEvents(r3, ['file.added'], c.drafter);
    expect(added).toMatchObject({ agency_id: c.agency.id, entity_type: 'revision', entity_id: rev1, changes: { documentId: docId, fileId: up.body.id, filename: 'Biểu mẫu 01.docx', role: 'attachment', sha256: up.body.sha256, size: up.body.size } });
    const r4 = rid();
    expect((await t.http.delete(`${API}/revisions/${rev1}/files/${up.body.id}`).set(as(c.drafter, r4))).status).toBe(204);
    const [removed] = await expectEvents(r4, ['file.removed'], c.drafter);
    expect(removed).toMatchObject({ entity_id: rev1, changes: { fileId: up.body.id, filename: 'Biểu mẫu 01.docx', sha256: up.body.sha256 } });

    // Through the workflow to effective, then staff download the effective file.
    const kept = await t.http.post(`${API}/revisions/${rev1}/files?role=attachment`).set(bearer(c.drafter.token)).attach('file', docx('Phụ lục'), { filename: 'Phụ lục.docx' });
    expect(kept.status).toBe(201);
    expect((await t.http.post(`${API}/revisions/${rev1}/submit`).set(bearer(c.drafter.token))).status).toBe(200);
    expect((await t.http.post(`${API}/revisions/${rev1}/review`).set(bearer(c.secretary.token)).send({ decision: 'approve' })).status).toBe(200);
    expect((await t.http.post(`${API}/revisions/${rev1}/approve`).set(bearer(c.head.token)).send({ password: c.head.password })).status).toBe(200);
    const r5 = rid();
    const dl = await t.http.get(`${API}/revisions/${rev1}/files/${kept.body.id}`).set(as(c.staff, r5)).buffer(true).parse(binary);
    expect(dl.status).toBe(200);
    const [downloaded] = await expectEvents(r5, ['file.downloaded'], c.staff);
    expect(downloaded).toMatchObject({ agency_id: c.agency.id, entity_type: 'revision', entity_id: rev1, changes: { documentId: docId, documentCode: code, revisionNumber: 1, fileId: kept.body.id, filename: 'Phụ lục.docx', sha256: kept.body.sha256 } });

    // Open a new draft from the effective revision.
    const r6 = rid();
    const draft = await t.http.post(`${API}/documents/${docId}/revisions`).set(as(c.secretary, r6)).send({ changeSummary: 'Sửa đổi lần 2' });
    expect(draft.status).toBe(201);
    const [opened] = await expectEvents(r6, ['revision.created'], c.secretary);
    expect(opened).toMatchObject({ entity_id: draft.body.id, changes: { documentId: docId, basedOnRevisionId: rev1, copiedFiles: 1, changeSummary: 'Sửa đổi lần 2' } });
  });

  it('workflow moves: submit, check, return at check, approve (and effect), return at approval, withdraw', async () => {
    const k = uniq('QT').toUpperCase();
    const created = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code: k, title: 'Quy trình thẩm định', content: procedureContent() });
    const docId = created.body.id as string;
    const rev = created.body.openDraft.id as string;
    const move = async (u: TestUser, path: string, body: Record<string, unknown>, actions: string[]) => {
      const r = rid();
      const res = await t.http.post(`${API}${path}`).set(as(u, r)).send(body);
      expect([path, res.status]).toEqual([path, 200]);
      return expectEvents(r, actions, u);
    };

    const [submitted] = await move(c.drafter, `/revisions/${rev}/submit`, {}, ['revision.submitted']);
    expect(submitted).toMatchObject({ agency_id: c.agency.id, entity_type: 'revision', entity_id: rev, changes: { documentId: docId, code: k, state: { old: 'draft', new: 'in_review' }, signOffId: expect.any(String) } });
    const [returnedAtCheck] = await move(c.secretary, `/revisions/${rev}/review`, { decision: 'return', comment: 'Bổ sung thành phần hồ sơ' }, ['revision.returned']);
    expect(returnedAtCheck.changes).toMatchObject({ state: { old: 'in_review', new: 'draft' }, stage: 'check', comment: 'Bổ sung thành phần hồ sơ' });
    await move(c.drafter, `/revisions/${rev}/submit`, {}, ['revision.submitted']);
    const [checked] = await move(c.secretary, `/revisions/${rev}/review`, { decision: 'approve', comment: 'Đạt' }, ['revision.checked']);
    expect(checked.changes).toMatchObject({ state: { old: 'in_review', new: 'pending_approval' }, comment: 'Đạt', signOffId: expect.any(String) });
    const [returnedAtApproval] = await move(c.head, `/revisions/${rev}/return`, { comment: 'Xem lại thời hạn' }, ['revision.returned']);
    expect(returnedAtApproval.changes).toMatchObject({ state: { old: 'pending_approval', new: 'draft' }, stage: 'approval', comment: 'Xem lại thời hạn' });
    await move(c.drafter, `/revisions/${rev}/submit`, {}, ['revision.submitted']);
    await move(c.secretary, `/revisions/${rev}/review`, { decision: 'approve' }, ['revision.checked']);
    const approval = await move(c.head, `/revisions/${rev}/approve`, { password: c.head.password }, ['revision.approved', 'revision.effective']);
    expect(approval.map((e) => e.entity_id)).toEqual([rev, rev]);
    expect(approval[0].changes).toMatchObject({ state: { old: 'pending_approval', new: 'approved' }, signOffId: expect.any(String), capacity: null });
    expect(approval[1].changes).toMatchObject({ state: { old: 'approved', new: 'effective' }, number: 1, documentId: docId });
    // The sign-off each move recorded is the one named in its event.
    const signOffs = await t.db.query<{ id: string; meaning: string }[]>(`SELECT id, meaning FROM sign_offs WHERE revision_id = $1 ORDER BY signed_at`, [rev]);
    expect(signOffs.map((s) => s.meaning)).toEqual(['drafted', 'drafted', 'checked', 'drafted', 'checked', 'approved']);
    expect(approval[0].changes!.signOffId).toBe(signOffs[5].id);

    const withdrawn = await move(c.head, `/documents/${docId}/withdraw`, { reason: 'Thủ tục bị bãi bỏ', password: c.head.password }, ['revision.obsolete', 'document.withdrawn']);
    expect(withdrawn[0]).toMatchObject({ entity_type: 'revision', entity_id: rev, changes: { state: { old: 'effective', new: 'obsolete' }, comment: 'Thủ tục bị bãi bỏ' } });
    expect(withdrawn[1]).toMatchObject({ entity_type: 'document', entity_id: docId, agency_id: c.agency.id, changes: { reason: 'Thủ tục bị bãi bỏ', obsoleteRevisionIds: [rev] } });
  });

  it('legal documents and relations (system chain)', async () => {
    const number = (year: number) => `${randomInt(1, 99999)}/${year}/NĐ-CP${randomBytes(2).toString('hex').toUpperCase()}`;
    const body = (n: string, issuedOn: string) => ({ number: n, type: 'decree', issuer: 'Chính phủ', title: 'Nghị định về kiểm soát thủ tục hành chính', issuedOn, effectiveFrom: issuedOn, status: 'in_force' });
    const r1 = rid();
    const older = await t.http.post(`${API}/legal-documents`).set(as(admin, r1)).send(body(number(2019), '2019-01-10'));
    expect(older.status).toBe(201);
    const [legalCreated] = await expectEvents(r1, ['legal_document.created'], adminUser);
    expect(legalCreated).toMatchObject({ agency_id: null, entity_type: 'legal_document', entity_id: older.body.id, changes: { number: { old: null, new: older.body.number } } });
    const newer = await t.http.post(`${API}/legal-documents`).set(bearer(admin)).send(body(number(2021), '2021-05-10'));
    expect(newer.status).toBe(201);
    const r2 = rid();
    const relation = await t.http.post(`${API}/legal-relations`).set(as(admin, r2)).send({ fromId: newer.body.id, kind: 'replaces', toId: older.body.id });
    expect(relation.status).toBe(201);
    const [related, statusChanged] = await expectEvents(r2, ['legal_relation.created', 'legal_document.updated'], adminUser);
    expect(related).toMatchObject({ entity_type: 'legal_relation', changes: { kind: 'replaces', fromId: newer.body.id, toId: older.body.id } });
    expect(statusChanged).toMatchObject({ entity_id: older.body.id, changes: { status: { old: 'in_force', new: 'replaced' } } });
  });

  it('agencies, memberships, delegations, users, logins and failed logins', async () => {
    const r1 = rid();
    const agency = await t.http.post(`${API}/agencies`).set(as(admin, r1)).send({ code: uniq('AG'), name: 'UBND xã Hòa Bình', level: 'province' });
    expect(agency.status).toBe(201);
    const [agencyCreated] = await expectEvents(r1, ['agency.created'], adminUser);
    expect(agencyCreated).toMatchObject({ agency_id: agency.body.id, entity_type: 'agency', entity_id: agency.body.id, changes: { name: { old: null, new: 'UBND xã Hòa Bình' } } });

    const r2 = rid();
    expect((await t.http.patch(`${API}/agencies/${agency.body.id}`).set(as(admin, r2)).send({ name: 'UBND xã Hòa Bình Mới' })).status).toBe(200);
    expect((await expectEvents(r2, ['agency.updated'], adminUser))[0].changes).toEqual({ name: { old: 'UBND xã Hòa Bình', new: 'UBND xã Hòa Bình Mới' } });

    const r3 = rid();
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const username = uniq('cov').toLowerCase();
    const user = await t.http.post(`${API}/users`).set(as(admin, r3)).send({ username, password, fullName: 'Hà Thị Phó', title: 'Phó Chủ tịch' });
    expect(user.status).toBe(201);
    const [userCreated] = await expectEvents(r3, ['user.created'], adminUser);
    expect(userCreated).toMatchObject({ agency_id: null, entity_type: 'user', entity_id: user.body.id });
    expect(JSON.stringify(userCreated.changes)).not.toContain(password);

    const head = await f.user({ [agency.body.id]: ['head'] }, { fullName: 'Đặng Chủ Tịch' });
    const r4 = rid();
    expect((await t.http.put(`${API}/agencies/${agency.body.id}/members/${user.body.id}`).set(as(admin, r4)).send({ roles: ['deputy'] })).status).toBe(201);
    expect((await expectEvents(r4, ['membership.created'], adminUser))[0]).toMatchObject({ agency_id: agency.body.id, entity_type: 'membership', entity_id: user.body.id, changes: { roles: { old: null, new: ['deputy'] } } });
    const r5 = rid();
    expect((await t.http.put(`${API}/agencies/${agency.body.id}/members/${user.body.id}`).set(as(admin, r5)).send({ roles: ['deputy', 'staff'] })).status).toBe(200);
    expect((await expectEvents(r5, ['membership.updated'], adminUser))[0].changes).toMatchObject({ roles: { old: ['deputy'], new: ['deputy', 'staff'] } });

    const r6 = rid();
    const delegation = await t.http
      .post(`${API}/agencies/${agency.body.id}/delegations`)
      .set(as(head, r6))
      .send({ fromUserId: head.id, toUserId: user.body.id, validFrom: new Date(Date.now() - 60_000).toISOString(), validTo: new Date(Date.now() + 86_400_000).toISOString() });
    expect(delegation.status).toBe(201);
    expect((await expectEvents(r6, ['delegation.created'], head))[0]).toMatchObject({ agency_id: agency.body.id, entity_type: 'delegation', entity_id: delegation.body.id, changes: { toUserId: { old: null, new: user.body.id } } });
    const r7 = rid();
    expect((await t.http.delete(`${API}/agencies/${agency.body.id}/delegations/${delegation.body.id}`).set(as(head, r7))).status).toBe(200);
    expect((await expectEvents(r7, ['delegation.revoked'], head))[0]).toMatchObject({ entity_id: delegation.body.id, changes: { revokedAt: { old: null } } });
    const r8 = rid();
    expect((await t.http.delete(`${API}/agencies/${agency.body.id}/members/${user.body.id}`).set(as(admin, r8))).status).toBe(204);
    expect((await expectEvents(r8, ['membership.removed'], adminUser))[0].changes).toMatchObject({ roles: { old: ['deputy', 'staff'], new: null } });

    // Logins and failed logins (system chain; the actor of a failed login is the account tried).
    const r9 = rid();
    const login = await t.http.post(`${API}/auth/login`).set('X-Request-Id', r9).send({ username, password });
    expect(login.status).toBe(200);
    expect((await expectEvents(r9, ['auth.login'], { id: user.body.id, fullName: 'Hà Thị Phó' }))[0]).toMatchObject({ agency_id: null, entity_id: user.body.id });
    const r10 = rid();
    expect((await t.http.post(`${API}/auth/login`).set('X-Request-Id', r10).send({ username, password: 'sai-mat-khau' })).status).toBe(401);
    const [failed] = await expectEvents(r10, ['auth.login_failed'], null);
    expect(failed).toMatchObject({ agency_id: null, entity_type: 'user', entity_id: user.body.id, actor_id: user.body.id, changes: { username } });
    const r11 = rid();
    expect((await t.http.post(`${API}/auth/login`).set('X-Request-Id', r11).send({ username: `khong-co-${username}`, password })).status).toBe(401);
    expect((await expectEvents(r11, ['auth.login_failed'], null))[0]).toMatchObject({ entity_id: null, actor_id: null, changes: { username: `khong-co-${username}` } });

    // Account changes: by the administrator, and the user's own password (with the old one re-checked).
    const r12 = rid();
    expect((await t.http.patch(`${API}/users/${user.body.id}`).set(as(admin, r12)).send({ title: 'Chủ tịch' })).status).toBe(200);
    expect((await expectEvents(r12, ['user.updated'], adminUser))[0]).toMatchObject({ entity_id: user.body.id, changes: { title: { old: 'Phó Chủ tịch', new: 'Chủ tịch' } } });
    const r13 = rid();
    const own = { id: user.body.id, fullName: 'Hà Thị Phó' };
    expect((await t.http.post(`${API}/me/password`).set(as(login.body.accessToken, r13)).send({ currentPassword: 'sai', newPassword: `${password}-2` })).status).toBe(401);
    expect((await expectEvents(r13, ['auth.reauth_failed'], own))[0].changes).toEqual({ purpose: 'password_change' });
    const r14 = rid();
    expect((await t.http.post(`${API}/me/password`).set(as(login.body.accessToken, r14)).send({ currentPassword: password, newPassword: `${password}-2` })).status).toBe(204);
    const [changed] = await expectEvents(r14, ['user.password_changed'], own);
    expect(JSON.stringify(changed.changes)).not.toContain(password);
  });

  describe('failed operations leave no state-change event', () => {
    async function draftProcedure(content: Record<string, unknown> = procedureContent()): Promise<{ docId: string; rev: string; code: string }> {
      const code = uniq('QT').toUpperCase();
      const res = await t.http.post(`${API}/documents`).set(bearer(c.drafter.token)).send({ agencyId: c.agency.id, type: 'procedure', code, title: 'Quy trình thử', content });
      expect(res.status).toBe(201);
      return { docId: res.body.id, rev: res.body.openDraft.id, code };
    }
    const stateOf = async (rev: string) => (await t.db.query<{ state: string; version: number }[]>('SELECT state, version FROM revisions WHERE id = $1', [rev]))[0];
    const countOf = async (sql: string, params: unknown[]) => Number((await t.db.query<{ n: string }[]>(sql, params))[0].n);

    it('PATCH with a stale If-Match (412) or none (428), an upload refused (415), a duplicate code (409)', async () => {
      const { docId, rev, code } = await draftProcedure();
      const stale = await etagOf(c.drafter, rev);
      await t.http.patch(`${API}/revisions/${rev}`).set(bearer(c.drafter.token)).set('If-Match', stale).send({ changeSummary: 'lần 1' }).expect(200);
      const before = await stateOf(rev);
      const r1 = rid();
      expect((await t.http.patch(`${API}/revisions/${rev}`).set(as(c.drafter, r1)).set('If-Match', stale).send({ changeSummary: 'lần 2' })).status).toBe(412);
      const r2 = rid();
      expect((await t.http.patch(`${API}/revisions/${rev}`).set(as(c.drafter, r2)).send({ changeSummary: 'lần 3' })).status).toBe(428);
      expect(await stateOf(rev)).toEqual(before);
      const r3 = rid();
      expect((await t.http.post(`${API}/revisions/${rev}/files`).set(as(c.drafter, r3)).attach('file', exe(), { filename: 'virus.pdf' })).status).toBe(415);
      const r4 = rid();
      expect((await t.http.post(`${API}/documents`).set(as(c.drafter, r4)).send({ agencyId: c.agency.id, type: 'procedure', code: code.toLowerCase(), title: 'Trùng mã' })).status).toBe(409);
      for (const r of [r1, r2, r3, r4]) expect(await events(r)).toEqual([]);
      expect(await countOf(`SELECT count(*) AS n FROM audit_events WHERE entity_id = $1 AND action = 'revision.updated'`, [rev])).toBe(1);
      expect(await countOf(`SELECT count(*) AS n FROM revision_files WHERE revision_id = $1`, [rev])).toBe(0);
      expect(await countOf(`SELECT count(*) AS n FROM documents WHERE agency_id = $1 AND code_key = $2`, [c.agency.id, code.toLowerCase()])).toBe(1);
      expect(docId).toBeTruthy();
    });

    it('submitting an incomplete procedure (422) and checking one\'s own draft (403) change nothing and record nothing but the refusal', async () => {
      const { rev } = await draftProcedure({ purpose: 'Chưa đủ nội dung' });
      const before = await stateOf(rev);
      const r1 = rid();
      const submit = await t.http.post(`${API}/revisions/${rev}/submit`).set(as(c.drafter, r1));
      expect(submit.status).toBe(422);
      expect(submit.body.code).toBe('revision_incomplete');
      expect(await events(r1)).toEqual([]);
      expect(await stateOf(rev)).toEqual(before);
      expect(await countOf(`SELECT count(*) AS n FROM revision_transitions WHERE revision_id = $1`, [rev])).toBe(1);
      expect(await countOf(`SELECT count(*) AS n FROM sign_offs WHERE revision_id = $1`, [rev])).toBe(0);

      const own = await draftProcedure();
      await t.http.post(`${API}/revisions/${own.rev}/submit`).set(bearer(c.drafter.token)).expect(200);
      const secretaryDraft = await t.http
        .post(`${API}/documents`)
        .set(bearer(c.secretary.token))
        .send({ agencyId: c.agency.id, type: 'procedure', code: uniq('QT').toUpperCase(), title: 'Quy trình của thư ký', content: procedureContent() });
      await t.http.post(`${API}/revisions/${secretaryDraft.body.openDraft.id}/submit`).set(bearer(c.secretary.token)).expect(200);
      const r2 = rid();
      const selfCheck = await t.http.post(`${API}/revisions/${secretaryDraft.body.openDraft.id}/review`).set(as(c.secretary, r2)).send({ decision: 'approve' });
      expect(selfCheck.status).toBe(403);
      await expectOnlyRefusal(r2);
    });

    it('approving or withdrawing with a wrong password (401) writes only the re-authentication failure; file changes on an effective revision (409) nothing', async () => {
      const { docId, rev } = await draftProcedure();
      await t.http.post(`${API}/revisions/${rev}/submit`).set(bearer(c.drafter.token)).expect(200);
      await t.http.post(`${API}/revisions/${rev}/review`).set(bearer(c.secretary.token)).send({ decision: 'approve' }).expect(200);
      const before = await stateOf(rev);
      const r1 = rid();
      const approve = await t.http.post(`${API}/revisions/${rev}/approve`).set(as(c.head, r1)).send({ password: 'không-đúng' });
      expect(approve.status).toBe(401);
      expect(approve.body.code).toBe('invalid_password');
      const [failure] = await expectEvents(r1, ['auth.reauth_failed'], c.head);
      expect(failure).toMatchObject({ agency_id: c.agency.id, entity_type: 'user', entity_id: c.head.id, changes: { purpose: 'revision.approve' } });
      expect(await stateOf(rev)).toEqual(before);
      expect(await countOf(`SELECT count(*) AS n FROM sign_offs WHERE revision_id = $1 AND meaning = 'approved'`, [rev])).toBe(0);

      await t.http.post(`${API}/revisions/${rev}/approve`).set(bearer(c.head.token)).send({ password: c.head.password }).expect(200);
      const r2 = rid();
      expect((await t.http.post(`${API}/documents/${docId}/withdraw`).set(as(c.head, r2)).send({ reason: 'Thử', password: 'sai' })).status).toBe(401);
      expect((await expectEvents(r2, ['auth.reauth_failed'], c.head))[0].changes).toEqual({ purpose: 'document.withdraw' });
      expect((await t.db.query<{ withdrawn_at: Date | null }[]>('SELECT withdrawn_at FROM documents WHERE id = $1', [docId]))[0].withdrawn_at).toBeNull();
      expect((await stateOf(rev)).state).toBe('effective');

      const r3 = rid();
      const frozen = await t.http.post(`${API}/revisions/${rev}/files`).set(as(c.drafter, r3)).attach('file', docx('muộn'), { filename: 'Bổ sung.docx' });
      expect(frozen.status).toBe(409);
      expect(await events(r3)).toEqual([]);
      expect(await countOf(`SELECT count(*) AS n FROM revision_files WHERE revision_id = $1`, [rev])).toBe(0);
    });

    it('refused legal and agency operations (409, 422, 403) record nothing but the refusal of the 403s', async () => {
      const n = `${randomInt(1, 99999)}/2020/QĐ-TTg${randomBytes(2).toString('hex').toUpperCase()}`;
      const body = { number: n, type: 'decision', issuer: 'Thủ tướng Chính phủ', title: 'Quyết định', issuedOn: '2020-01-01', effectiveFrom: '2020-02-01', status: 'in_force' };
      await t.http.post(`${API}/legal-documents`).set(bearer(admin)).send(body).expect(201);
      const r1 = rid();
      expect((await t.http.post(`${API}/legal-documents`).set(as(admin, r1)).send(body)).status).toBe(409);
      const r2 = rid();
      expect((await t.http.post(`${API}/legal-documents`).set(as(c.drafter, r2)).send({ ...body, number: `${n}X` })).status).toBe(403);
      const r3 = rid();
      expect((await t.http.put(`${API}/agencies/${c.agency.id}/members/${c.staff.id}`).set(as(c.head, r3)).send({ roles: ['head'] })).status).toBe(403);
      const r4 = rid();
      const misplaced = await t.http.post(`${API}/agencies`).set(as(admin, r4)).send({ code: uniq('AG'), name: 'Xã không có tỉnh', level: 'commune' });
      expect(misplaced.status).toBe(422);
      for (const r of [r1, r4]) expect(await events(r)).toEqual([]);
      for (const r of [r2, r3]) await expectOnlyRefusal(r);
    });
  });
});
