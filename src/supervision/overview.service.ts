import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AgencyFactsService, type AgencyFacts, type FactKey } from '../agency-facts/index.js';
import { AgenciesService, type SubtreeAgency } from '../agencies/agencies.service.js';
import { AGENCY_LEVELS } from '../agencies/agency.entity.js';
import { Errors } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import type { LevelTotalView, OverviewRowView, OverviewView, ReportStatus, RolloutTargetView } from './overview.dto.js';
import { factsPeriodOf, periodsOfYear, vnDate } from './reporting-periods.js';

/** The province's rollout targets: every agency of these levels announced by that year. */
export const ROLLOUT_TARGETS: readonly { target: 'provincial' | 'district' | 'all'; levels: readonly string[]; targetYear: number }[] = [
  { target: 'provincial', levels: ['province', 'department'], targetYear: 2025 },
  { target: 'district', levels: ['district'], targetYear: 2027 },
  { target: 'all', levels: AGENCY_LEVELS, targetYear: 2030 },
];

/** The year by which every agency of a level is to have announced. */
export function targetYearOf(level: string): number {
  return ROLLOUT_TARGETS.find((t) => t.levels.includes(level))!.targetYear;
}

/** The agency figures a row of the overview shows (the registry asks only their sources). */
export const OVERVIEW_FACT_KEYS: readonly FactKey[] = [
  'announcedOn',
  'objectivesIssued',
  'objectivesEvaluated',
  'internalAuditsHeld',
  'managementReviewsHeld',
  'nonconformitiesOpen',
  'actionsOverdue',
  'legalUpdatesOverdue',
  'documentsOverdueReview',
  'tthcCovered',
  'tthcHandled',
];

const share = (part: number, whole: number): number => (whole ? Math.round((part / whole) * 1000) / 10 : 0);

/**
 * The province overview of the Sở KH&CN: one row per agency of a subtree with its figures for a
 * year — all of them from AgencyFactsService (one query per owning module for the whole subtree) —
 * and the status of each period's report (one query over the reports of the subtree), with totals
 * per level against the rollout targets. No query per agency.
 */
@Injectable()
export class OverviewService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly agencies: AgenciesService,
    private readonly facts: AgencyFactsService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async overview(p: Principal, agencyId: string, year: number | undefined): Promise<OverviewView> {
    await this.access.assert(p, 'supervision.manage', agencyId, 'Agency');
    const y = year ?? Number(vnDate(new Date()).slice(0, 4));
    const agencies = await this.agencies.subtree(agencyId);
    if (!agencies.length) throw Errors.notFound('Agency');
    const ids = agencies.map((a) => a.id);
    const yearPeriod = periodsOfYear(y, this.config.reporting).find((x) => x.kind === 'year')!;
    const [facts, reports] = await Promise.all([
      this.facts.collect(ids, factsPeriodOf(yearPeriod), OVERVIEW_FACT_KEYS),
      this.db.query<{ agency_id: string; period: string; kind: string; state: string; late: boolean }[]>(
        `SELECT r.agency_id, r.period, r.kind, r.state, r.late FROM periodic_reports r WHERE r.year = $1 AND r.agency_id = ANY($2::uuid[])`,
        [y, ids],
      ),
    ]);
    const quarterly = new Set(reports.filter((r) => r.kind === 'quarter').map((r) => r.period));
    const periods = periodsOfYear(y, this.config.reporting)
      .filter((x) => x.kind !== 'quarter' || quarterly.has(x.period))
      .map((x) => x.period);
    const statusOf = new Map<string, ReportStatus>();
    for (const r of reports) {
      statusOf.set(`${r.agency_id}|${r.period}`, r.state === 'submitted' ? (r.late ? 'late' : 'submitted') : (r.state as ReportStatus));
    }
    const items = agencies.map((a): OverviewRowView => rowOf(a, facts.get(a.id) ?? {}, periods, statusOf));
    return { agencyId, year: y, periods, items, totals: totalsOf(items, periods, y), rollout: rolloutOf(items, y) };
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

function rowOf(a: SubtreeAgency, f: AgencyFacts, periods: string[], statusOf: Map<string, ReportStatus>): OverviewRowView {
  return {
    agency: { id: a.id, code: a.code, name: a.name, parentId: a.parentId, depth: a.depth },
    level: a.level,
    announcedOn: typeof f.announcedOn === 'string' ? f.announcedOn : null,
    objectivesIssued: num(f.objectivesIssued) > 0,
    objectivesEvaluated: num(f.objectivesEvaluated),
    auditHeld: num(f.internalAuditsHeld) > 0,
    reviewHeld: num(f.managementReviewsHeld) > 0,
    reports: Object.fromEntries(periods.map((p) => [p, statusOf.get(`${a.id}|${p}`) ?? 'missing'])),
    openNonconformities: num(f.nonconformitiesOpen),
    overdueActions: num(f.actionsOverdue),
    legalUpdatesOverdue: num(f.legalUpdatesOverdue),
    reviewsOverdue: num(f.documentsOverdueReview),
    tthcCoverage: { covered: num(f.tthcCovered), total: num(f.tthcHandled) },
  };
}

const isAnnounced = (r: OverviewRowView, year: number): boolean => r.announcedOn !== null && Number(r.announcedOn.slice(0, 4)) <= year;

function totalsOf(items: OverviewRowView[], periods: string[], year: number): LevelTotalView[] {
  return AGENCY_LEVELS.map((level) => {
    const rows = items.filter((r) => r.level === level);
    const announced = rows.filter((r) => isAnnounced(r, year)).length;
    const targetYear = targetYearOf(level);
    const announcedShare = share(announced, rows.length);
    const targetShare = year >= targetYear ? 100 : null;
    const count = (pred: (s: ReportStatus) => boolean) => Object.fromEntries(periods.map((p) => [p, rows.filter((r) => pred(r.reports[p])).length]));
    return {
      level,
      agencies: rows.length,
      announced,
      announcedShare,
      targetYear,
      targetShare,
      onTrack: targetShare === null || announcedShare >= targetShare,
      reportsSubmitted: count((s) => s === 'submitted' || s === 'late'),
      reportsLate: count((s) => s === 'late'),
      openNonconformities: rows.reduce((n, r) => n + r.openNonconformities, 0),
      overdueActions: rows.reduce((n, r) => n + r.overdueActions, 0),
    };
  }).filter((t) => t.agencies > 0);
}

function rolloutOf(items: OverviewRowView[], year: number): RolloutTargetView[] {
  return ROLLOUT_TARGETS.map((t) => {
    const rows = items.filter((r) => t.levels.includes(r.level));
    const announced = rows.filter((r) => isAnnounced(r, year)).length;
    const announcedShare = share(announced, rows.length);
    return { target: t.target, levels: [...t.levels], targetYear: t.targetYear, agencies: rows.length, announced, announcedShare, onTrack: year < t.targetYear || announcedShare >= 100 };
  });
}
