import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { agencySubtreeSql } from '../agencies/agencies.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { nfc } from '../common/text.js';
import { Database } from '../database/database.js';
import { People } from '../identity/people.js';
import { NonconformitiesService, type NonconformitySeverity } from '../nonconformities/index.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { ConcludeInspectionRequest, CreateFindingRequest, CreateInspectionRequest, InspectionList, InspectionListQuery, InspectionView } from './inspections.dto.js';

interface InspectionRow {
  id: string;
  agency_id: string;
  kind: string;
  planned_on: string;
  title: string;
  scope: string | null;
  state: 'planned' | 'concluded' | 'closed';
  conclusion: string | null;
  concluded_at: Date | null;
  closed_at: Date | null;
  created_by: string;
  created_at: Date;
}

const COLUMNS = `i.id, i.agency_id, i.kind, to_char(i.planned_on, 'YYYY-MM-DD') AS planned_on, i.title, i.scope, i.state, i.conclusion, i.concluded_at, i.closed_at, i.created_by, i.created_at`;
const DEFAULT_TITLE = 'Kiểm tra việc duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015';

/**
 * Inspections of agencies by the Sở KH&CN: planned by a supervisor of the agency (or an ancestor)
 * with inspectors who supervise it too; each finding an inspector records opens a nonconformity of
 * the inspected agency (`source: inspection`, through NonconformitiesService in the same
 * transaction); the conclusion ends the findings, and the inspection closes when every nonconformity
 * it opened is closed (InspectionClosing, told by the nonconformities module).
 */
