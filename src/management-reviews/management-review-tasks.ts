import { Injectable } from '@nestjs/common';
import type { TaskKind } from '../tasks/task-kinds.js';
import { TaskSourceProvider, type TaskScope } from '../tasks/task-source.js';
import { SqlTaskSource } from '../tasks/sql-task-source.js';

/**
 * What management reviews ask of people: the chair's draft review to approve, and the open decisions
 * of approved reviews for the person responsible (with their due date).
 */
@Injectable()
@TaskSourceProvider()
export class ManagementReviewTasks extends SqlTaskSource {
  readonly kinds: readonly TaskKind[] = ['management_review_to_approve', 'review_decision'];

  protected items(q: TaskScope): { sql: string; params: unknown[] } {
    return {
      sql: `SELECT 'management_review_to_approve'::text AS kind, r.agency_id, 'management_review' AS entity_type, r.id AS entity_id,
                   'Họp xem xét của lãnh đạo năm ' || r.year AS title, r.state, r.created_at AS since, 'management_review_to_approve:' || r.id AS key,
                   NULL::text AS due_on
              FROM management_reviews r
             WHERE $3 AND r.state = 'draft' AND r.chair_user_id = $1 AND ($2::uuid IS NULL OR r.agency_id = $2)
            UNION ALL
            SELECT 'review_decision'::text, d.agency_id, 'management_review' AS entity_type, d.review_id AS entity_id,
                   d.description AS title, 'open' AS state, r.approved_at AS since, 'review_decision:' || d.id AS key,
                   to_char(d.due_on, 'YYYY-MM-DD') AS due_on
              FROM management_review_decisions d JOIN management_reviews r ON r.id = d.review_id
             WHERE $4 AND r.state = 'approved' AND d.responsible_user_id = $1 AND ($2::uuid IS NULL OR d.agency_id = $2)
               AND NOT EXISTS (SELECT 1 FROM management_review_decision_completions c WHERE c.decision_id = d.id)`,
      params: [q.principal.id, q.agencyId, q.wants('management_review_to_approve'), q.wants('review_decision')],
    };
  }
}
