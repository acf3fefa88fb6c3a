import { Injectable } from '@nestjs/common';
import { mayApproveSql } from '../approval/approval-rights.js';
import { Database } from '../database/database.js';
import type { TaskKind } from '../tasks/task-kinds.js';
import { TaskItem, TaskPageRequest, TaskScope, TaskSource, TaskSourceProvider } from '../tasks/task-source.js';
import { countTasks, keysetTasks } from '../tasks/task-sql.js';

interface TaskRow {
  kind: TaskKind;
  agency_id: string;
  document_id: string;
  code: string;
  title: string;
  revision_id: string | null;
  state: string | null;
  number: number | null;
  since: Date;
  since_key: string;
  due_on: string | null;
  comment: string | null;
  reason: string | null;
  flag_id: string | null;
  key: string;
}

/** The latest transition of revision r. */
const LAST_TRANSITION = `LEFT JOIN LATERAL (
    SELECT t.at, t.comment, t.from_state, t.to_state FROM revision_transitions t
     WHERE t.revision_id = r.id ORDER BY t.at DESC, t.id DESC LIMIT 1) lt ON true`;

/** The number an unnumbered revision will get. */
const NUMBER_OF_R = `coalesce(r.number, (SELECT coalesce(max(x.number), 0) + 1 FROM revisions x WHERE x.document_id = r.document_id))`;

const REVISION_COLUMNS = `r.agency_id, r.document_id, d.code, d.title, r.id AS revision_id, r.state, ${NUMBER_OF_R} AS number,
       coalesce(lt.at, r.updated_at) AS since, NULL::text AS due_on`;

/** A flag task: the document's open revision (else its effective one). */
function flagTasks(kind: TaskKind, flagKind: string, agencies: string): string {
  return `
  SELECT '${kind}'::text AS kind, f.agency_id, f.document_id, d.code, d.title, r.id AS revision_id, r.state,
         CASE WHEN r.id IS NULL THEN NULL ELSE ${NUMBER_OF_R} END AS number,
         f.raised_at AS since, to_char(f.due_on, 'YYYY-MM-DD') AS due_on, NULL::text AS comment, f.reason, f.id AS flag_id, '${kind}:' || f.id AS key
    FROM document_flags f
    JOIN documents d ON d.id = f.document_id AND d.withdrawn_at IS NULL
    LEFT JOIN LATERAL (
      SELECT x.* FROM revisions x
       WHERE x.document_id = f.document_id AND x.state IN ('draft', 'in_review', 'pending_approval', 'approved', 'effective')
       ORDER BY (x.state = 'effective'), x.created_at DESC LIMIT 1) r ON true
   WHERE f.kind = '${flagKind}' AND f.cleared_at IS NULL AND f.agency_id = ANY(${agencies}::uuid[])`;
}

/**
 * The documents' and workflow's tasks in GET /me/tasks (a TaskSource) —
 * `check` (revisions in review where the caller is ISO secretary and not the author),
 * `approve` (pending approval where the caller may approve now — the SQL functions `may_approve`
 * and `revision_approval_exclusions` that ApprovalRights and the sign-off trigger use: head, or
 * deputy under an active delegation; not revisions they wrote or checked), `returned` (their drafts whose last move was a return),
 * `review_due` and `legal_change` (active flags in agencies where they are ISO secretary; legal
 * changes also for drafters). One query of the items; the task board adds order, keyset and limit.
 */
@Injectable()
@TaskSourceProvider()
export class WorkflowTasks implements TaskSource {
  readonly kinds: readonly TaskKind[] = ['check', 'approve', 'returned', 'review_due', 'legal_change', 'tthc_change'];

  constructor(private readonly db: Database) {}

  async list(q: TaskPageRequest): Promise<TaskItem[]> {
    const { sql, params } = this.items(q);
    return (await keysetTasks<TaskRow>(this.db, sql, params, q)).map(toTaskItem);
  }

  count(q: TaskScope): Promise<Partial<Record<TaskKind, number>>> {
    const { sql, params } = this.items(q);
    return countTasks(this.db, sql, params);
  }

  private items(q: TaskScope): { sql: string; params: unknown[] } {
    const p = q.principal;
    const kinds = q.kinds;
    const agencies = q.agenciesWith;
    const pick = (kind: TaskKind, ids: string[]) => (kinds.has(kind) ? ids : []);
    return {
      sql: `
        SELECT 'check'::text AS kind, ${REVISION_COLUMNS}, NULL::text AS comment, NULL::text AS reason, NULL::uuid AS flag_id, 'check:' || r.id AS key
          FROM revisions r JOIN documents d ON d.id = r.document_id AND d.withdrawn_at IS NULL
          ${LAST_TRANSITION}
         WHERE r.state = 'in_review' AND r.agency_id = ANY($2::uuid[]) AND r.author_id <> $1
        UNION ALL
        SELECT 'approve', ${REVISION_COLUMNS}, NULL, NULL, NULL, 'approve:' || r.id
          FROM revisions r JOIN documents d ON d.id = r.document_id AND d.withdrawn_at IS NULL
          ${LAST_TRANSITION}
         WHERE r.state = 'pending_approval' AND r.agency_id = ANY($3::uuid[])
           AND ${mayApproveSql('r.agency_id', '$1', 'now()')}
           AND NOT EXISTS (SELECT 1 FROM revision_approval_exclusions(r.id) x WHERE x.user_id = $1)
        UNION ALL
        SELECT 'returned', ${REVISION_COLUMNS}, lt.comment, NULL, NULL, 'returned:' || r.id
          FROM revisions r JOIN documents d ON d.id = r.document_id AND d.withdrawn_at IS NULL
          ${LAST_TRANSITION}
         WHERE $4 AND r.state = 'draft' AND r.author_id = $1 AND ($5::uuid IS NULL OR r.agency_id = $5)
           AND lt.to_state = 'draft' AND lt.from_state IN ('in_review', 'pending_approval')
        UNION ALL ${flagTasks('review_due', 'review_overdue', '$6')}
        UNION ALL ${flagTasks('legal_change', 'legal_basis_changed', '$7')}
        UNION ALL ${flagTasks('tthc_change', 'tthc_changed', '$8')}
`,
      params: [
        p.id,
        pick('check', agencies('iso_secretary')),
        // Only agencies where the caller holds an approving role need asking may_approve.
        pick('approve', agencies('head', 'deputy')),
        kinds.has('returned'),
        q.agencyId ?? null,
        pick('review_due', agencies('iso_secretary')),
        pick('legal_change', agencies('iso_secretary', 'drafter')),
        pick('tthc_change', agencies('iso_secretary', 'drafter')),
      ],
    };
  }
}

function toTaskItem(r: TaskRow): TaskItem {
  return { view: toTaskView(r), sinceKey: r.since_key, key: r.key };
}

function toTaskView(r: TaskRow): TaskItem['view'] {
  return {
    kind: r.kind,
    agencyId: r.agency_id,
    // Flags are about the document, the other tasks about a revision.
    entityType: r.flag_id ? 'document' : 'revision',
    entityId: r.flag_id ? r.document_id : r.revision_id!,
    documentId: r.document_id,
    code: r.code,
    title: r.title,
    revisionId: r.revision_id,
    state: r.state,
    number: r.number === null ? null : Number(r.number),
    since: new Date(r.since).toISOString(),
    dueOn: r.due_on,
    comment: r.comment,
    reason: r.reason,
    flagId: r.flag_id,
  };
}
