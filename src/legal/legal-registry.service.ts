import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { Errors, FieldError } from '../common/errors.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { isUuid } from '../common/params.js';
import { RequestContexts } from '../common/request-context.js';
import { escapeLike, foldVietnamese, nfc } from '../common/text.js';
import { Database } from '../database/database.js';
import {
  CreateLegalDocumentRequest,
  CreateLegalRelationRequest,
  LegalDocumentListQuery,
  LegalDocumentSummary,
  LegalDocumentView,
  LegalHistoryEntry,
  LegalHistoryView,
  LegalRelationListQuery,
  LegalRelationView,
  UpdateLegalDocumentRequest,
} from './legal.dto.js';
import { LegalDocument, LegalStatus } from './legal-document.entity.js';
import { LEGAL_FIELD_NAMES, LegalFields, parseDate, parseLegalFields } from './legal-fields.js';
import { LegalRelation } from './legal-relation.entity.js';
import {
  LEGAL_RELATION_KINDS,
  LEGAL_STATUS_LABELS,
  LEGAL_TYPE_LABELS,
  LegalRelationKind,
  LegalType,
  parseLegalType,
  RELATION_KINDS_WITHOUT_SOURCE,
  STATUS_BY_RELATION,
  TERMINAL_RELATION_KINDS,
  TERMINAL_STATUSES,
} from './legal-types.js';

/** Serialises writers that check a number's uniqueness before inserting it (create, import, renumbering). */
export const LEGAL_NUMBERS_LOCK = 'e-iso:legal-registry:numbers';
/** Serialises relation writers, so the history rules (one end, no cycles) are checked against a stable graph. */
export const LEGAL_RELATIONS_LOCK = 'e-iso:legal-registry:relations';

const HISTORY_MAX_DEPTH = 20;
const HISTORY_MAX_ITEMS = 500;

/** What `recordRelation` needs: the later "changes" feature calls it inside its own transaction. */
export interface RecordRelationInput {
  kind: LegalRelationKind;
  /** The newer act; null only for `repeals` / `partially_repeals` by an act not in the registry. */
  fromId: string | null;
  /** The older act that is affected. */
  toId: string;
  /** YYYY-MM-DD; defaults to the newer act's effectiveFrom (required when fromId is null). */
  effectiveFrom?: string | null;
  note?: string | null;
  /** Recorded as created_by; defaults to the request's signed-in user (null in jobs). */
  actorId?: string | null;
}

export interface RecordedRelation {
  relation: LegalRelation;
  from: LegalDocument | null;
  to: LegalDocument;
  /** The affected document's status before and after (equal when unchanged). */
  statusBefore: LegalStatus;
  statusAfter: LegalStatus;
}

