/**
 * The pure part of a legal change's regeneration: how a procedure's `legalBases` are rewritten and
 * how the change is explained in the draft's change summary (Vietnamese, citing documents by number).
 */
import type { LegalBasis } from '../documents/revision-content.js';
import type { LegalDocument } from '../legal/legal-document.entity.js';
import { LEGAL_TYPE_LABELS, LegalType } from '../legal/legal-types.js';
import { formatDateShort } from '../common/vn-format.js';
import type { LegalChangeKind } from './legal-change.entities.js';

/** revisions.change_summary is at most 4000 characters (CHECK in the Documents migration). */
export const CHANGE_SUMMARY_MAX = 4000;

type LegalRef = Pick<LegalDocument, 'id' | 'number' | 'type'>;

/** What a change means for a citation of the changed document, computed once per change (currentBasis). */
export interface ChangePlan {
  kind: LegalChangeKind;
  changed: LegalRef;
  by: LegalRef | null;
  /** YYYY-MM-DD */
  effectiveFrom: string;
  /** What a citation of the changed document must cite now (registry `currentBasis`), in order. */
  targets: LegalRef[];
}

export interface RewriteResult {
  legalBases: LegalBasis[];
  /** False when the bases already cite what they should (nothing to save). */
  changed: boolean;
  /** True when the changed document was cited and nothing replaces it (repealed): the author must look at it. */
  dropped: boolean;
  /** Articles cited of the changed document that no longer apply (it was replaced): to be re-determined. */
  orphanArticles: string[];
}

/** "Quyết định số 19/2014/QĐ-TTg"; standards are named by their number alone ("TCVN ISO 9001:2015"). */
export function legalName(d: Pick<LegalDocument, 'number' | 'type'>): string {
  if (d.type === 'standard') return d.number;
  const label = LEGAL_TYPE_LABELS[d.type as LegalType] ?? 'Văn bản';
  return `${label} số ${d.number}`;
}

function joinNames(docs: Pick<LegalDocument, 'number' | 'type'>[]): string {
  const names = docs.map(legalName);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} và ${names[names.length - 1]}`;
}

/**
 * Rewrites the citations of `plan.changed` in `bases`:
 * - replaced: the citation is swapped for what replaces it now (chains followed, an amended
 *   replacement brings its amending acts); cited articles of the old act are dropped (they refer to
 *   the old act's numbering) and reported;
 * - amended: the citation stays with its articles, the amending act(s) are added right after it;
 * - repealed (or a replacement that itself ended in a repeal): the citation is removed.
 * Other citations are kept as they are; a target already cited elsewhere is not duplicated.
 */
export function rewriteLegalBases(bases: LegalBasis[], plan: ChangePlan): RewriteResult {
  // A draft's basis may still lack its document (drafts are partial): such rows are kept as they are.
  const citedElsewhere = new Set(bases.filter((b) => b.legalDocumentId !== plan.changed.id).map((b) => b.legalDocumentId));
  const out: LegalBasis[] = [];
  const placed = new Set<string | undefined>();
  const orphanArticles: string[] = [];
  let cited = false;
  for (const b of bases) {
    if (b.legalDocumentId !== plan.changed.id) {
      if (!placed.has(b.legalDocumentId)) {
        out.push(b);
        placed.add(b.legalDocumentId);
      }
      continue;
    }
    cited = true;
    const keepsItself = plan.targets.some((t) => t.id === plan.changed.id);
    if (!keepsItself && b.articles?.trim()) orphanArticles.push(b.articles.trim());
    for (const t of plan.targets) {
      if (placed.has(t.id) || (t.id !== plan.changed.id && citedElsewhere.has(t.id))) continue;
      out.push(t.id === plan.changed.id ? b : { legalDocumentId: t.id });
      placed.add(t.id);
    }
  }
  const changed = JSON.stringify(out) !== JSON.stringify(bases);
  return { legalBases: out, changed, dropped: cited && plan.targets.length === 0, orphanArticles };
}

/** The sentence of the change summary that says what changed and why (the same for every document of the change). */
export function changeSentence(plan: ChangePlan): string {
  const x = legalName(plan.changed);
  const by = plan.by ? legalName(plan.by) : null;
  const date = formatDateShort(plan.effectiveFrom);
  const added = plan.targets.filter((t) => t.id !== plan.changed.id);
  switch (plan.kind) {
    case 'replaced':
      if (!plan.targets.length) {
        return `Cập nhật căn cứ pháp lý: bỏ ${x} do văn bản này được thay thế bởi ${by} có hiệu lực từ ngày ${date}, nhưng văn bản thay thế cũng đã hết hiệu lực; cần rà soát lại căn cứ pháp lý của quy trình.`;
      }
      return `Cập nhật căn cứ pháp lý: thay thế ${x} bằng ${joinNames(plan.targets)}, do ${x} được thay thế bởi ${by} có hiệu lực từ ngày ${date}.`;
    case 'amended':
      return `Cập nhật căn cứ pháp lý: bổ sung ${joinNames(added)} bên cạnh ${x}, do ${x} được sửa đổi, bổ sung bởi ${by} có hiệu lực từ ngày ${date}.`;
    case 'repealed':
      return `Cập nhật căn cứ pháp lý: bỏ ${x} do văn bản này hết hiệu lực từ ngày ${date}${by ? ` (bãi bỏ bởi ${by})` : ''}; cần rà soát lại căn cứ pháp lý và nội dung quy trình.`;
  }
}

/** The sentence about articles of a replaced act that must be re-determined in the new act. */
export function orphanArticlesSentence(articles: string[]): string {
  return `Cần xác định lại điều, khoản viện dẫn theo văn bản mới (trước đây: ${articles.join('; ')}).`;
}

/**
 * The change summary of a regenerated draft: the summary the draft already has (if any) with the
 * change's sentences appended once (re-running a change does not repeat them), within the column limit.
 */
export function mergeChangeSummary(existing: string | null, sentences: string[]): string {
  const base = existing?.trim() ?? '';
  const missing = sentences.filter((s) => !base.includes(s));
  if (!missing.length) return base;
  const addition = missing.join(' ');
  if (!base) return addition.slice(0, CHANGE_SUMMARY_MAX);
  const room = CHANGE_SUMMARY_MAX - addition.length - 1;
  if (room <= 1) return addition.slice(0, CHANGE_SUMMARY_MAX);
  const kept = base.length <= room ? base : `${base.slice(0, room - 1)}…`;
  return `${kept}\n${addition}`;
}

/** Why the document is flagged: one line naming the acts and the date (flag reason, notices). */
export function changeHeadline(plan: ChangePlan): string {
  const x = legalName(plan.changed);
  const by = plan.by ? legalName(plan.by) : null;
  const date = formatDateShort(plan.effectiveFrom);
  switch (plan.kind) {
    case 'replaced':
      return `${x} được thay thế bởi ${by}, có hiệu lực từ ngày ${date}.`;
    case 'amended':
      return `${x} được sửa đổi, bổ sung bởi ${by}, có hiệu lực từ ngày ${date}.`;
    case 'repealed':
      return `${x} hết hiệu lực từ ngày ${date}${by ? ` (bãi bỏ bởi ${by})` : ''}.`;
  }
}

/** YYYY-MM-DD plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
