/**
 * Helpers for TaskSources written as one SQL query of their items. The items query yields one row per
 * task with at least `kind`, `since` (timestamptz) and `key` (text, "<kind>:<id>"), and its own
 * parameters $1..$n; the helpers add the keyset, the order and the limit (or the count per kind)
 * around it, with the cursor as $n+1, $n+2. `taskItemOf` maps rows with the standard column names.
 */
import type { Database } from '../database/database.js';
import type { TaskKind } from './task-kinds.js';
import type { TaskCursor, TaskItem } from './task-source.js';

/** `since` as the sort key text: UTC, microseconds (what TaskItem.sinceKey holds). */
export const SINCE_KEY_SQL = `to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The shared order: since, then key by code units. */
export const TASK_ORDER_SQL = `since, key COLLATE "C"`;

/** The items of `itemsSql` after the cursor in the shared order, at most `limit`, each with `since_key`. */
export function keysetTasks<R>(db: Database, itemsSql: string, params: unknown[], q: { after: TaskCursor | null; limit: number }): Promise<(R & { since_key: string; key: string })[]> {
  const n = params.length;
  return db.query(
    `WITH items AS (${itemsSql})
     SELECT *, ${SINCE_KEY_SQL} AS since_key FROM items
      WHERE ($${n + 1}::timestamptz IS NULL OR (since, key COLLATE "C") > ($${n + 1}::timestamptz, $${n + 2}::text))
      ORDER BY ${TASK_ORDER_SQL}
      LIMIT ${Math.max(0, Math.floor(q.limit))}`,
    [...params, q.after?.sinceKey ?? null, q.after?.key ?? null],
  );
}

/** The number of items of `itemsSql` per kind. */
export async function countTasks(db: Database, itemsSql: string, params: unknown[]): Promise<Partial<Record<TaskKind, number>>> {
  const rows = await db.query<{ kind: TaskKind; n: number }[]>(`WITH items AS (${itemsSql}) SELECT kind, count(*)::int AS n FROM items GROUP BY kind`, params);
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** A task row with the standard column names (record sources select these). */
export interface TaskRow {
  kind: TaskKind;
  agency_id: string;
  entity_type: string;
  entity_id: string;
  title: string;
  since: Date;
  since_key: string;
  key: string;
  document_id?: string | null;
  code?: string | null;
  revision_id?: string | null;
  state?: string | null;
  number?: number | string | null;
  /** 'YYYY-MM-DD' (to_char(due_on, 'YYYY-MM-DD')). */
  due_on?: string | null;
  comment?: string | null;
  reason?: string | null;
  flag_id?: string | null;
}

export function taskItemOf(r: TaskRow): TaskItem {
  return {
    view: {
      kind: r.kind,
      agencyId: r.agency_id,
      entityType: r.entity_type,
      entityId: r.entity_id,
      title: r.title,
      documentId: r.document_id ?? null,
      code: r.code ?? null,
      revisionId: r.revision_id ?? null,
      state: r.state ?? null,
      number: r.number === null || r.number === undefined ? null : Number(r.number),
      since: new Date(r.since).toISOString(),
      dueOn: r.due_on ?? null,
      comment: r.comment ?? null,
      reason: r.reason ?? null,
      flagId: r.flag_id ?? null,
    },
    sinceKey: r.since_key,
    key: r.key,
  };
}
