import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccessModule } from './access/access.module.js';
import { AgenciesModule } from './agencies/agencies.module.js';
import { ApprovalModule } from './approval/approval.module.js';
import { AuditCoreModule } from './audit/audit-core.module.js';
import { AuditModule } from './audit/audit.module.js';
import { ProblemFilter } from './common/problem.js';
import type { AppConfig } from './config/app-config.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { DistributionModule } from './distribution/distribution.module.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DocumentsModule } from './documents/documents.module.js';
import { HealthModule } from './health/health.module.js';
import { HistoryModule } from './history/history.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { LegalModule } from './legal/legal.module.js';
import { LegalChangesModule } from './legal-changes/legal-changes.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PublicModule } from './public/public.module.js';
import { QueueModule } from './queue/queue.module.js';
import { RecordPapersModule } from './record-papers/record-papers.module.js';
import { RedisModule } from './redis/redis.module.js';
import { RenditionsModule } from './renditions/renditions.module.js';
import { StorageModule } from './storage/storage.module.js';
import { SupervisionModule } from './supervision/supervision.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { AgencyFactsModule } from './agency-facts/agency-facts.module.js';
import { WorkflowModule } from './workflow/workflow.module.js';
import { InternalAuditsModule } from './internal-audits/internal-audits.module.js';
import { NonconformitiesModule } from './nonconformities/nonconformities.module.js';
import { AnnouncementsModule } from './announcements/announcements.module.js';
import { SteeringCommitteeModule } from './steering-committee/steering-committee.module.js';
import { ManagementReviewsModule } from './management-reviews/management-reviews.module.js';
import { ObjectivesEvaluationModule } from './objectives-evaluation/objectives-evaluation.module.js';

export interface AppModuleOptions {
  /** Run the queue workers (and job schedulers) in this process. */
  workers: boolean;
  /** More modules (tests register test-only providers, e.g. a record paper kind, this way). */
  modules?: ModuleImport[];
}

type ModuleImport = NonNullable<DynamicModule['imports']>[number];

/** Feature modules, in one place. A new feature module is added here. */
const FEATURES = [AccessModule, ApprovalModule, AuditCoreModule, IdentityModule, AgenciesModule, HealthModule, NotificationsModule, AuditModule, LegalModule, DocumentsModule, WorkflowModule, HistoryModule, RenditionsModule, PublicModule, LegalChangesModule, RecordPapersModule, TasksModule, AgencyFactsModule, NonconformitiesModule, InternalAuditsModule, ObjectivesEvaluationModule, SteeringCommitteeModule, AnnouncementsModule, ManagementReviewsModule, SupervisionModule, CatalogueModule, DistributionModule];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, opts: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        StorageModule,
        QueueModule.forRoot(config, { workers: opts.workers }),
        ...FEATURES,
        ...(opts.modules ?? []),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
