import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocumentsModule } from '../documents/documents.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { WorkflowModule } from '../workflow/workflow.module.js';
import { CorrectiveActionsController, NonconformitiesController } from './nonconformities.controller.js';
import { NonconformitiesService } from './nonconformities.service.js';
import { NonconformityFacts } from './nonconformity-facts.js';
import { NonconformitySourceWatchers } from './nonconformity-sources.js';
import { NonconformityTasks } from './nonconformity-tasks.js';
import { OverdueActions } from './overdue-actions.js';

/**
 * Nonconformities and corrective actions (ISO 9001 §10.2). Exports NonconformitiesService (`open`
 * inside a caller's transaction, `summary`, `ofSource`) for the modules that find nonconformities
 * (internal audits, inspections, management reviews); a module that must learn when all the
 * nonconformities of one of its objects are closed marks a provider @NonconformitySourceWatcher(source).
 */
@Module({
  imports: [DiscoveryModule, DocumentsModule, WorkflowModule, IdentityModule],
  controllers: [NonconformitiesController, CorrectiveActionsController],
  providers: [NonconformitySourceWatchers, NonconformitiesService, NonconformityTasks, NonconformityFacts, OverdueActions],
  exports: [NonconformitiesService],
})
export class NonconformitiesModule {}
