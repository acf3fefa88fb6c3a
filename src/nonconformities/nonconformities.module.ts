import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocumentsModule } from '../documents/documents.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { WorkflowModule } from '../workflow/workflow.module.js';
import { NonconformitiesService } from './nonconformities.service.js';
import { NonconformitySourceWatchers } from './nonconformity-sources.js';

/**
 * Nonconformities and corrective actions (ISO 9001 §10.2). Exports NonconformitiesService (`open`
 * inside a caller's transaction, `summary`, `ofSource`) for the modules that find nonconformities
 * (internal audits, inspections, management reviews); a module that must learn when all the
 * nonconformities of one of its objects are closed marks a provider @NonconformitySourceWatcher(source).
 */
@Module({
  imports: [DiscoveryModule, DocumentsModule, WorkflowModule, IdentityModule],
  providers: [NonconformitySourceWatchers, NonconformitiesService],
  exports: [NonconformitiesService],
})
export class NonconformitiesModule {}
