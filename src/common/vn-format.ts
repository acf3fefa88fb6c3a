/**
 * Vietnamese formatting (Decree 30/2020/NĐ-CP conventions) shared by every module: calendar dates and
 * instants in Vietnam time, the long and short date forms, numbers, amounts, durations in working
 * days, revision numbers, upper case. Names of domain values (document types, states) stay with
 * their owners; this file depends on nothing of the domain.
 */

/** A date as given: a `YYYY-MM-DD` calendar date or an instant. */
export type DateInput = string | Date;

/** Units of a statutory or step duration. */
export const DURATION_UNITS = ['working_days', 'days', 'hours'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface Duration {
  value: number;
  unit: DurationUnit;
}

/** A working day is 8 working hours. */
export const HOURS_PER_WORKING_DAY = 8;

/** Vietnam has no daylight saving time: local time is always UTC+07:00. */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** The calendar date of a date input: a `YYYY-MM-DD` string as is, an instant in Vietnam time. */
export function toCalendarDate(input: DateInput): CalendarDate {
  if (typeof input === 'string') {
    const m = CALENDAR_DATE.exec(input.trim());
    if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  }
  const time = input instanceof Date ? input.getTime() : Date.parse(input);
  if (!Number.isFinite(time)) throw new RangeError(`Not a date: ${String(input)}`);
  const local = new Date(time + VIETNAM_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** The instant of a date input (a calendar date is taken at 00:00 in Vietnam). */
export function toInstant(input: DateInput): Date {
  if (input instanceof Date) return new Date(input.getTime());
  const m = CALENDAR_DATE.exec(input.trim());
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - VIETNAM_OFFSET_MS);
  const time = Date.parse(input);
  if (!Number.isFinite(time)) throw new RangeError(`Not a date: ${input}`);
  return new Date(time);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Decree 30 long form: "ngày 05 tháng 3 năm 2014". Days below 10 and the months January and
 * February take a leading zero ("ngày 09 tháng 02 năm 2024"); other months do not.
 */
export function formatDateLong(input: DateInput): string {
  const { year, month, day } = toCalendarDate(input);
  const mm = month < 3 ? pad2(month) : String(month);
  return `ngày ${pad2(day)} tháng ${mm} năm ${year}`;
}

/** Short form for tables and headers: "05/03/2014". */
export function formatDateShort(input: DateInput): string {
  const { year, month, day } = toCalendarDate(input);
  return `${pad2(day)}/${pad2(month)}/${year}`;
}

/** Decimal numbers the Vietnamese way: "0,5", "1.250.000". */
export function formatNumber(value: number): string {
  const [int, frac] = Math.abs(value).toString().split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${value < 0 ? '-' : ''}${grouped}${frac ? `,${frac}` : ''}`;
}

const UNIT_NAMES: Record<Duration['unit'], string> = {
  working_days: 'ngày làm việc',
  days: 'ngày',
  hours: 'giờ',
};

export function formatDuration(d: Duration): string {
  return `${formatNumber(d.value)} ${UNIT_NAMES[d.unit]}`;
}

/**
 * Total of step durations, printed under the step table: working days and hours are added up
 * (8 hours = 1 working day); calendar days are added separately. Undefined if no step has one.
 */
export function formatDurationTotal(durations: Duration[]): string | undefined {
  if (durations.length === 0) return undefined;
  let hours = 0;
  let days = 0;
  for (const d of durations) {
    if (d.unit === 'days') days += d.value;
    else hours += d.unit === 'hours' ? d.value : d.value * HOURS_PER_WORKING_DAY;
  }
  const parts: string[] = [];
  const hasWorking = durations.some((d) => d.unit !== 'days');
  if (hasWorking) {
    const wholeDays = Math.floor(round(hours) / HOURS_PER_WORKING_DAY);
    const restHours = round(hours - wholeDays * HOURS_PER_WORKING_DAY);
    if (wholeDays > 0) parts.push(formatDuration({ value: wholeDays, unit: 'working_days' }));
    if (restHours > 0 || wholeDays === 0) parts.push(formatDuration({ value: restHours, unit: 'hours' }));
  }
  if (days > 0) parts.push(formatDuration({ value: round(days), unit: 'days' }));
  return parts.join(' ');
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Fees: a number is an amount in đồng ("50.000 đồng"); text is printed as given. */
export function formatFee(fee: string | number | null | undefined): string {
  if (fee === null || fee === undefined || fee === '') return 'Không';
  if (typeof fee === 'number') return fee === 0 ? 'Không' : `${formatNumber(fee)} đồng`;
  return fee;
}

/** "Lần ban hành: 02" style revision numbers. */
export function formatRevisionNumber(n: number): string {
  return pad2(n);
}

/** Upper case the Vietnamese way (NFC in, NFC out). */
export function upperVi(s: string): string {
  return s.normalize('NFC').toLocaleUpperCase('vi').normalize('NFC');
}
