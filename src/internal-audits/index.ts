export { InternalAuditsModule } from './internal-audits.module.js';
export { InternalAuditsService } from './internal-audits.service.js';
export type { AuditYearItem, AuditYearSummary } from './internal-audits.dto.js';
export { AUDIT_STATES, FINDING_KINDS, type AuditState, type FindingKind } from './internal-audit-types.js';
