import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { DistributionFacts } from './distribution-facts.js';
import { DistributionController } from './distribution.controller.js';
import { DistributionService } from './distribution.service.js';
import { ReadTasks } from './distribution.tasks.js';

/** Distribution and read-and-acknowledge: who must read a document, read requests, acknowledgements, reminders. */
@Module({ imports: [DocumentsModule, AgenciesModule], controllers: [DistributionController], providers: [DistributionService, ReadTasks, DistributionFacts], exports: [DistributionService] })
export class DistributionModule {}
