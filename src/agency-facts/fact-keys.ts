/**
 * The figures the system knows about an agency for a period: what a periodic report freezes, what
 * the management review collects as its inputs and what the province overview shows per agency.
 * Each key has exactly one owner module, which supplies it through an AgencyFactsSource; the
 * registry refuses to start when a key has no source or two. The owner named here is the one to read.
 */
export const FACT_KEYS = {
  // documents (register and revisions)
  proceduresInForce: 'documents: procedures with an effective revision at the end of the period',
  documentsRevisedInPeriod: 'documents: documents with a revision that took effect in the period',
  documentsOverdueReview: 'documents: documents in force past their periodic review date',
  // legal changes
  legalChangesApplied: 'legal-changes: drafts made by a legal change that took effect in the period',
  legalChangesOutstanding: 'legal-changes: drafts made by a legal change not yet effective',
  legalUpdatesOverdue: 'legal-changes: outstanding legal-change drafts past their deadline',
  // internal audits, nonconformities and corrective actions
  internalAuditsHeld: 'audits: internal audits of the period that were started (held)',
  nonconformitiesOpen: 'nonconformities: not closed at the end of the period',
  nonconformitiesClosed: 'nonconformities: closed in the period',
  nonconformitiesOverdue: 'nonconformities: open with at least one corrective action past its due date',
  actionsOverdue: 'nonconformities: corrective actions not complete past their due date',
  // quality objectives, management review, announcement
  objectivesIssued: 'objectives: 1 when a quality_objectives document of the year is in force, else 0',
  objectivesTotal: 'objectives: objectives in the effective revision of the year',
  objectivesEvaluated: 'objectives: objectives with an evaluation in the period',
  objectivesMet: 'objectives: objectives whose latest evaluation in the period is achieved',
  managementReviewsHeld: 'reviews: management reviews approved in the period',
  announced: 'announcements: 1 when a conformity announcement is signed by the end of the period, else 0',
  announcedOn: 'announcements: date (YYYY-MM-DD) of the latest signed announcement, or null',
  reannouncementDue: 'announcements: 1 when procedures took effect or were withdrawn since the last announcement',
  // TTHC catalogue and distribution
  tthcHandled: 'catalogue: TTHC the agency declares it handles (in force in the catalogue)',
  tthcCovered: 'catalogue: handled TTHC with a procedure in force',
  acknowledgementsRequired: 'distribution: read-and-acknowledge tasks required for revisions in force',
  acknowledgementsDone: 'distribution: of those, acknowledged',
} as const;

export type FactKey = keyof typeof FACT_KEYS;
export const FACT_KEY_NAMES = Object.keys(FACT_KEYS) as FactKey[];

/** A figure: a count, a 0/1 flag, or a date (YYYY-MM-DD) or null. */
export type FactValue = number | string | null;
export type AgencyFacts = Partial<Record<FactKey, FactValue>>;

export function isFactKey(k: string): k is FactKey {
  return Object.prototype.hasOwnProperty.call(FACT_KEYS, k);
}
