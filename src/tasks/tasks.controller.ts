import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { TASK_KIND_NAMES, TASK_KINDS } from './task-kinds.js';
import { TaskBoard } from './task-board.js';
import { TaskCounts, TaskCountsQuery, TaskPage, TaskQuery } from './tasks.dto.js';

const KINDS = TASK_KIND_NAMES.map((k) => `${k}: ${TASK_KINDS[k]}`).join('; ');

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('me/tasks')
export class TasksController {
  constructor(private readonly board: TaskBoard) {}

  @Get()
  @Operation(
    'listMyTasks',
    'What waits for you: checks, approvals, returned drafts, overdue reviews, legal changes and the tasks of quality records',
    `Across all your agencies (or \`agencyId\`), oldest first, one kind with \`kind\`; keyset pages (\`cursor\` from \`nextCursor\`). ${KINDS}. ` +
      'Each task links to its record (`entityType`, `entityId`); document tasks also carry the document and revision.',
  )
  @ApiOkResponse({ type: TaskPage })
  @ApiProblems(401)
  list(@CurrentUser() p: Principal, @Query() q: TaskQuery): Promise<TaskPage> {
    return this.board.list(p, q);
  }

  @Get('counts')
  @Operation('countMyTasks', 'How many tasks wait for you, per kind and in total', 'The same tasks as GET /me/tasks (optionally of one agency), counted; every kind is present.')
  @ApiOkResponse({ type: TaskCounts })
  @ApiProblems(401)
  counts(@CurrentUser() p: Principal, @Query() q: TaskCountsQuery): Promise<TaskCounts> {
    return this.board.counts(p, q);
  }
}
