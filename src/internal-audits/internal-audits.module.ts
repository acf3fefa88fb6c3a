import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { NonconformitiesModule } from '../nonconformities/nonconformities.module.js';
import { RecordPapersModule } from '../record-papers/record-papers.module.js';
import { WorkflowModule } from '../workflow/workflow.module.js';
import { AuditReportPaper } from './audit-report.paper.js';
import { InternalAuditClosing } from './internal-audit-closing.js';
import { InternalAuditFacts } from './internal-audit-facts.js';
import { InternalAuditTasks } from './internal-audit-tasks.js';
import { InternalAuditsController } from './internal-audits.controller.js';
import { InternalAuditsService } from './internal-audits.service.js';

/**
 * Internal audits (ISO 9001 §9.2). Exports InternalAuditsService (`summaryForYear` for the
 * management review). Opens nonconformities through NonconformitiesModule and closes itself through
 * its source watcher (InternalAuditClosing).
 */
@Module({
  imports: [AgenciesModule, DocumentsModule, WorkflowModule, IdentityModule, NonconformitiesModule, RecordPapersModule],
  controllers: [InternalAuditsController],
  providers: [InternalAuditsService, InternalAuditClosing, AuditReportPaper, InternalAuditTasks, InternalAuditFacts],
  exports: [InternalAuditsService],
})
export class InternalAuditsModule {}
