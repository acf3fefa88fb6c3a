import { Agency, Delegation, Membership } from '../agencies/agency.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { Document, DocumentFlag, Revision, RevisionCitation, RevisionFile, RevisionTransition, StoredObject } from '../documents/document.entities.js';
import { AuthSession, RefreshToken } from '../identity/session.entity.js';
import { User } from '../identity/user.entity.js';
import { LegalDocument } from '../legal/legal-document.entity.js';
import { LegalRelation } from '../legal/legal-relation.entity.js';
import { LegalChange, LegalChangeItem } from '../legal-changes/legal-change.entities.js';
import { Notification } from '../notifications/notification.entity.js';
import { JobOutboxEntry } from '../queue/job-outbox.entity.js';
import { Rendition, RenditionRequest } from '../renditions/rendition.entities.js';
import { SignOff } from '../workflow/sign-off.entity.js';
import { AuditFinding, InternalAudit, InternalAuditAuditor } from '../internal-audits/internal-audit.entities.js';
import { CorrectiveAction, Nonconformity, NonconformityVerification } from '../nonconformities/nonconformity.entities.js';

/** Every entity, for the app and the migration CLI. Add new entities here. */
export const ENTITIES = [User, AuthSession, RefreshToken, Agency, Membership, Delegation, AuditEvent, JobOutboxEntry, LegalDocument, Document, Revision, RevisionFile, StoredObject, RevisionCitation, RevisionTransition, DocumentFlag, LegalRelation, Notification, SignOff, Rendition, RenditionRequest, LegalChange, LegalChangeItem, Nonconformity, CorrectiveAction, NonconformityVerification, InternalAudit, InternalAuditAuditor, AuditFinding];
