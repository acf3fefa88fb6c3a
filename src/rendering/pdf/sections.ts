/**
 * The parts of a revision rendition laid out with the flow engine: cover page, revision tracking
 * page, the structured content per document type, and the list of attached files.
 */
import type {
  ProcedureContent,
  QualityObjectivesContent,
  QualityPolicyContent,
  RenditionAttachment,
  RenditionHistoryEntry,
  RenditionLegalBasis,
  RenditionModel,
  RenditionSignOff,
  SignOffMeaning,
} from '../rendition-model.js';
import { decree30Header } from './decree30-header.js';
import { FlowLayout } from './layout.js';
import { signatureGrid } from './signatures.js';
import { Run } from './text.js';
import { formatDateLong, formatDateShort, formatDuration, formatDurationTotal, formatFee, formatNumber, formatRevisionNumber, upperVi } from '../../common/vn-format.js';
import { documentTypeName, SIGN_OFF_HEADINGS, STATE_NAMES } from './vn-format.js';

/** Decree 30: the direct parent agency (if any) above the issuing agency. */
export function agencyBlockLines(model: RenditionModel): string[] {
  return model.agencies.slice(-2).map((a) => upperVi(a.name));
}

/** The document type as printed: "QUY TRÌNH", "MỤC TIÊU CHẤT LƯỢNG NĂM 2025"... */
export function typeHeading(model: RenditionModel): string {
  const base = upperVi(documentTypeName(model.document.type));
  const c = model.content;
  return c?.type === 'quality_objectives' && model.document.type === 'quality_objectives' ? `${base} NĂM ${c.year}` : base;
}

// ---------------------------------------------------------------------------------------------
// Cover page

export function coverPage(layout: FlowLayout, model: RenditionModel): void {
  decree30Header(layout, { agencyLines: agencyBlockLines(model) });
  layout.spacer(70);
  layout.paragraph(typeHeading(model), { size: 20, bold: true, align: 'center', spaceAfter: 8 });
  layout.paragraph(model.document.title, { size: 15, bold: true, align: 'center', spaceAfter: 24 });

  const r = model.revision;
  const facts: Run[][] = [
    [{ text: 'Mã số: ' }, { text: model.document.code, bold: true }],
    ...(model.document.tthcCode ? [[{ text: 'Mã thủ tục hành chính: ' }, { text: model.document.tthcCode, bold: true }]] : []),
    [{ text: 'Lần ban hành: ' }, { text: formatRevisionNumber(r.number), bold: true }],
    [{ text: r.issuedOn ? `Ban hành ${formatDateLong(r.issuedOn)}` : 'Chưa ban hành' }],
    [{ text: r.effectiveFrom ? `Có hiệu lực từ ${formatDateLong(r.effectiveFrom)}` : 'Chưa có ngày hiệu lực' }],
    [{ text: 'Tình trạng: ' }, { text: STATE_NAMES[r.state], bold: true }],
  ];
  for (const fact of facts) layout.paragraph(fact, { align: 'center', spaceAfter: 2 });
  layout.spacer(40);
  signOffGrid(layout, model.signOffs);
}

const MEANINGS: SignOffMeaning[] = ['drafted', 'checked', 'approved'];

