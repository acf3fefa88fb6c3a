import type { NoticeInput } from '../notifications/notifications.service.js';
import { formatDateShort, formatRevisionNumber } from '../common/vn-format.js';

/** What a notice names: the document and the revision (lần ban hành). */
export interface NoticeSubject {
  agencyId: string;
  documentId: string;
  revisionId: string;
  code: string;
  title: string;
  number: number;
}

const lan = (n: number) => `lần ban hành ${formatRevisionNumber(n)}`;
const name = (s: NoticeSubject) => `${s.code} "${s.title}"`;
const head = (s: NoticeSubject) => `${s.code} ${s.title} (${lan(s.number)})`;

function revisionNotice(s: NoticeSubject, kind: string, title: string, body: string): NoticeInput {
  return { agencyId: s.agencyId, kind, title, body, entityType: 'revision', entityId: s.revisionId };
}

/** Vietnamese notices of the workflow (in-app and e-mail). */
export const WorkflowNotices = {
  toCheck: (s: NoticeSubject, by: string) =>
    revisionNotice(s, 'revision.to_check', `Cần kiểm tra: ${head(s)}`, `${by} đã trình dự thảo ${lan(s.number)} của tài liệu ${name(s)}. Đề nghị ông/bà kiểm tra, xem xét.`),

  toApprove: (s: NoticeSubject, checker: string) =>
    revisionNotice(s, 'revision.to_approve', `Chờ phê duyệt: ${head(s)}`, `${checker} đã kiểm tra dự thảo ${lan(s.number)} của tài liệu ${name(s)}. Dự thảo đang chờ ông/bà phê duyệt.`),

  returned: (s: NoticeSubject, by: string, comment: string) =>
    revisionNotice(s, 'revision.returned', `Trả lại: ${head(s)}`, `${by} đã trả lại dự thảo ${lan(s.number)} của tài liệu ${name(s)} để chỉnh sửa.\nÝ kiến: ${comment}`),

  approved: (s: NoticeSubject, by: string, effectiveFrom: Date) =>
    revisionNotice(
      s,
      'revision.approved',
      `Đã phê duyệt: ${head(s)}`,
      `${by} đã phê duyệt ${lan(s.number)} của tài liệu ${name(s)}. Tài liệu có hiệu lực từ ngày ${formatDateShort(effectiveFrom)}.`,
    ),

  effective: (s: NoticeSubject, at: Date) =>
    revisionNotice(s, 'revision.effective', `Đã có hiệu lực: ${head(s)}`, `Tài liệu ${name(s)}, ${lan(s.number)}, có hiệu lực từ ngày ${formatDateShort(at)}.`),

  withdrawn: (agencyId: string, documentId: string, code: string, title: string, by: string, reason: string): NoticeInput => ({
    agencyId,
    kind: 'document.withdrawn',
    title: `Thu hồi tài liệu: ${code} ${title}`,
    body: `${by} đã thu hồi tài liệu ${code} "${title}"; tài liệu hết hiệu lực.\nLý do: ${reason}`,
    entityType: 'document',
    entityId: documentId,
  }),

  reviewOverdue: (agencyId: string, documents: { id: string; code: string; title: string; dueOn: string }[]): NoticeInput => {
    const lines = documents.slice(0, 20).map((d) => `- ${d.code} "${d.title}" (hạn xem xét ${formatDateShort(d.dueOn)})`);
    if (documents.length > 20) lines.push(`- và ${documents.length - 20} tài liệu khác`);
    const one = documents.length === 1 ? documents[0] : null;
    return {
      agencyId,
      kind: 'document.review_overdue',
      title: one ? `Quá hạn xem xét định kỳ: ${one.code} ${one.title}` : `${documents.length} tài liệu quá hạn xem xét định kỳ`,
      body: `Các tài liệu sau đã quá hạn xem xét định kỳ, đề nghị tổ chức xem xét, cập nhật:\n${lines.join('\n')}`,
      entityType: one ? 'document' : undefined,
      entityId: one ? one.id : undefined,
    };
  },
};
