import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { ApprovalRights, ApproverCapacity } from '../approval/approval-rights.js';
import { AuditService } from '../audit/audit.service.js';
import { requireDecisionNumber, requirePastDate } from '../common/decision-number.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { DocumentRegister, ProcedureRef, ScopeChanges } from '../documents/document-register.js';
import { AuthService } from '../identity/auth.service.js';
import { People, peopleSql } from '../identity/people.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { AnnouncementKind, AnnouncementList, AnnouncementView, CreateAnnouncementRequest, ScopeChangedProcedureView, ScopeChangedSinceView, ScopeProcedureView } from './announcements.dto.js';

interface AnnouncementRow {
  id: string;
  agency_id: string;
  kind: AnnouncementKind;
  decision_number: string;
  signed_on: string;
  scope: ScopeProcedureView[];
  signed_by: string;
  signer_name: string;
  signer_title: string | null;
  capacity: 'head' | 'deputy';
  on_behalf_of: string | null;
  head_name: string | null;
  head_title: string | null;
  signed_at: Date;
}

const SELECT = `
  SELECT a.id, a.agency_id, a.kind, a.decision_number, to_char(a.signed_on, 'YYYY-MM-DD') AS signed_on, a.scope, a.signed_by,
         s.full_name AS signer_name, s.title AS signer_title, a.capacity, a.on_behalf_of, h.full_name AS head_name, h.title AS head_title, a.signed_at
    FROM announcements a JOIN (${peopleSql()}) s ON s.id = a.signed_by LEFT JOIN (${peopleSql()}) h ON h.id = a.on_behalf_of`;

const toView = (r: AnnouncementRow): AnnouncementView => ({
  id: r.id,
  agencyId: r.agency_id,
  kind: r.kind,
  decisionNumber: r.decision_number,
  signedOn: r.signed_on,
  scope: r.scope,
  signedBy: { id: r.signed_by, fullName: r.signer_name, title: r.signer_title },
  capacity: r.capacity,
  onBehalfOf: r.on_behalf_of ? { id: r.on_behalf_of, fullName: r.head_name ?? '', title: r.head_title } : null,
  signedAt: r.signed_at.toISOString(),
});

const changedView = (p: ProcedureRef): ScopeChangedProcedureView => ({
  documentId: p.documentId,
  revisionId: p.revisionId,
  code: p.code,
  title: p.title,
  tthcCode: p.tthcCode,
  firstEffectiveAt: p.firstEffectiveAt?.toISOString() ?? null,
  withdrawnAt: p.withdrawnAt?.toISOString() ?? null,
});

/** What an agency's announcement status is: its latest announcement and what changed since. */
export interface AnnouncementStatus {
  latest: AnnouncementView | null;
  scopeChangedSince: ScopeChangedSinceView;
}

/**
 * Announcements of conformity (công bố HTQLCL phù hợp TCVN ISO 9001:2015): signed by the head (or a
 * deputy "KT." under a delegation) with password re-authentication, citing the decision and the
 * procedures in force it covers; the agency's supervisors are told. Which procedures took effect or
 * were withdrawn since the last announcement (a re-announcement is due) is `scopeChangedSince`, also
 * used by the supervision overview.
 */
