/**
 * The reusable layout engine through renderTablePdf (used for exports such as a document's
 * history): repeated header rows, page numbering, long cells, determinism, metadata.
 */
import { renderTablePdf, TablePdfOptions } from '../../src/rendering/index.js';
import { readPdf } from './pdf-text.js';

function history(rows: number): TablePdfOptions {
  return {
    title: 'LỊCH SỬ TÀI LIỆU QT-01',
    subtitle: 'Quy trình kiểm soát thông tin dạng văn bản',
    intro: ['Đơn vị: Sở Khoa học và Công nghệ'],
    headerLines: ['UBND TỈNH KON TUM', 'SỞ KHOA HỌC VÀ CÔNG NGHỆ'],
    footer: 'Xuất từ hệ thống e-ISO',
    columns: [
      { header: 'Thời gian', width: 1.4 },
      { header: 'Người thực hiện', width: 1.6 },
      { header: 'Hành động', width: 1.4 },
      { header: 'Chi tiết', width: 4 },
    ],
    rows: Array.from({ length: rows }, (_, i) => [
      `0${(i % 9) + 1}/03/2025 08:${String(i % 60).padStart(2, '0')}`,
      i % 2 ? 'Nguyễn Thị Hương' : 'Trần Văn Đức',
      `sự kiện ${i + 1}`,
      i === 5 ? Array.from({ length: 40 }, () => 'Cập nhật căn cứ pháp lý và các bước của quy trình.').join(' ') : 'Gửi kiểm tra',
    ]),
    metadata: { subject: 'QT-01', date: '2025-03-09', custom: { EisoDocumentCode: 'QT-01' } },
  };
}

describe('renderTablePdf', () => {
  it('paginates a long table with the header row and page numbers on every page', async () => {
    const { bytes, pageCount, warnings } = await renderTablePdf(history(250));
    expect(warnings).toEqual([]);
    const { pages, info } = await readPdf(bytes);
    expect(pages).toHaveLength(pageCount);
    expect(pageCount).toBeGreaterThanOrEqual(5);
    expect(pages[0].text).toContain('LỊCH SỬ TÀI LIỆU QT-01 Quy trình kiểm soát thông tin dạng văn bản Đơn vị: Sở Khoa học và Công nghệ');
    pages.forEach((p, i) => {
      expect(p.text).toContain('Thời gian Người thực hiện Hành động Chi tiết');
      expect(p.text).toContain(`UBND TỈNH KON TUM - SỞ KHOA HỌC VÀ CÔNG NGHỆ Trang ${i + 1}/${pageCount}`);
      expect(p.text).toContain('Xuất từ hệ thống e-ISO');
      if (i > 0) expect(p.text).not.toContain('LỊCH SỬ TÀI LIỆU QT-01');
    });
    const events = pages.flatMap((p) => [...p.text.matchAll(/sự kiện (\d+)/g)].map((m) => Number(m[1])));
    expect(events).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(info).toMatchObject({ Title: 'LỊCH SỬ TÀI LIỆU QT-01', Subject: 'QT-01', Producer: 'e-ISO', CreationDate: 'D:20250308170000Z' });
    expect(info.Custom).toEqual({ EisoDocumentCode: 'QT-01' });
  });

  it('is deterministic and supports landscape pages and a watermark', async () => {
    const a = await renderTablePdf({ ...history(20), landscape: true, watermark: 'BẢN NHÁP' });
    const b = await renderTablePdf({ ...history(20), landscape: true, watermark: 'BẢN NHÁP' });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const { pages } = await readPdf(a.bytes);
    expect(pages[0].width).toBeGreaterThan(pages[0].height);
    expect(pages[0].items.filter((i) => i.rotated).map((i) => i.str)).toEqual(['BẢN NHÁP']);
  });

  it('renders an empty table as its header row', async () => {
    const { bytes, pageCount } = await renderTablePdf(history(0));
    expect(pageCount).toBe(1);
    expect((await readPdf(bytes)).pages[0].text).toContain('Thời gian Người thực hiện Hành động Chi tiết');
  });
});