@Injectable()
export class InspectionsService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly nonconformities: NonconformitiesService,
    private readonly notifications: NotificationsService,
    private readonly people: People,
  ) {}

  private async find(id: string, lock = false): Promise<InspectionRow | null> {
    const [row] = await this.db.query<InspectionRow[]>(`SELECT ${COLUMNS} FROM inspections i WHERE i.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row ?? null;
  }

  private async visible(p: Principal, id: string): Promise<InspectionRow> {
    const row = await this.find(id);
    if (!row) throw Errors.notFound('Inspection');
    await this.access.assert(p, 'inspection.read', row.agency_id, 'Inspection');
    return row;
  }

  private async assertInspector(p: Principal, row: InspectionRow): Promise<void> {
    await this.access.assert(p, 'supervision.manage', row.agency_id, 'Inspection');
    const [hit] = await this.db.query<unknown[]>('SELECT 1 FROM inspection_inspectors WHERE inspection_id = $1 AND user_id = $2', [row.id, p.id]);
    if (!hit) throw Errors.forbidden('Only an inspector of this inspection records its findings and conclusion.');
  }

  async get(p: Principal, id: string): Promise<InspectionView> {
    return (await this.views([await this.visible(p, id)]))[0];
  }

  async list(p: Principal, q: InspectionListQuery): Promise<InspectionList> {
    const scope = await this.access.scope(p, 'inspection.read');
    if (q.agencyId && !(await this.access.isRelated(p, q.agencyId))) throw Errors.notFound('Agency');
    const rows = await this.db.query<InspectionRow[]>(
      `SELECT ${COLUMNS}
         FROM inspections i
        WHERE ($1::boolean OR i.agency_id = ANY($2::uuid[]))
          AND ($3::uuid IS NULL OR i.agency_id IN (${agencySubtreeSql('$3')}))
          AND ($4::int IS NULL OR (i.planned_on >= make_date($4, 1, 1) AND i.planned_on < make_date($4 + 1, 1, 1)))
        ORDER BY i.planned_on DESC, i.id LIMIT 500`,
      [scope.all, scope.all ? [] : scope.agencyIds, q.agencyId ?? null, q.year ?? null],
    );
    return { items: await this.views(rows) };
  }

  async create(p: Principal, req: CreateInspectionRequest): Promise<InspectionView> {
    if (!(await this.access.agencyPath(req.agencyId))) throw Errors.notFound('Agency');
    await this.access.assert(p, 'supervision.manage', req.agencyId, 'Agency');
    const inspectorIds = [...new Set(req.inspectorIds)];
    const inspectors = await this.people.holdersOverAmong(req.agencyId, 'supervisor', inspectorIds);
    const bad = inspectorIds.map((id, i) => ({ id, i })).filter(({ id }) => !inspectors.some((x) => x.id === id));
    if (bad.length) {
      throw Errors.ruleViolated(
        'inspector_invalid',
        'Every inspector must be an active supervisor of the inspected agency (of it or of an agency above it).',
        bad.map(({ i }) => ({ field: `inspectorIds[${i}]`, message: 'is not a supervisor of this agency' })),
      );
    }
    const id = await this.db.transaction(async () => {
      const [row] = await this.db.query<{ id: string }[]>(
        `INSERT INTO inspections (agency_id, kind, planned_on, title, scope, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [req.agencyId, req.kind, req.plannedOn.slice(0, 10), req.title ? nfc(req.title).trim() : DEFAULT_TITLE, req.scope ? nfc(req.scope).trim() : null, p.id],
      );
      for (const [position, userId] of inspectorIds.entries()) {
        const u = inspectors.find((x) => x.id === userId)!;
        await this.db.query('INSERT INTO inspection_inspectors (inspection_id, user_id, full_name, title, position) VALUES ($1, $2, $3, $4, $5)', [row.id, userId, u.fullName, u.title, position]);
      }
      await this.audit.record({
        action: 'inspection.planned',
        entityType: 'inspection',
        entityId: row.id,
        agencyId: req.agencyId,
        changes: { kind: req.kind, plannedOn: req.plannedOn.slice(0, 10), inspectorIds },
      });
      await this.notifications.notify(await this.people.members(req.agencyId, ['head', 'deputy', 'iso_secretary']), {
        kind: 'inspection.planned',
        title: `Sở KH&CN kiểm tra ${req.kind === 'on_site' ? 'trực tiếp' : 'hồ sơ'} HTQLCL ngày ${req.plannedOn.slice(8, 10)}/${req.plannedOn.slice(5, 7)}/${req.plannedOn.slice(0, 4)}`,
        body: req.title ? nfc(req.title) : DEFAULT_TITLE,
        agencyId: req.agencyId,
        entityType: 'inspection',
        entityId: row.id,
      });
      return row.id;
    });
    return this.get(p, id);
  }

  /** POST /inspections/{id}/findings: an inspector, while planned; opens a nonconformity of the inspected agency. */
  async addFinding(p: Principal, id: string, req: CreateFindingRequest): Promise<InspectionView> {
    const pre = await this.visible(p, id);
    await this.assertInspector(p, pre);
    await this.db.transaction(async () => {
      const row = (await this.find(id, true))!;
      if (row.state !== 'planned') throw Errors.conflict('inspection_closed', 'The inspection is concluded: no more findings.');
      const nc = await this.nonconformities.open({
        agencyId: row.agency_id,
        source: 'inspection',
        sourceRef: { kind: 'inspection', id: row.id },
        severity: req.severity as NonconformitySeverity,
        description: req.description,
        clause: req.clause ?? null,
        documentId: req.documentId ?? null,
        createdBy: p.id,
      });
      const [{ next }] = await this.db.query<{ next: number }[]>('SELECT coalesce(max(number), 0) + 1 AS next FROM inspection_findings WHERE inspection_id = $1', [id]);
      const [f] = await this.db.query<{ id: string }[]>(
        `INSERT INTO inspection_findings (inspection_id, agency_id, number, description, severity, clause, nonconformity_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [id, row.agency_id, next, nc.description, nc.severity, nc.clause ?? null, nc.id, p.id],
      );
      await this.audit.record({ action: 'inspection.finding_added', entityType: 'inspection', entityId: id, agencyId: row.agency_id, changes: { findingId: f.id, number: next, nonconformityId: nc.id, severity: nc.severity } });
    });
    return this.get(p, id);
  }

  /** POST /inspections/{id}/conclude: an inspector writes the conclusion; closed at once when no nonconformity is open. */
  async conclude(p: Principal, id: string, req: ConcludeInspectionRequest): Promise<InspectionView> {
    const pre = await this.visible(p, id);
    await this.assertInspector(p, pre);
    await this.db.transaction(async () => {
      const row = (await this.find(id, true))!;
      if (row.state !== 'planned') throw Errors.conflict('inspection_closed', 'The inspection is already concluded.');
      const conclusion = nfc(req.conclusion).trim();
      await this.db.query(`UPDATE inspections SET state = 'concluded', conclusion = $2, concluded_at = now(), concluded_by = $3, updated_at = now() WHERE id = $1`, [id, conclusion, p.id]);
      await this.audit.record({ action: 'inspection.concluded', entityType: 'inspection', entityId: id, agencyId: row.agency_id, changes: { state: { old: 'planned', new: 'concluded' }, conclusion } });
      await this.closeIfDone(id);
    });
    return this.get(p, id);
  }

  /** Closes a concluded inspection whose nonconformities are all closed (also inside the nonconformity's closing transaction). */
  async closeIfDone(id: string, manager?: EntityManager): Promise<void> {
    await this.db.using(manager, () =>
      this.db.transaction(async () => {
        const row = await this.find(id, true);
        if (!row || row.state !== 'concluded') return;
        const ncs = await this.nonconformities.ofSource('inspection', id);
        if (ncs.some((n) => n.state !== 'closed')) return;
        await this.db.query(`UPDATE inspections SET state = 'closed', closed_at = now(), updated_at = now() WHERE id = $1`, [id]);
        await this.audit.record({ action: 'inspection.closed', entityType: 'inspection', entityId: id, agencyId: row.agency_id, changes: { state: { old: 'concluded', new: 'closed' }, nonconformities: ncs.map((n) => n.code) } });
      }),
    );
  }

  private async views(rows: InspectionRow[]): Promise<InspectionView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [inspectors, findings] = await Promise.all([
      this.db.query<{ inspection_id: string; user_id: string; full_name: string; title: string | null }[]>(
        'SELECT inspection_id, user_id, full_name, title FROM inspection_inspectors WHERE inspection_id = ANY($1::uuid[]) ORDER BY position',
        [ids],
      ),
      this.db.query<{ id: string; inspection_id: string; number: number; description: string; severity: string; clause: string | null; nonconformity_id: string; created_by: string; created_at: Date }[]>(
        'SELECT id, inspection_id, number, description, severity, clause, nonconformity_id, created_by, created_at FROM inspection_findings WHERE inspection_id = ANY($1::uuid[]) ORDER BY number',
        [ids],
      ),
    ]);
    const ncs = new Map<string, { code: string; state: string }>();
    for (const id of new Set(findings.map((f) => f.inspection_id))) for (const n of await this.nonconformities.ofSource('inspection', id)) ncs.set(n.id, n);
    return rows.map((r) => ({
      id: r.id,
      agencyId: r.agency_id,
      kind: r.kind,
      plannedOn: r.planned_on,
      title: r.title,
      scope: r.scope,
      state: r.state,
      conclusion: r.conclusion,
      concludedAt: r.concluded_at?.toISOString() ?? null,
      closedAt: r.closed_at?.toISOString() ?? null,
      inspectors: inspectors.filter((i) => i.inspection_id === r.id).map((i) => ({ userId: i.user_id, fullName: i.full_name, title: i.title })),
      findings: findings
        .filter((f) => f.inspection_id === r.id)
        .map((f) => ({
          id: f.id,
          number: f.number,
          description: f.description,
          severity: f.severity,
          clause: f.clause,
          nonconformityId: f.nonconformity_id,
          nonconformityCode: ncs.get(f.nonconformity_id)?.code ?? '',
          nonconformityState: ncs.get(f.nonconformity_id)?.state ?? 'open',
          createdBy: f.created_by,
          createdAt: f.created_at.toISOString(),
        })),
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
