import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { AccessService } from '../access/access.service.js';
import type { Grant, Principal } from '../access/principal.js';
import type { Role } from '../access/roles.js';
import { compareCodeUnits } from '../common/canonical-json.js';
import { providersMarked } from '../common/discovery.js';
import { Errors } from '../common/errors.js';
import { Cursor, pageLimit, toPage } from '../common/pagination.js';
import { isTaskKind, TASK_KIND_NAMES, TaskKind } from './task-kinds.js';
import { TASK_SOURCE, TaskCursor, TaskItem, TaskScope, TaskSource } from './task-source.js';
import type { TaskCounts, TaskCountsQuery, TaskPage, TaskQuery } from './tasks.dto.js';

const SINCE_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Shared order of tasks: since, then key (code units, like COLLATE "C"). */
export function compareTasks(a: TaskItem, b: TaskItem): number {
  return compareCodeUnits(a.sinceKey, b.sinceKey) || compareCodeUnits(a.key, b.key);
}

/**
 * K-way merge of lists each in the shared order: the first `limit` items of their union, in order.
 * (Each source returns its first page-size + 1 items after the cursor, so the merged first
 * page-size + 1 are exactly those of the union.)
 */
export function mergeTaskLists(lists: TaskItem[][], limit: number): TaskItem[] {
  const heads = lists.map(() => 0);
  const out: TaskItem[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      if (heads[i] < lists[i].length && (best < 0 || compareTasks(lists[i][heads[i]], lists[best][heads[best]]) < 0)) best = i;
    }
    if (best < 0) break;
    out.push(lists[best][heads[best]++]);
  }
  return out;
}

/** The scope given to sources for the caller, an agency filter and the kinds asked. */
export function taskScope(principal: Principal, grants: Grant[], agencyId: string | null, kinds: ReadonlySet<TaskKind>): TaskScope {
  return {
    principal,
    grants,
    agencyId,
    kinds,
    wants: (kind) => kinds.has(kind),
    agenciesWith: (...roles: Role[]) => grants.filter((g) => g.roles.some((r) => roles.includes(r)) && (!agencyId || g.agencyId === agencyId)).map((g) => g.agencyId),
  };
}

/**
 * GET /me/tasks and /me/tasks/counts over every module's TaskSource: the sources found at start-up
 * (classes marked @TaskSourceProvider), each asked for its kinds only, their pages merged in the
 * shared keyset order with one stable cursor. Refuses to start when a source yields a kind that is
 * not in TASK_KINDS, two sources claim a kind, or a kind has no source.
 */
@Injectable()
export class TaskBoard implements OnModuleInit {
  private readonly logger = new Logger('TaskBoard');
  private readonly sources: TaskSource[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  onModuleInit(): void {
    this.register(providersMarked<boolean>(this.discovery, this.reflector, TASK_SOURCE).map(({ name, instance }) => ({ name, source: instance as TaskSource })));
  }

  /** Checks and takes the sources (also for unit tests). */
  register(found: { name: string; source: TaskSource }[]): void {
    const owner = new Map<string, string>();
    for (const { name, source } of found) {
      if (!Array.isArray(source.kinds) || typeof source.list !== 'function' || typeof source.count !== 'function') {
        throw new Error(`@TaskSourceProvider on ${name}: the class is not a TaskSource (kinds, list, count)`);
      }
      for (const kind of source.kinds) {
        if (!isTaskKind(kind)) throw new Error(`Task source ${name} yields '${kind}', which is not in TASK_KINDS (src/tasks/task-kinds.ts)`);
        if (owner.has(kind)) throw new Error(`Task kind '${kind}' is yielded by ${owner.get(kind)} and ${name}`);
        owner.set(kind, name);
      }
    }
    const missing = TASK_KIND_NAMES.filter((k) => !owner.has(k));
    if (missing.length) throw new Error(`Refusing to start: no task source yields ${missing.join(', ')}`);
    this.sources.splice(0, this.sources.length, ...found.map((f) => f.source));
    this.logger.debug(`${found.length} task sources, ${owner.size} kinds`);
  }

  async list(p: Principal, q: TaskQuery): Promise<TaskPage> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor);
    const grants = await this.access.grants(p);
    const wanted = new Set<TaskKind>(q.kind ? [q.kind] : TASK_KIND_NAMES);
    const lists = await Promise.all(
      this.asked(wanted).map(async ({ source, kinds }) => {
        const items = await source.list({ ...taskScope(p, grants, q.agencyId ?? null, kinds), after, limit: limit + 1 });
        for (const it of items) if (!kinds.has(it.view.kind)) throw new Error(`a task source returned a '${it.view.kind}' task it was not asked for`);
        return items;
      }),
    );
    return toPage(mergeTaskLists(lists, limit + 1), limit, (t) => [t.sinceKey, t.key], (t) => t.view);
  }

  async counts(p: Principal, q: TaskCountsQuery): Promise<TaskCounts> {
    const grants = await this.access.grants(p);
    const parts = await Promise.all(this.asked(new Set(TASK_KIND_NAMES)).map(({ source, kinds }) => source.count(taskScope(p, grants, q.agencyId ?? null, kinds))));
    const byKind = Object.fromEntries(TASK_KIND_NAMES.map((k) => [k, 0])) as Record<TaskKind, number>;
    for (const part of parts) for (const [k, n] of Object.entries(part)) if (isTaskKind(k)) byKind[k] += Number(n ?? 0);
    return { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
  }

  /** The sources yielding any of `wanted`, each with the kinds asked of it. */
  private asked(wanted: ReadonlySet<TaskKind>): { source: TaskSource; kinds: ReadonlySet<TaskKind> }[] {
    return this.sources
      .map((source) => ({ source, kinds: new Set(source.kinds.filter((k) => wanted.has(k))) as ReadonlySet<TaskKind> }))
      .filter((s) => s.kinds.size > 0);
  }
}

function decodeCursor(cursor: string | undefined): TaskCursor | null {
  const v = Cursor.decode(cursor, 2);
  if (!v) return null;
  const [sinceKey, key] = v;
  if (typeof sinceKey !== 'string' || !SINCE_KEY.test(sinceKey) || typeof key !== 'string') {
    throw Errors.validation([{ field: 'cursor', message: 'is not a cursor returned by this list' }]);
  }
  return { sinceKey, key };
}
