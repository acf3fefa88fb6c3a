import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { LegalModule } from '../legal/legal.module.js';
import { LegalChangeFacts } from './legal-change-facts.js';
import { LegalChangeQueue } from './legal-change-queue.js';
import { LegalChangeRunner } from './legal-change-runner.js';
import { LegalChangeSweep } from './legal-change-sweep.js';
import { LegalChangesController } from './legal-changes.controller.js';
import { LegalChangeSummaries } from './legal-change-summaries.js';
import { LegalChangesService } from './legal-changes.service.js';
import { LegalCitationsService } from './legal-citations.service.js';

/**
 * Legal changes and their queued regeneration: citations of a legal document, posting a
 * change (amended / replaced / repealed), the fan-out and batch jobs that flag citing documents and
 * prepare their drafts in every agency, progress, retry and the sweep for lost jobs.
 */
@Module({
  imports: [LegalModule, DocumentsModule],
  controllers: [LegalChangesController],
  providers: [LegalChangeFacts, LegalChangeQueue, LegalCitationsService, LegalChangesService, LegalChangeRunner, LegalChangeSweep, LegalChangeSummaries],
  exports: [LegalChangeSummaries, LegalChangesService, LegalChangeRunner, LegalChangeSweep],
})
export class LegalChangesModule {}
