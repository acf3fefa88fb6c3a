/**
 * The editor's model of revision content (API.md "Revision content by document type"). The
 * OpenAPI document types `content` as a free object today; these shapes mirror the server's
 * content validator (src/documents/content-validator.ts) and are what the editor sends.
 */
import type { DurationUnit } from '../../../lib/durations';

export interface DurationModel {
  value?: number | string | null;
  unit?: DurationUnit | null;
}

export interface ProcedureStep {
  no?: number;
  action?: string;
  responsible?: string;
  duration?: DurationModel;
  formCodes?: string[];
  output?: string;
}

export interface ProcedureContent {
  purpose?: string;
  scope?: string;
  definitions?: { term?: string; meaning?: string }[];
  legalBases?: { legalDocumentId: string; articles?: string }[];
  statutoryTimeLimit?: DurationModel | null;
  fee?: string;
  dossier?: { name?: string; copies?: number | string }[];
  steps?: ProcedureStep[];
  records?: { name?: string; keeper?: string; retention?: string }[];
}

export interface PolicyContent {
  text?: string;
}

export interface ObjectivesContent {
  year?: number;
  objectives?: { no?: number; objective?: string; indicator?: string; target?: string; method?: string; responsibleUnit?: string; deadline?: string; actions?: string }[];
}

export interface FileBasedContent {
  description?: string;
}

export type Content = Record<string, unknown>;

function durationOut(d: DurationModel | null | undefined) {
  if (!d || d.value === '' || d.value === null || d.value === undefined) return undefined;
  const value = typeof d.value === 'number' ? d.value : Number(String(d.value).replace(',', '.'));
  return { value: Number.isFinite(value) ? value : d.value, unit: d.unit ?? 'working_days' };
}

const blankToUndefined = (s: string | undefined) => (s && s.trim() ? s : undefined);

/** The content as the API takes it: numbers as numbers, empty optional members left out. */
export function procedureForSave(c: ProcedureContent): Content {
  return {
    purpose: c.purpose ?? '',
    scope: c.scope ?? '',
    definitions: (c.definitions ?? []).map((d) => ({ term: d.term ?? '', meaning: d.meaning ?? '' })),
    legalBases: (c.legalBases ?? []).filter((b) => b.legalDocumentId).map((b) => ({ legalDocumentId: b.legalDocumentId, articles: blankToUndefined(b.articles) })),
    statutoryTimeLimit: durationOut(c.statutoryTimeLimit),
    fee: blankToUndefined(c.fee),
    dossier: (c.dossier ?? []).map((d) => ({ name: d.name ?? '', copies: d.copies === '' || d.copies === undefined ? undefined : Number(d.copies) })),
    steps: (c.steps ?? []).map((s, i) => ({
      no: i + 1,
      action: s.action ?? '',
      responsible: s.responsible ?? '',
      duration: durationOut(s.duration),
      formCodes: s.formCodes?.length ? s.formCodes : undefined,
      output: blankToUndefined(s.output),
    })),
    records: (c.records ?? []).map((r) => ({ name: r.name ?? '', keeper: r.keeper ?? '', retention: r.retention ?? '' })),
  };
}

export function objectivesForSave(c: ObjectivesContent): Content {
  return { ...c, objectives: (c.objectives ?? []).map((o, i) => ({ ...o, no: i + 1 })) };
}
