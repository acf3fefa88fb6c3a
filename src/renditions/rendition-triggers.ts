import { Injectable, OnModuleInit } from '@nestjs/common';
import { RevisionEvents } from '../workflow/revision-events.js';
import { RenditionRequests } from './rendition-requests.js';

/**
 * Every workflow state change (submit, check, return, approve, effective, superseded, obsolete)
 * changes the stamp of the revision's controlled copy: request a new rendition in the same
 * transaction. (Drafts created, content saved and files changed are requested by the documents
 * services themselves; taking effect and obsolescence also by RevisionsService.)
 */
@Injectable()
export class RenditionTriggers implements OnModuleInit {
  constructor(
    private readonly events: RevisionEvents,
    private readonly requests: RenditionRequests,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((change) => this.requests.request(change.revisionId));
  }
}
