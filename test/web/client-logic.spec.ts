/**
 * The web application's own logic (pure functions, run under jest like the server's unit tests):
 * the live step-time total of the procedure editor, the date formats, the side-by-side diff rows,
 * the filename of a download and the Repr-Digest an upload announces.
 */
import { createHash, randomBytes } from 'node:crypto';
import { reprDigestSha256 } from '../../src/storage/digest-header.js';
import { reprDigestOf } from '../../web/src/lib/digest.js';
import { formatDate, formatDateLong, formatDateTime, startOfVietnamDay, todayInVietnam } from '../../web/src/lib/dates.js';
import { stepTimeTotal, toDuration } from '../../web/src/lib/durations.js';
import { sideBySide } from '../../web/src/lib/side-by-side.js';
import { filenameOf } from '../../web/src/lib/filename.js';

describe('step-time total against the statutory time limit', () => {
  const step = (value: number | string | null, unit: 'working_days' | 'days' | 'hours' = 'working_days') => ({ duration: { value, unit } });

  it('adds working days, days and hours at 8 hours a day and flags a total over the limit', () => {
    const t = stepTimeTotal([step(2), step(2), step(3)], { value: 5, unit: 'working_days' });
    expect(t).toMatchObject({ totalHours: 56, limitHours: 40, exceeds: true, remainingHours: -16, missing: 0 });
    expect(t.totalText).toBe('7 ngày làm việc');
    expect(t.limitText).toBe('5 ngày làm việc');
  });

  it('accepts a total equal to the limit, and mixes hours into working days', () => {
    const t = stepTimeTotal([step(4, 'hours'), step(1), step(3.5)], { value: 5, unit: 'working_days' });
    expect(t).toMatchObject({ totalHours: 40, exceeds: false, remainingHours: 0 });
    const mixed = stepTimeTotal([step(4, 'hours'), step(1)], { value: 2, unit: 'days' });
    expect(mixed.totalText).toBe('1 ngày làm việc 4 giờ');
    expect(mixed).toMatchObject({ totalHours: 12, limitHours: 16, exceeds: false });
  });

  it('counts steps without a usable duration and never flags without a limit', () => {
    const t = stepTimeTotal([step(null), step(''), step('abc'), step(-1), step('1,5')], null);
    expect(t).toMatchObject({ totalHours: 12, limitHours: null, exceeds: false, remainingHours: null, missing: 4 });
    expect(t.limitText).toBeNull();
    expect(stepTimeTotal([], { value: 1, unit: 'hours' })).toMatchObject({ totalHours: 0, exceeds: false, missing: 0 });
  });

  it('reads typed values with a decimal comma', () => {
    expect(toDuration({ value: '2,5', unit: 'working_days' })).toEqual({ value: 2.5, unit: 'working_days' });
    expect(toDuration({ value: 0, unit: 'hours' })).toBeNull();
    expect(toDuration({ value: 3, unit: null })).toBeNull();
  });
});

describe('dates as Vietnamese users read them', () => {
  it('formats calendar dates without shifting them and instants in Asia/Ho_Chi_Minh', () => {
    expect(formatDate('2026-03-05')).toBe('05/03/2026');
    expect(formatDateLong('2026-03-05')).toBe('ngày 05 tháng 3 năm 2026');
    expect(formatDateLong('2024-02-09')).toBe('ngày 09 tháng 02 năm 2024');
    // 17:30 UTC on 4 March is 00:30 on 5 March in Vietnam.
    expect(formatDate('2026-03-04T17:30:00Z')).toBe('05/03/2026');
    expect(formatDateTime('2026-03-04T17:30:00Z')).toBe('00:30 05/03/2026');
    expect(formatDateTime('2026-03-05T07:05:00+07:00')).toBe('07:05 05/03/2026');
    expect(formatDate(null)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });

  it('knows today in Vietnam and where a Vietnamese day starts', () => {
    expect(todayInVietnam(new Date('2026-03-04T18:00:00Z'))).toBe('2026-03-05');
    expect(todayInVietnam(new Date('2026-03-04T16:59:59Z'))).toBe('2026-03-04');
    expect(new Date(startOfVietnamDay('2026-03-05')).toISOString()).toBe('2026-03-04T17:00:00.000Z');
  });
});

describe('side-by-side diff rows', () => {
  it('keeps equal lines paired and puts a removed run beside the added run', () => {
    const rows = sideBySide([
      { op: 'equal', text: 'a' },
      { op: 'removed', text: 'b' },
      { op: 'removed', text: 'c' },
      { op: 'added', text: 'B' },
      { op: 'equal', text: 'd' },
      { op: 'added', text: 'e' },
    ]);
    expect(rows).toEqual([
      { left: 'a', right: 'a', kind: 'equal' },
      { left: 'b', right: 'B', kind: 'change' },
      { left: 'c', right: undefined, kind: 'change' },
      { left: 'd', right: 'd', kind: 'equal' },
      { left: undefined, right: 'e', kind: 'change' },
    ]);
  });
});

describe('download filenames', () => {
  it('prefers the RFC 6266 UTF-8 name and falls back', () => {
    expect(filenameOf(`attachment; filename="To-khai.docx"; filename*=UTF-8''T%E1%BB%9D%20khai.docx`, 'x')).toBe('Tờ khai.docx');
    expect(filenameOf('attachment; filename="QT-01.pdf"', 'x')).toBe('QT-01.pdf');
    expect(filenameOf(null, 'fallback.pdf')).toBe('fallback.pdf');
  });
});

describe('the Repr-Digest an upload announces', () => {
  it('is the SHA-256 of the file bytes read as a stream, in the form the API reads, with progress up to 100', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const seen: number[] = [];
    const header = await reprDigestOf(new Blob([bytes]), (p) => seen.push(p));
    const hex = createHash('sha256').update(bytes).digest('hex');
    expect(header).toBe(`sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:`);
    expect(reprDigestSha256(header)).toBe(hex);
    expect(seen.at(-1)).toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('of an empty file is the digest of no bytes', async () => {
    expect(reprDigestSha256(await reprDigestOf(new Blob([])))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
