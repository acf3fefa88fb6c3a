import { parsePaperNumber } from './decree30.js';
import { Errors } from './errors.js';
import { isCalendarDate, todayInVietnam } from './calendar-date.js';

/**
 * The number of a decision (quyết định) as Decree 30 writes it ("15/QĐ-UBND", "05/QĐ-SKHCN"): parsed,
 * normalised to its display form, or 400 naming `field`. One rule for every record that cites the
 * head's decision (steering committee, announcement of conformity).
 */
export function requireDecisionNumber(input: string, field = 'decisionNumber'): string {
  const parsed = parsePaperNumber(input, { expectKind: 'quyet_dinh' });
  if (!parsed.ok) throw Errors.validation([{ field, message: parsed.message }]);
  return parsed.value.display;
}

/** A signing date: a calendar date not after today (Vietnam), or 400 naming `field`. */
export function requirePastDate(value: string, field: string): string {
  if (!isCalendarDate(value)) throw Errors.validation([{ field, message: 'must be a date YYYY-MM-DD' }]);
  if (value > todayInVietnam()) throw Errors.validation([{ field, message: 'must not be in the future' }]);
  return value;
}
