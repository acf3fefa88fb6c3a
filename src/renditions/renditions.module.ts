import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { LegalModule } from '../legal/legal.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { RenderRevisionJob } from './render-revision.job.js';
import { RenditionModelBuilder } from './rendition-model.builder.js';
import { RenditionsController } from './renditions.controller.js';
import { RenditionsCoreModule } from './renditions-core.module.js';
import { RenditionsService } from './renditions.service.js';

/**
 * Controlled-copy PDFs: the `render.revision` job (model from the database →
 * renderRevisionPdf → content-addressed store → rendition row), and GET /revisions/{id}/rendition.
 * Requests come from the documents and workflow services. See docs/RENDERING.md ("Renditions").
 */
@Module({
  imports: [RenditionsCoreModule, DocumentsModule, AgenciesModule, LegalModule],
  controllers: [RenditionsController],
  providers: [RenditionModelBuilder, RenderRevisionJob, RenditionsService],
  exports: [RenditionModelBuilder, RenderRevisionJob],
})
export class RenditionsModule {}
