/**
 * Names printed on documents: document types, sign-off roles, revision states and the state stamps.
 * Dates, numbers and durations: src/common/vn-format.ts.
 */
import type { DocumentType, RevisionState, SignOffMeaning } from '../rendition-model.js';

const DOCUMENT_TYPE_NAMES: Record<DocumentType, string> = {
  procedure: 'Quy trình',
  form: 'Biểu mẫu',
  quality_policy: 'Chính sách chất lượng',
  quality_objectives: 'Mục tiêu chất lượng',
  manual: 'Sổ tay chất lượng',
  decision: 'Quyết định',
  other: 'Tài liệu',
};

export function documentTypeName(type: DocumentType): string {
  return DOCUMENT_TYPE_NAMES[type];
}

export const SIGN_OFF_HEADINGS: Record<SignOffMeaning, string> = {
  drafted: 'Soạn thảo',
  checked: 'Kiểm tra',
  approved: 'Phê duyệt',
};

export const STATE_NAMES: Record<RevisionState, string> = {
  draft: 'Dự thảo',
  in_review: 'Đang kiểm tra',
  pending_approval: 'Chờ phê duyệt',
  approved: 'Đã phê duyệt, chưa có hiệu lực',
  effective: 'Đang có hiệu lực',
  superseded: 'Đã được thay thế',
  obsolete: 'Hết hiệu lực',
};

export const WATERMARK_DRAFT = 'BẢN NHÁP';
export const WATERMARK_NOT_YET_EFFECTIVE = 'CHƯA CÓ HIỆU LỰC';
export const WATERMARK_CONTROLLED = 'BẢN CÓ KIỂM SOÁT';
export const WATERMARK_OBSOLETE = 'HẾT HIỆU LỰC';

/**
 * The diagonal stamp of a revision state. Drafts and revisions in the workflow are "BẢN NHÁP";
 * an approved revision waiting for its effective date is "CHƯA CÓ HIỆU LỰC" (it is signed, so not a
 * draft, but must not be used as the controlled copy before that date); the effective one is
 * "BẢN CÓ KIỂM SOÁT"; superseded and obsolete ones are "HẾT HIỆU LỰC".
 */
export function watermarkFor(state: RevisionState): string {
  switch (state) {
    case 'draft':
    case 'in_review':
    case 'pending_approval':
      return WATERMARK_DRAFT;
    case 'approved':
      return WATERMARK_NOT_YET_EFFECTIVE;
    case 'effective':
      return WATERMARK_CONTROLLED;
    case 'superseded':
    case 'obsolete':
      return WATERMARK_OBSOLETE;
  }
}
