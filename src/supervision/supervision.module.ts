import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RecordPapersModule } from '../record-papers/index.js';
import { OverviewService } from './overview.service.js';
import { PeriodicReportPaper } from './report-paper.js';
import { ReportReminders } from './report-reminders.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { SupervisionPeople } from './supervision-people.js';

/**
 * Supervision by the Sở KH&CN: reporting periods and their due dates, the agencies' periodic
 * reports (figures from the agency figures registry, frozen at submission, signed by the head or a
 * deputy "KT.", returned and submitted again), their Decree 30 PDF, the reminders before the due
 * date, and the province overview (JSON, CSV, XLSX).
 */
@Module({
  imports: [AgenciesModule, IdentityModule, NotificationsModule, RecordPapersModule],
  controllers: [ReportsController],
  providers: [SupervisionPeople, ReportsService, PeriodicReportPaper, ReportReminders, OverviewService],
  exports: [ReportsService, ReportReminders, OverviewService],
})
export class SupervisionModule {}
