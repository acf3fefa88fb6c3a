import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { agenciesSql } from '../agencies/agencies.service.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, Errors, FieldError } from '../common/errors.js';
import { Cursor, Page, PageQuery, pageLimit, toPage } from '../common/pagination.js';
import { isUuid } from '../common/params.js';
import { nfc } from '../common/text.js';
import { Database } from '../database/database.js';
import { LegalDocument } from '../legal/legal-document.entity.js';
import { LEGAL_RELATIONS_LOCK, LegalRegistryService, toLegalDocumentSummary } from '../legal/legal-registry.service.js';
import type { LegalRelationKind } from '../legal/legal-types.js';
import { LegalChange, LegalChangeKind } from './legal-change.entities.js';
import { fanoutJobId, LegalChangeQueue } from './legal-change-queue.js';
import type {
  CreateLegalChangeRequest,
  LegalChangeAccepted,
  LegalChangeCounts,
  LegalChangeItemView,
  LegalChangeQuery,
  LegalChangeRetryResult,
  LegalChangeSummaryView,
  LegalChangeView,
} from './legal-changes.dto.js';

const RELATION_OF: Record<LegalChangeKind, LegalRelationKind> = { amended: 'amends', replaced: 'replaces', repealed: 'repeals' };

/** recordRelation speaks of fromId/toId; the change request of byLegalDocumentId and the path id. */
const FIELD_OF: Record<string, string> = { fromId: 'byLegalDocumentId', toId: 'id' };

function renamedFields(err: unknown): unknown {
  if (!(err instanceof DomainError) || !err.errors?.length) return err;
  const errors = err.errors.map((e) => ({ ...e, field: FIELD_OF[e.field] ?? e.field }));
  return err.with({ errors });
}

interface ItemRow {
  document_id: string;
  agency_id: string;
  agency_name: string;
  agency_path: string;
  code: string;
  code_key: string;
  title: string;
  status: string;
  outcome: string | null;
  draft_revision_id: string | null;
  reason_code: string | null;
  reason: string | null;
  attempts: number;
  updated_at: Date;
}

/** Items the retry endpoint queues again: failures, and documents that waited for a revision in the workflow. */
const RETRYABLE = `(i.status = 'failed' OR (i.outcome = 'needs_attention' AND i.reason_code = 'revision_in_workflow'))`;

/**
 * Legal changes over HTTP: posting a change (registry writers), its progress (items scoped to the
 * caller's agencies), the list of a legal document's changes, and re-queueing failed items.
 */
