import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { PublicModule } from '../public/public.module.js';
import { AgencyObjectivesController, ObjectiveEvaluationsController, PublicObjectivesController } from './objectives-evaluation.controller.js';
import { ObjectivesEvaluationService } from './objectives-evaluation.service.js';
import { ObjectivesFacts } from './objectives-facts.js';

/**
 * Evaluations of the quality objectives (per period, against the revision in force), the agency's
 * roll-up of its units' objectives, the public posting of objectives and results, and the objectives
 * figures of the agency facts.
 */
@Module({
  imports: [DocumentsModule, AgenciesModule, PublicModule],
  controllers: [ObjectiveEvaluationsController, AgencyObjectivesController, PublicObjectivesController],
  providers: [ObjectivesEvaluationService, ObjectivesFacts],
  exports: [ObjectivesEvaluationService],
})
export class ObjectivesEvaluationModule {}
