import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { Revision } from '../documents/document.entities.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { CAPACITY_ON_BEHALF, SignOff, SignOffMeaning, SigningRole } from './sign-off.entity.js';
import type { ApproverCapacity, Signer } from './workflow-people.js';
import type { SignOffView } from './workflow.dto.js';

export interface NewSignOff {
  revision: Revision;
  meaning: SignOffMeaning;
  signer: Signer;
  role: SigningRole;
  /** Approvals: head, or deputy under a delegation ("KT." with the head's name). */
  capacity?: ApproverCapacity;
  /** RevisionsService.digest(revision) now. */
  digest: string;
}

interface SignOffRow extends SignOff {
  inRound: boolean;
}

/**
 * Why a sign-off no longer holds: the revision changed since (digest), or it was returned to
 * draft after it (a new round of checking and approval began). Null while it holds.
 */
export function signOffInvalidity(s: { digest: string }, currentDigest: string, inRound: boolean): 'content_changed' | 'returned' | null {
  if (s.digest !== currentDigest) return 'content_changed';
  if (!inRound) return 'returned';
  return null;
}

export function toSignOffView(s: SignOff, currentDigest: string, inRound: boolean): SignOffView {
  const invalidReason = signOffInvalidity(s, currentDigest, inRound);
  return {
    id: s.id,
    revisionId: s.revisionId,
    meaning: s.meaning,
    userId: s.userId,
    fullName: s.fullName,
    title: s.title,
    role: s.role,
    capacity: s.capacity,
    onBehalfOfUserId: s.onBehalfOfUserId,
    onBehalfOfName: s.onBehalfOfName,
    onBehalfOfTitle: s.onBehalfOfTitle,
    delegationId: s.delegationId,
    digest: s.digest,
    signedAt: new Date(s.signedAt).toISOString(),
    valid: invalidReason === null,
    invalidReason,
  };
}

/**
 * Sign-offs: written by the workflow inside the transaction of the move they sign (the database
 * refuses any change afterwards), read back with their validity against the revision's current
 * digest and workflow round.
 */
@Injectable()
export class SignOffs {
  constructor(
    private readonly db: Database,
    private readonly revisions: RevisionsService,
  ) {}

  async record(input: NewSignOff): Promise<SignOff> {
    const deputy = input.capacity?.role === 'deputy' ? input.capacity : null;
    const [row] = await this.db.query<{ id: string }[]>(
      `INSERT INTO sign_offs (revision_id, agency_id, user_id, full_name, title, role, meaning, capacity,
                              on_behalf_of_user_id, on_behalf_of_name, on_behalf_of_title, delegation_id, digest)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        input.revision.id,
        input.revision.agencyId,
        input.signer.id,
        input.signer.fullName,
        input.signer.title,
        input.role,
        input.meaning,
        deputy ? CAPACITY_ON_BEHALF : null,
        deputy?.onBehalfOf.id ?? null,
        deputy?.onBehalfOf.fullName ?? null,
        deputy?.onBehalfOf.title ?? null,
        deputy?.delegationId ?? null,
        input.digest,
      ],
    );
    return this.db.repo(SignOff).findOneByOrFail({ id: row.id });
  }

  /** Sign-offs of the revisions, oldest first, each with whether it belongs to the current round. */
  private async rows(revisionIds: string[]): Promise<SignOffRow[]> {
    if (!revisionIds.length) return [];
    const rows = await this.db.query<Record<string, unknown>[]>(
      `SELECT s.*, s.signed_at > coalesce(
                (SELECT max(t.at) FROM revision_transitions t WHERE t.revision_id = s.revision_id AND t.to_state = 'draft'),
                '-infinity'::timestamptz) AS in_round
         FROM sign_offs s WHERE s.revision_id = ANY($1::uuid[])
        ORDER BY s.signed_at, s.id`,
      [revisionIds],
    );
    return rows.map((r) =>
      Object.assign(new SignOff(), {
        id: r.id as string,
        revisionId: r.revision_id as string,
        agencyId: r.agency_id as string,
        userId: r.user_id as string,
        fullName: r.full_name as string,
        title: r.title as string | null,
        role: r.role as SigningRole,
        meaning: r.meaning as SignOffMeaning,
        capacity: r.capacity as string | null,
        onBehalfOfUserId: r.on_behalf_of_user_id as string | null,
        onBehalfOfName: r.on_behalf_of_name as string | null,
        onBehalfOfTitle: r.on_behalf_of_title as string | null,
        delegationId: r.delegation_id as string | null,
        digest: r.digest as string,
        signedAt: r.signed_at as Date,
        inRound: r.in_round === true,
      }),
    );
  }

  /** The revision's sign-offs with their validity, and its current digest. */
  async viewsOf(revision: Revision): Promise<{ digest: string; items: SignOffView[] }> {
    const digest = await this.revisions.digest(revision);
    const rows = await this.rows([revision.id]);
    return { digest, items: rows.map((r) => toSignOffView(r, digest, r.inRound)) };
  }

  /** Sign-offs of the revision that hold now (digest and round), oldest first. */
  async valid(revision: Revision, digest?: string): Promise<SignOff[]> {
    const current = digest ?? (await this.revisions.digest(revision));
    return (await this.rows([revision.id])).filter((r) => signOffInvalidity(r, current, r.inRound) === null);
  }

  /** Users who have signed the revision as checker (in any round). */
  async checkerIds(revisionId: string): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(`SELECT DISTINCT user_id FROM sign_offs WHERE revision_id = $1 AND meaning = 'checked'`, [revisionId]);
    return rows.map((r) => r.user_id);
  }
}
