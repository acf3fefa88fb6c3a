import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocumentsModule } from '../documents/documents.module.js';
import { RecordPaperKinds } from './record-paper-kinds.js';
import { RecordPapers } from './record-papers.service.js';
import { RenderRecordPaperJob } from './render-record-paper.job.js';

/**
 * PDFs of quality records (audit reports, review minutes, periodic reports...): the registry of paper
 * kinds (@RecordPaperKind providers of the feature modules), requests and delivery (RecordPapers), and
 * the `render.record-paper` job (renderOfficialPaperPdf → content-addressed store → record_papers).
 * Feature modules import this module and use RecordPapers; see docs/ARCHITECTURE.md.
 */
@Module({
  imports: [DiscoveryModule, DocumentsModule],
  providers: [RecordPaperKinds, RecordPapers, RenderRecordPaperJob],
  exports: [RecordPapers],
})
export class RecordPapersModule {}
