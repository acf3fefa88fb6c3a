import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { TASK_KIND_NAMES, TASK_KINDS, type TaskKind } from './task-kinds.js';

const KIND_LIST = TASK_KIND_NAMES.map((k) => `${k}: ${TASK_KINDS[k]}`).join('; ');

export class TaskQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TASK_KIND_NAMES, description: 'Only tasks of this kind.' })
  @IsOptional()
  @IsIn(TASK_KIND_NAMES)
  kind?: TaskKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only tasks of this agency.' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;
}

export class TaskCountsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only tasks of this agency.' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;
}

/**
 * One thing that waits for the caller. Every task links to its record (`entityType`, `entityId`);
 * the document fields are set for tasks about documents and revisions, null for other records.
 */
export class TaskView {
  @ApiProperty({ enum: TASK_KIND_NAMES, description: KIND_LIST }) kind: TaskKind;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ example: 'revision', description: 'What the task is about: `revision`, `document`, or a record type (e.g. `internal_audit`, `nonconformity`).' })
  entityType: string;
  @ApiProperty({ format: 'uuid', description: 'The id of that record (for revision tasks the revision, for document flags the document).' }) entityId: string;
  @ApiProperty({ description: 'What to show: the document title, or the record title.' }) title: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The document, for tasks about documents.' }) documentId: string | null;
  @ApiProperty({ example: 'QT-01', nullable: true, type: String, description: 'The document code (or a record code).' }) code: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The revision to act on (for flags: the open revision, else the effective one).' })
  revisionId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The state of the revision or record.' }) state: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Lần ban hành (the number an open revision will get).' }) number: number | null;
  @ApiProperty({ format: 'date-time', description: 'Waiting since.' }) since: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dueOn: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'returned: the comment of the return.' }) comment: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Flags: why it was raised.' }) reason: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Flags: the flag.' }) flagId: string | null;
}

export class TaskPage {
  @ApiProperty({ type: [TaskView], description: 'Oldest first.' }) items: TaskView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** The number of tasks of each kind (a property per kind of TASK_KINDS). */
export class TaskKindCounts {}
for (const kind of TASK_KIND_NAMES) ApiProperty({ type: 'integer', minimum: 0, description: TASK_KINDS[kind] })(TaskKindCounts.prototype, kind);

export class TaskCounts {
  @ApiProperty({ description: 'All tasks waiting for you (what GET /me/tasks lists).' }) total: number;
  @ApiProperty({ type: TaskKindCounts, description: 'Tasks per kind; every kind is present (0 when none).' }) byKind: Record<TaskKind, number>;
}
