import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { TaskKind } from './task-kinds.js';
import type { TaskItem, TaskPageRequest, TaskScope, TaskSource } from './task-source.js';
import { countTasks, keysetTasks, taskItemOf, type TaskRow } from './task-sql.js';

/**
 * A TaskSource written as one SQL query of its items with the standard columns (TaskRow): the
 * subclass gives `kinds` and `items(q)`; the page (keyset, order, limit) and the counts per kind
 * are added here. Mark the subclass @Injectable() @TaskSourceProvider().
 */
@Injectable()
export abstract class SqlTaskSource implements TaskSource {
  abstract readonly kinds: readonly TaskKind[];

  constructor(protected readonly db: Database) {}

  /** The items query over the module's own tables and its parameters ($1..$n). */
  protected abstract items(q: TaskScope): { sql: string; params: unknown[] };

  async list(q: TaskPageRequest): Promise<TaskItem[]> {
    const { sql, params } = this.items(q);
    return (await keysetTasks<TaskRow>(this.db, sql, params, q)).map(taskItemOf);
  }

  count(q: TaskScope): Promise<Partial<Record<TaskKind, number>>> {
    const { sql, params } = this.items(q);
    return countTasks(this.db, sql, params);
  }
}
