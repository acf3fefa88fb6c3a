import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { RenditionsCoreModule } from '../renditions/renditions-core.module.js';
import { EffectiveDates } from './effective-dates.service.js';
import { PeriodicReview } from './periodic-review.service.js';
import { SignOffs } from './sign-offs.service.js';
import { WorkflowTasks } from './tasks.service.js';
import { WithdrawalService } from './withdrawal.service.js';
import { DocumentWithdrawalController, RevisionWorkflowController } from './workflow.controller.js';
import { WorkflowPeople } from './workflow-people.js';
import { WorkflowService } from './workflow.service.js';

/**
 * The approval workflow: submit, check, approve (with re-authentication and sign-offs), return,
 * effective dates (delayed job + sweep), withdrawal, periodic review and their tasks in /me/tasks
 * (WorkflowTasks, a TaskSource). Every
 * move requests the revision's new controlled copy (RenditionRequests) in its transaction.
 * Exports what later features build on: SignOffs (signatures with validity), EffectiveDates,
 * WorkflowPeople.
 */
@Module({
  imports: [DocumentsModule, IdentityModule, RenditionsCoreModule],
  controllers: [RevisionWorkflowController, DocumentWithdrawalController],
  providers: [WorkflowPeople, SignOffs, EffectiveDates, WorkflowService, WithdrawalService, PeriodicReview, WorkflowTasks],
  exports: [WorkflowPeople, SignOffs, EffectiveDates, WorkflowService],
})
export class WorkflowModule {}
