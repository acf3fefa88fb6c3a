import { peopleSql } from '../identity/people.js';
import type { DecisionView } from './management-reviews.dto.js';

/** A decision with its review, responsible person and completion (DECISION_SQL's columns). */
export interface DecisionRow {
  id: string;
  review_id: string;
  no: number;
  kind: DecisionView['kind'];
  description: string;
  responsible_user_id: string;
  responsible_name: string;
  responsible_title: string | null;
  due_on: string;
  note: string | null;
  completed_at: Date | null;
  overdue: boolean;
  review_year: number;
  review_held_on: string;
}

/** Today in Vietnam, in SQL. */
export const VN_TODAY = `(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;

/** Decisions `d` of reviews `r` with their completion `c`: add WHERE and ORDER BY. */
export const DECISION_SQL = `
  SELECT d.id, d.review_id, d.no, d.kind, d.description, d.responsible_user_id, u.full_name AS responsible_name, u.title AS responsible_title,
         to_char(d.due_on, 'YYYY-MM-DD') AS due_on, c.note, c.completed_at, (c.decision_id IS NULL AND d.due_on < ${VN_TODAY}) AS overdue,
         r.year AS review_year, to_char(r.held_on, 'YYYY-MM-DD') AS review_held_on
    FROM management_review_decisions d
    JOIN management_reviews r ON r.id = d.review_id
    JOIN (${peopleSql()}) u ON u.id = d.responsible_user_id
    LEFT JOIN management_review_decision_completions c ON c.decision_id = d.id`;

export function decisionViewOf(r: DecisionRow): DecisionView {
  return {
    id: r.id,
    reviewId: r.review_id,
    no: r.no,
    kind: r.kind,
    description: r.description,
    responsible: { id: r.responsible_user_id, fullName: r.responsible_name, title: r.responsible_title },
    dueOn: r.due_on,
    status: r.completed_at ? 'done' : 'open',
    overdue: r.overdue,
    completionNote: r.note,
    completedAt: r.completed_at?.toISOString() ?? null,
  };
}
