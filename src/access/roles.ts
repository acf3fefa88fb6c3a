/** Roles a user holds per agency membership; what each may do is ROLE_PERMISSIONS below. */
export const ROLES = ['admin', 'supervisor', 'head', 'deputy', 'iso_secretary', 'drafter', 'staff', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a role allows. Checks in services name a Permission, never a role, except where the rule
 * itself is about a person (author, checker, delegation), which the workflow checks on top.
 */
export type Permission =
  /** See the agency, its members and delegations. */
  | 'agency.read'
  /** Create child agencies, edit the agency, set members and delegations. */
  | 'agency.manage'
  /** Read effective documents and their current files. */
  | 'document.read'
  /** Read drafts, revisions in workflow, full history. */
  | 'document.readDrafts'
  /** Create documents and drafts, edit drafts, upload files. */
  | 'document.write'
  /** Submit a draft for checking (the author, or the ISO secretary for anyone's draft). */
  | 'revision.submit'
  /** Check (review) a revision. */
  | 'revision.check'
  /** Approve, return, withdraw (deputies only under an active delegation). */
  | 'revision.approve'
  /** Read the audit trail. */
  | 'audit.read'
  /** Record an evaluation of the quality objectives (ISO secretary, head). */
  | 'objectives.evaluate'
  /** Read the quality records of the yearly cycle (management reviews and their inputs). */
  | 'quality_record.read'
  /** Prepare a management review: create, edit the draft, add decisions. */
  | 'management_review.prepare'
  /** Approve a management review as its chair (deputies only under an active delegation). */
  | 'management_review.approve'
  /** Record a new composition of the ISO steering committee. */
  | 'steering_committee.manage'
  /** Sign an announcement of conformity (deputies only under an active delegation). */
  | 'announcement.sign'
  /** Read internal audits, their findings and reports. */
  | 'internal_audit.read'
  /** Plan an internal audit (its scope, dates and team). */
  | 'internal_audit.plan'
  /** Approve an audit plan (deputies only under an active delegation). */
  | 'internal_audit.approve'
  /** Read nonconformities and their corrective actions. */
  | 'nonconformity.read'
  /** Raise nonconformities, state correction and root cause, plan corrective actions. */
  | 'nonconformity.write'
  /** Verify the effectiveness of corrective actions (never someone responsible for one of them). */
  | 'nonconformity.verify'
  /** Read the agency's periodic reports to the Sở KH&CN. */
  | 'report.read'
  /** Open a periodic report and write its free text (results, difficulties, proposals). */
  | 'report.write'
  /** Sign and submit a periodic report (head; deputies only under an active delegation, "KT."). */
  | 'report.submit'
  /** Return a submitted report with a comment, plan inspections, read the province overview (the Sở KH&CN). */
  | 'supervision.manage'
  /** Read the inspections of the agency. */
  | 'inspection.read'
  /** Declare which TTHC of the catalogue the agency handles. */
  | 'tthc.declare'
  /** Set who must read a document (its distribution). */
  | 'distribution.manage';

const READER: Permission[] = ['agency.read', 'document.read'];
const DRAFT_READER: Permission[] = [...READER, 'document.readDrafts', 'audit.read', 'internal_audit.read', 'nonconformity.read', 'report.read', 'inspection.read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ['agency.read', 'agency.manage', 'tthc.declare'],
  supervisor: [...DRAFT_READER, 'supervision.manage', 'quality_record.read', 'tthc.declare'],
  head: [...DRAFT_READER, 'revision.approve', 'internal_audit.approve', 'nonconformity.write', 'report.write', 'report.submit', 'quality_record.read', 'objectives.evaluate', 'management_review.prepare', 'management_review.approve', 'steering_committee.manage', 'announcement.sign'],
  deputy: [...DRAFT_READER, 'revision.approve', 'internal_audit.approve', 'nonconformity.write', 'report.write', 'report.submit', 'quality_record.read', 'management_review.approve', 'announcement.sign'],
  iso_secretary: [...DRAFT_READER, 'document.write', 'revision.submit', 'revision.check', 'internal_audit.plan', 'nonconformity.write', 'nonconformity.verify', 'report.write', 'quality_record.read', 'objectives.evaluate', 'management_review.prepare', 'steering_committee.manage', 'tthc.declare', 'distribution.manage'],
  drafter: [...DRAFT_READER, 'document.write', 'revision.submit', 'nonconformity.write', 'quality_record.read', 'management_review.prepare'],
  staff: READER,
  auditor: [...DRAFT_READER, 'internal_audit.plan', 'nonconformity.verify', 'quality_record.read'],
};

/** Roles whose grant covers the agency's whole subtree (a supervisor of the Sở KH&CN sees every agency below). */
export const SUBTREE_ROLES: readonly Role[] = ['admin', 'supervisor'];
