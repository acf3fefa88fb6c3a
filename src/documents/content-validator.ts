import { Injectable } from '@nestjs/common';
import { Errors, FieldError } from '../common/errors.js';
import { isUuid } from '../common/params.js';
import { Database } from '../database/database.js';
import { DOCUMENT_CODE_PATTERN, DURATION_UNITS, DocumentType, DurationUnit, FILE_BASED_TYPES, HOURS_PER_WORKING_DAY } from './document-types.js';

/** A completeness rule a revision fails (422 at submit). */
export interface FailedRule {
  /** Stable rule id, e.g. `procedure.steps_exceed_time_limit`. */
  rule: string;
  field: string;
  message: string;
}

export interface Duration {
  value: number;
  unit: DurationUnit;
}

export interface LegalBasis {
  legalDocumentId: string;
  articles?: string;
}

export interface ProcedureContent {
  purpose?: string;
  scope?: string;
  definitions?: { term?: string; meaning?: string }[];
  legalBases?: LegalBasis[];
  statutoryTimeLimit?: Duration;
  fee?: string;
  dossier?: { name?: string; copies?: number }[];
  steps?: { no?: number; action?: string; responsible?: string; duration?: Duration; formCodes?: string[]; output?: string }[];
  records?: { name?: string; keeper?: string; retention?: string }[];
}

export interface QualityObjectivesContent {
  year?: number;
  objectives?: { no?: number; objective?: string; indicator?: string; target?: string; method?: string; responsibleUnit?: string; deadline?: string; actions?: string }[];
}

/** A citation row derived from content.legalBases. */
export interface CitationRow {
  position: number;
  legalDocumentId: string;
  articles: string | null;
}

// ---- A small schema language for the content shapes ----

type Spec =
  | { kind: 'string'; max: number; pattern?: RegExp; patternMessage?: string }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number; exclusiveMin?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'uuid' }
  | { kind: 'object'; props: Record<string, Spec> }
  | { kind: 'array'; of: Spec; max: number };

const str = (max: number): Spec => ({ kind: 'string', max });
const int = (min: number, max: number): Spec => ({ kind: 'int', min, max });
const obj = (props: Record<string, Spec>): Spec => ({ kind: 'object', props });
const arr = (of: Spec, max: number): Spec => ({ kind: 'array', of, max });

const DURATION = obj({ value: { kind: 'number', min: 0, max: 100_000, exclusiveMin: true }, unit: { kind: 'enum', values: DURATION_UNITS } });

const PROCEDURE = obj({
  purpose: str(20_000),
  scope: str(20_000),
  definitions: arr(obj({ term: str(500), meaning: str(5000) }), 200),
  legalBases: arr(obj({ legalDocumentId: { kind: 'uuid' }, articles: str(500) }), 100),
  statutoryTimeLimit: DURATION,
  fee: str(2000),
  dossier: arr(obj({ name: str(2000), copies: int(1, 100) }), 200),
  steps: arr(
    obj({
      no: int(1, 1000),
      action: str(5000),
      responsible: str(1000),
      duration: DURATION,
      formCodes: arr({ kind: 'string', max: 64, pattern: DOCUMENT_CODE_PATTERN, patternMessage: 'must be a document code (letters, digits, ".", "-", "/")' }, 50),
      output: str(2000),
    }),
    200,
  ),
  records: arr(obj({ name: str(1000), keeper: str(500), retention: str(500) }), 200),
});

const SPECS: Record<DocumentType, Spec> = {
  procedure: PROCEDURE,
  quality_policy: obj({ text: str(50_000) }),
  quality_objectives: obj({
    year: int(2000, 2100),
    objectives: arr(
      obj({
        no: int(1, 1000),
        objective: str(2000),
        indicator: str(2000),
        target: str(1000),
        method: str(2000),
        responsibleUnit: str(500),
        deadline: str(200),
        actions: str(5000),
      }),
      200,
    ),
  }),
  form: obj({ description: str(5000) }),
  manual: obj({ description: str(5000) }),
  decision: obj({ description: str(5000) }),
  other: obj({ description: str(5000) }),
};

