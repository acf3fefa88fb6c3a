/**
 * Field-level differences between two revisions' structured content (declared per document type in
 * src/documents/revision-content.ts), and between their file lists. Pure functions: the service loads the revisions and the
 * legal documents' numbers and hands them in.
 *
 * - Scalar fields (purpose, scope, statutoryTimeLimit, fee, year, text, description, and any field
 *   a later content version adds): old/new when they differ.
 * - Lists matched by a key: steps and objectives by `no`, definitions by `term`, dossier and records
 *   by `name` (NFC, trimmed, case-insensitive); a key used twice pairs its occurrences in order;
 *   items without a key are paired by position among themselves. Each changed item lists its
 *   changed fields with old/new.
 * - Legal bases matched by `legalDocumentId`, shown with the legal document's number; `articles`
 *   changes.
 * - Line diffs of the text fields (purpose, scope, text, description, and the texts of changed
 *   objectives).
 */
import type { DocumentType } from '../documents/document-types.js';
import { canonicalJson } from '../documents/revision-digest.js';
import { diffLines, LineDiff } from './line-diff.js';

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

export interface ListItem {
  key: string;
  item: Record<string, unknown>;
}

export interface ChangedItem {
  key: string;
  old: Record<string, unknown>;
  new: Record<string, unknown>;
  fields: FieldChange[];
}

export interface ListDiff {
  field: string;
  matchedBy: string;
  added: ListItem[];
  removed: ListItem[];
  changed: ChangedItem[];
  unchanged: number;
}

export interface LegalRef {
  number: string | null;
  title: string | null;
}

export interface LegalBasisItem {
  legalDocumentId: string;
  number: string | null;
  title: string | null;
  articles: string | null;
}

export interface LegalBasisChange {
  legalDocumentId: string;
  number: string | null;
  title: string | null;
  articles: { old: string | null; new: string | null };
}

export interface LegalBasesDiff {
  added: LegalBasisItem[];
  removed: LegalBasisItem[];
  changed: LegalBasisChange[];
  unchanged: number;
}

export interface TextDiff extends LineDiff {
  field: string;
}

export interface ContentDiff {
  fields: FieldChange[];
  lists: ListDiff[];
  legalBases: LegalBasesDiff | null;
  text: TextDiff[];
}

type Json = Record<string, unknown>;

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

interface ListSpec {
  field: string;
  matchedBy: string;
  key: (item: Json) => string | null;
  /** String fields of changed items that also get a line diff. */
  textFields?: string[];
}

const textKey = (name: string) => (item: Json) => {
  const v = item[name];
  return typeof v === 'string' && v.trim() ? v.normalize('NFC').trim().toLocaleLowerCase('vi') : null;
};
const numberKey = (item: Json) => (typeof item.no === 'number' && Number.isFinite(item.no) ? String(item.no) : null);

const PROCEDURE_LISTS: ListSpec[] = [
  { field: 'steps', matchedBy: 'no', key: numberKey },
  { field: 'definitions', matchedBy: 'term', key: textKey('term') },
  { field: 'dossier', matchedBy: 'name', key: textKey('name') },
  { field: 'records', matchedBy: 'name', key: textKey('name') },
];

const OBJECTIVE_TEXTS = ['objective', 'indicator', 'target', 'method', 'responsibleUnit', 'deadline', 'actions'];

const LISTS: Partial<Record<DocumentType, ListSpec[]>> = {
  procedure: PROCEDURE_LISTS,
  quality_objectives: [{ field: 'objectives', matchedBy: 'no', key: numberKey, textFields: OBJECTIVE_TEXTS }],
};

/** Top-level text fields that get a line diff, per type. */
const TEXT_FIELDS: Record<DocumentType, string[]> = {
  procedure: ['purpose', 'scope'],
  quality_policy: ['text'],
  quality_objectives: [],
  form: ['description'],
  manual: ['description'],
  decision: ['description'],
  other: ['description'],
};

const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const asItems = (v: unknown): Json[] => (Array.isArray(v) ? v.map(asObject) : []);

