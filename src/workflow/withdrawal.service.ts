import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import type { DocumentDetailView } from '../documents/documents.dto.js';
import { DocumentsService } from '../documents/documents.service.js';
import { RevisionLifecycle } from '../documents/revision-lifecycle.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { WorkflowPeople } from './workflow-people.js';
import { WorkflowNotices } from './workflow-notices.js';
import type { WithdrawDocumentRequest } from './workflow.dto.js';

/**
 * POST /documents/{id}/withdraw (thu hồi): RevisionLifecycle.authorizeWithdrawal checks the head
 * (or a deputy under a delegation), the document's state and the password; RevisionLifecycle.withdraw
 * marks the document withdrawn, makes its effective revision and an approved one waiting for its
 * date obsolete and clears its flags (a revision being checked or approved blocks it: 409
 * `revision_in_workflow`; a plain draft stays but can no longer be submitted). This service tells
 * the ISO secretaries and the authors of the obsolete revisions. Withdrawn documents stay listed
 * and readable for auditors; the `current` routes no longer return them.
 */
@Injectable()
export class WithdrawalService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly documents: DocumentsService,
    private readonly lifecycle: RevisionLifecycle,
    private readonly notifications: NotificationsService,
    private readonly people: WorkflowPeople,
  ) {}

  async withdraw(p: Principal, documentId: string, req: WithdrawDocumentRequest): Promise<DocumentDetailView> {
    const pre = await this.documents.findById(documentId);
    if (!pre) throw Errors.notFound('Document');
    await this.access.assert(p, 'document.readDrafts', pre.agencyId, 'Document', { hide: true });
    const clearance = await this.lifecycle.authorizeWithdrawal(pre, p, req.password);
    await this.db.transaction(async () => {
      const { document, obsolete } = await this.lifecycle.withdraw(documentId, { actor: p, reason: req.reason, clearance });
      const recipients = [...(await this.people.secretaries(document.agencyId)), ...obsolete.map((r) => r.authorId)].filter((u) => u !== p.id);
      await this.notifications.notify(recipients, WorkflowNotices.withdrawn(document.agencyId, document.id, document.code, document.title, p.fullName, req.reason));
    });
    return this.documents.get(p, documentId);
  }
}
