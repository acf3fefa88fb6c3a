import { Injectable } from '@nestjs/common';
import { AgenciesService } from '../agencies/agencies.service.js';
import { paperKindHeading, signingCapacity } from '../common/decree30.js';
import { RecordPaperKind, type RecordPaper, type RecordPaperProvider } from '../record-papers/index.js';
import { PAPER_LAYOUT_VERSION, type PaperBlock, type PaperCell, type PaperSignature } from '../rendering/index.js';
import { formatDateLong } from '../common/vn-format.js';
import { COMMITTEE_LEVELS, headTitleOf, reportSymbol } from './report-signing.js';
import { ReportsService, placeOf } from './reports.service.js';

const PERIOD_TITLE: Record<string, (year: number, q?: number) => string> = {
  half_year: (y) => `6 tháng đầu năm ${y}`,
  year: (y) => `năm ${y}`,
  quarter: (y, q) => `quý ${['I', 'II', 'III', 'IV'][(q ?? 1) - 1]} năm ${y}`,
};

type Figures = Record<string, number | string | null>;
const n = (f: Figures, k: string): string => String(f[k] ?? 0);
const flag = (f: Figures, k: string): string => (Number(f[k] ?? 0) > 0 ? 'Có' : 'Không');

/** The figure tables of the report, in the order of the Sở's reporting form. */
export function figureTables(f: Figures): PaperBlock[] {
  const columns = [
    { header: 'STT', width: 0.6, align: 'center' as const },
    { header: 'Nội dung', width: 6 },
    { header: 'Số liệu', width: 1.4, align: 'center' as const },
  ];
  const table = (caption: string, rows: [string, string][]): PaperBlock => ({
    type: 'table',
    caption,
    columns,
    rows: rows.map(([label, value], i): PaperCell[] => [String(i + 1), label, value]),
  });
  return [
    { type: 'heading', text: 'Hệ thống tài liệu và thủ tục hành chính', level: 2 },
    table('Bảng 1. Tài liệu, quy trình và thủ tục hành chính', [
      ['Số quy trình đang có hiệu lực', n(f, 'proceduresInForce')],
      ['Số thủ tục hành chính thuộc thẩm quyền giải quyết', n(f, 'tthcHandled')],
      ['Số thủ tục hành chính đã có quy trình đang có hiệu lực', n(f, 'tthcCovered')],
      ['Số tài liệu được sửa đổi, ban hành trong kỳ', n(f, 'documentsRevisedInPeriod')],
      ['Số tài liệu quá hạn xem xét định kỳ', n(f, 'documentsOverdueReview')],
      ['Số tài liệu đã cập nhật theo văn bản pháp luật thay đổi', n(f, 'legalChangesApplied')],
      ['Số tài liệu chưa cập nhật theo văn bản pháp luật thay đổi', n(f, 'legalChangesOutstanding')],
      ['Trong đó: quá hạn cập nhật', n(f, 'legalUpdatesOverdue')],
      ['Số lượt xác nhận đã đọc tài liệu / số lượt phải xác nhận', `${n(f, 'acknowledgementsDone')}/${n(f, 'acknowledgementsRequired')}`],
    ]),
    { type: 'heading', text: 'Mục tiêu chất lượng, đánh giá nội bộ và xem xét của lãnh đạo', level: 2 },
    table('Bảng 2. Mục tiêu chất lượng, đánh giá nội bộ, xem xét của lãnh đạo', [
      ['Đã ban hành mục tiêu chất lượng của năm', flag(f, 'objectivesIssued')],
      ['Số mục tiêu chất lượng đạt / tổng số mục tiêu', `${n(f, 'objectivesMet')}/${n(f, 'objectivesTotal')}`],
      ['Số mục tiêu đã được đánh giá trong kỳ', n(f, 'objectivesEvaluated')],
      ['Số cuộc đánh giá nội bộ đã thực hiện', n(f, 'internalAuditsHeld')],
      ['Số cuộc họp xem xét của lãnh đạo', n(f, 'managementReviewsHeld')],
    ]),
    { type: 'heading', text: 'Sự không phù hợp và hành động khắc phục', level: 2 },
    table('Bảng 3. Sự không phù hợp và hành động khắc phục', [
      ['Số điểm không phù hợp chưa khắc phục xong (cuối kỳ)', n(f, 'nonconformitiesOpen')],
      ['Số điểm không phù hợp đã khắc phục trong kỳ', n(f, 'nonconformitiesClosed')],
      ['Số điểm không phù hợp có hành động khắc phục quá hạn', n(f, 'nonconformitiesOverdue')],
      ['Số hành động khắc phục quá hạn', n(f, 'actionsOverdue')],
    ]),
    { type: 'heading', text: 'Công bố Hệ thống quản lý chất lượng', level: 2 },
    {
      type: 'facts',
      items: [
        { label: 'Ngày công bố gần nhất', value: typeof f.announcedOn === 'string' ? formatDateLong(f.announcedOn) : 'Chưa công bố' },
        { label: 'Cần công bố lại do thay đổi phạm vi', value: flag(f, 'reannouncementDue') },
      ],
    },
  ];
}