@Injectable()
export class AnnouncementsService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly approval: ApprovalRights,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly register: DocumentRegister,
    private readonly agencies: AgenciesService,
    private readonly notifications: NotificationsService,
    private readonly people: People,
  ) {}

  async sign(p: Principal, agencyId: string, req: CreateAnnouncementRequest): Promise<AnnouncementView> {
    const agency = await this.agencies.findById(agencyId);
    if (!agency) throw Errors.notFound('Agency');
    await this.access.assert(p, 'announcement.sign', agencyId, 'Agency');
    await this.approval.capacity(p, agencyId);
    const decisionNumber = requireDecisionNumber(req.decisionNumber);
    requirePastDate(req.signedOn, 'signedOn');
    const ids = [...new Set(req.documentIds.map((d) => d.toLowerCase()))];
    await this.auth.confirmPassword(p.id, req.password, 'announcement.sign', agencyId);

    return this.db.transaction(async () => {
      await this.db.lock(`announcements:${agencyId}`);
      const inForce = await this.register.proceduresInForce(agencyId, ids);
      const found = new Set(inForce.map((d) => d.documentId));
      const outside = req.documentIds.flatMap((d, i) => (found.has(d.toLowerCase()) ? [] : [{ field: `documentIds[${i}]`, message: 'is not a procedure of the agency in force' }]));
      if (outside.length) throw Errors.ruleViolated('announcement_scope_invalid', 'The scope of an announcement is procedures of the agency in force.', outside);
      const [{ initial, taken }] = await this.db.query<{ initial: boolean; taken: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM announcements WHERE agency_id = $1 AND kind = 'initial') AS initial,
                EXISTS (SELECT 1 FROM announcements WHERE agency_id = $1 AND decision_number = $2) AS taken`,
        [agencyId, decisionNumber],
      );
      if (req.kind === 'initial' && initial) throw Errors.conflict('initial_announcement_exists', 'The agency already announced its conformity; a change of scope is a re-announcement.');
      if (req.kind === 're_announcement' && !initial) {
        throw Errors.ruleViolated('announcement_kind_invalid', 'A re-announcement follows an initial announcement.', [{ field: 'kind', message: 'must be initial for the first announcement' }]);
      }
      if (taken) throw Errors.conflict('decision_number_taken', `Decision ${decisionNumber} is already recorded in the agency.`);
      const now = new Date();
      const capacity: ApproverCapacity = await this.approval.capacity(p, agencyId, { at: now });
      const scope: ScopeProcedureView[] = inForce.map((d) => ({ documentId: d.documentId, revisionId: d.revisionId, code: d.code, title: d.title, tthcCode: d.tthcCode }));
      const [row] = await this.db.query<{ id: string }[]>(
        `INSERT INTO announcements (agency_id, kind, decision_number, signed_on, scope, signed_by, capacity, delegation_id, on_behalf_of, signed_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10) RETURNING id`,
        [
          agencyId,
          req.kind,
          decisionNumber,
          req.signedOn,
          JSON.stringify(scope),
          p.id,
          capacity.role,
          capacity.role === 'deputy' ? capacity.delegationId : null,
          capacity.role === 'deputy' ? capacity.onBehalfOf.id : null,
          now,
        ],
      );
      await this.audit.record({
        action: 'announcement.signed',
        entityType: 'announcement',
        entityId: row.id,
        agencyId,
        changes: { kind: req.kind, decisionNumber, signedOn: req.signedOn, documentIds: scope.map((s) => s.documentId), capacity: capacity.role },
      });
      const supervisors = await this.people.holdersOver(agencyId, 'supervisor');
      const what = req.kind === 'initial' ? 'công bố' : 'công bố lại';
      await this.notifications.notify(supervisors, {
        agencyId,
        kind: 'announcement.signed',
        title: `${agency.name} ${what} Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015`,
        body: `Quyết định số ${decisionNumber} ngày ${req.signedOn.split('-').reverse().join('/')}: ${what} HTQLCL phù hợp TCVN ISO 9001:2015 với ${scope.length} quy trình trong phạm vi.`,
        entityType: 'announcement',
        entityId: row.id,
      });
      const [saved] = await this.db.query<AnnouncementRow[]>(`${SELECT} WHERE a.id = $1`, [row.id]);
      return toView(saved);
    });
  }

  async list(p: Principal, agencyId: string): Promise<AnnouncementList> {
    if (!(await this.agencies.findById(agencyId))) throw Errors.notFound('Agency');
    await this.access.assert(p, 'document.read', agencyId, 'Agency');
    const rows = await this.db.query<AnnouncementRow[]>(`${SELECT} WHERE a.agency_id = $1 ORDER BY a.signed_at DESC, a.id DESC`, [agencyId]);
    return { items: rows.map(toView), scopeChangedSince: await this.scopeChangedSince(agencyId) };
  }

  /** The procedures that took effect or were withdrawn since the agency's last announcement (none before the first). */
  async scopeChangedSince(agencyId: string): Promise<ScopeChangedSinceView> {
    return (await this.scopeChangesOf([agencyId])).get(agencyId)!;
  }

  /** scopeChangedSince for many agencies: one query for the last announcements, one for the changes. */
  async scopeChangesOf(agencyIds: readonly string[]): Promise<Map<string, ScopeChangedSinceView>> {
    const out = new Map<string, ScopeChangedSinceView>(agencyIds.map((id) => [id, { since: null, added: [], withdrawn: [], reannouncementDue: false }]));
    if (!agencyIds.length) return out;
    const last = await this.db.query<{ agency_id: string; signed_at: Date }[]>(
      `SELECT agency_id, max(signed_at) AS signed_at FROM announcements WHERE agency_id = ANY($1::uuid[]) GROUP BY agency_id`,
      [[...agencyIds]],
    );
    const changes: Map<string, ScopeChanges> = await this.register.proceduresChangedSince(last.map((l) => ({ agencyId: l.agency_id, since: l.signed_at })));
    for (const l of last) {
      const c = changes.get(l.agency_id) ?? { added: [], withdrawn: [] };
      out.set(l.agency_id, {
        since: l.signed_at.toISOString(),
        added: c.added.map(changedView),
        withdrawn: c.withdrawn.map(changedView),
        reannouncementDue: c.added.length + c.withdrawn.length > 0,
      });
    }
    return out;
  }

  /** The latest announcement of the agency and what changed since (no access check: for the management review's inputs). */
  async statusOf(agencyId: string): Promise<AnnouncementStatus> {
    const [latest] = await this.db.query<AnnouncementRow[]>(`${SELECT} WHERE a.agency_id = $1 ORDER BY a.signed_at DESC, a.id DESC LIMIT 1`, [agencyId]);
    return { latest: latest ? toView(latest) : null, scopeChangedSince: await this.scopeChangedSince(agencyId) };
  }
}
