import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { Revision } from '../documents/document.entities.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { CAPACITY_ON_BEHALF, SignOff, SignOffMeaning, SigningRole } from './sign-off.entity.js';
import { loadSignOffRecords, signOffInvalidity, SignOffView, toSignOffView } from './sign-off.view.js';
import type { ApproverCapacity, Signer } from '../approval/approval-rights.js';

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

  /** The revision's sign-offs with their validity, and its current digest. */
  async viewsOf(revision: Revision): Promise<{ digest: string; items: SignOffView[] }> {
    const digest = await this.revisions.digest(revision);
    const rows = await loadSignOffRecords(this.db, [revision.id]);
    return { digest, items: rows.map((r) => toSignOffView(r, digest)) };
  }

  /** Sign-offs of the revision that hold now (digest and round), oldest first. */
  async valid(revision: Revision, digest?: string): Promise<SignOff[]> {
    const current = digest ?? (await this.revisions.digest(revision));
    return (await loadSignOffRecords(this.db, [revision.id])).filter((r) => signOffInvalidity(r, current) === null);
  }

  /** Users who have signed the revision as checker (in any round). */
  async checkerIds(revisionId: string): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(`SELECT DISTINCT user_id FROM sign_offs WHERE revision_id = $1 AND meaning = 'checked'`, [revisionId]);
    return rows.map((r) => r.user_id);
  }

  /**
   * Everyone who took part in the revision: its author and whoever signed it as drafter, checker or
   * approver (in any round). An internal auditor is never one of them for what they audit (§9.2.2 c).
   */
  async participantIds(revision: Pick<Revision, 'id' | 'authorId'>): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(`SELECT DISTINCT user_id FROM sign_offs WHERE revision_id = $1`, [revision.id]);
    return [...new Set([revision.authorId, ...rows.map((r) => r.user_id)])];
  }
}
