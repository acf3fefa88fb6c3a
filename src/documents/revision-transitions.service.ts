import { Injectable } from '@nestjs/common';
import { RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { RevisionTransition } from './document.entities.js';
import type { RevisionState } from './document-types.js';

export interface TransitionActor {
  /** Defaults to the signed-in user of the current request (null in jobs). */
  actorId?: string | null;
  actorName?: string | null;
  comment?: string | null;
}

/**
 * The state history of revisions (append-only): creation (from null), every workflow move, taking
 * effect, being superseded or made obsolete. Call `record` in the transaction of the move.
 */
@Injectable()
export class RevisionTransitions {
  constructor(private readonly db: Database) {}

  async record(revisionId: string, from: RevisionState | null, to: RevisionState, actor: TransitionActor = {}): Promise<void> {
    await this.recordMany([{ revisionId, from, to, actor }]);
  }

  /** Several moves with one statement (a set of drafts created together). */
  async recordMany(moves: readonly { revisionId: string; from: RevisionState | null; to: RevisionState; actor?: TransitionActor }[]): Promise<void> {
    if (!moves.length) return;
    const ctx = RequestContexts.current();
    await this.db.manager.insert(
      RevisionTransition,
      moves.map(({ revisionId, from, to, actor = {} }) => ({
        revisionId,
        fromState: from,
        toState: to,
        actorId: actor.actorId !== undefined ? actor.actorId : (ctx?.actorId ?? null),
        actorName: actor.actorName !== undefined ? actor.actorName : (ctx?.actorName ?? null),
        comment: actor.comment ?? null,
      })),
    );
  }

  /** A revision's moves, oldest first. */
  list(revisionId: string): Promise<RevisionTransition[]> {
    return this.db.repo(RevisionTransition).find({ where: { revisionId }, order: { at: 'ASC', id: 'ASC' } });
  }
}
