import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { NonconformitiesModule } from '../nonconformities/nonconformities.module.js';
import { RecordPapersModule } from '../record-papers/record-papers.module.js';
import { WorkflowModule } from '../workflow/workflow.module.js';
import { InternalAuditClosing } from './internal-audit-closing.js';
import { InternalAuditsService } from './internal-audits.service.js';

/**
 * Internal audits (ISO 9001 §9.2). Exports InternalAuditsService (`summaryForYear` for the
 * management review). Opens nonconformities through NonconformitiesModule and closes itself through
 * its source watcher (InternalAuditClosing).
 */
@Module({
  imports: [DocumentsModule, WorkflowModule, IdentityModule, NonconformitiesModule, RecordPapersModule],
  providers: [InternalAuditsService, InternalAuditClosing],
  exports: [InternalAuditsService],
})
export class InternalAuditsModule {}
