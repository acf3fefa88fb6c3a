/** The supervisor's overview screen logic: filters by level, report status and late reports; colours and tone. */
import { filterOverview, NO_FILTERS, percentText, reportStatusColor, rowTone, type OverviewRowLike } from '../../web/src/lib/overview.js';

const row = (o: Partial<OverviewRowLike> = {}): OverviewRowLike => ({
  level: 'commune',
  announcedOn: '2025-03-05',
  reports: { '2026-H1': 'submitted', '2026': 'draft' },
  openNonconformities: 0,
  overdueActions: 0,
  legalUpdatesOverdue: 0,
  reviewsOverdue: 0,
  ...o,
});

describe('overview filters', () => {
  const rows = [row(), row({ level: 'district', reports: { '2026-H1': 'late', '2026': 'missing' } }), row({ reports: { '2026-H1': 'returned', '2026': 'missing' } })];

  it('filters by level, by the status of one period or of any, and late reports only', () => {
    expect(filterOverview(rows, NO_FILTERS)).toHaveLength(3);
    expect(filterOverview(rows, { ...NO_FILTERS, level: 'district' })).toEqual([rows[1]]);
    expect(filterOverview(rows, { ...NO_FILTERS, status: 'missing', period: '2026' })).toEqual([rows[1], rows[2]]);
    expect(filterOverview(rows, { ...NO_FILTERS, status: 'missing', period: '2026-H1' })).toEqual([]);
    expect(filterOverview(rows, { ...NO_FILTERS, status: 'returned' })).toEqual([rows[2]]);
    expect(filterOverview(rows, { ...NO_FILTERS, lateOnly: true })).toEqual([rows[1]]);
  });

  it('colours statuses and rows by how the agency stands', () => {
    expect(reportStatusColor('submitted')).toBe('green');
    expect(reportStatusColor('late')).toBe('orange');
    expect(reportStatusColor('returned')).toBe('red');
    expect(rowTone(row({ reports: { '2026-H1': 'submitted' } }))).toBe('ok');
    expect(rowTone(row())).toBe('warning');
    expect(rowTone(row({ announcedOn: null, reports: {} }))).toBe('warning');
    expect(rowTone(row({ overdueActions: 1 }))).toBe('alert');
    expect(percentText(87.5)).toBe('87,5%');
  });
});
