import { Inject, Injectable } from '@nestjs/common';
import { agenciesSql } from '../agencies/agencies.service.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { People } from '../identity/people.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { OnJob } from '../queue/job-registry.js';
import { formatDateShort } from '../common/vn-format.js';
import { daysBetween, periodsOfYear, vnDate } from './reporting-periods.js';

/** Who is reminded in each agency. */
export const REMINDED_ROLES = ['head', 'deputy', 'iso_secretary'] as const;

export interface ReminderRun {
  /** (agency, period, days before) newly reminded in this run. */
  sent: { agencyId: string; period: string; daysBefore: number }[];
}

/**
 * Reminders of the periodic reports: 7 days and 1 day before a period's due date, every agency that
 * must report and has not submitted its report is told (its head, deputies and ISO secretaries),
 * once each — `report_reminders` has one row per (agency, period, days before), inserted with the
 * notices in one transaction, so a second run (or a second worker) sends nothing. A run on a later
 * day still sends a reminder that was missed, but never the 7-day one once the 1-day one is due.
 * Six-month and annual reports are due from every agency except internal units; quarterly ones from
 * agencies that reported a quarter in this year or the last.
 */
@Injectable()
export class ReportReminders {
  constructor(
    private readonly db: Database,
    private readonly notifications: NotificationsService,
    private readonly people: People,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @OnJob('supervision.report-reminders')
  async handle(): Promise<number> {
    return (await this.remind()).sent.length;
  }

  /** Sends what is due at `now` (optionally for some agencies only: operations and tests). */
  async remind(opts: { now?: Date; agencyIds?: string[] } = {}): Promise<ReminderRun> {
    const today = vnDate(opts.now ?? new Date());
    const year = Number(today.slice(0, 4));
    const sent: ReminderRun['sent'] = [];
    for (const p of periodsOfYear(year, this.config.reporting)) {
      const lead = daysBetween(today, p.dueOn);
      if (lead < 0 || lead > 7) continue;
      const daysBefore = lead <= 1 ? 1 : 7;
      await this.db.transaction(async () => {
        const rows = await this.db.query<{ agency_id: string }[]>(
          `INSERT INTO report_reminders (agency_id, period, days_before, due_on)
           SELECT a.id, $1, $2, $3::date FROM (${agenciesSql()}) a
            WHERE a.level <> 'unit'
              AND ($5::uuid[] IS NULL OR a.id = ANY($5::uuid[]))
              AND ($4::text <> 'quarter' OR EXISTS (SELECT 1 FROM periodic_reports q WHERE q.agency_id = a.id AND q.kind = 'quarter' AND q.year IN ($6::int, $6::int - 1)))
              AND NOT EXISTS (SELECT 1 FROM periodic_reports r WHERE r.agency_id = a.id AND r.period = $1 AND r.state = 'submitted')
           ON CONFLICT DO NOTHING
           RETURNING agency_id`,
          [p.period, daysBefore, p.dueOn, p.kind, opts.agencyIds ?? null, year],
        );
        if (!rows.length) return;
        const byAgency = await this.people.membersOf(rows.map((r) => r.agency_id), REMINDED_ROLES);
        for (const { agency_id } of rows) {
          const users = byAgency.get(agency_id) ?? [];
          await this.notifications.notify(users, {
            kind: 'periodic_report.reminder',
            title: `Nhắc gửi báo cáo HTQLCL kỳ ${p.period}: còn ${lead === 0 ? 'hôm nay' : `${lead} ngày`}`,
            body: `Báo cáo tình hình duy trì, áp dụng HTQLCL kỳ ${p.period} phải gửi Sở KH&CN trước hết ngày ${formatDateShort(p.dueOn)}; cơ quan chưa gửi báo cáo.`,
            agencyId: agency_id,
            entityType: 'agency',
            entityId: agency_id,
          });
          await this.db.query('UPDATE report_reminders SET recipients = $4 WHERE agency_id = $1 AND period = $2 AND days_before = $3', [agency_id, p.period, daysBefore, users.length]);
          sent.push({ agencyId: agency_id, period: p.period, daysBefore });
        }
      });
    }
    return { sent };
  }
}
