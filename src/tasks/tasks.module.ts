import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TaskBoard } from './task-board.js';
import { TasksController } from './tasks.controller.js';

/**
 * GET /me/tasks and /me/tasks/counts: the task board merges the TaskSources of every module (found by
 * @TaskSourceProvider), so this module imports no feature module and queries no table of its own.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [TasksController],
  providers: [TaskBoard],
})
export class TasksModule {}
