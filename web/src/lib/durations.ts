/**
 * The step-time rule of a procedure (API.md "Revision content by type"): the step durations add
 * up to no more than the statutory time limit; a working day (and a day, as step tables count
 * them) is 8 hours. The server checks the same rule at submit (procedure.steps_exceed_time_limit);
 * the editor shows it live.
 */
import { HOURS_PER_WORKING_DAY } from '../../../src/documents/document-types.js';
import { formatDuration, formatDurationTotal, formatNumber } from '../../../src/common/vn-format.js';

export type DurationUnit = 'working_days' | 'days' | 'hours';
export interface Duration {
  value: number;
  unit: DurationUnit;
}

/** A duration the user may still be typing: no value yet, or not a number. */
export interface DurationInput {
  value?: number | string | null;
  unit?: DurationUnit | null;
}

/** The duration an input stands for, or null when it is incomplete or not positive. */
export function toDuration(d: DurationInput | null | undefined): Duration | null {
  if (!d || d.value === null || d.value === undefined || d.value === '' || !d.unit) return null;
  const value = typeof d.value === 'number' ? d.value : Number(String(d.value).replace(',', '.'));
  return Number.isFinite(value) && value > 0 ? { value, unit: d.unit } : null;
}

export function durationHours(d: Duration): number {
  return d.unit === 'hours' ? d.value : d.value * HOURS_PER_WORKING_DAY;
}

export interface StepTimeTotal {
  /** Sum of the steps' durations, in working hours. */
  totalHours: number;
  /** The statutory limit in working hours, or null when none is set. */
  limitHours: number | null;
  /** True when a limit is set and the steps take longer (the submit rule fails). */
  exceeds: boolean;
  /** Hours left before the limit (negative when over), or null without a limit. */
  remainingHours: number | null;
  /** Steps without a usable duration (the submit rule "duration is required" fails for them). */
  missing: number;
  /** "2 ngày làm việc 4 giờ" — the total as printed under the step table. */
  totalText: string;
  /** "5 ngày làm việc", or null without a limit. */
  limitText: string | null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The running total of a step table against the statutory time limit. */
export function stepTimeTotal(steps: readonly { duration?: DurationInput | null }[], limit: DurationInput | null | undefined): StepTimeTotal {
  const durations = steps.map((s) => toDuration(s.duration));
  const known = durations.filter((d): d is Duration => d !== null);
  const totalHours = round(known.reduce((sum, d) => sum + durationHours(d), 0));
  const limitDuration = toDuration(limit);
  const limitHours = limitDuration ? durationHours(limitDuration) : null;
  return {
    totalHours,
    limitHours,
    exceeds: limitHours !== null && known.length > 0 && totalHours > limitHours + 1e-9,
    remainingHours: limitHours === null ? null : round(limitHours - totalHours),
    missing: durations.length - known.length,
    totalText: formatDurationTotal(known) ?? formatDuration({ value: 0, unit: 'working_days' }),
    limitText: limitDuration ? formatDuration(limitDuration) : null,
  };
}

/** "132 giờ" — hours for the summary line. */
export function formatHours(hours: number): string {
  return `${formatNumber(round(hours))} giờ`;
}

export { formatDuration };
