import { Injectable } from '@nestjs/common';
import type { TaskKind } from '../tasks/task-kinds.js';
import { TaskSourceProvider, type TaskScope } from '../tasks/task-source.js';
import { SqlTaskSource } from '../tasks/sql-task-source.js';
import { VN_TODAY_SQL } from './nonconformities.service.js';

/** The instant an action became overdue: 00:00 in Vietnam the day after its due date. */
const OVERDUE_SINCE = `((a.due_on + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`;

/**
 * What nonconformities ask of people: corrective actions (the responsible person's; overdue ones
 * also the ISO secretaries') and verifications (auditors and ISO secretaries responsible for none of
 * the actions).
 */
@Injectable()
@TaskSourceProvider()
export class NonconformityTasks extends SqlTaskSource {
  readonly kinds: readonly TaskKind[] = ['corrective_action', 'corrective_action_overdue', 'verify_nonconformity'];

  protected items(q: TaskScope): { sql: string; params: unknown[] } {
    const code = `'KPH-' || lpad(n.number::text, 3, '0')`;
    const sql = `
      SELECT 'corrective_action'::text AS kind, a.agency_id, 'nonconformity'::text AS entity_type, n.id AS entity_id, a.description AS title,
             ${code} AS code, n.state, to_char(a.due_on, 'YYYY-MM-DD') AS due_on, a.created_at AS since, 'corrective_action:' || a.id AS key
        FROM corrective_actions a JOIN nonconformities n ON n.id = a.nonconformity_id
       WHERE $1 AND a.state = 'open' AND a.responsible_user_id = $4 AND a.due_on >= ${VN_TODAY_SQL} AND ($5::uuid IS NULL OR a.agency_id = $5)
      UNION ALL
      SELECT 'corrective_action_overdue', a.agency_id, 'nonconformity', n.id, a.description,
             ${code}, n.state, to_char(a.due_on, 'YYYY-MM-DD'), ${OVERDUE_SINCE}, 'corrective_action_overdue:' || a.id
        FROM corrective_actions a JOIN nonconformities n ON n.id = a.nonconformity_id
       WHERE $2 AND a.state = 'open' AND a.due_on < ${VN_TODAY_SQL} AND ($5::uuid IS NULL OR a.agency_id = $5)
         AND (a.responsible_user_id = $4 OR a.agency_id = ANY($6::uuid[]))
      UNION ALL
      SELECT 'verify_nonconformity', n.agency_id, 'nonconformity', n.id, n.description,
             ${code}, n.state, NULL, n.updated_at, 'verify_nonconformity:' || n.id
        FROM nonconformities n
       WHERE $3 AND n.state = 'awaiting_verification' AND n.agency_id = ANY($7::uuid[])
         AND NOT EXISTS (SELECT 1 FROM corrective_actions r WHERE r.nonconformity_id = n.id AND r.responsible_user_id = $4)`;
    return {
      sql,
      params: [
        q.wants('corrective_action'),
        q.wants('corrective_action_overdue'),
        q.wants('verify_nonconformity'),
        q.principal.id,
        q.agencyId,
        q.agenciesWith('iso_secretary'),
        q.agenciesWith('auditor', 'iso_secretary'),
      ],
    };
  }
}