/** Changed fields of two objects (union of their keys, sorted), old/new. */
export function objectChanges(before: Json, after: Json, prefix = ''): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => !same(before[k], after[k])).map((k) => ({ field: `${prefix}${k}`, old: before[k] ?? null, new: after[k] ?? null }));
}

/**
 * Pairs the items of two lists by key; a key appearing several times pairs its n-th occurrences;
 * items without a key pair by their order among the keyless ones.
 */
export function diffList(spec: ListSpec, oldItems: Json[], newItems: Json[]): ListDiff {
  const keyed = (items: Json[]) => {
    const seen = new Map<string, number>();
    let keyless = 0;
    return items.map((item) => {
      const k = spec.key(item);
      const base = k === null ? `#${++keyless}` : k;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return { id: n === 1 ? base : `${base}~${n}`, display: displayKey(spec, item, k === null ? keyless : null), item };
    });
  };
  const olds = keyed(oldItems);
  const news = keyed(newItems);
  const newById = new Map(news.map((x) => [x.id, x]));
  const oldIds = new Set(olds.map((x) => x.id));
  const out: ListDiff = { field: spec.field, matchedBy: spec.matchedBy, added: [], removed: [], changed: [], unchanged: 0 };
  for (const o of olds) {
    const n = newById.get(o.id);
    if (!n) {
      out.removed.push({ key: o.display, item: o.item });
      continue;
    }
    const fields = objectChanges(o.item, n.item);
    if (fields.length) out.changed.push({ key: n.display, old: o.item, new: n.item, fields });
    else out.unchanged++;
  }
  for (const n of news) if (!oldIds.has(n.id)) out.added.push({ key: n.display, item: n.item });
  return out;
}

function displayKey(spec: ListSpec, item: Json, keylessIndex: number | null): string {
  if (keylessIndex !== null) return `#${keylessIndex}`;
  const v = item[spec.matchedBy];
  return typeof v === 'string' ? v.trim() : String(v);
}

/** Legal bases matched by legalDocumentId, with the registry's number and title. */
export function diffLegalBases(oldItems: Json[], newItems: Json[], legal: Map<string, LegalRef>): LegalBasesDiff {
  const byId = (items: Json[]) => {
    const m = new Map<string, string | null>();
    for (const it of items) {
      if (typeof it.legalDocumentId !== 'string') continue;
      const id = it.legalDocumentId.toLowerCase();
      if (!m.has(id)) m.set(id, typeof it.articles === 'string' && it.articles.trim() ? it.articles : null);
    }
    return m;
  };
  const ref = (id: string) => legal.get(id) ?? { number: null, title: null };
  const olds = byId(oldItems);
  const news = byId(newItems);
  const out: LegalBasesDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [id, articles] of olds) {
    if (!news.has(id)) out.removed.push({ legalDocumentId: id, ...ref(id), articles });
    else if ((news.get(id) ?? null) !== articles) out.changed.push({ legalDocumentId: id, ...ref(id), articles: { old: articles, new: news.get(id) ?? null } });
    else out.unchanged++;
  }
  for (const [id, articles] of news) if (!olds.has(id)) out.added.push({ legalDocumentId: id, ...ref(id), articles });
  return out;
}

/** Legal document ids cited by either content (to look their numbers up). */
export function citedLegalIds(...contents: Json[]): string[] {
  const ids = new Set<string>();
  for (const c of contents) for (const it of asItems(c.legalBases)) if (typeof it.legalDocumentId === 'string') ids.add(it.legalDocumentId.toLowerCase());
  return [...ids];
}

const textOf = (v: unknown): string | null => (typeof v === 'string' ? v : v === null || v === undefined ? null : canonicalJson(v));

