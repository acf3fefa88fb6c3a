import { Injectable } from '@nestjs/common';
import { mayApproveSql } from '../approval/approval-rights.js';
import type { TaskKind } from '../tasks/task-kinds.js';
import { TaskSourceProvider, type TaskScope } from '../tasks/task-source.js';
import { SqlTaskSource } from '../tasks/sql-task-source.js';

/**
 * What internal audits ask of people: approving a plan (the same SQL rule as the approval itself,
 * never its planner or auditors) and, for the lead auditor, starting and reporting the audit.
 */
@Injectable()
@TaskSourceProvider()
export class InternalAuditTasks extends SqlTaskSource {
  readonly kinds: readonly TaskKind[] = ['approve_internal_audit', 'conduct_internal_audit'];

  protected items(q: TaskScope): { sql: string; params: unknown[] } {
    const sql = `
      SELECT 'approve_internal_audit'::text AS kind, a.agency_id, 'internal_audit'::text AS entity_type, a.id AS entity_id, a.title,
             a.state, to_char(a.planned_from, 'YYYY-MM-DD') AS due_on, a.created_at AS since, 'approve_internal_audit:' || a.id AS key
        FROM internal_audits a
       WHERE $1 AND a.state = 'planned' AND a.agency_id = ANY($4::uuid[]) AND ${mayApproveSql('a.agency_id', '$3', 'now()')}
         AND a.created_by <> $3 AND NOT EXISTS (SELECT 1 FROM internal_audit_auditors x WHERE x.audit_id = a.id AND x.user_id = $3)
      UNION ALL
      SELECT 'conduct_internal_audit', a.agency_id, 'internal_audit', a.id, a.title,
             a.state, to_char(CASE WHEN a.state = 'approved' THEN a.planned_from ELSE a.planned_to END, 'YYYY-MM-DD'),
             coalesce(a.started_at, a.approved_at), 'conduct_internal_audit:' || a.id
        FROM internal_audits a
       WHERE $2 AND a.state IN ('approved', 'in_progress') AND a.lead_auditor_id = $3 AND ($5::uuid IS NULL OR a.agency_id = $5)`;
    return {
      sql,
      params: [q.wants('approve_internal_audit'), q.wants('conduct_internal_audit'), q.principal.id, q.agenciesWith('head', 'deputy'), q.agencyId],
    };
  }
}
