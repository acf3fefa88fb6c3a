import { formatDate, formatDateLong, formatDateTime } from '../lib/dates';

/** A date or instant as people read it, with the machine value for assistive technology. */
export function DateText({ value, format = 'short' }: { value: string | null | undefined; format?: 'short' | 'long' | 'datetime' }) {
  if (!value) return <span>—</span>;
  const text = format === 'long' ? formatDateLong(value) : format === 'datetime' ? formatDateTime(value) : formatDate(value);
  return <time dateTime={value}>{text}</time>;
}
