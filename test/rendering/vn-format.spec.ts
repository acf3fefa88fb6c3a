/** Vietnamese formatting used on renditions (Decree 30 dates, durations, stamps). */
import { formatDateLong, formatDateShort, formatDuration, formatDurationTotal, formatFee, upperVi } from '../../src/common/vn-format.js';
import { watermarkFor } from '../../src/rendering/index.js';

describe('Vietnamese formatting', () => {
  it('writes Decree 30 dates: leading zero for days < 10 and for January and February only', () => {
    expect(formatDateLong('2014-03-05')).toBe('ngày 05 tháng 3 năm 2014');
    expect(formatDateLong('2024-02-09')).toBe('ngày 09 tháng 02 năm 2024');
    expect(formatDateLong('2024-01-31')).toBe('ngày 31 tháng 01 năm 2024');
    expect(formatDateLong('2024-12-25')).toBe('ngày 25 tháng 12 năm 2024');
    expect(formatDateShort('2014-03-05')).toBe('05/03/2014');
  });

  it('prints instants as the date in Vietnam (UTC+07:00)', () => {
    expect(formatDateLong('2014-03-04T18:30:00Z')).toBe('ngày 05 tháng 3 năm 2014');
    expect(formatDateShort(new Date('2014-03-04T16:59:59Z'))).toBe('04/03/2014');
    expect(() => formatDateShort('not a date')).toThrow(RangeError);
  });

  it('formats durations, their total (8 hours = 1 working day) and fees', () => {
    expect(formatDuration({ value: 0.5, unit: 'working_days' })).toBe('0,5 ngày làm việc');
    expect(formatDurationTotal([{ value: 4, unit: 'hours' }, { value: 1.5, unit: 'working_days' }, { value: 2, unit: 'days' }])).toBe('2 ngày làm việc 2 ngày');
    expect(formatDurationTotal([{ value: 3, unit: 'hours' }])).toBe('3 giờ');
    expect(formatDurationTotal([{ value: 12, unit: 'hours' }])).toBe('1 ngày làm việc 4 giờ');
    expect(formatDurationTotal([])).toBeUndefined();
    expect(formatFee(1250000)).toBe('1.250.000 đồng');
    expect(formatFee(null)).toBe('Không');
    expect(formatFee('Theo Thông tư 183/2016/TT-BTC')).toBe('Theo Thông tư 183/2016/TT-BTC');
  });

  it('maps every revision state to its stamp', () => {
    expect(['draft', 'in_review', 'pending_approval', 'approved', 'effective', 'superseded', 'obsolete'].map((s) => watermarkFor(s as never))).toEqual([
      'BẢN NHÁP',
      'BẢN NHÁP',
      'BẢN NHÁP',
      'CHƯA CÓ HIỆU LỰC',
      'BẢN CÓ KIỂM SOÁT',
      'HẾT HIỆU LỰC',
      'HẾT HIỆU LỰC',
    ]);
  });

  it('upper-cases Vietnamese names', () => {
    expect(upperVi('Ủy ban nhân dân tỉnh Kon Tum')).toBe('ỦY BAN NHÂN DÂN TỈNH KON TUM');
    expect(upperVi('Sở Khoa học và Công nghệ')).toBe('SỞ KHOA HỌC VÀ CÔNG NGHỆ');
  });
});
