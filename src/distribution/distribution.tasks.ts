import { Injectable } from '@nestjs/common';
import type { TaskKind } from '../tasks/task-kinds.js';
import { TaskSourceProvider, type TaskScope } from '../tasks/task-source.js';
import { SqlTaskSource } from '../tasks/sql-task-source.js';

/** `read`: revisions in force the caller was asked to read and has not acknowledged. */
@Injectable()
@TaskSourceProvider()
export class ReadTasks extends SqlTaskSource {
  readonly kinds: readonly TaskKind[] = ['read'];

  protected items(q: TaskScope): { sql: string; params: unknown[] } {
    return {
      sql: `SELECT 'read'::text AS kind, r.agency_id, 'revision' AS entity_type, r.revision_id AS entity_id, d.title, d.code, r.document_id,
                   r.revision_id, v.state, v.number, r.asked_at AS since, 'read:' || r.id AS key
              FROM read_requests r
              JOIN revisions v ON v.id = r.revision_id AND v.state = 'effective'
              JOIN documents d ON d.id = r.document_id
             WHERE $2 AND r.user_id = $1 AND r.closed_at IS NULL AND ($3::uuid IS NULL OR r.agency_id = $3)
               AND NOT EXISTS (SELECT 1 FROM revision_acknowledgements a WHERE a.revision_id = r.revision_id AND a.user_id = r.user_id)`,
      params: [q.principal.id, q.wants('read'), q.agencyId],
    };
  }
}
