import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';

/**
 * Who may see and change documents and revisions, on top of AccessService:
 * - effective revisions (and documents that have one): `document.read`;
 * - every other revision (drafts, in workflow, history): `document.readDrafts`, else 404 (hidden);
 * - creating documents and drafts, editing drafts, uploading: `document.write` (403 for members
 *   who may see the draft but not write; 404 for everyone else).
 */
@Injectable()
export class DocumentAccess {
  constructor(
    private readonly access: AccessService,
    private readonly db: Database,
  ) {}

  canReadDrafts(p: Principal, agencyId: string): Promise<boolean> {
    return this.access.can(p, 'document.readDrafts', agencyId);
  }

  /** A document is visible with readDrafts, or with read when it has an effective revision. */
  async assertReadDocument(p: Principal, doc: { id: string; agencyId: string }): Promise<{ drafts: boolean }> {
    if (await this.canReadDrafts(p, doc.agencyId)) return { drafts: true };
    await this.access.assert(p, 'document.read', doc.agencyId, 'Document', { hide: true });
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM revisions WHERE document_id = $1 AND state = 'effective'`, [doc.id]);
    if (!rows.length) {
      RequestContexts.noteRefusal({ outcome: 'hidden', agencyId: doc.agencyId, permission: 'document.readDrafts', entity: 'Document' });
      throw Errors.notFound('Document');
    }
    return { drafts: false };
  }

  /** Effective revisions need read; any other state needs readDrafts (hidden as 404 otherwise). */
  async assertReadRevision(p: Principal, rev: { agencyId: string; state: string }, entity = 'Revision'): Promise<void> {
    await this.access.assert(p, rev.state === 'effective' ? 'document.read' : 'document.readDrafts', rev.agencyId, entity, { hide: true });
  }

  /** For history views: readDrafts (403 for members who may only read effective documents). */
  async assertReadHistory(p: Principal, agencyId: string, entity = 'Document'): Promise<void> {
    await this.access.assert(p, 'document.readDrafts', agencyId, entity);
  }

  /**
   * Write access. On a draft (hidden from readers) pass `hidden: true`: users who may not read
   * drafts get 404 like any stranger; on a visible document, members without write get 403.
   */
  async assertWrite(p: Principal, agencyId: string, entity: string, opts: { hidden?: boolean } = {}): Promise<void> {
    if (opts.hidden && !(await this.canReadDrafts(p, agencyId))) {
      // Readers who are members get 403 for creating (nothing hidden); everyone else 404.
      await this.access.assert(p, 'document.write', agencyId, entity, { hide: true });
    }
    await this.access.assert(p, 'document.write', agencyId, entity);
  }

  /** Creating a document: 403 for members without document.write, 404 for strangers. */
  async assertCreate(p: Principal, agencyId: string): Promise<void> {
    await this.access.assert(p, 'document.write', agencyId, 'Agency');
  }

  scope(p: Principal, permission: 'document.read' | 'document.readDrafts') {
    return this.access.scope(p, permission);
  }
}