export function toLegalDocumentView(d: LegalDocument): LegalDocumentView {
  return {
    id: d.id,
    number: d.number,
    type: d.type,
    typeLabel: LEGAL_TYPE_LABELS[d.type as LegalType] ?? d.type,
    issuer: d.issuer,
    title: d.title,
    issuedOn: d.issuedOn,
    effectiveFrom: d.effectiveFrom,
    status: d.status,
    statusLabel: LEGAL_STATUS_LABELS[d.status] ?? d.status,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function toLegalDocumentSummary(d: Pick<LegalDocument, 'id' | 'number' | 'type' | 'title' | 'issuedOn' | 'status'>): LegalDocumentSummary {
  return { id: d.id, number: d.number, type: d.type, title: d.title, issuedOn: d.issuedOn, status: d.status };
}

/** A (YYYY-MM-DD, id) cursor of the registry's lists. */
function dateCursor(cursor: string | undefined): [string, string] | null {
  const after = Cursor.decode(cursor, 2);
  if (after && (typeof after[0] !== 'string' || !parseDate(after[0]) || !isUuid(after[1]))) {
    throw Errors.validation([{ field: 'cursor', message: 'is not a cursor returned by this list' }]);
  }
  return after as [string, string] | null;
}

/** The status a document's history gives it: the effect of its latest relation (by effective date, then recording order). */
function statusFromHistory(relations: Pick<LegalRelation, 'kind' | 'effectiveFrom'>[]): LegalStatus | null {
  let latest: Pick<LegalRelation, 'kind' | 'effectiveFrom'> | null = null;
  for (const r of relations) if (!latest || r.effectiveFrom >= latest.effectiveFrom) latest = r;
  return latest ? STATUS_BY_RELATION[latest.kind] : null;
}

/**
 * The registry of legal documents (căn cứ pháp lý) and their history. Every signed-in user reads;
 * the system administrator and supervisors write. Registry events go to the system audit chain
 * (agencyId null).
 */
@Injectable()
export class LegalRegistryService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  // ---- Access ----

  /** The system administrator and anyone holding `supervisor` in some agency maintain the registry. */
  async canWrite(p: Principal): Promise<boolean> {
    if (p.isAdmin) return true;
    return (await this.access.grants(p)).some((g) => g.roles.includes('supervisor'));
  }

  async assertWriter(p: Principal): Promise<void> {
    if (!(await this.canWrite(p))) {
      throw Errors.forbidden('Only the system administrator and supervisors maintain the legal registry.', 'legal_registry_read_only');
    }
  }

  // ---- Lookups for other modules (no access checks: every signed-in user reads the registry) ----

  findById(id: string): Promise<LegalDocument | null> {
    return this.db.repo(LegalDocument).findOneBy({ id });
  }

  async findByIds(ids: string[]): Promise<LegalDocument[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    if (!valid.length) return [];
    return this.db.repo(LegalDocument).createQueryBuilder('d').where('d.id IN (:...ids)', { ids: valid }).getMany();
  }

  /** The document with this number, however it is spelt ("19/2014/qđ-ttg"). */
  findByNumber(number: string): Promise<LegalDocument | null> {
    return this.db.repo(LegalDocument).createQueryBuilder('d').where('d.number_key = legal_number_key(:number)', { number }).getOne();
  }

  /**
   * The registry keys of these numbers as the database computes them (legal_number_key(), the key
   * its unique index holds). Uniqueness is checked with these: the database folds a few more Latin
   * letters than legalNumberKey() does (ø → o, ß → ss), and a mismatch would surface as an
   * unexplained unique-index violation instead of a field error.
   */
  async numberKeys(numbers: string[]): Promise<string[]> {
    const rows = await this.db.query<{ key: string }[]>('SELECT legal_number_key(u.n) AS key FROM unnest($1::text[]) WITH ORDINALITY AS u(n, i) ORDER BY u.i', [numbers]);
    return rows.map((r) => r.key);
  }

  // ---- Documents ----

  async create(p: Principal, req: CreateLegalDocumentRequest): Promise<LegalDocumentView> {
    await this.assertWriter(p);
    const fields = this.validFields({ ...req });
    return this.db.transaction(async () => {
      await this.db.lock(LEGAL_NUMBERS_LOCK);
      await this.assertNumberFree(fields);
      const repo = this.db.repo(LegalDocument);
      const doc = await repo.save(repo.create({ ...fields, importId: null }));
      await this.audit.record({
        action: 'legal_document.created',
        entityType: 'legal_document',
        entityId: doc.id,
        agencyId: null,
        changes: diffFields<LegalFields>(null, fields, [...LEGAL_FIELD_NAMES]),
      });
      return toLegalDocumentView(doc);
    });
  }

  async get(id: string): Promise<LegalDocumentView> {
    return toLegalDocumentView(await this.require(id));
  }

  async list(q: LegalDocumentListQuery): Promise<Page<LegalDocumentView>> {
    const limit = pageLimit(q);
    const after = dateCursor(q.cursor);
    const qb = this.db.repo(LegalDocument).createQueryBuilder('d');
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    if (q.type) qb.andWhere('d.type = :type', { type: parseLegalType(q.type) });
    // Every word must occur in the number or title, ignoring accents and case (trigram index).
    const words = q.q ? foldVietnamese(q.q).split(/\s+/).filter(Boolean).slice(0, 12) : [];
    words.forEach((w, i) => qb.andWhere(`search_fold(d.number || ' ' || d.title) LIKE :w${i}`, { [`w${i}`]: `%${escapeLike(w)}%` }));
    if (after) qb.andWhere('(d.issued_on < :a0 OR (d.issued_on = :a0 AND d.id > :a1))', { a0: after[0], a1: after[1] });
    const rows = await qb.orderBy('d.issued_on', 'DESC').addOrderBy('d.id', 'ASC').limit(limit + 1).getMany();
    return toPage(rows, limit, (d) => [d.issuedOn, d.id], toLegalDocumentView);
  }

  /**
   * Corrects a document's fields. `status` may be corrected only while no relation affects the
   * document; afterwards its status follows its history. Dates must keep fitting its relations.
   */
  async update(p: Principal, id: string, req: UpdateLegalDocumentRequest): Promise<LegalDocumentView> {
    await this.assertWriter(p);
    return this.db.transaction(async () => {
      const doc = await this.db.repo(LegalDocument).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!doc) throw Errors.notFound('Legal document');
      const before: LegalFields = { ...doc, type: doc.type as LegalType };
      const merged: Record<string, unknown> = { ...before };
      for (const [k, v] of Object.entries(req)) if (v !== undefined) merged[k] = v;
      const fields = this.validFields(merged);
      if (fields.status !== doc.status && (await this.isAffectedByRelations(doc.id))) {
        throw Errors.ruleViolated('legal_status_from_relations', 'The status of a document with recorded amendments, replacements or repeals follows that history; record a relation instead.', [
          { field: 'status', message: 'cannot be set: relations affect this document' },
        ]);
      }
      if (fields.number !== doc.number) {
        await this.db.lock(LEGAL_NUMBERS_LOCK);
        await this.assertNumberFree(fields, doc.id);
      }
      if (fields.issuedOn !== doc.issuedOn) await this.assertIssueDateFitsRelations(doc.id, fields.issuedOn);
      const changes = diffFields<LegalFields>(before, fields, [...LEGAL_FIELD_NAMES]);
      if (!Object.keys(changes).length) return toLegalDocumentView(doc);
      const saved = await this.db.repo(LegalDocument).save(Object.assign(doc, fields));
      await this.audit.record({ action: 'legal_document.updated', entityType: 'legal_document', entityId: doc.id, agencyId: null, changes });
      return toLegalDocumentView(saved);
    });
  }

  // ---- Relations (history) ----

  /** POST /legal-relations: a registry writer records that one act amends / replaces / repeals another. */
  async createRelation(p: Principal, req: CreateLegalRelationRequest): Promise<LegalRelationView> {
    await this.assertWriter(p);
    const recorded = await this.recordRelation({
      kind: req.kind as LegalRelationKind,
      fromId: req.fromId ?? null,
      toId: req.toId,
      effectiveFrom: req.effectiveFrom ?? null,
      note: req.note ?? null,
      actorId: p.id,
    });
    return this.relationView(recorded.relation, recorded.from, recorded.to);
  }

  /**
   * Records one step of history and applies its effect on the affected document's status, with
   * audit events, in the caller's transaction (or its own). No access check: callers check.
   *
   * Rules: the newer act exists and is issued on or after the affected one; the effect does not
   * start before either was issued; a document is replaced or repealed at most once and nothing
   * takes effect on it after that; no duplicate (from, kind, to); no cycles.
   * Errors: 400 field errors, 404 unknown document, 409 `legal_relation_exists` /
   * `legal_document_ended`, 422 `legal_relation_invalid` / `legal_relation_cycle`.
   */
  async recordRelation(input: RecordRelationInput): Promise<RecordedRelation> {
    const shape: FieldError[] = [];
    if (!LEGAL_RELATION_KINDS.includes(input.kind)) shape.push({ field: 'kind', message: `must be one of ${LEGAL_RELATION_KINDS.join(', ')}` });
    if (!isUuid(input.toId)) shape.push({ field: 'toId', message: 'must be a UUID' });
    if (input.fromId && !isUuid(input.fromId)) shape.push({ field: 'fromId', message: 'must be a UUID' });
    if (input.note && input.note.length > 2000) shape.push({ field: 'note', message: 'must be at most 2000 characters' });
    if (!input.fromId && !RELATION_KINDS_WITHOUT_SOURCE.includes(input.kind)) shape.push({ field: 'fromId', message: `is required for ${input.kind}` });
    if (input.fromId && input.fromId === input.toId) shape.push({ field: 'toId', message: 'must differ from fromId' });
    const explicitDate = input.effectiveFrom ? parseDate(input.effectiveFrom) : null;
    if (input.effectiveFrom && !explicitDate) shape.push({ field: 'effectiveFrom', message: 'must be a date YYYY-MM-DD' });
    if (!input.fromId && !input.effectiveFrom) shape.push({ field: 'effectiveFrom', message: 'is required when fromId is omitted' });
    if (shape.length) throw Errors.validation(shape);
    const note = input.note ? nfc(input.note).trim() || null : null;

    return this.db.transaction(async () => {
      await this.db.lock(LEGAL_RELATIONS_LOCK);
      const ids = [input.toId, ...(input.fromId ? [input.fromId] : [])].sort();
      const docs = await this.db
        .repo(LegalDocument)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .where('d.id IN (:...ids)', { ids })
        .orderBy('d.id')
        .getMany();
      const to = docs.find((d) => d.id === input.toId);
      if (!to) throw Errors.notFound('Affected legal document (toId)');
      const from = input.fromId ? (docs.find((d) => d.id === input.fromId) ?? null) : null;
      if (input.fromId && !from) throw Errors.notFound('Newer legal document (fromId)');
      const effectiveFrom = explicitDate ?? from!.effectiveFrom;

      const invalid: FieldError[] = [];
      if (from && from.issuedOn < to.issuedOn) invalid.push({ field: 'fromId', message: `must be issued on or after the affected document (${to.issuedOn})` });
      if (effectiveFrom < to.issuedOn) invalid.push({ field: 'effectiveFrom', message: `must not be before the affected document was issued (${to.issuedOn})` });
      if (from && effectiveFrom < from.issuedOn) invalid.push({ field: 'effectiveFrom', message: `must not be before the newer act was issued (${from.issuedOn})` });
      if (invalid.length) throw Errors.ruleViolated('legal_relation_invalid', 'The relation does not fit the documents\' dates.', invalid);

      const existing = await this.db.repo(LegalRelation).find({ where: { toId: to.id }, order: { effectiveFrom: 'ASC', createdAt: 'ASC' } });
      if (from && existing.some((r) => r.fromId === from.id && r.kind === input.kind)) {
        throw Errors.conflict('legal_relation_exists', `${from.number} already ${input.kind.replace('_', ' ')} ${to.number}.`);
      }
      this.assertFitsHistory(input.kind, effectiveFrom, to, existing);
      if (from && (await this.reaches(to.id, from.id))) {
        throw Errors.ruleViolated('legal_relation_cycle', `${to.number} already (directly or through other acts) affects ${from.number}; the history cannot loop.`, [
          { field: 'fromId', message: 'would create a cycle' },
        ]);
      }

      const relation = await this.db.repo(LegalRelation).save(
        this.db.repo(LegalRelation).create({ fromId: from?.id ?? null, kind: input.kind, toId: to.id, effectiveFrom, note, createdBy: input.actorId ?? this.currentActor() }),
      );
      await this.audit.record({
        action: 'legal_relation.created',
        entityType: 'legal_relation',
        entityId: relation.id,
        agencyId: null,
        changes: { kind: input.kind, fromId: from?.id ?? null, fromNumber: from?.number ?? null, toId: to.id, toNumber: to.number, effectiveFrom, note },
      });

      const statusBefore = to.status;
      const statusAfter = statusFromHistory([...existing, relation]) ?? statusBefore;
      if (statusAfter !== statusBefore) {
        to.status = statusAfter;
        await this.db.repo(LegalDocument).save(to);
        await this.audit.record({
          action: 'legal_document.updated',
          entityType: 'legal_document',
          entityId: to.id,
          agencyId: null,
          changes: { status: { old: statusBefore, new: statusAfter }, relationId: relation.id },
        });
      }
      return { relation, from, to, statusBefore, statusAfter };
    });
  }

  /** Direct relations of a document: acts that affect it (newer) and acts it affects (older). */
  async relations(id: string, q: LegalRelationListQuery): Promise<Page<LegalRelationView>> {
    await this.require(id);
    const limit = pageLimit(q);
    const after = dateCursor(q.cursor);
    const side = q.direction === 'newer' ? 'r.to_id = :id' : q.direction === 'older' ? 'r.from_id = :id' : '(r.to_id = :id OR r.from_id = :id)';
    const qb = this.db.repo(LegalRelation).createQueryBuilder('r').where(side, { id });
    if (after) qb.andWhere('(r.effective_from > :a0 OR (r.effective_from = :a0 AND r.id > :a1))', { a0: after[0], a1: after[1] });
    const rows = await qb.orderBy('r.effective_from', 'ASC').addOrderBy('r.id', 'ASC').limit(limit + 1).getMany();
    const page = toPage(rows, limit, (r) => [r.effectiveFrom, r.id], (r) => r);
    return { items: await this.relationViews(page.items), nextCursor: page.nextCursor };
  }

  /** The document's whole chain in both directions, and what a citation of it should cite today. */
  async history(id: string): Promise<LegalHistoryView> {
    const doc = await this.require(id);
    const walk = (direction: 'newer' | 'older') => {
      const [start, next] = direction === 'newer' ? ['to_id', 'from_id'] : ['from_id', 'to_id'];
      return this.db.query<{ id: string; depth: number }[]>(
        `WITH RECURSIVE chain(id, next_id, depth) AS (
           SELECT r.id, r.${next}, 1 FROM legal_document_relations r WHERE r.${start} = $1
           UNION ALL
           SELECT r.id, r.${next}, c.depth + 1 FROM legal_document_relations r JOIN chain c ON r.${start} = c.next_id
            WHERE c.depth < $2
         )
         SELECT id, min(depth)::int AS depth FROM chain GROUP BY id ORDER BY min(depth), id LIMIT $3`,
        [id, HISTORY_MAX_DEPTH, HISTORY_MAX_ITEMS + 1],
      );
    };
    const [newer, older] = await Promise.all([walk('newer'), walk('older')]);
    const truncated = newer.length > HISTORY_MAX_ITEMS || older.length > HISTORY_MAX_ITEMS;
    const steps = new Map<string, { direction: string; depth: number }>();
    for (const r of older.slice(0, HISTORY_MAX_ITEMS)) steps.set(r.id, { direction: 'older', depth: r.depth });
    for (const r of newer.slice(0, HISTORY_MAX_ITEMS)) steps.set(r.id, { direction: 'newer', depth: r.depth });
    const relations = steps.size
      ? await this.db.repo(LegalRelation).createQueryBuilder('r').where('r.id IN (:...ids)', { ids: [...steps.keys()] }).getMany()
      : [];
    const views = await this.relationViews(relations);
    const items: LegalHistoryEntry[] = views
      .map((v) => ({ ...v, ...steps.get(v.id)! }))
      .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const current = await this.currentBasis(id);
    return { document: toLegalDocumentView(doc), items, current: current.documents.map(toLegalDocumentSummary), repealed: current.repealed, truncated };
  }

  /**
   * What a citation of `id` should cite today: a replaced document is followed to its replacement
   * (to the end of the chain), an amended one stands with the acts amending it beside it (each
   * followed the same way), a repealed one drops out. `repealed` is true when nothing is left.
   * For the legal-change regeneration: A replaced by B, B amended by C → [B, C].
   */
  async currentBasis(id: string): Promise<{ documents: LegalDocument[]; repealed: boolean }> {
    const out: string[] = [];
    const seen = new Set<string>();
    let endedInRepeal = false;
    /** `main`: the cited document's own line (not an act amending it). */
    const resolve = async (docId: string, depth: number, main: boolean): Promise<void> => {
      if (seen.has(docId) || depth > HISTORY_MAX_DEPTH) return;
      seen.add(docId);
      const rels = await this.db.repo(LegalRelation).find({ where: { toId: docId }, order: { effectiveFrom: 'ASC', createdAt: 'ASC' } });
      const end = rels.find((r) => TERMINAL_RELATION_KINDS.includes(r.kind));
      if (end?.kind === 'replaces' && end.fromId) return resolve(end.fromId, depth + 1, main);
      if (end) {
        if (main) endedInRepeal = true;
        return;
      }
      out.push(docId);
      for (const r of rels) if (r.kind === 'amends' && r.fromId) await resolve(r.fromId, depth + 1, false);
    };
    await resolve(id, 0, true);
    const docs = await this.findByIds(out);
    const documents = out.map((i) => docs.find((d) => d.id === i)!).filter(Boolean);
    return { documents, repealed: documents.length === 0 && endedInRepeal };
  }

  // ---- Internals ----

  private async require(id: string): Promise<LegalDocument> {
    const doc = await this.findById(id);
    if (!doc) throw Errors.notFound('Legal document');
    return doc;
  }

  private validFields(input: Record<string, unknown>): LegalFields {
    const { value, errors } = parseLegalFields(input);
    if (!value) throw Errors.validation(errors);
    return value;
  }

  private async assertNumberFree(fields: LegalFields, exceptId?: string): Promise<void> {
    const rows = await this.db.query<{ id: string; number: string }[]>('SELECT id, number FROM legal_documents WHERE number_key = legal_number_key($1) AND id IS DISTINCT FROM $2', [
      fields.number,
      exceptId ?? null,
    ]);
    if (rows.length) {
      throw Errors.conflict('legal_number_taken', `${rows[0].number} is already in the registry (numbers are compared ignoring case, accents and spaces).`, {
        existingId: rows[0].id,
      });
    }
  }

  private async isAffectedByRelations(id: string): Promise<boolean> {
    return (await this.db.query<unknown[]>('SELECT 1 FROM legal_document_relations WHERE to_id = $1 LIMIT 1', [id])).length > 0;
  }

  /** A new issue date must keep every relation of the document in date order. */
  private async assertIssueDateFitsRelations(id: string, issuedOn: string): Promise<void> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT r.id FROM legal_document_relations r
         LEFT JOIN legal_documents f ON f.id = r.from_id
         JOIN legal_documents t ON t.id = r.to_id
        WHERE (r.to_id = $1 AND (r.effective_from < $2::date OR f.issued_on < $2::date))
           OR (r.from_id = $1 AND (r.effective_from < $2::date OR t.issued_on > $2::date))
        LIMIT 1`,
      [id, issuedOn],
    );
    if (rows.length) {
      throw Errors.ruleViolated('legal_relation_invalid', 'The new issue date does not fit the document\'s recorded relations.', [
        { field: 'issuedOn', message: 'conflicts with the dates of its amendments, replacements or repeals' },
      ]);
    }
  }

  /**
   * A replacement or repeal ends a document: at most one, nothing takes effect after it, and a
   * document entered as replaced/repealed (without its history) only accepts the step that ended it.
   */
  private assertFitsHistory(kind: LegalRelationKind, effectiveFrom: string, to: LegalDocument, existing: LegalRelation[]): void {
    const end = existing.find((r) => TERMINAL_RELATION_KINDS.includes(r.kind));
    if (TERMINAL_RELATION_KINDS.includes(kind)) {
      if (end) throw Errors.conflict('legal_document_ended', `${to.number} was already ${STATUS_BY_RELATION[end.kind]} from ${end.effectiveFrom}.`);
      const later = existing.find((r) => r.effectiveFrom > effectiveFrom);
      if (later) {
        throw Errors.ruleViolated('legal_relation_invalid', `${to.number} has a recorded ${later.kind.replace('_', ' ')} effective ${later.effectiveFrom}, after this date.`, [
          { field: 'effectiveFrom', message: `must not be before ${later.effectiveFrom}, the latest recorded effect on the document` },
        ]);
      }
      return;
    }
    if (end && effectiveFrom >= end.effectiveFrom) {
      throw Errors.conflict('legal_document_ended', `${to.number} was ${STATUS_BY_RELATION[end.kind]} from ${end.effectiveFrom}; nothing can take effect on it after that.`);
    }
    if (!end && TERMINAL_STATUSES.includes(to.status)) {
      throw Errors.conflict('legal_document_ended', `${to.number} is recorded as ${to.status}; first record the act that ${to.status === 'replaced' ? 'replaced' : 'repealed'} it.`);
    }
  }

  /** True when `fromId` is reachable from `startId` along existing relations (newer → older). */
  private async reaches(startId: string, targetId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `WITH RECURSIVE reach(id) AS (
         SELECT to_id FROM legal_document_relations WHERE from_id = $1
         UNION
         SELECT r.to_id FROM legal_document_relations r JOIN reach ON r.from_id = reach.id
       )
       SELECT 1 FROM reach WHERE id = $2 LIMIT 1`,
      [startId, targetId],
    );
    return rows.length > 0;
  }

  private currentActor(): string | null {
    return RequestContexts.current()?.actorId ?? null;
  }

  private relationView(r: LegalRelation, from: LegalDocument | null, to: LegalDocument): LegalRelationView {
    return {
      id: r.id,
      kind: r.kind,
      from: from ? toLegalDocumentSummary(from) : null,
      to: toLegalDocumentSummary(to),
      effectiveFrom: r.effectiveFrom,
      note: r.note,
      createdAt: r.createdAt.toISOString(),
      createdBy: r.createdBy,
    };
  }

  private async relationViews(rows: LegalRelation[]): Promise<LegalRelationView[]> {
    const docs = await this.findByIds(rows.flatMap((r) => [r.toId, ...(r.fromId ? [r.fromId] : [])]));
    const byId = new Map(docs.map((d) => [d.id, d]));
    return rows.map((r) => this.relationView(r, r.fromId ? (byId.get(r.fromId) ?? null) : null, byId.get(r.toId)!));
  }
}
