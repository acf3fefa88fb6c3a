import { Injectable } from '@nestjs/common';
import { AgenciesService } from '../agencies/agencies.service.js';
import { onBehalfOf } from '../common/decree30.js';
import { RecordPaperKind, type RecordPaper, type RecordPaperProvider } from '../record-papers/index.js';
import { PAPER_LAYOUT_VERSION, type PaperBlock, type PaperCell } from '../rendering/index.js';
import { formatDateLong, formatDateShort } from '../common/vn-format.js';
import type { DecisionKind, DecisionView, ReviewInputsView } from './management-reviews.dto.js';
import { ManagementReviewsService, MINUTES_KIND, type ReviewRow } from './management-reviews.service.js';

export const DECISION_KIND_NAMES: Record<DecisionKind, string> = {
  improvement: 'Cải tiến',
  qms_change: 'Thay đổi Hệ thống quản lý chất lượng',
  resources: 'Nguồn lực',
};

const FINDING_NAMES = { nonconformity: 'Không phù hợp', observation: 'Điểm lưu ý', opportunity: 'Cơ hội cải tiến', strength: 'Điểm mạnh' } as const;
const NC_STATES: Record<string, string> = { open: 'Mới phát hiện', action_planned: 'Đang khắc phục', awaiting_verification: 'Chờ xác nhận', closed: 'Đã đóng' };
const LEGAL_KINDS: Record<string, string> = { amended: 'Sửa đổi, bổ sung', replaced: 'Thay thế', repealed: 'Bãi bỏ' };

const short = (d: string | null): string | null => (d ? formatDateShort(d) : null);

/** The tables of the inputs (§9.3.2) as the system collected them. */
function inputBlocks(inputs: ReviewInputsView, row: ReviewRow): PaperBlock[] {
  const prev = inputs.previousDecisions;
  const blocks: PaperBlock[] = [
    { type: 'heading', text: 'Tình trạng thực hiện các kết luận của lần xem xét trước', level: 2 },
    {
      type: 'table',
      columns: [
        { header: 'STT', width: 0.5, align: 'center' },
        { header: 'Nội dung', width: 3.6 },
        { header: 'Người thực hiện', width: 1.5 },
        { header: 'Thời hạn', width: 1 },
        { header: 'Tình trạng', width: 1.2 },
      ],
      rows: prev.items.map((d, i): PaperCell[] => [String(i + 1), `${d.description} (năm ${d.reviewYear})`, d.responsible.fullName, formatDateShort(d.dueOn), d.status === 'done' ? 'Đã thực hiện' : d.overdue ? 'Quá hạn' : 'Đang thực hiện']),
    },
    { type: 'heading', text: 'Mục tiêu chất lượng và kết quả đánh giá', level: 2 },
    {
      type: 'table',
      columns: [
        { header: 'Tài liệu', width: 1.4 },
        { header: 'Đơn vị', width: 2 },
        { header: 'Số mục tiêu', width: 1, align: 'center' },
        { header: 'Kỳ đánh giá gần nhất', width: 1.3, align: 'center' },
        { header: 'Đạt', width: 0.8, align: 'center' },
      ],
      rows: inputs.objectives.items.map((o): PaperCell[] => [o.code, o.agencyName, String(o.total), o.latestEvaluation?.period ?? 'Chưa đánh giá', o.latestEvaluation ? `${o.latestEvaluation.achievedCount}/${o.latestEvaluation.total}` : '—']),
    },
    { type: 'heading', text: `Kết quả đánh giá nội bộ năm ${row.year}`, level: 2 },
    {
      type: 'table',
      columns: [
        { header: 'Cuộc đánh giá', width: 2.6 },
        { header: FINDING_NAMES.nonconformity, width: 1, align: 'center' },
        { header: FINDING_NAMES.observation, width: 1, align: 'center' },
        { header: FINDING_NAMES.opportunity, width: 1, align: 'center' },
        { header: FINDING_NAMES.strength, width: 1, align: 'center' },
      ],
      rows: inputs.audits.items.map((a): PaperCell[] => [a.title, String(a.findings.nonconformity), String(a.findings.observation), String(a.findings.opportunity), String(a.findings.strength)]),
    },
    { type: 'heading', text: 'Sự không phù hợp và hành động khắc phục', level: 2 },
    {
      type: 'facts',
      items: [
        { label: 'Chưa khắc phục xong', value: String(inputs.nonconformities.open) },
        { label: 'Trong đó quá hạn', value: String(inputs.nonconformities.overdue) },
        { label: 'Đã đóng trong năm', value: String(inputs.nonconformities.closed) },
      ],
    },
    {
      type: 'table',
      columns: [
        { header: 'Mã', width: 1 },
        { header: 'Mô tả', width: 4 },
        { header: 'Tình trạng', width: 1.5 },
      ],
      rows: inputs.nonconformities.items.map((n): PaperCell[] => [n.code, n.description, `${NC_STATES[n.state] ?? n.state}${n.overdue ? ' (quá hạn)' : ''}`]),
    },
    { type: 'heading', text: 'Thay đổi của văn bản quy phạm pháp luật', level: 2 },
    {
      type: 'table',
      columns: [
        { header: 'Văn bản', width: 1.8 },
        { header: 'Thay đổi', width: 1.4 },
        { header: 'Hiệu lực từ', width: 1.1, align: 'center' },
        { header: 'Tài liệu liên quan', width: 1.1, align: 'center' },
        { header: 'Dự thảo chưa ban hành', width: 1.2, align: 'center' },
      ],
      rows: inputs.legalChanges.items.map((l): PaperCell[] => [l.legalDocumentNumber, LEGAL_KINDS[l.kind] ?? l.kind, formatDateShort(l.effectiveFrom), String(l.documents), String(l.openDrafts)]),
    },
    { type: 'heading', text: 'Tài liệu quá hạn xem xét định kỳ', level: 2 },
    {
      type: 'table',
      columns: [
        { header: 'Mã', width: 1.3 },
        { header: 'Tên tài liệu', width: 4 },
        { header: 'Hạn xem xét', width: 1.2, align: 'center' },
      ],
      rows: inputs.documentsDue.items.map((d): PaperCell[] => [d.code, d.title, formatDateShort(d.dueOn)]),
    },
    { type: 'heading', text: 'Công bố Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015', level: 2 },
    {
      type: 'facts',
      items: [
        { label: 'Quyết định công bố gần nhất', value: inputs.announcement.decisionNumber ? `Số ${inputs.announcement.decisionNumber} ngày ${short(inputs.announcement.signedOn)}` : 'Chưa công bố' },
        { label: 'Quy trình trong phạm vi', value: String(inputs.announcement.scope) },
        { label: 'Quy trình mới ban hành / bãi bỏ từ lần công bố', value: `${inputs.announcement.added} / ${inputs.announcement.withdrawn}` },
        { label: 'Cần công bố lại', value: inputs.announcement.reannouncementDue ? 'Có' : 'Không' },
      ],
    },
  ];
  return blocks;
}

