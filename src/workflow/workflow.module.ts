import { Module } from '@nestjs/common';
import { DistributionModule } from '../distribution/distribution.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { EffectiveDates } from './effective-dates.service.js';
import { PeriodicReview } from './periodic-review.service.js';
import { SignOffs } from './sign-offs.service.js';
import { WorkflowTasks } from './tasks.service.js';
import { WithdrawalService } from './withdrawal.service.js';
import { DocumentWithdrawalController, RevisionWorkflowController } from './workflow.controller.js';
import { WorkflowPeople } from './workflow-people.js';
import { WorkflowService } from './workflow.service.js';

/**
 * The approval workflow, the people side of the revision lifecycle: submit, check, approve (with
 * re-authentication and sign-offs), return, effective dates (delayed job + sweep), withdrawal,
 * periodic review, the work lists (WorkflowTasks, a TaskSource of /me/tasks) and the notices. The
 * moves themselves (checks, state, stamps, transition, audit, rendition request) are
 * RevisionLifecycle's (src/documents); who may approve is ApprovalRights' (src/approval). Exports
 * what later features build on: SignOffs (signatures with validity), EffectiveDates, WorkflowPeople.
 */
@Module({
  imports: [DocumentsModule, DistributionModule],
  controllers: [RevisionWorkflowController, DocumentWithdrawalController],
  providers: [WorkflowPeople, SignOffs, EffectiveDates, WorkflowService, WithdrawalService, PeriodicReview, WorkflowTasks],
  exports: [WorkflowPeople, SignOffs, EffectiveDates, WorkflowService],
})
export class WorkflowModule {}
