import { RevisionLifecycle } from '../../src/documents/revision-lifecycle.js';
import type { TestApp } from './app.js';

/** The states a draft passes on its way to approval, in the lifecycle table's order. */
const PATH_TO_APPROVED = ['in_review', 'pending_approval', 'approved'] as const;

/**
 * Moves a draft by SQL along the lifecycle's own pairs (the only ones the revisions_guard trigger
 * lets through) up to `to`, without sign-offs: a shortcut for tests about what happens after the
 * workflow. `approved` also stamps approved_at.
 */
export async function forceState(t: TestApp, revisionId: string, to: (typeof PATH_TO_APPROVED)[number]): Promise<void> {
  for (const state of PATH_TO_APPROVED.slice(0, PATH_TO_APPROVED.indexOf(to) + 1)) {
    const stamp = state === 'approved' ? ', approved_at = now()' : '';
    await t.db.query(`UPDATE revisions SET state = $2${stamp}, version = version + 1 WHERE id = $1`, [revisionId, state]);
  }
}

/**
 * A draft made effective as the workflow would: moved to approved (forceState), then the
 * lifecycle's take_effect move (the previous effective revision is superseded).
 */
export async function makeEffective(t: TestApp, revisionId: string): Promise<void> {
  await forceState(t, revisionId, 'approved');
  await t.app.get(RevisionLifecycle).transitionById('take_effect', revisionId, { actor: null });
}