const paragraphs = (text: string | null, empty: string): PaperBlock[] =>
  text?.trim() ? text.split(/\n\s*\n|\n/).map((t) => t.trim()).filter(Boolean).map((t): PaperBlock => ({ type: 'paragraph', text: t })) : [{ type: 'bullets', items: [], empty }];

/**
 * The periodic report as an administrative paper (Decree 30 layout): the agency and its parent, "Số:
 * NN/BC-…", the place-and-date line, "BÁO CÁO Tình hình duy trì, áp dụng Hệ thống quản lý chất lượng
 * theo TCVN ISO 9001:2015 <kỳ>", the figures as tables, the free text, the signature block (with
 * "KT." where a deputy signed) and "Nơi nhận". A submitted report prints its last version (final);
 * a draft or returned one prints the figures as they are now, unnumbered and undated (draft).
 */
@Injectable()
@RecordPaperKind('periodic_report.report')
export class PeriodicReportPaper implements RecordPaperProvider {
  constructor(
    private readonly reports: ReportsService,
    private readonly agencies: AgenciesService,
  ) {}

  async build(id: string): Promise<RecordPaper | null> {
    const row = await this.reports.find(id);
    if (!row) return null;
    const versions = await this.reports.versions(id);
    const lineage = await this.agencies.lineage(row.agency_id);
    const agency = lineage.at(-1);
    if (!agency) return null;
    const parent = lineage.length > 1 ? lineage[lineage.length - 2] : null;
    const submitted = row.state === 'submitted' ? versions.at(-1)! : null;
    const figures = await this.reports.figuresOf(row, versions);
    const q = /-Q([1-4])$/.exec(row.period);
    const periodTitle = PERIOD_TITLE[row.kind](row.year, q ? Number(q[1]) : undefined);
    const collective = COMMITTEE_LEVELS.has(agency.level) ? 'Ủy ban nhân dân' : null;
    const text = submitted ?? row;
    let signature: PaperSignature;
    if (submitted) {
      const headTitle = submitted.capacity === 'deputy' ? (submitted.on_behalf_of_title ?? headTitleOf(agency.level)) : (submitted.signer_title ?? headTitleOf(agency.level));
      const cap = signingCapacity({ mode: submitted.capacity, headTitle, signerTitle: submitted.signer_title, collective });
      signature = { capacity: cap.capacity, position: cap.position, fullName: submitted.signer_name, signedAt: submitted.submitted_at.toISOString() };
    } else {
      const cap = signingCapacity({ mode: 'head', headTitle: headTitleOf(agency.level), collective });
      signature = { capacity: cap.capacity, position: cap.position, fullName: null, signedAt: null };
    }
    const recipients = ['Sở Khoa học và Công nghệ', ...(parent && parent.level !== 'province' ? [parent.name] : []), 'Lưu: VT'];
    return {
      agencyId: row.agency_id,
      filename: `Báo cáo HTQLCL ${periodTitle} - ${agency.name}.pdf`,
      model: {
        layoutVersion: PAPER_LAYOUT_VERSION,
        layout: 'decree30',
        agencies: lineage.slice(-2).map((a) => ({ name: a.name })),
        number: { value: submitted?.number ?? null, symbol: submitted?.symbol ?? reportSymbol(agency) },
        place: submitted?.place ?? row.place ?? placeOf(agency.name),
        date: submitted ? submitted.submitted_at.toISOString() : null,
        year: row.year,
        kind: paperKindHeading('bao_cao'),
        title: `Tình hình duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 ${periodTitle}`,
        body: [
          { type: 'paragraph', text: `${agency.name} báo cáo tình hình xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 ${periodTitle} như sau:` },
          { type: 'heading', text: 'KẾT QUẢ THỰC HIỆN' },
          ...figureTables(figures),
          { type: 'heading', text: 'Đánh giá kết quả', level: 2 },
          ...paragraphs(text.results, 'Không có nội dung.'),
          { type: 'heading', text: 'KHÓ KHĂN, VƯỚNG MẮC' },
          ...paragraphs(text.difficulties, 'Không có khó khăn, vướng mắc.'),
          { type: 'heading', text: 'ĐỀ XUẤT, KIẾN NGHỊ' },
          ...paragraphs(text.proposals, 'Không có đề xuất, kiến nghị.'),
        ],
        signatures: [signature],
        recipients,
        final: !!submitted,
        metadata: {
          date: submitted ? submitted.submitted_at.toISOString() : row.created_at.toISOString(),
          subject: `Báo cáo HTQLCL ${row.period}`,
          keywords: ['HTQLCL', row.period],
          custom: { EisoReportId: row.id, EisoReportVersion: String(submitted?.version ?? 0) },
        },
      },
    };
  }
}
