import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { DocumentHistoryService } from './document-history.service.js';
import { DocumentHistoryController, RevisionDiffController } from './history.controller.js';
import { RevisionDiffService } from './revision-diff.service.js';

/**
 * Revision history for auditors: differences between two revisions (GET /revisions/{id}/diff) and
 * a document's whole timeline from the audit trail (GET /documents/{id}/history as JSON, CSV or
 * PDF). The enriched revision list (GET /documents/{id}/revisions) lives in DocumentsModule.
 */
@Module({
  imports: [AgenciesModule, DocumentsModule],
  controllers: [RevisionDiffController, DocumentHistoryController],
  providers: [RevisionDiffService, DocumentHistoryService],
})
export class HistoryModule {}
