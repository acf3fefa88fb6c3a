import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { DocumentFlags } from '../documents/document-flags.service.js';
import { assertNotWithdrawn } from '../documents/document-rules.js';
import { Document, Revision } from '../documents/document.entities.js';
import type { DocumentDetailView } from '../documents/documents.dto.js';
import { DocumentsService } from '../documents/documents.service.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { AuthService } from '../identity/auth.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { WorkflowPeople } from './workflow-people.js';
import { WorkflowNotices } from './workflow-notices.js';
import type { WithdrawDocumentRequest } from './workflow.dto.js';

/**
 * Withdrawal (thu hồi) of a document by the head of the agency (or a deputy under a delegation),
 * re-authenticated: the document is marked withdrawn with the reason; its effective revision and an
 * approved one waiting for its date become obsolete; its flags are cleared. A revision being
 * checked or approved blocks it (409 `revision_in_workflow`: return it first); a plain draft stays
 * as it is but can no longer be submitted. Withdrawn documents stay listed and readable for
 * auditors; the `current` routes no longer return them.
 */
@Injectable()
export class WithdrawalService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly documents: DocumentsService,
    private readonly revisions: RevisionsService,
    private readonly flags: DocumentFlags,
    private readonly notifications: NotificationsService,
    private readonly people: WorkflowPeople,
  ) {}

  async withdraw(p: Principal, documentId: string, req: WithdrawDocumentRequest): Promise<DocumentDetailView> {
    const pre = await this.documents.findById(documentId);
    if (!pre) throw Errors.notFound('Document');
    await this.access.assert(p, 'document.readDrafts', pre.agencyId, 'Document', { hide: true });
    await this.access.assert(p, 'revision.approve', pre.agencyId, 'Document');
    await this.people.approverCapacity(p, pre.agencyId);
    await this.assertWithdrawable(pre);
    await this.auth.confirmPassword(p.id, req.password, 'document.withdraw', pre.agencyId);
    await this.db.transaction(async () => {
      const document = await this.revisions.lockDocument(documentId);
      await this.assertWithdrawable(document);
      const at = new Date();
      const capacity = await this.people.approverCapacity(p, document.agencyId, at);
      await this.db.query(`UPDATE documents SET withdrawn_at = $2, withdrawn_reason = $3, withdrawn_by = $4, updated_at = now() WHERE id = $1`, [
        document.id,
        at,
        req.reason,
        p.id,
      ]);
      const obsolete: Revision[] = [];
      for (const state of ['effective', 'approved'] as const) {
        const rev = await this.db.repo(Revision).findOneBy({ documentId: document.id, state });
        if (!rev) continue;
        obsolete.push(await this.revisions.makeObsolete(rev.id, { comment: req.reason, at }));
      }
      const kinds = [...new Set((await this.flags.listActive(document.id)).map((f) => f.kind))];
      for (const kind of kinds) await this.flags.clear({ documentId: document.id, kind, note: 'Tài liệu đã bị thu hồi.' });
      const draft = await this.db.repo(Revision).findOneBy({ documentId: document.id, state: 'draft' });
      await this.audit.record({
        action: 'document.withdrawn',
        entityType: 'document',
        entityId: document.id,
        agencyId: document.agencyId,
        changes: {
          code: document.code,
          reason: req.reason,
          withdrawnAt: at.toISOString(),
          capacity: capacity.role === 'deputy' ? { capacity: 'KT.', onBehalfOf: capacity.onBehalfOf.fullName, delegationId: capacity.delegationId } : null,
          obsoleteRevisionIds: obsolete.map((r) => r.id),
          draftRevisionId: draft?.id ?? null,
        },
      });
      const recipients = [...(await this.people.secretaries(document.agencyId)), ...obsolete.map((r) => r.authorId)].filter((u) => u !== p.id);
      await this.notifications.notify(recipients, WorkflowNotices.withdrawn(document.agencyId, document.id, document.code, document.title, p.fullName, req.reason));
    });
    return this.documents.get(p, documentId);
  }

  private async assertWithdrawable(document: Document): Promise<void> {
    assertNotWithdrawn(document);
    const moving = await this.db.query<{ id: string; state: string }[]>(
      `SELECT id, state FROM revisions WHERE document_id = $1 AND state IN ('in_review', 'pending_approval')`,
      [document.id],
    );
    if (moving.length) {
      throw Errors.conflict('revision_in_workflow', `A revision of this document is ${moving[0].state}; return it to draft before withdrawing the document.`, {
        revisionId: moving[0].id,
        state: moving[0].state,
      });
    }
  }
}
