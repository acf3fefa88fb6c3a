import { Injectable } from '@nestjs/common';
import { DomainError, Errors, type FieldError } from '../common/errors.js';
import { validateRecord } from '../common/validation.js';
import { Database } from '../database/database.js';
import { FILE_BASED_TYPES, HOURS_PER_WORKING_DAY, type DocumentType } from './document-types.js';
import { CONTENT_CLASSES, type Duration, type LegalBasis, type ProcedureContent, type QualityObjectivesContent } from './revision-content.js';

/** A completeness rule a revision fails (422 at submit). */
export interface FailedRule {
  /** Stable rule id, e.g. `procedure.steps_exceed_time_limit`. */
  rule: string;
  field: string;
  message: string;
}

/** A citation row derived from content.legalBases. */
export interface CitationRow {
  position: number;
  legalDocumentId: string;
  articles: string | null;
}

function blank(s: unknown): boolean {
  return typeof s !== 'string' || s.trim().length === 0;
}

/** A duration with both its value and its unit (drafts may hold partial ones). */
function isComplete(d: Duration | undefined): d is Required<Duration> {
  return d?.value !== undefined && d.unit !== undefined;
}

/** Hours a duration stands for: a working day (and a day, as step tables count them) is 8 hours. */
export function durationHours(d: Required<Duration>): number {
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
 * Content rules per document type. `shapeErrors` / `validateForSave` (400 on save) check the
 * content against its type's declaration in revision-content.ts (types, bounds, known members)
 * plus what a declaration cannot say (the objectives' year, each legal document cited once, cited
 * documents exist); `completeness` (422 at submit) checks that a revision is ready to be reviewed:
 * required sections, the step-time rule, objectives with indicator and target, source files for
 * file-based types, the change summary from revision 2 on.
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
    const checked = validateRecord<object>(CONTENT_CLASSES[type], content, 'content');
    const errors = checked.errors;
    const normalised = (checked.value ?? {}) as Record<string, unknown>;
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
    const [result] = await this.validateManyForSave([{ type, content, year: ctx.year }]);
    if (result instanceof DomainError) throw result;
    return result;
  }

  /**
   * `validateForSave` for a set of contents (one query for the cited legal documents of all):
   * each entry's normalised content, or its 400 error.
   */
  async validateManyForSave(entries: readonly { type: DocumentType; content: unknown; year?: number | null }[]): Promise<(Record<string, unknown> | DomainError)[]> {
    const shaped = entries.map((e) => this.shapeErrors(e.type, e.content, { year: e.year }));
    const cited = new Set<string>();
    for (const s of shaped) if (!s.errors.length) for (const b of this.basesOf(s.content)) if (b.legalDocumentId) cited.add(b.legalDocumentId);
    const found = new Set<string>();
    if (cited.size) {
      const rows = await this.db.query<{ id: string }[]>('SELECT id FROM legal_documents WHERE id = ANY($1::uuid[])', [[...cited]]);
      for (const r of rows) found.add(r.id);
    }
    return shaped.map(({ errors, content }) => {
      if (!errors.length) {
        this.basesOf(content).forEach((b, i) => {
          if (b.legalDocumentId && !found.has(b.legalDocumentId)) errors.push({ field: `content.legalBases[${i}].legalDocumentId`, message: 'is not a document of the legal registry' });
        });
      }
      return errors.length ? Errors.validation(errors, 'The revision content has invalid fields.') : content;
    });
  }

  private basesOf(content: Record<string, unknown>): LegalBasis[] {
    return (content.legalBases ?? []) as LegalBasis[];
  }

  /** The citation rows of content (procedures' legalBases), in order. */
  citations(type: DocumentType, content: Record<string, unknown>): CitationRow[] {
    if (type !== 'procedure') return [];
    const bases = (content.legalBases ?? []) as LegalBasis[];
    return bases
      .filter((b): b is LegalBasis & { legalDocumentId: string } => Boolean(b?.legalDocumentId))
      .map((b, position) => ({ position, legalDocumentId: b.legalDocumentId, articles: b.articles?.trim() ? b.articles : null }));
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
      if (!isComplete(s.duration)) rule('procedure.step_duration_required', `${p}.duration`, 'is required (a value and a unit)');
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
    if (c.statutoryTimeLimit && !isComplete(c.statutoryTimeLimit)) rule('procedure.time_limit_incomplete', 'content.statutoryTimeLimit', 'needs a value and a unit');
    if (isComplete(c.statutoryTimeLimit) && steps.length) {
      const limit = durationHours(c.statutoryTimeLimit);
      const total = steps.reduce((sum, s) => sum + (isComplete(s.duration) ? durationHours(s.duration) : 0), 0);
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
