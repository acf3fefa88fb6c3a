import { Injectable, Logger } from '@nestjs/common';
import type { RevisionState } from '../documents/document-types.js';

/** One state change of a revision made by the workflow (also supersession and withdrawal). */
export interface RevisionStateChange {
  revisionId: string;
  documentId: string;
  agencyId: string;
  from: RevisionState | null;
  to: RevisionState;
  at: Date;
}

export type RevisionStateListener = (change: RevisionStateChange) => Promise<void> | void;

/**
 * In-process hook for features that react to revision state changes (e.g. renditions: a new
 * stamp — draft, controlled copy, obsolete — needs a new PDF). Listeners run INSIDE the
 * transaction of the change, so they can enqueue jobs that commit with it; a listener that
 * throws rolls the change back, so keep them to database writes such as `JobQueue.enqueue`.
 * Subscribe from a provider's `onModuleInit`.
 */
@Injectable()
export class RevisionEvents {
  private readonly logger = new Logger('RevisionEvents');
  private readonly listeners: RevisionStateListener[] = [];

  subscribe(listener: RevisionStateListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  async emit(change: RevisionStateChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (err) {
        this.logger.warn({ msg: 'revision state listener failed; the change is rolled back', revisionId: change.revisionId, to: change.to, err: (err as Error).message });
        throw err;
      }
    }
  }
}
