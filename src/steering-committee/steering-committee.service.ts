import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditService } from '../audit/audit.service.js';
import { requireDecisionNumber, requirePastDate } from '../common/decision-number.js';
import { Errors, FieldError } from '../common/errors.js';
import { Database } from '../database/database.js';
import { People } from '../identity/people.js';
import type { CommitteeMemberView, SetSteeringCommitteeRequest, SteeringCommitteeAnswer, SteeringCommitteeView } from './steering-committee.dto.js';

interface CommitteeRow {
  id: string;
  agency_id: string;
  decision_number: string;
  signed_on: string;
  members: CommitteeMemberView[];
  state: 'current' | 'replaced';
  replaced_at: Date | null;
  replaced_by_id: string | null;
  created_by: string;
  created_at: Date;
}

const SELECT = `SELECT id, agency_id, decision_number, to_char(signed_on, 'YYYY-MM-DD') AS signed_on, members, state, replaced_at, replaced_by_id, created_by, created_at FROM steering_committees`;

const toView = (r: CommitteeRow): SteeringCommitteeView => ({
  id: r.id,
  agencyId: r.agency_id,
  decisionNumber: r.decision_number,
  signedOn: r.signed_on,
  members: r.members,
  state: r.state,
  replacedAt: r.replaced_at?.toISOString() ?? null,
  replacedById: r.replaced_by_id,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

/**
 * The ISO steering committee (Ban chỉ đạo ISO) of an agency: each composition comes from a decision
 * (number, date) and replaces the previous one, which stays in the history unchanged (the database
 * lets a current composition only become replaced, naming its successor).
 */
@Injectable()
export class SteeringCommitteeService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly agencies: AgenciesService,
    private readonly people: People,
  ) {}

  async set(p: Principal, agencyId: string, req: SetSteeringCommitteeRequest): Promise<SteeringCommitteeView> {
    if (!(await this.agencies.findById(agencyId))) throw Errors.notFound('Agency');
    await this.access.assert(p, 'steering_committee.manage', agencyId, 'Agency');
    const decisionNumber = requireDecisionNumber(req.decisionNumber);
    requirePastDate(req.signedOn, 'signedOn');
    const heads = req.members.filter((m) => m.role === 'head').length;
    if (heads !== 1) throw Errors.validation([{ field: 'members', message: `must name exactly one head (trưởng ban), not ${heads}` }]);
    const linked = req.members.flatMap((m, i) => (m.userId ? [{ i, userId: m.userId.toLowerCase() }] : []));
    const members = new Set(await this.people.memberIds(agencyId, linked.map((l) => l.userId)));
    const strangers: FieldError[] = linked.filter((l) => !members.has(l.userId)).map((l) => ({ field: `members[${l.i}].userId`, message: 'is not a member of the agency' }));
    if (strangers.length) throw Errors.ruleViolated('member_required', 'A committee member linked to a user must be a member of the agency.', strangers);

    return this.db.transaction(async () => {
      await this.db.lock(`steering_committee:${agencyId}`);
      const [previous] = await this.db.query<CommitteeRow[]>(`${SELECT} WHERE agency_id = $1 AND state = 'current' FOR UPDATE`, [agencyId]);
      const id = randomUUID();
      if (previous) await this.db.query(`UPDATE steering_committees SET state = 'replaced', replaced_at = now(), replaced_by_id = $2 WHERE id = $1`, [previous.id, id]);
      const stored: CommitteeMemberView[] = req.members.map((m) => ({ userId: m.userId?.toLowerCase() ?? null, fullName: m.fullName, position: m.position, role: m.role }));
      await this.db.query(`INSERT INTO steering_committees (id, agency_id, decision_number, signed_on, members, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`, [
        id,
        agencyId,
        decisionNumber,
        req.signedOn,
        JSON.stringify(stored),
        p.id,
      ]);
      await this.audit.record({
        action: 'steering_committee.formed',
        entityType: 'steering_committee',
        entityId: id,
        agencyId,
        changes: { decisionNumber, signedOn: req.signedOn, members: stored, replaces: previous?.id ?? null },
      });
      const [row] = await this.db.query<CommitteeRow[]>(`${SELECT} WHERE id = $1`, [id]);
      return toView(row);
    });
  }

  async get(p: Principal, agencyId: string, history: boolean): Promise<SteeringCommitteeAnswer> {
    if (!(await this.agencies.findById(agencyId))) throw Errors.notFound('Agency');
    await this.access.assert(p, 'document.read', agencyId, 'Agency');
    const rows = await this.db.query<CommitteeRow[]>(`${SELECT} WHERE agency_id = $1 ${history ? '' : `AND state = 'current'`} ORDER BY created_at DESC, id DESC`, [agencyId]);
    const current = rows.find((r) => r.state === 'current');
    return { current: current ? toView(current) : null, ...(history ? { history: rows.filter((r) => r.state === 'replaced').map(toView) } : {}) };
  }
}
