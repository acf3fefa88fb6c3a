import { SetMetadata } from '@nestjs/common';
import type { Grant, Principal } from '../access/principal.js';
import type { Role } from '../access/roles.js';
import type { TaskKind } from './task-kinds.js';
import type { TaskView } from './tasks.dto.js';

/** Metadata key of @TaskSourceProvider. */
export const TASK_SOURCE = 'eiso:task-source';

/**
 * One task with its place in the shared order: oldest first by `since`, ties by `key`.
 * `sinceKey` is `since` in UTC with microseconds ("2026-06-10T02:30:00.123456Z", so text order is time
 * order); `key` is unique across all sources ("<kind>:<id>", ASCII) and compared by code units (SQL:
 * COLLATE "C"). The cursor of GET /me/tasks is the (sinceKey, key) of the last item.
 */
export interface TaskItem {
  view: TaskView;
  sinceKey: string;
  key: string;
}

/** Where a page continues: strictly after this (sinceKey, key). */
export interface TaskCursor {
  sinceKey: string;
  key: string;
}

/** Whose tasks, filtered how: what every source is given. */
export interface TaskScope {
  principal: Principal;
  /** The caller's memberships (agency, path, roles). */
  grants: Grant[];
  /** ?agencyId=: only tasks of this agency (null: every agency). */
  agencyId: string | null;
  /** The kinds asked of this source (those of its kinds the request wants). */
  kinds: ReadonlySet<TaskKind>;
  /** True when `kind` is asked. */
  wants(kind: TaskKind): boolean;
  /**
   * Agencies where the caller holds one of `roles` directly, narrowed to `agencyId` when it is set —
   * the usual filter of a task query. Subtree roles (supervisor) are the source's business
   * (AccessService.scope), and so is honouring `agencyId` then.
   */
  agenciesWith(...roles: Role[]): string[];
}

export interface TaskPageRequest extends TaskScope {
  /** Only tasks after this; null: from the oldest. */
  after: TaskCursor | null;
  /** At most this many (the page size + 1). */
  limit: number;
}

/**
 * A module's contribution to GET /me/tasks. `list` returns the caller's tasks of the asked kinds in
 * the shared order (since, key), strictly after `after`, at most `limit`; `count` the number per kind.
 * A source queries only its own module's tables. Mark the class @TaskSourceProvider() and list it in
 * its module's providers; declare its kinds in TASK_KINDS (src/tasks/task-kinds.ts). SQL sources use
 * keysetTasks / countTasks (src/tasks/task-sql.ts) over one query of their items.
 */
export interface TaskSource {
  readonly kinds: readonly TaskKind[];
  list(q: TaskPageRequest): Promise<TaskItem[]>;
  count(q: TaskScope): Promise<Partial<Record<TaskKind, number>>>;
}

/** Registers a provider class as a TaskSource (found at start-up by the task board). */
export const TaskSourceProvider = (): ClassDecorator => SetMetadata(TASK_SOURCE, true);
