import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { WorkflowModule } from '../workflow/workflow.module.js';
import { RenderRevisionJob } from './render-revision.job.js';
import { RenditionModelBuilder } from './rendition-model.builder.js';
import { RenditionTriggers } from './rendition-triggers.js';
import { RenditionsController } from './renditions.controller.js';
import { RenditionsCoreModule } from './renditions-core.module.js';
import { RenditionsService } from './renditions.service.js';

/**
 * Controlled-copy PDFs (issue 5): render requests from the workflow's state changes, the
 * `render.revision` job (model from the database → renderRevisionPdf → content-addressed store →
 * rendition row), and GET /revisions/{id}/rendition. See docs/RENDERING.md ("Renditions").
 */
@Module({
  imports: [RenditionsCoreModule, DocumentsModule, WorkflowModule, AgenciesModule],
  controllers: [RenditionsController],
  providers: [RenditionModelBuilder, RenderRevisionJob, RenditionTriggers, RenditionsService],
  exports: [RenditionModelBuilder, RenderRevisionJob],
})
export class RenditionsModule {}
