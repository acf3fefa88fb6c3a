import { Errors, FieldError } from './errors.js';

/**
 * The `from`/`to` instants of a list query, as ISO text PostgreSQL reads exactly. 400 naming the
 * field when one is not a date-time between years 1 and 9999, or when `to` is before `from`.
 */
export function parseTimeRange(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  const errors: FieldError[] = [];
  const instant = (field: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    const year = Number.isFinite(ms) ? new Date(ms).getUTCFullYear() : NaN;
    if (year >= 1 && year <= 9999) return ms;
    errors.push({ field, message: 'must be an ISO 8601 date-time between years 1 and 9999' });
    return undefined;
  };
  const fromMs = instant('from', from);
  const toMs = instant('to', to);
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) errors.push({ field: 'to', message: 'must not be before from' });
  if (errors.length) throw Errors.validation(errors);
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return { from: iso(fromMs), to: iso(toMs) };
}
