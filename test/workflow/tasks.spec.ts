import { DocumentFlags } from '../../src/documents/document-flags.service.js';
import type { TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { TestSmtp } from '../support/smtp.js';
import { API, delegate, newProcedure, toEffective, toPendingApproval, Workflow, workflowCast, WorkflowCast, workflowSuite } from './helpers.js';

describe('workflow: /me/tasks and notifications', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let f: Fixtures;
  let c: WorkflowCast;
  let w: Workflow;

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    ({ t, f, c, w } = await workflowSuite({ SMTP_URL: smtp.url, MAIL_FROM: 'e-ISO <iso@kontum.gov.vn>' }, { emails: true }));
  });
  afterAll(async () => {
    // Let the e-mails of the last notices go out before the app stops.
    await t.flushOutbox();
    const ids = [c.drafter.id, c.secretary.id, c.head.id, c.deputy.id];
    const end = Date.now() + 10_000;
    while (Date.now() < end && (await t.db.query<unknown[]>(`SELECT 1 FROM notifications WHERE email_status = 'pending' AND user_id = ANY($1::uuid[])`, [ids])).length) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await t.close();
    await smtp.close();
  });

  const kinds = async (u: Parameters<Workflow['tasks']>[0], query = '') => {
    const res = await w.tasks(u, query);
    expect(res.status).toBe(200);
    return res.body.items.map((i: { kind: string; revisionId: string }) => [i.kind, i.revisionId]);
  };

  it('lists for each role what waits for them', async () => {
    const cc = await workflowCast(f);
    const toCheck = await newProcedure(t, cc);
    expect((await w.submit(cc.drafter, toCheck.revisionId)).status).toBe(200);
    const ownBySecretary = await newProcedure(t, cc, cc.secretary);
    expect((await w.submit(cc.secretary, ownBySecretary.revisionId)).status).toBe(200);
    const toApprove = await newProcedure(t, cc);
    await toPendingApproval(w, cc, toApprove.revisionId);
    const returned = await newProcedure(t, cc);
    await toPendingApproval(w, cc, returned.revisionId);
    expect((await w.ret(cc.head, returned.revisionId, 'Sửa lại mục 2. Phạm vi')).status).toBe(200);

    // ISO secretary: both in-review revisions except the one they wrote.
    expect(await kinds(cc.secretary)).toEqual([['check', toCheck.revisionId]]);
    expect(await kinds(cc.secretary2)).toEqual([
      ['check', toCheck.revisionId],
      ['check', ownBySecretary.revisionId],
    ]);
    // Head: the revision pending approval.
    const head = await w.tasks(cc.head);
    expect(head.body.items).toEqual([
      expect.objectContaining({ kind: 'approve', agencyId: cc.agency.id, documentId: toApprove.id, code: toApprove.code, title: toApprove.title, revisionId: toApprove.revisionId, state: 'pending_approval', number: 1, comment: null }),
    ]);
    // Deputy: nothing without a delegation, the approval with one.
    expect(await kinds(cc.deputy)).toEqual([]);
    await delegate(t, f, cc, new Date(Date.now() - 60_000), new Date(Date.now() + 3600_000));
    expect(await kinds(cc.deputy)).toEqual([['approve', toApprove.revisionId]]);
    // Drafter: the returned draft with the comment.
    const drafter = await w.tasks(cc.drafter);
    expect(drafter.body.items).toEqual([expect.objectContaining({ kind: 'returned', revisionId: returned.revisionId, state: 'draft', comment: 'Sửa lại mục 2. Phạm vi' })]);
    // Staff, auditors and strangers have nothing to do here.
    expect(await kinds(cc.staff)).toEqual([]);
    expect(await kinds(cc.auditor)).toEqual([]);
    expect(await kinds(c.head)).not.toContainEqual(['approve', toApprove.revisionId]);
    // Filters and pages.
    expect(await kinds(cc.secretary2, '?kind=approve')).toEqual([]);
    expect(await kinds(cc.secretary2, `?agencyId=${c.agency.id}`)).toEqual([]);
    const page1 = await w.tasks(cc.secretary2, '?limit=1');
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await w.tasks(cc.secretary2, `?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((i: { revisionId: string }) => i.revisionId)).toEqual([ownBySecretary.revisionId]);
    expect(page2.body.nextCursor).toBeNull();
    expect((await w.tasks(cc.secretary2, '?kind=nothing')).status).toBe(400);
    expect((await w.tasks(cc.secretary2, '?cursor=garbage')).status).toBe(400);
  });

  it('a head who checked a revision does not get it to approve; resubmitting removes the returned task', async () => {
    const cc = await workflowCast(f);
    const both = await f.user({ [cc.agency.id]: ['iso_secretary', 'head'] });
    const d = await newProcedure(t, cc);
    expect((await w.submit(cc.drafter, d.revisionId)).status).toBe(200);
    expect(await kinds(both, '?kind=check')).toEqual([['check', d.revisionId]]);
    expect((await w.check(both, d.revisionId)).status).toBe(200);
    expect(await kinds(both)).toEqual([]);
    expect(await kinds(cc.head)).toEqual([['approve', d.revisionId]]);
    expect((await w.ret(cc.head, d.revisionId, 'Chưa đạt')).status).toBe(200);
    expect(await kinds(cc.drafter)).toEqual([['returned', d.revisionId]]);
    expect((await w.submit(cc.drafter, d.revisionId)).status).toBe(200);
    expect(await kinds(cc.drafter)).toEqual([]);
  });

  it('legal changes show for ISO secretaries and drafters', async () => {
    const cc = await workflowCast(f);
    const d = await newProcedure(t, cc);
    await toEffective(w, cc, d.revisionId);
    await t.db.transaction(() =>
      t.app.get(DocumentFlags).raise({ documentId: d.id, kind: 'legal_basis_changed', reason: 'Nghị định 61/2018/NĐ-CP được sửa đổi, bổ sung', dueOn: '2030-06-30' }),
    );
    for (const u of [cc.secretary, cc.drafter]) {
      const res = await w.tasks(u, '?kind=legal_change');
      expect(res.body.items).toEqual([
        expect.objectContaining({ kind: 'legal_change', documentId: d.id, revisionId: d.revisionId, state: 'effective', dueOn: '2030-06-30', reason: 'Nghị định 61/2018/NĐ-CP được sửa đổi, bổ sung' }),
      ]);
    }
    expect(await kinds(cc.head, '?kind=legal_change')).toEqual([]);
    expect(await kinds(cc.staff)).toEqual([]);
  });

  it('notifies whoever acts next, in Vietnamese, in-app and by e-mail', async () => {
    await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + 3600_000));
    const d = await newProcedure(t, c, c.drafter, 'Quy trình đánh giá nội bộ');
    const notes = async (userId: string) =>
      t.db.query<{ kind: string; title: string; body: string }[]>(`SELECT kind, title, body FROM notifications WHERE user_id = $1 AND entity_id = $2 ORDER BY created_at, id`, [userId, d.revisionId]);

    expect((await w.submit(c.drafter, d.revisionId)).status).toBe(200);
    expect((await notes(c.secretary.id)).map((n) => n.title)).toEqual([`Cần kiểm tra: ${d.code} Quy trình đánh giá nội bộ (lần ban hành 01)`]);
    expect((await notes(c.secretary2.id)).map((n) => n.kind)).toEqual(['revision.to_check']);
    expect(await notes(c.drafter.id)).toEqual([]);
    expect(await notes(c.head.id)).toEqual([]);
    await t.flushOutbox();
    const emailOf = async (userId: string) => (await t.db.query<{ email: string }[]>('SELECT email FROM users WHERE id = $1', [userId]))[0].email;
    const secretaryEmail = await emailOf(c.secretary.id);
    const toCheck = await smtp.waitFor((m) => m.subject.includes(d.code) && m.to.includes(secretaryEmail));
    expect(toCheck.subject).toBe(`[e-ISO] Cần kiểm tra: ${d.code} Quy trình đánh giá nội bộ (lần ban hành 01)`);
    expect(toCheck.text).toContain('Kính gửi Phạm Thị Thư');
    expect(toCheck.text).toContain(`Lê Văn Soạn đã trình dự thảo lần ban hành 01 của tài liệu ${d.code} "Quy trình đánh giá nội bộ"`);

    expect((await w.check(c.secretary, d.revisionId, 'Đạt')).status).toBe(200);
    expect((await notes(c.head.id)).map((n) => n.kind)).toEqual(['revision.to_approve']);
    expect((await notes(c.deputy.id)).map((n) => n.kind)).toEqual(['revision.to_approve']);
    expect((await notes(c.head.id))[0].body).toContain('Phạm Thị Thư đã kiểm tra');

    expect((await w.ret(c.head, d.revisionId, 'Bổ sung biểu mẫu BM.02')).status).toBe(200);
    const returned = (await notes(c.drafter.id)).find((n) => n.kind === 'revision.returned')!;
    expect(returned.title).toBe(`Trả lại: ${d.code} Quy trình đánh giá nội bộ (lần ban hành 01)`);
    expect(returned.body).toContain('Ý kiến: Bổ sung biểu mẫu BM.02');
    await t.flushOutbox();
    const mail = await smtp.waitFor((m) => m.subject.startsWith('[e-ISO] Trả lại') && m.subject.includes(d.code));
    expect(mail.to).toEqual([await emailOf(c.drafter.id)]);
    expect(mail.text).toContain('Kính gửi Lê Văn Soạn');
    expect(mail.text).toContain('Ý kiến: Bổ sung biểu mẫu BM.02');

    await toPendingApproval(w, c, d.revisionId);
    expect((await w.approve(c.head, d.revisionId)).status).toBe(200);
    const effective = (await notes(c.drafter.id)).filter((n) => n.kind === 'revision.effective');
    expect(effective).toHaveLength(1);
    expect(effective[0].body).toMatch(new RegExp(`Tài liệu ${d.code} "Quy trình đánh giá nội bộ", lần ban hành 01, có hiệu lực từ ngày \\d{2}/\\d{2}/\\d{4}\\.`));
    await t.flushOutbox();
    await smtp.waitFor((m) => m.subject === `[e-ISO] Đã có hiệu lực: ${d.code} Quy trình đánh giá nội bộ (lần ban hành 01)`);
  });

  it('a withdrawal is announced to the ISO secretaries', async () => {
    const d = await newProcedure(t, c);
    await toEffective(w, c, d.revisionId);
    expect((await w.withdraw(c.head, d.id, 'Bãi bỏ thủ tục')).status).toBe(200);
    const rows = await t.db.query<{ user_id: string; title: string; body: string }[]>(`SELECT user_id, title, body FROM notifications WHERE kind = 'document.withdrawn' AND entity_id = $1`, [d.id]);
    expect(rows.map((r) => r.user_id).sort()).toEqual([c.secretary.id, c.secretary2.id, c.drafter.id].sort());
    expect(rows[0].title).toBe(`Thu hồi tài liệu: ${d.code} ${d.title}`);
    expect(rows[0].body).toContain('Lý do: Bãi bỏ thủ tục');
    expect((await t.http.get(`${API}/me/notifications`).set(bearer(c.secretary.token))).body.items.some((n: { kind: string }) => n.kind === 'document.withdrawn')).toBe(true);
  });
});
