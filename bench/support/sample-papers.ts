/**
 * Realistic sample official papers: a commune's six-month ISO report to the Sở KH&CN (Decree 30
 * layout) and an internal-audit report (record layout). Used by the tests and for previewing layout
 * changes; not by the service.
 */
import { paperKindHeading, paperSymbol, signingCapacity } from '../../src/common/decree30.js';
import { OfficialPaperModel, PAPER_LAYOUT_VERSION, PaperCell } from '../../src/rendering/official-paper-model.js';

export interface SamplePaperOptions {
  /** Rows of the figures table (default 8). */
  rows?: number;
  /** Signed and numbered (default true). */
  signed?: boolean;
}

const FIGURES = [
  'Số thủ tục hành chính thuộc thẩm quyền giải quyết',
  'Số quy trình giải quyết thủ tục hành chính đang có hiệu lực',
  'Số quy trình được cập nhật do văn bản quy phạm pháp luật thay đổi',
  'Số mục tiêu chất lượng đạt / tổng số mục tiêu',
  'Số cuộc đánh giá nội bộ đã thực hiện',
  'Số điểm không phù hợp đã khắc phục',
  'Số cuộc họp xem xét của lãnh đạo',
];

/** "BÁO CÁO Tình hình duy trì, áp dụng HTQLCL ... 6 tháng đầu năm 2026" of a commune, signed by a deputy chairman. */
export function sampleReportPaper(o: SamplePaperOptions = {}): OfficialPaperModel {
  const signed = o.signed ?? true;
  const rows: PaperCell[][] = Array.from({ length: o.rows ?? 8 }, (_, i) => [String(i + 1), `${FIGURES[i % FIGURES.length]} (mục ${i + 1})`, String(10 + i), i % 3 === 0 ? 'Đạt' : 'Đang thực hiện']);
  const { capacity, position } = signingCapacity({ mode: 'deputy', collective: 'Ủy ban nhân dân', headTitle: 'Chủ tịch' });
  return {
    layoutVersion: PAPER_LAYOUT_VERSION,
    layout: 'decree30',
    agencies: [{ name: 'Ủy ban nhân dân huyện Đăk Hà' }, { name: 'Ủy ban nhân dân xã Đăk Blá' }],
    number: { value: signed ? 12 : null, symbol: paperSymbol('bao_cao', 'UBND') },
    place: 'Đăk Blá',
    date: signed ? '2026-06-10' : null,
    year: 2026,
    kind: paperKindHeading('bao_cao'),
    title: 'Tình hình duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 6 tháng đầu năm 2026',
    body: [
      { type: 'paragraph', text: 'Thực hiện Kế hoạch số 45/KH-UBND ngày 15 tháng 01 năm 2026 của Ủy ban nhân dân huyện, Ủy ban nhân dân xã Đăk Blá báo cáo như sau:' },
      { type: 'heading', text: 'KẾT QUẢ THỰC HIỆN' },
      { type: 'heading', text: 'Các chỉ số', level: 2 },
      {
        type: 'table',
        caption: 'Bảng 1. Số liệu trong kỳ báo cáo',
        columns: [
          { header: 'STT', width: 0.6, align: 'center' },
          { header: 'Nội dung', width: 5 },
          { header: 'Số lượng', width: 1.2, align: 'center' },
          { header: 'Đánh giá', width: 1.8 },
        ],
        rows,
      },
      { type: 'heading', text: 'Thông tin chung', level: 2 },
      {
        type: 'facts',
        items: [
          { label: 'Ngày công bố HTQLCL', value: 'ngày 05 tháng 3 năm 2025' },
          { label: 'Quyết định công bố', value: '15/QĐ-UBND' },
          { label: 'Ghi chú', value: null },
        ],
      },
      { type: 'heading', text: 'KHÓ KHĂN, VƯỚNG MẮC' },
      { type: 'bullets', items: ['Một số công chức mới chưa được đào tạo về ISO.', 'Đường truyền mạng chưa ổn định, ảnh hưởng đến việc sử dụng Hệ thống ISO điện tử.'] },
      { type: 'heading', text: 'ĐỀ XUẤT, KIẾN NGHỊ' },
      { type: 'bullets', items: [], empty: 'Không có đề xuất.' },
    ],
    signatures: [{ capacity, position, fullName: 'Nguyễn Văn Phó', signedAt: signed ? '2026-06-10T09:30:00+07:00' : null }],
    recipients: ['Sở Khoa học và Công nghệ', 'UBND huyện Đăk Hà', 'Lưu: VT'],
    final: signed,
    metadata: { date: signed ? '2026-06-10T09:30:00+07:00' : '2026-06-01T08:00:00+07:00', keywords: ['HTQLCL', '2026-H1'] },
  };
}

