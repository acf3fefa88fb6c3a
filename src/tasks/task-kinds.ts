/**
 * Every kind of task of GET /me/tasks with what it means (printed in the OpenAPI document). Each kind
 * is yielded by exactly one TaskSource: the start-up check refuses a source kind missing here, a kind
 * here without a source, and a kind claimed twice. A module that adds tasks adds its kinds here.
 */
export const TASK_KINDS = {
  check: 'a revision to check (ISO secretary, not its author)',
  approve: 'a revision to approve (head, or deputy with an active delegation; not its author or checker)',
  returned: 'your draft was returned with a comment',
  review_due: "a document's periodic review is overdue (ISO secretary)",
  legal_change: 'a cited legal document changed (ISO secretary, drafter)',
  read: 'a revision in force to read and acknowledge (members in its distribution)',
  tthc_change: "the TTHC catalogue changed a procedure's time limit, fee or legal bases, or abolished its TTHC (ISO secretary, drafter)",
  approve_internal_audit: 'an internal audit plan to approve (head, or deputy with an active delegation; not its planner or auditors)',
  conduct_internal_audit: 'an internal audit you lead to start (approved) or to report (in progress)',
  corrective_action: 'a corrective action you are responsible for, not yet due',
  corrective_action_overdue: 'a corrective action past its due date (the responsible person and the ISO secretaries)',
  verify_nonconformity: 'a nonconformity whose actions are complete, to verify (auditor, ISO secretary; not responsible for its actions)',
  management_review_to_approve: 'a management review you chair waits for your approval (its draft minutes)',
  review_decision: 'a decision of an approved management review assigned to you is open (due date in dueOn)',
  submit_report: 'a periodic report to the Sở KH&CN to sign and send (head, or deputy with an active delegation), draft or returned',
  report_returned: 'a periodic report the Sở KH&CN returned with a comment, to revise (ISO secretary)',
} as const satisfies Record<string, string>;

export type TaskKind = keyof typeof TASK_KINDS;

/** The kinds in catalogue order (the order of GET /me/tasks/counts). */
export const TASK_KIND_NAMES = Object.keys(TASK_KINDS) as TaskKind[];

export function isTaskKind(s: string): s is TaskKind {
  return Object.prototype.hasOwnProperty.call(TASK_KINDS, s);
}
