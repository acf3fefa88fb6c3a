import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy, ValidationOptions } from 'class-validator';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (no 2026-02-30). */
export function isCalendarDate(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DATE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** A calendar date `YYYY-MM-DD` (a day, not an instant: signing dates, meeting dates, due dates). */
export function IsCalendarDate(opts: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => 'must be a date YYYY-MM-DD' } }, opts);
}

/** Today's date in Vietnam (UTC+07:00), `YYYY-MM-DD`. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** `?year=` of a list or view: an optional integer year 2000–2200 from the query string. */
export function OptionalYearQuery(description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 2000, maximum: 2200, ...(description ? { description } : {}) }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'must be an integer' }),
    Min(2000, { message: 'must be between 2000 and 2200' }),
    Max(2200, { message: 'must be between 2000 and 2200' }),
  ) as PropertyDecorator;
}
