/**
 * Dates and times as the users read them: Decree 30 dates ("ngày 05 tháng 3 năm 2026",
 * "05/03/2026") and clock times in Asia/Ho_Chi_Minh, whatever the browser's own time zone.
 * The calendar-date rules are the ones of the printed documents (one implementation, shared).
 */
import { formatDateLong as longForm, formatDateShort, toCalendarDate } from '../../../src/common/vn-format.js';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

type Input = string | Date | null | undefined;

/** "05/03/2026"; an empty string for no date. */
export function formatDate(value: Input): string {
  return value ? formatDateShort(value) : '';
}

/** "ngày 05 tháng 3 năm 2026"; an empty string for no date. */
export function formatDateLong(value: Input): string {
  return value ? longForm(value) : '';
}

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "14:05 05/03/2026" in Vietnam time; an empty string for no instant. */
export function formatDateTime(value: Input): string {
  if (!value) return '';
  const at = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(at.getTime())) return '';
  return `${clock.format(at)} ${formatDateShort(at)}`;
}

/** Today's calendar date in Vietnam, `YYYY-MM-DD`. */
export function todayInVietnam(now: Date = new Date()): string {
  const { year, month, day } = toCalendarDate(now);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The instant a Vietnamese calendar date (`YYYY-MM-DD`) starts: 00:00 at UTC+07:00. */
export function startOfVietnamDay(date: string): string {
  return `${date}T00:00:00+07:00`;
}
