import { NotificationsService } from '../src/notifications/notifications.service.js';
import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures, TestUser } from './support/fixtures.js';
import { TestSmtp } from './support/smtp.js';

describe('notifications', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let f: Fixtures;
  let agencyId: string;
  let head: TestUser;
  let noEmail: TestUser;

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    t = await createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'e-ISO <iso@kontum.gov.vn>' });
    f = new Fixtures(t);
    agencyId = (await f.agency()).id;
    head = await f.user({ [agencyId]: ['head'] }, { fullName: 'Nguyễn Thị Hoa', email: 'hoa.nt@kontum.gov.vn' });
    noEmail = await f.user({ [agencyId]: ['deputy'] });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const notify = (userIds: string[], title: string) =>
    t.db.transaction(() =>
      t.app.get(NotificationsService).notify(userIds, {
        agencyId,
        kind: 'revision.to_approve',
        title,
        body: `Bản dự thảo "${title}" đang chờ ông/bà phê duyệt.`,
        entityType: 'revision',
        entityId: '00000000-0000-4000-8000-000000000001',
      }),
    );

  it('lists in-app notifications newest first, counts unread, marks read', async () => {
    await notify([head.id], 'Chờ phê duyệt: QT-01 Quy trình cấp giấy phép xây dựng');
    await notify([head.id], 'Chờ phê duyệt: BM.01/QT-01 Tờ khai');
    const res = await t.http.get('/api/v1/me/notifications').set(bearer(head.token));
    expect(res.status).toBe(200);
    expect(res.body.unreadCount).toBeGreaterThanOrEqual(2);
    expect(res.body.items[0].title).toBe('Chờ phê duyệt: BM.01/QT-01 Tờ khai');
    const id = res.body.items[0].id;
    const read = await t.http.post(`/api/v1/me/notifications/${id}/read`).set(bearer(head.token));
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const unread = await t.http.get('/api/v1/me/notifications?unread=true').set(bearer(head.token));
    expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(id);
    // Someone else's notification is not found.
    expect((await t.http.post(`/api/v1/me/notifications/${id}/read`).set(bearer(noEmail.token))).status).toBe(404);
    const all = await t.http.post('/api/v1/me/notifications/read-all').set(bearer(head.token));
    expect(all.body.updated).toBeGreaterThanOrEqual(1);
    expect((await t.http.get('/api/v1/me/notifications').set(bearer(head.token))).body.unreadCount).toBe(0);
  });

  it('e-mails a copy through the queue, in Vietnamese, to users with an address', async () => {
    await notify([head.id, noEmail.id], 'Chờ phê duyệt: QT-05 Quy trình đánh giá nội bộ');
    await t.flushOutbox();
    const mail = await smtp.waitFor((m) => m.subject.includes('QT-05'));
    expect(mail.to).toEqual(['hoa.nt@kontum.gov.vn']);
    expect(mail.subject).toBe('[e-ISO] Chờ phê duyệt: QT-05 Quy trình đánh giá nội bộ');
    expect(mail.text).toContain('Kính gửi Nguyễn Thị Hoa');
    expect(mail.text).toContain('đang chờ ông/bà phê duyệt');
    const rows = await t.db.query<{ user_id: string; email_status: string }[]>(
      `SELECT user_id, email_status FROM notifications WHERE title = 'Chờ phê duyệt: QT-05 Quy trình đánh giá nội bộ'`,
    );
    const byUser = Object.fromEntries(rows.map((r) => [r.user_id, r.email_status]));
    expect(byUser[noEmail.id]).toBe('skipped');
    // The status is updated after sending.
    const end = Date.now() + 10_000;
    while (Date.now() < end && (await t.db.query<{ s: string }[]>(`SELECT email_status AS s FROM notifications WHERE user_id = $1 AND title LIKE '%QT-05%'`, [head.id]))[0].s !== 'sent') {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await t.db.query<{ s: string }[]>(`SELECT email_status AS s FROM notifications WHERE user_id = $1 AND title LIKE '%QT-05%'`, [head.id]))[0].s).toBe('sent');
  });

  it('a notice raised in a rolled-back transaction does not exist', async () => {
    await expect(
      t.db.transaction(async () => {
        await t.app.get(NotificationsService).notify([head.id], { agencyId, kind: 'x', title: 'Không được gửi', body: '...' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await t.db.query(`SELECT 1 FROM notifications WHERE title = 'Không được gửi'`)).toHaveLength(0);
  });
});