/** Soạn thảo | Kiểm tra | Phê duyệt, with name, position (and "KT." capacity), signature, date. */
export function signOffGrid(layout: FlowLayout, signOffs: RenditionSignOff[]): void {
  const by = (m: SignOffMeaning) => signOffs.filter((s) => s.meaning === m);
  const cell = (m: SignOffMeaning, f: (s: RenditionSignOff) => string) => by(m).map(f).join('\n');
  signatureGrid(
    layout,
    MEANINGS.map((m) => ({
      heading: SIGN_OFF_HEADINGS[m],
      name: cell(m, (s) => s.fullName),
      position: cell(m, (s) => [s.capacity, s.title].filter(Boolean).join('\n')),
      signature: cell(m, (s) => (s.valid ? 'Đã ký điện tử' : 'Chữ ký không còn hiệu lực')),
      date: cell(m, (s) => formatDateShort(s.signedAt)),
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// Revision tracking page

/** History rows in order; the current revision is added if the history does not list it. */
export function trackingRows(model: RenditionModel): RenditionHistoryEntry[] {
  const rows = [...model.history];
  const r = model.revision;
  if (!rows.some((h) => h.number === r.number)) {
    rows.push({ number: r.number, date: r.issuedOn ?? null, changeSummary: r.changeSummary ?? null });
  }
  return rows.sort((a, b) => a.number - b.number);
}

export function revisionTrackingPage(layout: FlowLayout, model: RenditionModel): void {
  layout.paragraph('TRANG THEO DÕI SỬA ĐỔI', { size: 14, bold: true, align: 'center', spaceAfter: 12 });
  layout.table({
    columns: [
      { header: 'Lần', width: 0.8, align: 'center' },
      { header: 'Ngày', width: 1.6, align: 'center' },
      { header: 'Mục/Trang', width: 1.8 },
      { header: 'Nội dung sửa đổi', width: 5.5 },
    ],
    rows: trackingRows(model).map((h) => [
      formatRevisionNumber(h.number),
      h.date ? formatDateShort(h.date) : '',
      h.section ?? '',
      h.changeSummary || (h.number === 1 ? 'Ban hành lần đầu' : ''),
    ]),
  });
}

// ---------------------------------------------------------------------------------------------
// Structured content

export function procedureSections(layout: FlowLayout, c: ProcedureContent): void {
  layout.heading('1. MỤC ĐÍCH');
  paragraphs(layout, c.purpose);

  layout.heading('2. PHẠM VI');
  paragraphs(layout, c.scope);

  layout.heading('3. TÀI LIỆU VIỆN DẪN');
  if (c.legalBases.length === 0) layout.paragraph('Không có.');
  else layout.bulletList(c.legalBases.map(legalCitation));

  layout.heading('4. ĐỊNH NGHĨA, VIẾT TẮT');
  if (c.definitions.length === 0) layout.paragraph('Không có.');
  else
    layout.table({
      columns: [
        { header: 'Thuật ngữ, viết tắt', width: 1 },
        { header: 'Giải thích', width: 2.6 },
      ],
      rows: c.definitions.map((d) => [{ text: d.term, bold: true }, d.meaning]),
    });

  layout.heading('5. NỘI DUNG QUY TRÌNH');
  layout.heading('5.1. Thành phần hồ sơ', { level: 2 });
  if (c.dossier.length === 0) layout.paragraph('Không có.');
  else
    layout.table({
      columns: [
        { header: 'STT', width: 0.6, align: 'center' },
        { header: 'Tên hồ sơ', width: 6 },
        { header: 'Số lượng', width: 1.4, align: 'center' },
      ],
      rows: c.dossier.map((d, i) => [String(i + 1), d.name, copies(d.copies)]),
    });
  layout.heading('5.2. Thời hạn giải quyết', { level: 2 });
  layout.paragraph(c.statutoryTimeLimit ? formatDuration(c.statutoryTimeLimit) : 'Không quy định.');
  layout.heading('5.3. Phí, lệ phí', { level: 2 });
  layout.paragraph(formatFee(c.fee));
  layout.heading('5.4. Trình tự thực hiện', { level: 2 });
  stepTable(layout, c);

  layout.heading('6. BIỂU MẪU');
  const forms = procedureForms(c);
  if (forms.length === 0) layout.paragraph('Không có.');
  else
    layout.table({
      columns: [
        { header: 'STT', width: 0.6, align: 'center' },
        { header: 'Mã hiệu', width: 2.2 },
        { header: 'Tên biểu mẫu', width: 5.2 },
      ],
      rows: forms.map((f, i) => [String(i + 1), f.code, f.title ?? '']),
    });

  layout.heading('7. HỒ SƠ CẦN LƯU');
  if (c.records.length === 0) layout.paragraph('Không có.');
  else
    layout.table({
      columns: [
        { header: 'STT', width: 0.6, align: 'center' },
        { header: 'Tên hồ sơ', width: 4 },
        { header: 'Trách nhiệm lưu', width: 2 },
        { header: 'Thời gian lưu', width: 1.6 },
      ],
      rows: c.records.map((r, i) => [String(i + 1), r.name, r.keeper, r.retention]),
    });
}

/** The step table: Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả. */
export function stepTable(layout: FlowLayout, c: ProcedureContent): void {
  if (c.steps.length === 0) {
    layout.paragraph('Không có.');
    return;
  }
  layout.table({
    columns: [
      { header: 'Bước', width: 0.7, align: 'center' },
      { header: 'Nội dung công việc', width: 3.4 },
      { header: 'Trách nhiệm', width: 1.8 },
      { header: 'Thời gian', width: 1.3, align: 'center' },
      { header: 'Biểu mẫu/Kết quả', width: 2 },
    ],
    rows: c.steps.map((s) => [
      `B${s.no}`,
      s.action,
      s.responsible,
      s.duration ? formatDuration(s.duration) : '',
      [s.formCodes?.length ? s.formCodes.join(', ') : '', s.output ?? ''].filter(Boolean).join('\n'),
    ]),
  });
  const total = formatDurationTotal(c.steps.flatMap((s) => (s.duration ? [s.duration] : [])));
  if (total) {
    const parts: Run[] = [{ text: 'Tổng thời gian thực hiện các bước: ' }, { text: total, bold: true }];
    if (c.statutoryTimeLimit) parts.push({ text: ` (thời hạn giải quyết theo quy định: ${formatDuration(c.statutoryTimeLimit)})` });
    layout.paragraph(parts, { spaceAfter: 4 });
  }
}

/** Forms named by the content, or else the form codes used in the steps (first use order). */
export function procedureForms(c: ProcedureContent): { code: string; title?: string | null }[] {
  if (c.forms && c.forms.length > 0) return c.forms;
  const codes = [...new Set(c.steps.flatMap((s) => s.formCodes ?? []))];
  return codes.map((code) => ({ code }));
}

const LEGAL_STATUS_NOTES: Record<NonNullable<RenditionLegalBasis['status']>, string | undefined> = {
  in_force: undefined,
  amended: 'đã được sửa đổi, bổ sung',
  replaced: 'đã bị thay thế',
  repealed: 'đã bị bãi bỏ',
  partially_repealed: 'đã hết hiệu lực một phần',
  expired: 'đã hết hiệu lực',
};

/** "Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về ... (Điều 5)". */
export function legalCitation(b: RenditionLegalBasis): Run[] {
  const head = b.type ? `${b.type} số ${b.number}` : b.number;
  const rest = [b.issuedOn ? formatDateLong(b.issuedOn) : '', b.issuer ? `của ${b.issuer}` : '', b.title ?? '']
    .filter(Boolean)
    .join(' ');
  const runs: Run[] = [{ text: head, bold: true }];
  if (rest) runs.push({ text: ` ${rest}` });
  if (b.articles) runs.push({ text: ` (${b.articles})` });
  const note = b.status ? LEGAL_STATUS_NOTES[b.status] : undefined;
  if (note) runs.push({ text: ` [${note}]`, bold: true });
  return runs;
}

function copies(c: number | string | null | undefined): string {
  if (c === null || c === undefined || c === '') return '';
  return typeof c === 'number' ? `${formatNumber(c)} bộ` : c;
}

export function qualityPolicySection(layout: FlowLayout, c: QualityPolicyContent): void {
  layout.paragraph('CHÍNH SÁCH CHẤT LƯỢNG', { size: 14, bold: true, align: 'center', spaceAfter: 12 });
  paragraphs(layout, c.text);
}

export function qualityObjectivesSection(layout: FlowLayout, c: QualityObjectivesContent): void {
  layout.paragraph(`MỤC TIÊU CHẤT LƯỢNG NĂM ${c.year}`, { size: 14, bold: true, align: 'center', spaceAfter: 12 });
  if (c.objectives.length === 0) {
    layout.paragraph('Không có.');
    return;
  }
  layout.table({
    columns: [
      { header: 'STT', width: 0.6, align: 'center' },
      { header: 'Mục tiêu chất lượng', width: 2.4 },
      { header: 'Chỉ số / Chỉ tiêu', width: 1.9 },
      { header: 'Hoạt động thực hiện', width: 2.4 },
      { header: 'Đơn vị thực hiện', width: 1.5 },
      { header: 'Thời hạn', width: 1.1, align: 'center' },
      { header: 'Phương pháp đánh giá', width: 1.8 },
    ],
    rows: c.objectives.map((o) => [
      String(o.no),
      o.objective,
      [{ text: o.indicator }, { text: '\nChỉ tiêu: ' }, { text: o.target, bold: true }],
      o.actions,
      o.responsibleUnit,
      o.deadline,
      o.method,
    ]),
    size: 8,
  });
}

// ---------------------------------------------------------------------------------------------
// Attachments

const KIB = 1024;

export function formatSize(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`;
  if (bytes < KIB * KIB) return `${formatNumber(Math.round((bytes / KIB) * 10) / 10)} KB`;
  return `${formatNumber(Math.round((bytes / KIB / KIB) * 10) / 10)} MB`;
}

export function attachmentsSection(layout: FlowLayout, attachments: RenditionAttachment[], sourceNote?: string): void {
  if (attachments.length === 0 && !sourceNote) return;
  layout.heading('TỆP KÈM THEO');
  if (sourceNote) layout.paragraph(sourceNote, { bold: true, spaceAfter: 4 });
  if (attachments.length === 0) return;
  layout.paragraph('Các tệp dưới đây không được in trong bản này; đối chiếu mã SHA-256 để xác nhận đúng tệp của lần ban hành.', { size: 9.5, spaceAfter: 4 });
  layout.table({
    columns: [
      { header: 'STT', width: 0.5, align: 'center' },
      { header: 'Tên tệp', width: 2.4 },
      { header: 'Loại', width: 1.6 },
      { header: 'Dung lượng', width: 1, align: 'right' },
      { header: 'SHA-256', width: 3.4 },
    ],
    rows: attachments.map((a, i) => [
      String(i + 1),
      a.role === 'source' ? [{ text: a.filename }, { text: '\n(tệp nguồn)' }] : a.filename,
      a.mediaType,
      formatSize(a.size),
      a.sha256.toLowerCase(),
    ]),
    size: 8,
  });
}

function paragraphs(layout: FlowLayout, text: string): void {
  const parts = text
    .split(/\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) layout.paragraph('Không có.');
  for (const part of parts) layout.paragraph(part, { spaceAfter: 4 });
}
