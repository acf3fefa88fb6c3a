import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AnnouncementsModule } from '../announcements/announcements.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { InternalAuditsModule } from '../internal-audits/index.js';
import { LegalChangesModule } from '../legal-changes/legal-changes.module.js';
import { NonconformitiesModule } from '../nonconformities/index.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ObjectivesEvaluationModule } from '../objectives-evaluation/objectives-evaluation.module.js';
import { RecordPapersModule } from '../record-papers/index.js';
import { ManagementReviewFacts } from './management-review-facts.js';
import { ManagementReviewTasks } from './management-review-tasks.js';
import { ManagementReviewDecisionsController, ManagementReviewsController } from './management-reviews.controller.js';
import { ManagementReviewsService } from './management-reviews.service.js';
import { ManagementReviewMinutesPaper } from './minutes-paper.js';
import { ReviewInputs } from './review-inputs.js';

/**
 * Management reviews (§9.3): inputs collected from the owner modules, minutes and decisions, approval
 * by the chair, the minutes PDF, the decisions' tasks and the reviews-held figure.
 */
@Module({
  imports: [
    AgenciesModule,
    AnnouncementsModule,
    DocumentsModule,
    IdentityModule,
    InternalAuditsModule,
    LegalChangesModule,
    NonconformitiesModule,
    NotificationsModule,
    ObjectivesEvaluationModule,
    RecordPapersModule,
  ],
  controllers: [ManagementReviewsController, ManagementReviewDecisionsController],
  providers: [ManagementReviewsService, ReviewInputs, ManagementReviewMinutesPaper, ManagementReviewTasks, ManagementReviewFacts],
  exports: [ManagementReviewsService],
})
export class ManagementReviewsModule {}
