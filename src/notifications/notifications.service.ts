import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { Database } from '../database/database.js';
import { People, peopleSql } from '../identity/people.js';
import { JobQueue } from '../queue/job-queue.js';
import { OnJob } from '../queue/job-registry.js';
import { isFinalFailure } from '../queue/retry-policy.js';
import type { JobPayload } from '../queue/jobs.js';
import { Mailer } from './mailer.js';
import { Notification } from './notification.entity.js';
import { NotificationQuery, NotificationView } from './notifications.dto.js';

export interface NoticeInput {
  agencyId: string | null;
  kind: string;
  title: string;
  body: string;
  entityType?: string;
  entityId?: string;
}

function toView(n: Notification): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    agencyId: n.agencyId,
    entityType: n.entityType,
    entityId: n.entityId,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
    emailStatus: n.emailStatus,
  };
}

/**
 * In-app notifications for the people who must act next, and their e-mail copies. Call
 * `notify` inside the transaction of the change that causes it: the notices and their e-mail
 * jobs commit with it (nothing is announced for a change that rolled back).
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
    private readonly mailer: Mailer,
    private readonly people: People,
  ) {}

  async notify(userIds: string[], notice: NoticeInput): Promise<void> {
    await this.notifyMany([{ userIds, notice }]);
  }

  /** Several notices, each to its people, with one statement (and one for their e-mail jobs). */
  async notifyMany(notices: readonly { userIds: readonly string[]; notice: NoticeInput }[]): Promise<void> {
    const everyone = [...new Set(notices.flatMap((n) => n.userIds))];
    if (!everyone.length) return;
    const byId = new Map([...(await this.people.persons(everyone)).values()].filter((u) => u.isActive).map((u) => [u.id, u]));
    const rows = notices.flatMap(({ userIds, notice }) =>
      [...new Set(userIds)]
        .filter((id) => byId.has(id))
        .map((id) => ({
          user_id: id,
          agency_id: notice.agencyId,
          kind: notice.kind,
          title: notice.title,
          body: notice.body,
          entity_type: notice.entityType ?? null,
          entity_id: notice.entityId ?? null,
          email_status: this.mailer.enabled && byId.get(id)!.email ? 'pending' : 'skipped',
        })),
    );
    if (!rows.length) return;
    const inserted = await this.db.query<{ id: string; email_status: string }[]>(
      `INSERT INTO notifications (user_id, agency_id, kind, title, body, entity_type, entity_id, email_status)
       SELECT v.user_id, v.agency_id, v.kind, v.title, v.body, v.entity_type, v.entity_id, v.email_status
         FROM jsonb_to_recordset($1::jsonb) AS v(user_id uuid, agency_id uuid, kind text, title text, body text, entity_type text, entity_id uuid, email_status text)
       RETURNING id, email_status`,
      [JSON.stringify(rows)],
    );
    await this.jobs.enqueueMany(
      inserted.filter((r) => r.email_status === 'pending').map((r) => ({ name: 'mail.notification' as const, data: { notificationId: r.id }, opts: { jobId: `mail_${r.id}` } })),
    );
  }

  async list(p: Principal, q: NotificationQuery): Promise<Page<NotificationView> & { unreadCount: number }> {
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2);
    const qb = this.db.repo(Notification).createQueryBuilder('n').where('n.user_id = :uid', { uid: p.id });
    if (q.unread === 'true') qb.andWhere('n.read_at IS NULL');
    if (after) qb.andWhere('(n.created_at, n.id) < (:a0::timestamptz, :a1::uuid)', { a0: after[0], a1: after[1] });
    const rows = await qb.orderBy('n.created_at', 'DESC').addOrderBy('n.id', 'DESC').limit(limit + 1).getMany();
    const [{ n }] = await this.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [p.id]);
    return { ...toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id], toView), unreadCount: n };
  }

  async markRead(p: Principal, id: string): Promise<NotificationView> {
    const rows = await this.db.query<{ id: string }[]>(
      'UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING id',
      [id, p.id],
    );
    if (!rows.length) throw Errors.notFound('Notification');
    return toView(await this.db.repo(Notification).findOneByOrFail({ id }));
  }

  async markAllRead(p: Principal): Promise<number> {
    const { affected } = await this.db.execute('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL', [p.id]);
    return affected;
  }

  /** Sends the e-mail copy of one notification; a notification already sent is not sent again. */
  @OnJob('mail.notification')
  async sendEmail(data: JobPayload<'mail.notification'>, job: Job): Promise<void> {
    const rows = await this.db.query<{ email_status: string; email: string | null; full_name: string; title: string; body: string }[]>(
      `SELECT n.email_status, u.email, u.full_name, n.title, n.body FROM notifications n JOIN (${peopleSql()}) u ON u.id = n.user_id WHERE n.id = $1`,
      [data.notificationId],
    );
    const n = rows[0];
    if (!n || n.email_status !== 'pending') return;
    if (!n.email) {
      await this.db.query(`UPDATE notifications SET email_status = 'skipped' WHERE id = $1`, [data.notificationId]);
      return;
    }
    try {
      // The notice was queued by an instance with SMTP: a worker without it is misconfigured, not done.
      if (!this.mailer.enabled) throw new Error('SMTP_URL is not configured in this worker');
      await this.mailer.send({
        to: n.email,
        subject: `[e-ISO] ${n.title}`,
        text: `Kính gửi ${n.full_name},\n\n${n.body}\n\n--\nHệ thống ISO điện tử (e-ISO). Thư này được gửi tự động, vui lòng không trả lời.`,
      });
      await this.db.query(`UPDATE notifications SET email_status = 'sent', email_sent_at = now(), email_error = NULL WHERE id = $1`, [data.notificationId]);
    } catch (err) {
      const message = String((err as Error).message ?? err).slice(0, 500);
      const final = isFinalFailure(job, err);
      await this.db.query(`UPDATE notifications SET email_status = $2, email_error = $3 WHERE id = $1`, [data.notificationId, final ? 'failed' : 'pending', message]);
      if (final) this.logger.warn({ msg: 'notification e-mail failed for good', notificationId: data.notificationId, err: message });
      throw err;
    }
  }
}