function describe(spec: Spec): string {
  switch (spec.kind) {
    case 'string':
      return 'a string';
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'uuid':
      return 'a UUID';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
  }
}

/**
 * Checks a value against a spec; returns the normalised value (nulls dropped as absent) and
 * pushes one error per bad field. Every member is optional at this level (drafts are partial).
 */
function walk(spec: Spec, value: unknown, path: string, errors: FieldError[]): unknown {
  const fail = (message: string) => {
    errors.push({ field: path, message });
    return undefined;
  };
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') return fail('must be a string');
      if (value.length > spec.max) return fail(`must be at most ${spec.max} characters`);
      if (spec.pattern && !spec.pattern.test(value)) return fail(spec.patternMessage ?? 'has an invalid format');
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail('must be an integer');
      if (value < spec.min || value > spec.max) return fail(`must be between ${spec.min} and ${spec.max}`);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a number');
      if (spec.exclusiveMin ? value <= spec.min : value < spec.min) return fail(`must be greater than ${spec.exclusiveMin ? '' : 'or equal to '}${spec.min}`);
      if (value > spec.max) return fail(`must be at most ${spec.max}`);
      return value;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) return fail(`must be one of ${spec.values.join(', ')}`);
      return value;
    case 'uuid':
      if (!isUuid(value)) return fail('must be a UUID');
      return (value as string).toLowerCase();
    case 'array': {
      if (!Array.isArray(value)) return fail('must be an array');
      if (value.length > spec.max) return fail(`must have at most ${spec.max} items`);
      return value.map((item, i) => {
        const p = `${path}[${i}]`;
        if (item === null || item === undefined) {
          errors.push({ field: p, message: `must be ${describe(spec.of)}` });
          return undefined;
        }
        return walk(spec.of, item, p, errors);
      });
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('must be an object');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const p = path ? `${path}.${k}` : k;
        const child = spec.props[k];
        if (!child) {
          errors.push({ field: p, message: 'is not a known property' });
          continue;
        }
        if (v === null || v === undefined) continue;
        const n = walk(child, v, p, errors);
        if (n !== undefined) out[k] = n;
      }
      return out;
    }
  }
}

function blank(s: unknown): boolean {
  return typeof s !== 'string' || s.trim().length === 0;
}