@Injectable()
export class LegalChangesService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly registry: LegalRegistryService,
    private readonly queue: LegalChangeQueue,
  ) {}

  /**
   * POST /legal-documents/{id}/changes: in one transaction, the registry relation (statuses follow),
   * the change row, the fan-out job (outbox) and the audit event. A relation already in the registry
   * (recorded through /legal-relations) is adopted when no change was posted for it yet.
   */
  async post(p: Principal, legalDocumentId: string, req: CreateLegalChangeRequest): Promise<LegalChangeAccepted> {
    await this.registry.assertWriter(p);
    const kind = req.kind as LegalChangeKind;
    const by = req.byLegalDocumentId ?? null;
    const shape: FieldError[] = [];
    if (kind !== 'repealed' && !by) shape.push({ field: 'byLegalDocumentId', message: `is required for ${kind}` });
    if (by && by === legalDocumentId) shape.push({ field: 'byLegalDocumentId', message: 'must differ from the changed document' });
    if (shape.length) throw Errors.validation(shape);
    const note = req.note ? nfc(req.note).trim() || null : null;

    return this.db.transaction(async () => {
      const changed = await this.registry.findById(legalDocumentId);
      if (!changed) throw Errors.notFound('Legal document');
      if (by && !(await this.registry.findById(by))) throw Errors.validation([{ field: 'byLegalDocumentId', message: 'is not a document of the legal registry' }]);
      await this.db.lock(LEGAL_RELATIONS_LOCK);
      const relationId = await this.adoptOrRecordRelation(p, changed, kind, by, req.effectiveFrom, note);
      const id = randomUUID();
      const jobId = fanoutJobId(id);
      await this.db.query(
        `INSERT INTO legal_changes (id, legal_document_id, kind, by_legal_document_id, relation_id, effective_from, note, fanout_job_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, changed.id, kind, by, relationId, req.effectiveFrom, note, jobId, p.id],
      );
      await this.queue.enqueueFanout(id, jobId);
      await this.audit.record({
        action: 'legal_change.created',
        entityType: 'legal_change',
        entityId: id,
        agencyId: null,
        changes: { legalDocumentId: changed.id, number: changed.number, kind, byLegalDocumentId: by, relationId, effectiveFrom: req.effectiveFrom, note },
      });
      return { changeId: id, status: 'pending' };
    });
  }

  private async adoptOrRecordRelation(p: Principal, changed: LegalDocument, kind: LegalChangeKind, by: string | null, effectiveFrom: string, note: string | null): Promise<string> {
    const [existing] = await this.db.query<{ id: string; effective_from: string; change_id: string | null }[]>(
      `SELECT r.id, to_char(r.effective_from, 'YYYY-MM-DD') AS effective_from, c.id AS change_id
         FROM legal_document_relations r LEFT JOIN legal_changes c ON c.relation_id = r.id
        WHERE r.to_id = $1 AND r.kind = $2 AND r.from_id IS NOT DISTINCT FROM $3::uuid`,
      [changed.id, RELATION_OF[kind], by],
    );
    if (existing?.change_id) {
      throw Errors.conflict('legal_change_exists', `This change of ${changed.number} was already posted.`, { changeId: existing.change_id });
    }
    if (existing) {
      if (existing.effective_from !== effectiveFrom) {
        throw Errors.conflict('legal_relation_exists', `The registry already records this change of ${changed.number}, effective from ${existing.effective_from}; post it with that date.`, {
          relationId: existing.id,
          effectiveFrom: existing.effective_from,
        });
      }
      return existing.id;
    }
    try {
      const recorded = await this.registry.recordRelation({ kind: RELATION_OF[kind], fromId: by, toId: changed.id, effectiveFrom, note, actorId: p.id });
      return recorded.relation.id;
    } catch (err) {
      throw renamedFields(err);
    }
  }

  // ---------------------------------------------------------------- progress

  /** The agencies whose items the caller sees: all for the system administrator, else where they may read drafts. */
  private async itemScope(p: Principal): Promise<{ all: boolean; agencyIds: string[] }> {
    if (p.isAdmin) return { all: true, agencyIds: [] };
    const scope = await this.access.scope(p, 'document.readDrafts');
    return scope.all ? { all: true, agencyIds: [] } : { all: false, agencyIds: scope.agencyIds };
  }

  /** GET /legal-changes/{id}: overall counts, counts and items over the caller's agencies. */
  async get(p: Principal, changeId: string, q: LegalChangeQuery): Promise<LegalChangeView> {
    const change = await this.db.repo(LegalChange).findOneBy({ id: changeId });
    if (!change) throw Errors.notFound('Legal change');
    const scope = await this.itemScope(p);
    const [summary] = await this.summaries([change], scope);
    const page = await this.items(change.id, scope, q);
    return { ...summary, visible: { total: summary.total, processed: summary.processed, failed: summary.failed }, items: page.items, nextCursor: page.nextCursor };
  }

  /** Counts per change over the caller's agencies (what other agencies cite is not theirs to count). */
  private async visibleCounts(changeIds: string[], agencyIds: string[]): Promise<Map<string, LegalChangeCounts>> {
    const rows = changeIds.length
      ? await this.db.query<(LegalChangeCounts & { change_id: string })[]>(
          `SELECT change_id, count(*)::int AS total, count(*) FILTER (WHERE status <> 'pending')::int AS processed, count(*) FILTER (WHERE status = 'failed')::int AS failed
             FROM legal_change_items WHERE change_id = ANY($1::uuid[]) AND agency_id = ANY($2::uuid[]) GROUP BY change_id`,
          [changeIds, agencyIds],
        )
      : [];
    return new Map(rows.map((r) => [r.change_id, { total: r.total, processed: r.processed, failed: r.failed }]));
  }

  private async items(changeId: string, scope: { all: boolean; agencyIds: string[] }, q: LegalChangeQuery): Promise<Page<LegalChangeItemView>> {
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 3);
    if (after && (typeof after[0] !== 'string' || typeof after[1] !== 'string' || !isUuid(after[2]))) {
      throw Errors.validation([{ field: 'cursor', message: 'is not a cursor returned by this list' }]);
    }
    if (!scope.all && !scope.agencyIds.length) return { items: [], nextCursor: null };
    const rows = await this.db.query<ItemRow[]>(
      `SELECT i.document_id, i.agency_id, a.name AS agency_name, a.path AS agency_path, d.code, d.code_key, d.title,
              i.status, i.outcome, i.draft_revision_id, i.reason_code, i.reason, i.attempts, i.updated_at
         FROM legal_change_items i
         JOIN documents d ON d.id = i.document_id
         JOIN (${agenciesSql()}) a ON a.id = i.agency_id
        WHERE i.change_id = $1
          AND ($2::boolean OR i.agency_id = ANY($3::uuid[]))
          AND ($4::text IS NULL OR i.status = $4)
          AND ($5::text IS NULL OR i.outcome = $5)
          AND ($6::uuid IS NULL OR i.agency_id = $6)
          AND ($7::text IS NULL OR (a.path, d.code_key, i.document_id) > ($7::text, $8::text, $9::uuid))
        ORDER BY a.path, d.code_key, i.document_id
        LIMIT ${limit + 1}`,
      [changeId, scope.all, scope.agencyIds, q.status ?? null, q.outcome ?? null, q.agencyId ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null],
    );
    return toPage(rows, limit, (r) => [r.agency_path, r.code_key, r.document_id], (r) => ({
      documentId: r.document_id,
      agencyId: r.agency_id,
      agencyName: r.agency_name,
      code: r.code,
      title: r.title,
      status: r.status,
      outcome: r.outcome,
      draftRevisionId: r.draft_revision_id,
      reasonCode: r.reason_code,
      reason: r.reason,
      attempts: r.attempts,
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }

  /** GET /legal-documents/{id}/changes: the changes posted for a legal document, newest first, counted over the caller's agencies. */
  async listForDocument(p: Principal, legalDocumentId: string, q: PageQuery): Promise<Page<LegalChangeSummaryView>> {
    if (!(await this.registry.findById(legalDocumentId))) throw Errors.notFound('Legal document');
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2);
    if (after && (typeof after[0] !== 'string' || Number.isNaN(Date.parse(after[0])) || !isUuid(after[1]))) {
      throw Errors.validation([{ field: 'cursor', message: 'is not a cursor returned by this list' }]);
    }
    const qb = this.db.repo(LegalChange).createQueryBuilder('c').where('c.legal_document_id = :id', { id: legalDocumentId });
    if (after) qb.andWhere('(c.created_at, c.id) < (:a0::timestamptz, :a1::uuid)', { a0: after[0], a1: after[1] });
    const rows = await qb.orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1).getMany();
    const page = toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id], (r) => r);
    return { items: await this.summaries(page.items, await this.itemScope(p)), nextCursor: page.nextCursor };
  }

  /**
   * Summaries whose counts (total, processed, failed) cover the agencies of `scope`: the
   * province-wide totals only for those who see every agency.
   */
  private async summaries(changes: LegalChange[], scope: { all: boolean; agencyIds: string[] }): Promise<LegalChangeSummaryView[]> {
    const zero: LegalChangeCounts = { total: 0, processed: 0, failed: 0 };
    const counts = scope.all ? null : await this.visibleCounts(changes.map((c) => c.id), scope.agencyIds);
    const docs = await this.registry.findByIds(changes.flatMap((c) => [c.legalDocumentId, ...(c.byLegalDocumentId ? [c.byLegalDocumentId] : [])]));
    const byId = new Map(docs.map((d) => [d.id, d]));
    return changes.map((c) => ({
      id: c.id,
      legalDocument: toLegalDocumentSummary(byId.get(c.legalDocumentId)!),
      kind: c.kind,
      byLegalDocument: c.byLegalDocumentId && byId.has(c.byLegalDocumentId) ? toLegalDocumentSummary(byId.get(c.byLegalDocumentId)!) : null,
      effectiveFrom: c.effectiveFrom,
      note: c.note,
      status: c.status,
      ...(counts ? (counts.get(c.id) ?? zero) : { total: c.total, processed: c.processed, failed: c.failed }),
      createdBy: c.createdBy,
      createdAt: c.createdAt.toISOString(),
      startedAt: c.startedAt ? c.startedAt.toISOString() : null,
      finishedAt: c.finishedAt ? c.finishedAt.toISOString() : null,
    }));
  }

  // ---------------------------------------------------------------- retry

  /**
   * POST /legal-changes/{id}/retry (registry writers): failed items, and items that waited for a
   * revision in the workflow, go back to pending and their batches are queued under the next
   * round's job ids. 409 `legal_change_nothing_to_retry` when there are none.
   */
  async retry(p: Principal, changeId: string): Promise<LegalChangeRetryResult> {
    await this.registry.assertWriter(p);
    return this.db.transaction(async () => {
      const change = await this.db.repo(LegalChange).findOne({ where: { id: changeId }, lock: { mode: 'pessimistic_write' } });
      if (!change) throw Errors.notFound('Legal change');
      const reset = await this.db.query<{ batch_no: number; was_failed: boolean }[]>(
        `WITH picked AS (
           SELECT i.document_id, i.status = 'failed' AS was_failed FROM legal_change_items i
            WHERE i.change_id = $1 AND ${RETRYABLE}
            FOR UPDATE)
         UPDATE legal_change_items i SET status = 'pending', outcome = NULL, reason_code = NULL, reason = NULL, updated_at = now()
           FROM picked WHERE i.change_id = $1 AND i.document_id = picked.document_id
         RETURNING i.batch_no, picked.was_failed`,
        [change.id],
      );
      if (!reset.length) throw Errors.conflict('legal_change_nothing_to_retry', 'The change has no failed items, nor items waiting for a revision in the workflow.');
      const failed = reset.filter((r) => r.was_failed).length;
      const round = change.round + 1;
      await this.db.query(
        `UPDATE legal_changes SET round = $2, processed = processed - $3, failed = failed - $4, status = 'running', finished_at = NULL, updated_at = now() WHERE id = $1`,
        [change.id, round, reset.length, failed],
      );
      await this.queue.enqueueBatches(change.id, reset.map((r) => r.batch_no), round);
      await this.audit.record({
        action: 'legal_change.retried',
        entityType: 'legal_change',
        entityId: change.id,
        agencyId: null,
        changes: { round, requeued: reset.length, failed, waitingForWorkflow: reset.length - failed, status: { old: change.status, new: 'running' } },
      });
      return { changeId: change.id, requeued: reset.length, round, status: 'running' };
    });
  }
}