/** The whole content difference of two revisions of a document of `type` (old → new). */
export function diffContent(type: DocumentType, oldContent: Json, newContent: Json, legal: Map<string, LegalRef>): ContentDiff {
  const lists = LISTS[type] ?? [];
  const structured = new Set([...lists.map((l) => l.field), ...(type === 'procedure' ? ['legalBases'] : [])]);
  const fields = objectChanges(
    Object.fromEntries(Object.entries(oldContent).filter(([k]) => !structured.has(k))),
    Object.fromEntries(Object.entries(newContent).filter(([k]) => !structured.has(k))),
  );
  const listDiffs = lists.map((spec) => diffList(spec, asItems(oldContent[spec.field]), asItems(newContent[spec.field])));
  const legalBases = type === 'procedure' ? diffLegalBases(asItems(oldContent.legalBases), asItems(newContent.legalBases), legal) : null;

  const text: TextDiff[] = [];
  for (const field of TEXT_FIELDS[type]) {
    if (same(oldContent[field], newContent[field])) continue;
    text.push({ field, ...diffLines(textOf(oldContent[field]), textOf(newContent[field])) });
  }
  for (const spec of lists) {
    if (!spec.textFields) continue;
    const diff = listDiffs.find((d) => d.field === spec.field)!;
    for (const c of diff.changed) {
      for (const f of c.fields) {
        if (!spec.textFields.includes(f.field)) continue;
        text.push({ field: `${spec.field}[${spec.matchedBy}=${c.key}].${f.field}`, ...diffLines(textOf(f.old), textOf(f.new)) });
      }
    }
  }
  return { fields, lists: listDiffs, legalBases, text };
}

// ---------------------------------------------------------------- files

export interface FileRef {
  id: string;
  role: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
}

export interface FileRename {
  sha256: string;
  old: FileRef;
  new: FileRef;
}

export interface FileReplacement {
  role: string;
  old: FileRef;
  new: FileRef;
}

export interface FileChanges {
  added: FileRef[];
  removed: FileRef[];
  unchanged: FileRef[];
  /** The same bytes under another name (or role). */
  renamed: FileRename[];
  /** Other bytes in the same place: the same role and file name, or the (single) source file. */
  replaced: FileReplacement[];
}

/**
 * File changes by content hash: identical bytes pair first (same name: unchanged, else renamed);
 * of the rest, a file with the same role and name, or the source file, is replaced; the others
 * are added or removed.
 */
export function diffFiles(oldFiles: FileRef[], newFiles: FileRef[]): FileChanges {
  const out: FileChanges = { added: [], removed: [], unchanged: [], renamed: [], replaced: [] };
  const restNew = [...newFiles];
  let restOld = [...oldFiles];
  const pairs: [FileRef, FileRef][] = [];
  /** One pass over the unpaired old files: each takes the first unpaired new file that matches. */
  const pass = (match: (o: FileRef, n: FileRef) => boolean): [FileRef, FileRef][] => {
    const found: [FileRef, FileRef][] = [];
    restOld = restOld.filter((o) => {
      const i = restNew.findIndex((n) => match(o, n));
      if (i < 0) return true;
      found.push([o, restNew.splice(i, 1)[0]]);
      return false;
    });
    return found;
  };
  // Same bytes: first with the same name and role, then the same name, then the same role, then any.
  pairs.push(...pass((o, n) => n.sha256 === o.sha256 && n.filename === o.filename && n.role === o.role));
  pairs.push(...pass((o, n) => n.sha256 === o.sha256 && n.filename === o.filename));
  pairs.push(...pass((o, n) => n.sha256 === o.sha256 && n.role === o.role));
  pairs.push(...pass((o, n) => n.sha256 === o.sha256));
  for (const [o, n] of pairs) {
    if (n.filename === o.filename && n.role === o.role) out.unchanged.push(n);
    else out.renamed.push({ sha256: n.sha256, old: o, new: n });
  }
  // Other bytes in the same place: same role and name, then the single source file.
  const replaced = [...pass((o, n) => n.role === o.role && n.filename === o.filename), ...pass((o, n) => o.role === 'source' && n.role === 'source')];
  for (const [o, n] of replaced) out.replaced.push({ role: o.role, old: o, new: n });
  out.removed.push(...restOld);
  out.added.push(...restNew);
  return out;
}
