import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import type { SigningRole } from './sign-off.entity.js';

/** A person as a signature shows them: name and job title now. */
export interface Signer {
  id: string;
  fullName: string;
  title: string | null;
}

/** How someone may approve in an agency: as its head, or as a deputy signing "KT." for a head. */
export type ApproverCapacity =
  | { role: 'head' }
  | { role: 'deputy'; delegationId: string; onBehalfOf: Signer };

/**
 * The people of the workflow: who signs in which capacity, and who must act next (the agency's
 * ISO secretaries, its heads and the deputies holding an active delegation).
 */
@Injectable()
export class WorkflowPeople {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
  ) {}

  async signer(userId: string): Promise<Signer> {
    const rows = await this.db.query<{ id: string; full_name: string; title: string | null }[]>('SELECT id, full_name, title FROM users WHERE id = $1', [userId]);
    if (!rows.length) throw Errors.notFound('User');
    return { id: rows[0].id, fullName: rows[0].full_name, title: rows[0].title };
  }

  /** The role a drafted sign-off carries: drafter when the author holds it, else iso_secretary. */
  async drafterRole(userId: string, agencyId: string): Promise<SigningRole> {
    const rows = await this.db.query<{ roles: string[] }[]>('SELECT roles FROM memberships WHERE agency_id = $1 AND user_id = $2', [agencyId, userId]);
    const roles = rows[0]?.roles ?? [];
    return !roles.includes('drafter') && roles.includes('iso_secretary') ? 'iso_secretary' : 'drafter';
  }

  /**
   * The capacity in which `p` may approve, return or withdraw in the agency at `at`: head, or
   * deputy inside an active delegation from a head (403 `delegation_required` otherwise). The
   * caller has checked the revision.approve permission.
   */
  async approverCapacity(p: Principal, agencyId: string, at: Date = new Date()): Promise<ApproverCapacity> {
    if (await this.access.hasRole(p, agencyId, 'head')) return { role: 'head' };
    if (await this.access.hasRole(p, agencyId, 'deputy')) {
      const delegation = await this.access.activeDelegation(agencyId, p.id, at);
      if (!delegation) {
        throw Errors.forbidden('A deputy approves only inside an active delegation from the head of the agency ("KT.").', 'delegation_required');
      }
      return { role: 'deputy', delegationId: delegation.id, onBehalfOf: await this.signer(delegation.fromUserId) };
    }
    throw Errors.forbidden('Only the head of the agency, or a deputy under a delegation, may do this.', 'approver_required');
  }

  /** Active members of the agency holding the ISO secretary role. */
  async secretaries(agencyId: string): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(
      `SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.agency_id = $1 AND 'iso_secretary' = ANY(m.roles) AND u.is_active`,
      [agencyId],
    );
    return rows.map((r) => r.user_id);
  }

  /** Who may approve in the agency now: its heads and deputies with an active delegation from a head. */
  async approvers(agencyId: string, at: Date = new Date()): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(
      `SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.agency_id = $1 AND 'head' = ANY(m.roles) AND u.is_active
       UNION
       SELECT dl.to_user_id FROM delegations dl
         JOIN memberships dm ON dm.agency_id = dl.agency_id AND dm.user_id = dl.to_user_id AND 'deputy' = ANY(dm.roles)
         JOIN memberships hm ON hm.agency_id = dl.agency_id AND hm.user_id = dl.from_user_id AND 'head' = ANY(hm.roles)
         JOIN users u ON u.id = dl.to_user_id AND u.is_active
        WHERE dl.agency_id = $1 AND dl.revoked_at IS NULL AND dl.valid_from <= $2 AND dl.valid_to > $2`,
      [agencyId, at],
    );
    return rows.map((r) => r.user_id);
  }
}
