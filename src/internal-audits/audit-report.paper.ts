import { Injectable } from '@nestjs/common';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Database } from '../database/database.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { peopleSql } from '../identity/people.js';
import { compareClauses } from '../nonconformities/iso-clauses.js';
import { NonconformitiesService } from '../nonconformities/nonconformities.service.js';
import { RecordPaper, RecordPaperKind, RecordPaperProvider } from '../record-papers/index.js';
import { PAPER_LAYOUT_VERSION, type PaperCell } from '../rendering/index.js';
import { formatDateShort } from '../common/vn-format.js';
import { AuditFinding, InternalAudit } from './internal-audit.entities.js';
import { FINDING_KIND_LABELS, FINDING_KINDS } from './internal-audit-types.js';
import { AUDIT_REPORT_PAPER } from './internal-audits.service.js';

/** The record code of an audit in the page header: ĐGNB-<year>-<short id>. */
export function auditCode(a: Pick<InternalAudit, 'year' | 'id'>): string {
  return `ĐGNB-${a.year}-${a.id.slice(0, 8).toUpperCase()}`;
}

/**
 * The internal audit report (báo cáo đánh giá nội bộ) in the controlled-copy record layout: agency
 * header, scope, criteria, dates, the team, the findings table by clause, the summary and the
 * conclusion, and the signatures (approval of the plan, lead auditor). Final once reported.
 */
@Injectable()
@RecordPaperKind(AUDIT_REPORT_PAPER)
export class AuditReportPaper implements RecordPaperProvider {
  constructor(
    private readonly db: Database,
    private readonly agencies: AgenciesService,
    private readonly revisions: RevisionsService,
    private readonly nonconformities: NonconformitiesService,
  ) {}

  async build(auditId: string): Promise<RecordPaper | null> {
    const a = await this.db.repo(InternalAudit).findOneBy({ id: auditId });
    if (!a) return null;
    const lineage = await this.agencies.lineage(a.agencyId);
    const team = await this.db.query<{ user_id: string; full_name: string; title: string | null; lead: boolean }[]>(
      `SELECT x.user_id, u.full_name, u.title, x.lead FROM internal_audit_auditors x JOIN (${peopleSql()}) u ON u.id = x.user_id WHERE x.audit_id = $1 ORDER BY x.lead DESC, u.full_name, x.user_id`,
      [a.id],
    );
    const findings = (await this.db.repo(AuditFinding).find({ where: { auditId: a.id }, order: { no: 'ASC' } })).sort((x, y) => compareClauses(x.clause, y.clause) || x.no - y.no);
    const codes = new Map<string, string>();
    for (const id of new Set([...a.scope.documentIds, ...findings.map((f) => f.documentId).filter((d): d is string => !!d)])) {
      const doc = await this.revisions.findDocument(id);
      if (doc) codes.set(id, `${doc.code} – ${doc.title}`);
    }
    const ncCodes = new Map((await this.nonconformities.ofSource('internal_audit', a.id)).map((n) => [n.id, n.code]));
    const rows: PaperCell[][] = findings.map((f, i) => [
      String(i + 1),
      f.clause,
      FINDING_KIND_LABELS[f.kind] + (f.nonconformityId && ncCodes.get(f.nonconformityId) ? ` (${ncCodes.get(f.nonconformityId)})` : ''),
      f.evidence ? `${f.description}\nBằng chứng: ${f.evidence}` : f.description,
      f.documentId ? (codes.get(f.documentId)?.split(' – ')[0] ?? null) : null,
      f.auditorName,
    ]);
    const counts = FINDING_KINDS.map((k) => `${FINDING_KIND_LABELS[k]}: ${findings.filter((f) => f.kind === k).length}`).join('; ');
    const lead = team.find((t) => t.lead);
    const final = a.state === 'reported' || a.state === 'closed';
    const approvalCapacity = a.approverRole === 'deputy' && a.onBehalfOfTitle ? [`KT. ${a.onBehalfOfTitle.toUpperCase()}`] : null;
    return {
      agencyId: a.agencyId,
      filename: `Báo cáo đánh giá nội bộ năm ${a.year}.pdf`,
      model: {
        layoutVersion: PAPER_LAYOUT_VERSION,
        layout: 'record',
        agencies: lineage.map((x) => ({ name: x.name })),
        code: auditCode(a),
        date: a.reportedAt ? a.reportedAt.toISOString() : null,
        year: a.year,
        kind: 'BÁO CÁO ĐÁNH GIÁ NỘI BỘ',
        title: a.title,
        body: [
          { type: 'heading', text: 'Thông tin chung' },
          {
            type: 'facts',
            items: [
              { label: 'Năm', value: String(a.year) },
              { label: 'Chuẩn mực đánh giá', value: a.criteria },
              { label: 'Thời gian', value: `Từ ngày ${formatDateShort(a.plannedFrom)} đến ngày ${formatDateShort(a.plannedTo)}` },
              { label: 'Trưởng đoàn', value: lead ? [{ text: lead.full_name, bold: true }] : null },
              { label: 'Thành viên', value: team.filter((t) => !t.lead).map((t) => t.full_name).join(', ') || null },
              { label: 'Trạng thái', value: a.state === 'closed' ? 'Đã đóng (các điểm không phù hợp đã được khắc phục)' : final ? 'Đã báo cáo' : 'Chưa báo cáo' },
            ],
          },
          { type: 'heading', text: 'Phạm vi đánh giá' },
          { type: 'bullets', items: a.scope.units.map((u) => `Đơn vị: ${u}`), empty: 'Đơn vị: toàn cơ quan.' },
          { type: 'bullets', items: a.scope.processes.map((u) => `Quá trình: ${u}`), empty: 'Quá trình: tất cả các quá trình của hệ thống.' },
          { type: 'bullets', items: a.scope.documentIds.map((d) => `Tài liệu: ${codes.get(d) ?? d}`), empty: 'Tài liệu: toàn bộ tài liệu đang hiệu lực.' },
          { type: 'heading', text: 'Các phát hiện theo điều khoản' },
          { type: 'paragraph', text: counts },
          {
            type: 'table',
            columns: [
              { header: 'STT', width: 0.5, align: 'center' },
              { header: 'Điều khoản', width: 0.9, align: 'center' },
              { header: 'Loại', width: 1.4 },
              { header: 'Mô tả', width: 4 },
              { header: 'Tài liệu', width: 1.2 },
              { header: 'Chuyên gia', width: 1.3 },
            ],
            rows,
            empty: 'Không có phát hiện.',
          },
          { type: 'heading', text: 'Tóm tắt' },
          { type: 'paragraph', text: a.summary ?? 'Chưa có.' },
          { type: 'heading', text: 'Kết luận' },
          { type: 'paragraph', text: a.conclusion ?? 'Chưa có.' },
        ],
        signatures: [
          {
            role: 'Phê duyệt kế hoạch',
            capacity: approvalCapacity,
            position: a.approverRole === 'deputy' ? (a.approverTitle ?? 'Cấp phó') : a.approverTitle,
            fullName: a.approverName,
            signedAt: a.approvedAt ? a.approvedAt.toISOString() : null,
          },
          { role: 'Trưởng đoàn đánh giá', position: a.reporterTitle ?? lead?.title ?? null, fullName: a.reporterName ?? lead?.full_name ?? null, signedAt: a.reportedAt ? a.reportedAt.toISOString() : null },
        ],
        final,
        metadata: { date: (a.reportedAt ?? a.createdAt).toISOString(), subject: a.title, keywords: ['ISO 9001:2015', 'đánh giá nội bộ', String(a.year)] },
      },
    };
  }
}
