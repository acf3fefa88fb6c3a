/** Where a nonconformity comes from. */
export const NONCONFORMITY_SOURCES = ['internal_audit', 'inspection', 'complaint', 'process', 'management_review', 'other'] as const;
export type NonconformitySource = (typeof NONCONFORMITY_SOURCES)[number];

export const NONCONFORMITY_SEVERITIES = ['major', 'minor'] as const;
export type NonconformitySeverity = (typeof NONCONFORMITY_SEVERITIES)[number];

/** open → action_planned (root cause stated, an action raised) → awaiting_verification (every action complete) → closed. */
export const NONCONFORMITY_STATES = ['open', 'action_planned', 'awaiting_verification', 'closed'] as const;
export type NonconformityState = (typeof NONCONFORMITY_STATES)[number];

export const SOURCE_LABELS: Record<NonconformitySource, string> = {
  internal_audit: 'Đánh giá nội bộ',
  inspection: 'Kiểm tra của Sở KH&CN',
  complaint: 'Phản ánh, kiến nghị',
  process: 'Trong quá trình thực hiện',
  management_review: 'Xem xét của lãnh đạo',
  other: 'Khác',
};

export const SEVERITY_LABELS: Record<NonconformitySeverity, string> = { major: 'Nặng', minor: 'Nhẹ' };

/** How a nonconformity is named on paper and in lists: KPH-<number>. */
export function nonconformityCode(number: number): string {
  return `KPH-${String(number).padStart(3, '0')}`;
}
