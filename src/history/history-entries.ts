/**
 * A document's timeline entries from its audit events: the Vietnamese label of each action and a
 * one-line Vietnamese summary of what happened (the same text in JSON, CSV and PDF). Pure.
 */
import type { RevisionState } from '../documents/document-types.js';
import { formatDateShort } from '../common/vn-format.js';
import { documentTypeName, STATE_NAMES } from '../rendering/pdf/vn-format.js';
import type { DocumentType } from '../rendering/rendition-model.js';
import type { HistorySignOffView } from './history.dto.js';

export const ACTION_LABELS: Record<string, string> = {
  'document.created': 'Tạo tài liệu',
  'document.updated': 'Sửa thông tin tài liệu',
  'document.withdrawn': 'Thu hồi tài liệu',
  'document.flag_raised': 'Gắn cờ cần xem xét',
  'document.flag_cleared': 'Gỡ cờ',
  'revision.created': 'Tạo bản dự thảo',
  'revision.updated': 'Sửa dự thảo',
  'revision.submitted': 'Trình kiểm tra',
  'revision.checked': 'Kiểm tra, trình phê duyệt',
  'revision.returned': 'Trả lại để sửa',
  'revision.approved': 'Phê duyệt',
  'revision.effective': 'Có hiệu lực',
  'revision.superseded': 'Bị thay thế',
  'revision.obsolete': 'Hết hiệu lực',
  'file.added': 'Thêm tệp',
  'file.removed': 'Xóa tệp',
  'file.downloaded': 'Tải tệp',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

const FIELD_NAMES: Record<string, string> = {
  'content.purpose': 'Mục đích',
  'content.scope': 'Phạm vi',
  'content.definitions': 'Định nghĩa, viết tắt',
  'content.legalBases': 'Căn cứ pháp lý',
  'content.statutoryTimeLimit': 'Thời hạn giải quyết',
  'content.fee': 'Phí, lệ phí',
  'content.dossier': 'Thành phần hồ sơ',
  'content.steps': 'Các bước thực hiện',
  'content.records': 'Hồ sơ cần lưu',
  'content.text': 'Nội dung chính sách',
  'content.year': 'Năm',
  'content.objectives': 'Các mục tiêu',
  'content.description': 'Mô tả',
  changeSummary: 'Tóm tắt sửa đổi',
};

const FLAG_NAMES: Record<string, string> = {
  legal_basis_changed: 'Căn cứ pháp lý thay đổi',
  review_overdue: 'Quá hạn xem xét định kỳ',
};

const ROLE_NAMES: Record<string, string> = { source: 'tệp gốc', attachment: 'tệp đính kèm' };

const stateName = (s: unknown) => (typeof s === 'string' && s in STATE_NAMES ? STATE_NAMES[s as RevisionState] : String(s));

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

function fileText(c: Record<string, unknown>): string {
  const parts = [`"${str(c.filename) ?? '?'}"`];
  const extra: string[] = [];
  if (typeof c.role === 'string') extra.push(ROLE_NAMES[c.role] ?? c.role);
  if (typeof c.size === 'number') extra.push(`${c.size} byte`);
  if (extra.length) parts.push(`(${extra.join(', ')})`);
  if (typeof c.sha256 === 'string') parts.push(`SHA-256 ${c.sha256}`);
  return parts.join(' ');
}

function stateChange(c: Record<string, unknown>): string | null {
  const s = c.state as { old?: unknown; new?: unknown } | undefined;
  return s && typeof s === 'object' && 'new' in s ? `Trạng thái: ${stateName(s.old)} → ${stateName(s.new)}` : null;
}

function signOffText(s: HistorySignOffView | null): string | null {
  if (!s) return null;
  const who = s.capacity ? `${s.capacity} ${s.onBehalfOfName ?? ''}`.trim() + `: ${s.fullName}` : s.fullName;
  return `Ký ${s.meaning === 'drafted' ? 'soạn thảo' : s.meaning === 'checked' ? 'kiểm tra' : 'phê duyệt'}: ${who}${s.title ? ` (${s.title})` : ''}`;
}

/** Events whose entry carries the revision's change summary (nội dung sửa đổi). */
export const CHANGE_SUMMARY_ACTIONS: readonly string[] = ['revision.created', 'revision.submitted', 'revision.effective'];

/**
 * The change summary an entry shows: the one its event recorded (the lifecycle records it with the
 * creation, the submission and the taking effect of a revision); for a taking effect recorded
 * without it, the revision's own, which no longer changes once approved (`frozen`).
 */
export function entryChangeSummary(action: string, changes: Record<string, unknown> | null, frozen: string | null = null): string | null {
  if (!CHANGE_SUMMARY_ACTIONS.includes(action)) return null;
  if (changes && 'changeSummary' in changes) return str(changes.changeSummary);
  return action === 'revision.effective' ? str(frozen) : null;
}

/**
 * What happened, in one Vietnamese line, from the event's action and recorded changes, ending
 * with the revision's change summary for the events that carry it (entryChangeSummary).
 */
export function summarize(action: string, changes: Record<string, unknown> | null, signOff: HistorySignOffView | null = null, changeSummary: string | null = entryChangeSummary(action, changes)): string {
  const c = changes ?? {};
  const parts: (string | null)[] = [];
  switch (action) {
    case 'document.created': {
      const v = (k: string) => (c[k] as { new?: unknown } | undefined)?.new;
      parts.push(`Mã: ${String(v('code') ?? '')}`, `Tên: ${String(v('title') ?? '')}`);
      if (typeof v('type') === 'string') parts.push(`Loại: ${documentTypeName(v('type') as DocumentType) ?? v('type')}`);
      break;
    }
    case 'document.withdrawn':
      parts.push(`Lý do: ${str(c.reason) ?? ''}`);
      if (c.capacity && typeof c.capacity === 'object') {
        const cap = c.capacity as { capacity?: string; onBehalfOf?: string };
        parts.push(`Ký thay: ${cap.capacity ?? 'KT.'} ${cap.onBehalfOf ?? ''}`.trim());
      }
      break;
    case 'document.flag_raised':
      parts.push(`${FLAG_NAMES[String(c.kind)] ?? String(c.kind)}: ${str(c.reason) ?? ''}`);
      if (str(c.dueOn)) parts.push(`Hạn xử lý: ${formatDateShort(c.dueOn as string)}`);
      break;
    case 'document.flag_cleared':
      parts.push(FLAG_NAMES[String(c.kind)] ?? String(c.kind), str(c.note));
      break;
    case 'revision.created':
      parts.push(c.basedOnRevisionId ? `Sao chép từ lần ban hành trước (${Number(c.copiedFiles ?? 0)} tệp)` : 'Bản dự thảo đầu tiên');
      break;
    case 'revision.updated': {
      const fields = Object.keys(c).filter((k) => k.startsWith('content.') || k === 'changeSummary');
      parts.push(`Nội dung sửa: ${fields.map((f) => FIELD_NAMES[f] ?? f).join(', ') || 'không'}`);
      break;
    }
    case 'revision.approved':
      parts.push(stateChange(c), signOffText(signOff));
      if (str(c.effectiveFrom)) parts.push(`Hiệu lực từ: ${formatDateShort(c.effectiveFrom as string)}`);
      break;
    case 'revision.effective':
      parts.push(stateChange(c), typeof c.number === 'number' ? `Lần ban hành: ${String(c.number).padStart(2, '0')}` : null);
      break;
    case 'file.added':
    case 'file.removed':
      parts.push(fileText(c));
      break;
    case 'file.downloaded':
      parts.push(fileText({ filename: c.filename, role: c.role }), str(c.variant) ? `bản ${c.variant === 'controlled' ? 'có kiểm soát' : 'gốc'}` : null);
      if (str(c.range)) parts.push(`byte ${c.range}`);
      break;
    default:
      parts.push(stateChange(c), signOffText(signOff));
      if (!stateChange(c) && !signOff) parts.push(compactJson(c, ['documentId', 'changeSummary']));
  }
  if (action.startsWith('revision.') && str(c.comment)) parts.push(`Ý kiến: ${c.comment}`);
  if (changeSummary) parts.push(`Nội dung sửa đổi: ${changeSummary}`);
  return parts.filter((p): p is string => !!p && p.trim() !== '').join('; ');
}

function compactJson(c: Record<string, unknown>, leaveOut: readonly string[]): string | null {
  const keys = Object.keys(c).filter((k) => !leaveOut.includes(k));
  if (!keys.length) return null;
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, c[k]])));
}

/** "2025-03-09 08:15:02" in Vietnam time (UTC+07:00, no daylight saving): what spreadsheets parse as a date-time. */
export function vietnamDateTime(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}

/** "09/03/2025 08:15" in Vietnam time, for printed tables. */
export function vietnamDateTimeShort(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3600_000).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}
