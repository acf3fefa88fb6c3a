import { Injectable } from '@nestjs/common';
import { mayApproveSql } from '../approval/approval-rights.js';
import type { TaskKind } from '../tasks/task-kinds.js';
import { TaskSourceProvider, type TaskScope } from '../tasks/task-source.js';
import { SqlTaskSource } from '../tasks/sql-task-source.js';

/**
 * What periodic reports ask of people: signing and sending a report not yet submitted (whoever may
 * approve in the agency now, the same SQL rule as the submission), and revising a returned one (the
 * agency's ISO secretaries, with the Sở's comment).
 */
@Injectable()
@TaskSourceProvider()
export class ReportTasks extends SqlTaskSource {
  readonly kinds: readonly TaskKind[] = ['submit_report', 'report_returned'];

  protected items(q: TaskScope): { sql: string; params: unknown[] } {
    const sql = `
      SELECT 'submit_report'::text AS kind, r.agency_id, 'periodic_report'::text AS entity_type, r.id AS entity_id,
             'Báo cáo HTQLCL kỳ ' || r.period AS title, r.state, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.updated_at AS since,
             'submit_report:' || r.id AS key, v.return_comment AS comment
        FROM periodic_reports r
        LEFT JOIN periodic_report_versions v ON v.report_id = r.id AND v.version = r.submission_count AND r.state = 'returned'
       WHERE $1 AND r.state IN ('draft', 'returned') AND r.agency_id = ANY($3::uuid[]) AND ${mayApproveSql('r.agency_id', '$5', 'now()')}
      UNION ALL
      SELECT 'report_returned', r.agency_id, 'periodic_report', r.id, 'Báo cáo HTQLCL kỳ ' || r.period, r.state,
             to_char(r.due_on, 'YYYY-MM-DD'), v.returned_at, 'report_returned:' || r.id, v.return_comment
        FROM periodic_reports r JOIN periodic_report_versions v ON v.report_id = r.id AND v.version = r.submission_count
       WHERE $2 AND r.state = 'returned' AND r.agency_id = ANY($4::uuid[])`;
    return {
      sql,
      params: [q.wants('submit_report'), q.wants('report_returned'), q.agenciesWith('head', 'deputy'), q.agenciesWith('iso_secretary'), q.principal.id],
    };
  }
}
