/** The supervisor's overview screen logic (pure; unit-tested in test/web/supervision-logic.spec.ts). */

export type ReportStatus = 'missing' | 'draft' | 'submitted' | 'late' | 'returned';

export interface OverviewRowLike {
  level: string;
  announcedOn: string | null;
  reports: Record<string, ReportStatus | string>;
  openNonconformities: number;
  overdueActions: number;
  legalUpdatesOverdue: number;
  reviewsOverdue: number;
}

export interface OverviewFilters {
  level: string | null;
  /** A report status of `period` (or of any period when `period` is null). */
  status: string | null;
  period: string | null;
  /** Only agencies with a report submitted after its due date. */
  lateOnly: boolean;
}

export const NO_FILTERS: OverviewFilters = { level: null, status: null, period: null, lateOnly: false };

/** The rows that pass the filters, in their order. */
export function filterOverview<T extends OverviewRowLike>(rows: readonly T[], f: OverviewFilters): T[] {
  return rows.filter((r) => {
    if (f.level && r.level !== f.level) return false;
    const statuses = f.period ? [r.reports[f.period]] : Object.values(r.reports);
    if (f.status && !statuses.includes(f.status)) return false;
    if (f.lateOnly && !Object.values(r.reports).includes('late')) return false;
    return true;
  });
}

/** The colour of a report status: green on time, orange late, red returned, yellow draft, grey missing. */
export function reportStatusColor(s: string): string {
  return ({ submitted: 'green', late: 'orange', returned: 'red', draft: 'yellow', missing: 'gray' } as Record<string, string>)[s] ?? 'gray';
}

/** How an agency stands overall: `alert` (something overdue or returned), `warning` (not announced, or a report missing/draft), else `ok`. */
export function rowTone(r: OverviewRowLike): 'ok' | 'warning' | 'alert' {
  const statuses = Object.values(r.reports);
  if (r.overdueActions > 0 || r.legalUpdatesOverdue > 0 || statuses.includes('returned') || statuses.includes('late')) return 'alert';
  if (!r.announcedOn || r.reviewsOverdue > 0 || statuses.some((s) => s === 'missing' || s === 'draft')) return 'warning';
  return 'ok';
}

/** A share in percent as printed ("87,5%"). */
export function percentText(share: number): string {
  return `${share.toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
}