/** Hours a duration stands for: a working day (and a day, as step tables count them) is 8 hours. */
export function durationHours(d: Duration): number {
  return d.unit === 'hours' ? d.value : d.value * HOURS_PER_WORKING_DAY;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** "16.5 working days (132 h)". */
export function formatHours(hours: number): string {
  const days = round(hours / HOURS_PER_WORKING_DAY);
  return `${days} working day${days === 1 ? '' : 's'} (${round(hours)} h)`;
}

export interface CompletenessContext {
  /** The revision's change summary: required from revision 2 on. */
  changeSummary?: string | null;
  /** The number the revision has or will get. */
  number?: number;
  /** Quality objectives: the document's year. */
  year?: number | null;
}

/**
 * Content rules per document type. `validateShape` (400 on save) checks types, bounds, known
 * members and references; `completeness` (422 at submit) checks that a revision is ready to be
 * reviewed: required sections, the step-time rule, objectives with indicator and target, source
 * files for file-based types, the change summary from revision 2 on.
 */
@Injectable()
export class ContentValidator {
  constructor(private readonly db: Database) {}

  /** The content a new document's first draft starts with. */
  defaultContent(type: DocumentType, year?: number | null): Record<string, unknown> {
    switch (type) {
      case 'procedure':
        return { purpose: '', scope: '', definitions: [], legalBases: [], dossier: [], steps: [], records: [] };
      case 'quality_policy':
        return { text: '' };
      case 'quality_objectives':
        return { year: year ?? undefined, objectives: [] };
      default:
        return {};
    }
  }

  /** Shape errors (field paths prefixed with `content`), without touching the database. */
  shapeErrors(type: DocumentType, content: unknown, ctx: { year?: number | null } = {}): { errors: FieldError[]; content: Record<string, unknown> } {
    const errors: FieldError[] = [];
    const normalised = (walk(SPECS[type], content, 'content', errors) ?? {}) as Record<string, unknown>;
    if (type === 'quality_objectives' && ctx.year != null && typeof normalised.year === 'number' && normalised.year !== ctx.year) {
      errors.push({ field: 'content.year', message: `must be the document's year (${ctx.year})` });
    }
    if (type === 'procedure') {
      const bases = (normalised.legalBases ?? []) as (LegalBasis | undefined)[];
      const seen = new Map<string, number>();
      bases.forEach((b, i) => {
        if (!b?.legalDocumentId) return;
        if (seen.has(b.legalDocumentId)) errors.push({ field: `content.legalBases[${i}].legalDocumentId`, message: `is already cited at legalBases[${seen.get(b.legalDocumentId)}]` });
        else seen.set(b.legalDocumentId, i);
      });
    }
    return { errors, content: normalised };
  }

  /**
   * Validates content for saving: shape and references (cited legal documents exist). Throws a
   * 400 with one error per bad field; returns the normalised content.
   */
  async validateForSave(type: DocumentType, content: unknown, ctx: { year?: number | null } = {}): Promise<Record<string, unknown>> {
    const { errors, content: normalised } = this.shapeErrors(type, content, ctx);
    if (!errors.length) errors.push(...(await this.missingLegalDocuments(normalised)));
    if (errors.length) throw Errors.validation(errors, 'The revision content has invalid fields.');
    return normalised;
  }

  private async missingLegalDocuments(content: Record<string, unknown>): Promise<FieldError[]> {
    const bases = (content.legalBases ?? []) as LegalBasis[];
    if (!bases.length) return [];
    const ids = [...new Set(bases.map((b) => b.legalDocumentId).filter(Boolean))];
    const rows = await this.db.query<{ id: string }[]>('SELECT id FROM legal_documents WHERE id = ANY($1::uuid[])', [ids]);
    const found = new Set(rows.map((r) => r.id));
    const errors: FieldError[] = [];
    bases.forEach((b, i) => {
      if (b.legalDocumentId && !found.has(b.legalDocumentId)) errors.push({ field: `content.legalBases[${i}].legalDocumentId`, message: 'is not a document of the legal registry' });
    });
    return errors;
  }

  /** The citation rows of content (procedures' legalBases), in order. */
  citations(type: DocumentType, content: Record<string, unknown>): CitationRow[] {
    if (type !== 'procedure') return [];
    const bases = (content.legalBases ?? []) as LegalBasis[];
    return bases.filter((b) => b?.legalDocumentId).map((b, position) => ({ position, legalDocumentId: b.legalDocumentId, articles: b.articles?.trim() ? b.articles : null }));
  }

  /** Every completeness rule the revision fails; empty when it may be submitted. */
  completeness(type: DocumentType, content: Record<string, unknown>, files: { role: string }[], ctx: CompletenessContext = {}): FailedRule[] {
    const failed: FailedRule[] = [];
    const rule = (id: string, field: string, message: string) => failed.push({ rule: id, field, message });
    if ((ctx.number ?? 1) > 1 && blank(ctx.changeSummary)) {
      rule('revision.change_summary_required', 'changeSummary', 'must state what changed (required from revision 2 on)');
    }
    if (FILE_BASED_TYPES.includes(type) && !files.some((f) => f.role === 'source')) {
      rule('revision.source_file_required', 'files', 'a source file (role=source) is required for this document type');
    }
    switch (type) {
      case 'procedure':
        this.procedureRules(content as ProcedureContent, rule);
        break;
      case 'quality_policy':
        if (blank(content.text)) rule('quality_policy.text_required', 'content.text', 'must not be empty');
        break;
      case 'quality_objectives':
        this.objectivesRules(content as QualityObjectivesContent, ctx.year ?? null, rule);
        break;
      default:
        break;
    }
    return failed;
  }

  /** Throws 422 `revision_incomplete` listing every failed rule. */
  assertComplete(type: DocumentType, content: Record<string, unknown>, files: { role: string }[], ctx: CompletenessContext = {}): void {
    const failed = this.completeness(type, content, files, ctx);
    if (failed.length) {
      throw Errors.ruleViolated(
        'revision_incomplete',
        failed.length === 1 ? failed[0].message.charAt(0).toUpperCase() + failed[0].message.slice(1) : `The revision fails ${failed.length} content rules.`,
        failed.map((f) => ({ field: f.field, message: f.message })),
        { rules: failed },
      );
    }
  }

  private procedureRules(c: ProcedureContent, rule: (id: string, field: string, message: string) => void): void {
    if (blank(c.purpose)) rule('procedure.purpose_required', 'content.purpose', 'must not be empty (1. Mục đích)');
    if (blank(c.scope)) rule('procedure.scope_required', 'content.scope', 'must not be empty (2. Phạm vi)');
    const steps = c.steps ?? [];
    if (!steps.length) rule('procedure.steps_required', 'content.steps', 'must have at least one step (5. Nội dung quy trình)');
    const numbers = new Map<number, number>();
    steps.forEach((s, i) => {
      const p = `content.steps[${i}]`;
      if (blank(s.action)) rule('procedure.step_action_required', `${p}.action`, 'must not be empty');
      if (blank(s.responsible)) rule('procedure.step_responsible_required', `${p}.responsible`, 'must not be empty');
      if (!s.duration) rule('procedure.step_duration_required', `${p}.duration`, 'is required');
      if (s.no !== undefined) {
        if (numbers.has(s.no)) rule('procedure.step_numbers_unique', `${p}.no`, `repeats step ${s.no} (steps[${numbers.get(s.no)}])`);
        else numbers.set(s.no, i);
      }
    });
    (c.definitions ?? []).forEach((d, i) => {
      if (blank(d.term) || blank(d.meaning)) rule('procedure.definition_incomplete', `content.definitions[${i}]`, 'needs a term and its meaning');
    });
    (c.dossier ?? []).forEach((d, i) => {
      if (blank(d.name)) rule('procedure.dossier_name_required', `content.dossier[${i}].name`, 'must not be empty');
    });
    (c.records ?? []).forEach((r, i) => {
      if (blank(r.name) || blank(r.keeper) || blank(r.retention)) rule('procedure.record_incomplete', `content.records[${i}]`, 'needs a name, a keeper and a retention period');
    });
    if (c.statutoryTimeLimit && steps.length) {
      const limit = durationHours(c.statutoryTimeLimit);
      const total = steps.reduce((sum, s) => sum + (s.duration ? durationHours(s.duration) : 0), 0);
      if (total > limit + 1e-9) {
        rule(
          'procedure.steps_exceed_time_limit',
          'content.steps',
          `the steps take ${formatHours(total)} in total, more than the statutory time limit of ${formatHours(limit)}`,
        );
      }
    }
  }

  private objectivesRules(c: QualityObjectivesContent, year: number | null, rule: (id: string, field: string, message: string) => void): void {
    if (c.year === undefined) rule('quality_objectives.year_required', 'content.year', 'is required');
    else if (year !== null && c.year !== year) rule('quality_objectives.year_mismatch', 'content.year', `must be the document's year (${year})`);
    const objectives = c.objectives ?? [];
    if (!objectives.length) rule('quality_objectives.objectives_required', 'content.objectives', 'must have at least one objective');
    objectives.forEach((o, i) => {
      const p = `content.objectives[${i}]`;
      if (blank(o.objective)) rule('quality_objectives.objective_required', `${p}.objective`, 'must not be empty');
      if (blank(o.indicator)) rule('quality_objectives.indicator_required', `${p}.indicator`, 'must not be empty');
      if (blank(o.target)) rule('quality_objectives.target_required', `${p}.target`, 'must not be empty');
    });
  }
}
