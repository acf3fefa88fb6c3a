import type { AppConfig } from '../config/app-config.js';
import type { FactsPeriod } from '../agency-facts/index.js';

/** `half_year` YYYY-H1 (January–June), `year` YYYY, `quarter` YYYY-Qn. */
export const PERIOD_KINDS = ['half_year', 'year', 'quarter'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const PERIOD_PATTERN = /^(20\d{2})(?:-(H1|Q[1-4]))?$/;

export interface ReportingPeriod {
  period: string;
  kind: PeriodKind;
  year: number;
  /** First and last month (1–12) of the period. */
  fromMonth: number;
  toMonth: number;
  /** YYYY-MM-DD (Vietnam): after this day a submission is late. */
  dueOn: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The period named `period` with its due date under `reporting`, or null when the name is not a period. */
export function reportingPeriod(period: string, reporting: AppConfig['reporting']): ReportingPeriod | null {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) return null;
  const year = Number(m[1]);
  if (!m[2]) return { period, kind: 'year', year, fromMonth: 1, toMonth: 12, dueOn: `${year}-${pad(reporting.yearDue.month)}-${pad(reporting.yearDue.day)}` };
  if (m[2] === 'H1') return { period, kind: 'half_year', year, fromMonth: 1, toMonth: 6, dueOn: `${year}-${pad(reporting.halfYearDue.month)}-${pad(reporting.halfYearDue.day)}` };
  const q = Number(m[2].slice(1));
  const last = q * 3;
  return { period, kind: 'quarter', year, fromMonth: last - 2, toMonth: last, dueOn: `${year}-${pad(last)}-${pad(reporting.quarterDueDay)}` };
}

/** Every period of a year, in the order they fall due: Q1, Q2, H1, Q3, Q4, year (ties: the shorter first). */
export function periodsOfYear(year: number, reporting: AppConfig['reporting']): ReportingPeriod[] {
  const names = [`${year}-Q1`, `${year}-Q2`, `${year}-H1`, `${year}-Q3`, `${year}-Q4`, `${year}`];
  const rank: Record<PeriodKind, number> = { quarter: 0, half_year: 1, year: 2 };
  return names
    .map((n) => reportingPeriod(n, reporting)!)
    .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : rank[a.kind] - rank[b.kind]));
}

/** Midnight in Vietnam (UTC+07:00) of the first day of `month` of `year` (month 13 = next January). */
function vnMonthStart(year: number, month: number): Date {
  const y = month > 12 ? year + 1 : year;
  const mo = month > 12 ? month - 12 : month;
  return new Date(`${y}-${pad(mo)}-01T00:00:00+07:00`);
}

/** The period as the agency figures ask for it: [first day, day after the last) in Vietnam time. */
export function factsPeriodOf(p: Pick<ReportingPeriod, 'year' | 'fromMonth' | 'toMonth'>): FactsPeriod {
  return { year: p.year, from: vnMonthStart(p.year, p.fromMonth), to: vnMonthStart(p.year, p.toMonth + 1) };
}

/** Today's date in Vietnam (YYYY-MM-DD) at `at`. */
export function vnDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