function decisionsTable(decisions: DecisionView[]): PaperBlock {
  return {
    type: 'table',
    columns: [
      { header: 'STT', width: 0.5, align: 'center' },
      { header: 'Loại', width: 1.4 },
      { header: 'Nội dung', width: 3.4 },
      { header: 'Người thực hiện', width: 1.5 },
      { header: 'Thời hạn', width: 1, align: 'center' },
    ],
    rows: decisions.map((d): PaperCell[] => [String(d.no), DECISION_KIND_NAMES[d.kind], d.description, d.responsible.fullName, formatDateShort(d.dueOn)]),
  };
}

/**
 * The minutes of a management review (biên bản họp xem xét của lãnh đạo) in the controlled-copy record
 * layout: the meeting, the inputs as the system collected them (tables), the free-text inputs and the
 * minutes, the decisions, and the chair's signature ("KT." with the head's title when a deputy chaired
 * under a delegation). Final once approved.
 */
@Injectable()
@RecordPaperKind(MINUTES_KIND)
export class ManagementReviewMinutesPaper implements RecordPaperProvider {
  constructor(
    private readonly reviews: ManagementReviewsService,
    private readonly agencies: AgenciesService,
  ) {}

  async build(reviewId: string): Promise<RecordPaper | null> {
    const row = await this.reviews.findRow(reviewId);
    if (!row) return null;
    const decisions = await this.reviews.decisionsOf(row.id);
    const lineage = await this.agencies.lineage(row.agency_id);
    const text = (v: string | null) => (v && v.trim() ? v : 'Không có ý kiến.');
    const body: PaperBlock[] = [
      { type: 'heading', text: 'Thông tin chung' },
      {
        type: 'facts',
        items: [
          { label: 'Thời gian', value: formatDateLong(row.held_on) },
          { label: 'Chủ trì', value: [{ text: row.chair_name, bold: true }, ...(row.chair_title ? [{ text: `, ${row.chair_title}` }] : [])] },
          { label: 'Đầu vào được hệ thống tổng hợp lúc', value: formatDateShort(row.inputs_at) },
        ],
      },
      { type: 'paragraph', text: 'Thành phần tham dự:', bold: true },
      { type: 'bullets', items: row.attendees.map((a) => (a.title ? `${a.fullName} - ${a.title}` : a.fullName)) },
      { type: 'heading', text: 'Đầu vào của việc xem xét' },
      ...inputBlocks(row.inputs, row),
      { type: 'heading', text: 'Ý kiến phản hồi của tổ chức, công dân', level: 2 },
      { type: 'paragraph', text: text(row.feedback) },
      { type: 'heading', text: 'Sự thỏa đáng của nguồn lực', level: 2 },
      { type: 'paragraph', text: text(row.resources) },
      { type: 'heading', text: 'Rủi ro và cơ hội', level: 2 },
      { type: 'paragraph', text: text(row.risks) },
      { type: 'heading', text: 'Diễn biến cuộc họp' },
      { type: 'paragraph', text: text(row.minutes) },
      { type: 'heading', text: 'Kết luận và các quyết định' },
      decisionsTable(decisions),
    ];
    const approved = row.state === 'approved';
    const deputy = row.capacity === 'deputy';
    return {
      agencyId: row.agency_id,
      filename: `Biên bản họp xem xét của lãnh đạo năm ${row.year}.pdf`,
      model: {
        layoutVersion: PAPER_LAYOUT_VERSION,
        layout: 'record',
        agencies: lineage.map((a) => ({ name: a.name })),
        code: `XXLĐ-${row.year}`,
        date: row.held_on,
        year: row.year,
        kind: 'BIÊN BẢN',
        title: `Họp xem xét của lãnh đạo năm ${row.year}`,
        body,
        signatures: [
          {
            role: 'Chủ trì',
            capacity: deputy ? [onBehalfOf(row.head_title?.trim() || 'Thủ trưởng cơ quan')] : null,
            position: (approved ? row.approver_title : row.chair_title) ?? null,
            fullName: approved ? row.approver_name : row.chair_name,
            signedAt: approved ? row.approved_at!.toISOString() : null,
          },
        ],
        final: approved,
        metadata: { date: approved ? row.approved_at!.toISOString() : row.held_on, subject: `Biên bản họp xem xét của lãnh đạo năm ${row.year}` },
      },
    };
  }
}
