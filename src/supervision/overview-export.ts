import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { csvRecord, UTF8_BOM, type CsvValue } from '../history/csv-writer.js';
import type { OverviewRowView, OverviewView } from './overview.dto.js';

/** The columns of the overview as exported (CSV and XLSX): the same rows as the JSON items, flattened. */
export function overviewColumns(periods: string[]): { header: string; value: (r: OverviewRowView) => CsvValue; width?: number }[] {
  return [
    { header: 'Mã cơ quan', value: (r) => r.agency.code, width: 14 },
    { header: 'Tên cơ quan', value: (r) => r.agency.name, width: 44 },
    { header: 'Cấp', value: (r) => r.level, width: 12 },
    { header: 'Ngày công bố', value: (r) => r.announcedOn, width: 14 },
    { header: 'Đã ban hành mục tiêu', value: (r) => (r.objectivesIssued ? 1 : 0) },
    { header: 'Mục tiêu đã đánh giá', value: (r) => r.objectivesEvaluated },
    { header: 'Đã đánh giá nội bộ', value: (r) => (r.auditHeld ? 1 : 0) },
    { header: 'Đã họp xem xét của lãnh đạo', value: (r) => (r.reviewHeld ? 1 : 0) },
    ...periods.map((p) => ({ header: `Báo cáo ${p}`, value: (r: OverviewRowView) => r.reports[p], width: 12 })),
    { header: 'Điểm không phù hợp đang mở', value: (r) => r.openNonconformities },
    { header: 'Hành động khắc phục quá hạn', value: (r) => r.overdueActions },
    { header: 'Cập nhật văn bản pháp luật quá hạn', value: (r) => r.legalUpdatesOverdue },
    { header: 'Tài liệu quá hạn xem xét', value: (r) => r.reviewsOverdue },
    { header: 'TTHC có quy trình', value: (r) => r.tthcCoverage.covered },
    { header: 'TTHC thuộc thẩm quyền', value: (r) => r.tthcCoverage.total },
  ];
}

function filename(o: OverviewView, ext: string): string {
  const ascii = `tong-quan-htqlcl-${o.year}.${ext}`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(`Tổng quan HTQLCL ${o.year}.${ext}`)}`;
}

/** CSV, UTF-8 with a BOM (Excel opens it as UTF-8): a header row, then one row per agency. */
export function sendOverviewCsv(res: Response, o: OverviewView): void {
  const cols = overviewColumns(o.periods);
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', filename(o, 'csv'));
  res.setHeader('Cache-Control', 'no-store');
  let out = UTF8_BOM + csvRecord(cols.map((c) => c.header));
  for (const r of o.items) out += csvRecord(cols.map((c) => c.value(r)));
  res.end(out);
}

/** XLSX streamed to the response (exceljs WorkbookWriter): sheet "Tổng quan" (the rows), sheet "Theo cấp" (the totals). */
export async function sendOverviewXlsx(res: Response, o: OverviewView): Promise<void> {
  const cols = overviewColumns(o.periods);
  res.status(200);
  res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Content-Disposition', filename(o, 'xlsx'));
  res.setHeader('Cache-Control', 'no-store');
  // Fastest deflate level: the sheet is mostly digits and repeated words, so level 1 packs it nearly
  // as well as the default at a fraction of the CPU time.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  wb.creator = 'e-ISO';
  const sheet = wb.addWorksheet('Tổng quan', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = cols.map((c, i) => ({ key: `c${i}`, width: c.width ?? 10 }));
  const header = sheet.addRow(cols.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  for (const r of o.items) sheet.addRow(cols.map((c) => c.value(r) ?? null)).commit();
  sheet.commit();
  const totals = wb.addWorksheet('Theo cấp');
  const th = totals.addRow(['Cấp', 'Số cơ quan', 'Đã công bố', 'Tỷ lệ (%)', 'Năm mục tiêu', 'Đạt tiến độ', ...o.periods.map((p) => `Đã gửi ${p}`), ...o.periods.map((p) => `Quá hạn ${p}`)]);
  th.font = { bold: true };
  th.commit();
  for (const t of o.totals) {
    totals
      .addRow([t.level, t.agencies, t.announced, t.announcedShare, t.targetYear, t.onTrack ? 1 : 0, ...o.periods.map((p) => t.reportsSubmitted[p] ?? 0), ...o.periods.map((p) => t.reportsLate[p] ?? 0)])
      .commit();
  }
  totals.commit();
  await wb.commit();
}
