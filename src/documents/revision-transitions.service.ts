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
    // One statement, the rows as one jsonb array (no bind parameter per column and row).
    await this.db.query(
      `INSERT INTO revision_transitions (revision_id, from_state, to_state, actor_id, actor_name, comment)
       SELECT v.revision_id, v.from_state, v.to_state, v.actor_id, v.actor_name, v.comment
         FROM jsonb_to_recordset($1::jsonb) AS v(n int, revision_id uuid, from_state text, to_state text, actor_id uuid, actor_name text, comment text)
        ORDER BY v.n`,
      [
        JSON.stringify(
          moves.map(({ revisionId, from, to, actor = {} }, n) => ({
            n,
            revision_id: revisionId,
            from_state: from,
            to_state: to,
            actor_id: actor.actorId !== undefined ? actor.actorId : (ctx?.actorId ?? null),
            actor_name: actor.actorName !== undefined ? actor.actorName : (ctx?.actorName ?? null),
            comment: actor.comment ?? null,
          })),
        ),
      ],
    );
  }

  /** A revision's moves, oldest first. */
  list(revisionId: string): Promise<RevisionTransition[]> {
    return this.db.repo(RevisionTransition).find({ where: { revisionId }, order: { at: 'ASC', id: 'ASC' } });
  }
}
