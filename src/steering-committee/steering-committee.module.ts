import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { SteeringCommitteeController } from './steering-committee.controller.js';
import { SteeringCommitteeService } from './steering-committee.service.js';

/** The ISO steering committee of each agency: its compositions from the head's decisions, with their history. */
@Module({ imports: [AgenciesModule], controllers: [SteeringCommitteeController], providers: [SteeringCommitteeService], exports: [SteeringCommitteeService] })
export class SteeringCommitteeModule {}
