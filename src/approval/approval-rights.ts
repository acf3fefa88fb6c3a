import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { activeMembershipsSql, peopleSql } from '../identity/people.js';

/** A person as a signature shows them: name and job title now. */
export interface Signer {
  id: string;
  fullName: string;
  title: string | null;
}

/** How someone may approve in an agency: as its head, or as a deputy signing "KT." for a head. */
export type ApproverCapacity = { role: 'head' } | { role: 'deputy'; delegationId: string; onBehalfOf: Signer };

/**
 * Someone who holds a capacity but may not approve this particular record (separation of duties:
 * its author, whoever checked it...). `detail` is the 403 text they get.
 */
export interface Exclusion {
  userId: string;
  reason: string;
  detail: string;
}

/**
 * The SQL function behind every answer, for list queries that must agree with `capacity` and
 * `approvers` (e.g. an approval work list): `WHERE ${mayApproveSql('r.agency_id', '$1', 'now()')}`.
 * The arguments are SQL expressions (columns or parameters), never user text.
 */
export function mayApproveSql(agencyId: string, userId: string, at: string): string {
  return `may_approve(${agencyId}, ${userId}, ${at})`;
}

/**
 * Who may approve in an agency: its head, or a deputy holding a delegation from a current head
 * that is active at that instant ("KT."), never someone excluded by separation of duties. One
 * answer for every approval (revisions today; audit plans, management reviews, reports and
 * announcements next), its work lists and its notices: the SQL functions `approver_capacities`,
 * `may_approve` (migration ApprovalRights) hold the rule, this service and the sign-off trigger
 * call them. Permissions (`revision.approve`...) are AccessService's and are checked first by
 * the caller; re-authentication is `AuthService.confirmPassword` (see docs/ARCHITECTURE.md,
 * "How a new record is approved").
 */
@Injectable()
export class ApprovalRights {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
  ) {}

  /** The capacity in which the user may approve in the agency at `at`, or null. */
  async capacityOf(userId: string, agencyId: string, at: Date = new Date()): Promise<ApproverCapacity | null> {
    const [row] = await this.db.query<{ role: 'head' | 'deputy'; delegation_id: string | null; on_behalf_of: string | null; full_name: string | null; title: string | null }[]>(
      `SELECT c.role, c.delegation_id, c.on_behalf_of, u.full_name, u.title
         FROM approver_capacities($1, $2, $3) c LEFT JOIN (${peopleSql()}) u ON u.id = c.on_behalf_of
        ORDER BY (c.role = 'head') DESC, c.valid_from DESC, c.delegation_id
        LIMIT 1`,
      [agencyId, userId, at],
    );
    if (!row) return null;
    if (row.role === 'head') return { role: 'head' };
    return { role: 'deputy', delegationId: row.delegation_id!, onBehalfOf: { id: row.on_behalf_of!, fullName: row.full_name!, title: row.title } };
  }

  /**
   * The capacity in which `p` approves in the agency at `at`, or 403: `delegation_required` for a
   * deputy without an active delegation from a head, `approver_required` for anyone else, then
   * `separation_of_duties` when `p` is one of `exclusions`. The caller has checked the permission.
   */
  async capacity(p: Principal, agencyId: string, opts: { at?: Date; exclusions?: readonly Exclusion[] } = {}): Promise<ApproverCapacity> {
    const capacity = await this.capacityOf(p.id, agencyId, opts.at);
    if (!capacity) {
      if (await this.access.hasRole(p, agencyId, 'deputy')) {
        throw Errors.forbidden('A deputy approves only inside an active delegation from the head of the agency ("KT.").', 'delegation_required');
      }
      throw Errors.forbidden('Only the head of the agency, or a deputy under a delegation, may do this.', 'approver_required');
    }
    const excluded = opts.exclusions?.find((x) => x.userId === p.id);
    if (excluded) throw Errors.forbidden(excluded.detail, 'separation_of_duties');
    return capacity;
  }

  /** Active users who may approve in the agency at `at` (heads and deputies under an active delegation), minus `exclude`. */
  async approvers(agencyId: string, opts: { at?: Date; exclude?: readonly string[] } = {}): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(
      `SELECT m.user_id FROM (${activeMembershipsSql()}) m
        WHERE m.agency_id = $1 AND ${mayApproveSql('m.agency_id', 'm.user_id', '$2')} AND NOT (m.user_id = ANY($3::uuid[]))
        ORDER BY m.user_id`,
      [agencyId, opts.at ?? new Date(), [...(opts.exclude ?? [])]],
    );
    return rows.map((r) => r.user_id);
  }
}
