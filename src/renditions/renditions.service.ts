import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { DocumentAccess } from '../documents/document-access.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { RenditionDelivery } from './rendition-delivery.js';

/** GET /revisions/{id}/rendition: access as for the revision, then RenditionDelivery. */
@Injectable()
export class RenditionsService {
  constructor(
    private readonly revisions: RevisionsService,
    private readonly access: DocumentAccess,
    private readonly delivery: RenditionDelivery,
  ) {}

  /**
   * The effective revision needs document.read; every other state (drafts, in workflow, approved,
   * superseded, obsolete) document.readDrafts, else 404 as if it did not exist.
   */
  async respond(p: Principal, revisionId: string, req: Request, res: Response): Promise<void> {
    const found = await this.revisions.findWithDocument(revisionId);
    if (!found) throw Errors.notFound('Revision');
    const { revision, document } = found;
    await this.access.assertReadRevision(p, revision);
    const digest = await this.revisions.digest(revision);
    const number = revision.number ?? (await this.revisions.nextNumber(document.id));
    await this.delivery.respond(req, res, { revision, document, number, digest, via: 'rendition' });
  }
}
