import { Injectable } from '@nestjs/common';
import type { Signer } from '../approval/approval-rights.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import type { SigningRole } from './sign-off.entity.js';

/**
 * The people of the workflow: who signs in which capacity, and who checks next (the agency's ISO
 * secretaries). Who may approve is ApprovalRights' (src/approval), for the approval itself, the
 * work list and the notices alike.
 */
@Injectable()
export class WorkflowPeople {
  constructor(private readonly db: Database) {}

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

  /** Active members of the agency holding the ISO secretary role. */
  async secretaries(agencyId: string): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(
      `SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.agency_id = $1 AND 'iso_secretary' = ANY(m.roles) AND u.is_active`,
      [agencyId],
    );
    return rows.map((r) => r.user_id);
  }
}
