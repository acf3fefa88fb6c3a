/** planned → approved (head / deputy KT.) → in_progress (lead auditor) → reported (lead auditor signs) → closed (by itself). */
export const AUDIT_STATES = ['planned', 'approved', 'in_progress', 'reported', 'closed'] as const;
export type AuditState = (typeof AUDIT_STATES)[number];

export const FINDING_KINDS = ['nonconformity', 'observation', 'opportunity', 'strength'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FINDING_KIND_LABELS: Record<FindingKind, string> = {
  nonconformity: 'Điểm không phù hợp',
  observation: 'Điểm lưu ý',
  opportunity: 'Cơ hội cải tiến',
  strength: 'Điểm mạnh',
};

export const DEFAULT_AUDIT_CRITERIA = 'TCVN ISO 9001:2015 và hệ thống tài liệu của cơ quan';
