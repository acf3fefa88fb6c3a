import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Database } from '../database/database.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { OnJob } from '../queue/job-registry.js';
import { formatDateShort } from '../common/vn-format.js';
import { WorkflowPeople } from '../workflow/workflow-people.js';
import { nonconformityCode } from './nonconformity-types.js';

const BATCH = 200;

/**
 * The overdue notice of corrective actions: the day after its due date (Vietnam time) an open
 * action's responsible person and the agency's ISO secretaries get a notification (and its e-mail
 * through the notification queue), once: `overdue_notified_at` is set in the same transaction, and
 * only rows where it is still null are taken (FOR UPDATE SKIP LOCKED), so a job running twice or
 * two workers at once notify nobody twice. Runs hourly (`nonconformities.notify-overdue-actions`).
 */
@Injectable()
export class OverdueActions {
  constructor(
    private readonly db: Database,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly people: WorkflowPeople,
  ) {}

  @OnJob('nonconformities.notify-overdue-actions')
  async handle(): Promise<number> {
    return this.notifyOverdue();
  }

  /** Notifies every action overdue at `now` not notified yet (optionally of some agencies only). Returns how many. */
  async notifyOverdue(opts: { now?: Date; agencyIds?: string[] } = {}): Promise<number> {
    const now = opts.now ?? new Date();
    let total = 0;
    for (;;) {
      const done = await this.db.transaction(async () => {
        const rows = await this.db.query<{ id: string; agency_id: string; nonconformity_id: string; number: number; description: string; responsible_user_id: string; due_on: string }[]>(
          `SELECT a.id, a.agency_id, a.nonconformity_id, n.number, a.description, a.responsible_user_id, to_char(a.due_on, 'YYYY-MM-DD') AS due_on
             FROM corrective_actions a JOIN nonconformities n ON n.id = a.nonconformity_id
            WHERE a.state = 'open' AND a.overdue_notified_at IS NULL
              AND a.due_on < ($1::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
              AND ($2::uuid[] IS NULL OR a.agency_id = ANY($2::uuid[]))
            ORDER BY a.due_on, a.id
            LIMIT ${BATCH}
            FOR UPDATE OF a SKIP LOCKED`,
          [now, opts.agencyIds ?? null],
        );
        for (const r of rows) {
          await this.db.query('UPDATE corrective_actions SET overdue_notified_at = $2 WHERE id = $1 AND overdue_notified_at IS NULL', [r.id, now]);
          const secretaries = await this.people.secretaries(r.agency_id);
          const code = nonconformityCode(r.number);
          await this.notifications.notify([r.responsible_user_id, ...secretaries], {
            agencyId: r.agency_id,
            kind: 'corrective_action.overdue',
            title: `Hành động khắc phục ${code} đã quá hạn (${formatDateShort(r.due_on)})`,
            body: r.description.slice(0, 500),
            entityType: 'nonconformity',
            entityId: r.nonconformity_id,
          });
          await this.audit.record({
            action: 'corrective_action.overdue_notified',
            entityType: 'corrective_action',
            entityId: r.id,
            agencyId: r.agency_id,
            actorId: null,
            actorName: null,
            changes: { nonconformityId: r.nonconformity_id, dueOn: r.due_on, notified: [...new Set([r.responsible_user_id, ...secretaries])] },
          });
        }
        return rows.length;
      });
      total += done;
      if (done < BATCH) return total;
    }
  }
}