/** An internal-audit report in the record layout, with a findings table of `rows` rows and three signers. */
export function sampleAuditRecordPaper(o: SamplePaperOptions = {}): OfficialPaperModel {
  const signed = o.signed ?? true;
  const kinds = ['Điểm không phù hợp', 'Điểm lưu ý', 'Cơ hội cải tiến', 'Điểm mạnh'];
  const rows: PaperCell[][] = Array.from({ length: o.rows ?? 12 }, (_, i) => [
    String(i + 1),
    `${7 + (i % 4)}.${1 + (i % 3)}`,
    kinds[i % kinds.length],
    `Hồ sơ thủ tục hành chính số ${i + 1} chưa được cập nhật đầy đủ trên Hệ thống; biểu mẫu BM.0${(i % 4) + 1}/QT-05 đang dùng là phiên bản cũ`,
    i % 2 === 0 ? 'QT.TTHC-05' : null,
  ]);
  return {
    layoutVersion: PAPER_LAYOUT_VERSION,
    layout: 'record',
    agencies: [{ name: 'Ủy ban nhân dân tỉnh Kon Tum' }, { name: 'Sở Khoa học và Công nghệ' }],
    code: 'ĐGNB-2026-01',
    place: 'Kon Tum',
    date: signed ? '2026-11-20' : null,
    year: 2026,
    kind: 'BÁO CÁO ĐÁNH GIÁ NỘI BỘ',
    title: 'Đánh giá nội bộ Hệ thống quản lý chất lượng năm 2026',
    body: [
      { type: 'heading', text: 'Thông tin chung' },
      {
        type: 'facts',
        items: [
          { label: 'Phạm vi', value: 'Các quy trình giải quyết thủ tục hành chính lĩnh vực tiêu chuẩn đo lường chất lượng' },
          { label: 'Chuẩn mực', value: 'TCVN ISO 9001:2015 và hệ thống tài liệu của Sở' },
          { label: 'Thời gian', value: 'Từ ngày 16/11/2026 đến ngày 18/11/2026' },
          { label: 'Trưởng đoàn', value: [{ text: 'Đinh Thị Đánh Giá', bold: true }] },
        ],
      },
      { type: 'heading', text: 'Các phát hiện' },
      {
        type: 'table',
        columns: [
          { header: 'STT', width: 0.5, align: 'center' },
          { header: 'Điều khoản', width: 0.9, align: 'center' },
          { header: 'Loại', width: 1.4 },
          { header: 'Mô tả', width: 4.2 },
          { header: 'Tài liệu', width: 1.3 },
        ],
        rows,
      },
      { type: 'heading', text: 'Kết luận' },
      { type: 'paragraph', text: 'Hệ thống quản lý chất lượng được duy trì phù hợp với yêu cầu của TCVN ISO 9001:2015; các điểm không phù hợp phải được khắc phục trong 30 ngày.' },
    ],
    signatures: [
      { role: 'Người lập', fullName: 'Phạm Thị Thư', position: 'Thư ký ISO', signedAt: signed ? '2026-11-20T10:00:00+07:00' : null },
      { role: 'Trưởng đoàn đánh giá', fullName: 'Đinh Thị Đánh Giá', position: 'Chuyên gia đánh giá', signedAt: signed ? '2026-11-20T11:00:00+07:00' : null },
      { role: 'Phê duyệt', fullName: 'Phạm Quốc Việt', capacity: ['KT. GIÁM ĐỐC'], position: 'PHÓ GIÁM ĐỐC', signedAt: null },
    ],
    final: false,
    metadata: { date: '2026-11-20T11:00:00+07:00' },
  };
}
