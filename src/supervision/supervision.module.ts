import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { NonconformitiesModule } from '../nonconformities/index.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RecordPapersModule } from '../record-papers/index.js';
import { InspectionClosing } from './inspection-closing.js';
import { InspectionsController } from './inspections.controller.js';
import { InspectionsService } from './inspections.service.js';
import { OverviewService } from './overview.service.js';
import { PeriodicReportPaper } from './report-paper.js';
import { ReportReminders } from './report-reminders.js';
import { ReportTasks } from './report-tasks.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/**
 * Supervision by the Sở KH&CN: reporting periods and their due dates, the agencies' periodic
 * reports (figures from the agency figures registry, frozen at submission, signed by the head or a
 * deputy "KT.", returned and submitted again), their Decree 30 PDF, the reminders before the due
 * date, the province overview (JSON, CSV, XLSX), and inspections whose findings open nonconformities
 * of the inspected agency.
 */
@Module({
  imports: [AgenciesModule, IdentityModule, NotificationsModule, NonconformitiesModule, RecordPapersModule],
  controllers: [ReportsController, InspectionsController],
  providers: [ReportsService, PeriodicReportPaper, ReportReminders, ReportTasks, OverviewService, InspectionsService, InspectionClosing],
  exports: [ReportsService, ReportReminders, OverviewService, InspectionsService],
})
export class SupervisionModule {}
