import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, Errors } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import type { LegalBasis } from '../documents/revision-content.js';
import { DocumentFlags } from '../documents/document-flags.service.js';
import type { Document, Revision } from '../documents/document.entities.js';
import { RevisionLifecycle } from '../documents/revision-lifecycle.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { LegalRegistryService } from '../legal/legal-registry.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { isDependencyDown } from '../common/dependency-errors.js';
import { OnJob } from '../queue/job-registry.js';
import { planFailure, type JobRun } from '../queue/retry-policy.js';
import type { JobPayload } from '../queue/jobs.js';
import { toCalendarDate, formatDateShort } from '../common/vn-format.js';
import {
  addDays,
  ChangePlan,
  changeHeadline,
  changeSentence,
  legalName,
  mergeChangeSummary,
  orphanArticlesSentence,
  rewriteLegalBases,
  RewriteResult,
} from './legal-basis-rewrite.js';
import { LegalChange, LegalChangeOutcome } from './legal-change.entities.js';
import { LEGAL_CHANGE_BATCH_SIZE, LegalChangeQueue } from './legal-change-queue.js';

/** What happened to one citing document. */
export interface ItemResult {
  outcome: Exclude<LegalChangeOutcome, 'failed'>;
  draftRevisionId: string | null;
  reasonCode: string | null;
  reason: string | null;
  /** Raise the "legal basis changed" flag (false only when nothing cites the changed act any more). */
  flag: boolean;
}

/** A change with what it means for citations, computed once per batch. */
export interface ChangeContext {
  change: LegalChange;
  plan: ChangePlan;
  /** The change-summary sentence shared by every document. */
  sentence: string;
  /** The flag's reason and the notices' first line. */
  headline: string;
  /** YYYY-MM-DD: the flag's due date. */
  dueOn: string;
}

export interface BatchResult {
  /** Items finished in this run (done or failed). */
  finished: number;
  /** Of those, failed. */
  failed: number;
  /** Items that failed in this run and wait for the job's next attempt. */
  retrying: number;
}

/** Milliseconds spent per phase of a set of documents (summed over the sets of a batch), for the bench. */
export type PhaseTimings = Record<string, number>;

/** Times the phases of one transaction: `lap(name)` adds the time since the previous lap to `name`. */
function stopwatch(into: PhaseTimings | undefined): (phase: string) => void {
  let last = performance.now();
  return (phase) => {
    const now = performance.now();
    if (into) into[phase] = (into[phase] ?? 0) + (now - last);
    last = now;
  };
}

/** An item's outcome as recorded. */
export interface Finished {
  document: Pick<Document, 'id' | 'agencyId'>;
  status: 'done' | 'failed';
  outcome: LegalChangeOutcome;
  draftRevisionId: string | null;
  reasonCode: string | null;
  reason: string | null;
}

const REVISION_STATE_NAMES: Record<string, string> = {
  in_review: 'đang chờ kiểm tra',
  pending_approval: 'đang chờ phê duyệt',
  approved: 'đã được phê duyệt, chờ ngày hiệu lực',
};

/** Errors that no retry can fix (the document's state or content): the item fails at once. */
function isPermanent(err: unknown): err is DomainError {
  return err instanceof DomainError && err.status < 500;
}

function errorText(err: unknown): string {
  return String((err as Error)?.message ?? err).slice(0, 1000);
}

function failureOf(err: unknown): { reasonCode: string; reason: string } {
  const code = err instanceof DomainError ? err.code : 'error';
  const reason = err instanceof DomainError ? `${err.detail}${err.errors?.length ? ` (${err.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` : ''}` : errorText(err);
  return { reasonCode: code, reason: reason.slice(0, 4000) };
}

function legalBasesOf(content: Record<string, unknown>): LegalBasis[] {
  return Array.isArray(content.legalBases) ? (content.legalBases as LegalBasis[]) : [];
}

/**
 * The queued regeneration of a legal change. The fan-out job finds every document whose effective
 * or open revision cites the changed act (in every agency), records one item per document and
 * queues the items in batches; each batch job regenerates its documents as one set in one
 * transaction (item rows and document rows locked, items no longer pending skipped), reading and
 * writing with a few statements per table, so re-running a change or a worker killed mid-way
 * never creates two drafts or two flags. When the set fails as a whole, its documents are tried
 * one by one, so one document's failure holds back no other.
 *
 * Per document: the `legal_basis_changed` flag (source = the change, due date), a draft with the
 * rewritten `legalBases` (a new draft from the effective revision, or the open draft updated;
 * revisions in the workflow are left alone and reported as needing attention; the draft's PDF is
 * rendered on demand, at its first read), one notice per agency to its ISO secretaries and
 * drafters, the item's outcome, an audit event, and the change's counters.
 */
@Injectable()
export class LegalChangeRunner {
  private readonly logger = new Logger('LegalChangeRunner');

  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly revisions: RevisionsService,
    private readonly lifecycle: RevisionLifecycle,
    private readonly flags: DocumentFlags,
    private readonly registry: LegalRegistryService,
    private readonly notifications: NotificationsService,
    private readonly queue: LegalChangeQueue,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  // ---------------------------------------------------------------- fan-out

  @OnJob('legal.change.fanout')
  async handleFanout(data: JobPayload<'legal.change.fanout'>): Promise<{ total: number; batches: number } | null> {
    return this.fanOut(data.changeId);
  }

  /**
   * Records an item per citing document and queues the batches, in one transaction. A change
   * already fanned out is left as it is (its batches are the sweep's business).
   */
  async fanOut(changeId: string): Promise<{ total: number; batches: number } | null> {
    return this.db.transaction(async () => {
      const change = await this.db.repo(LegalChange).findOne({ where: { id: changeId }, lock: { mode: 'pessimistic_write' } });
      if (!change) return null;
      if (change.status !== 'pending') return { total: change.total, batches: 0 };
      const batches = await this.db.query<{ batch_no: number; n: number }[]>(
        `WITH citing AS (
           SELECT DISTINCT r.document_id
             FROM revision_citations c JOIN revisions r ON r.id = c.revision_id
            WHERE c.legal_document_id = $2 AND r.state IN ('effective', 'draft', 'in_review', 'pending_approval', 'approved')),
         numbered AS (
           SELECT d.id, d.agency_id, ((row_number() OVER (ORDER BY d.agency_id, d.id) - 1) / $3::int)::int AS batch_no
             FROM citing JOIN documents d ON d.id = citing.document_id
            WHERE d.withdrawn_at IS NULL),
         inserted AS (
           INSERT INTO legal_change_items (change_id, document_id, agency_id, batch_no)
           SELECT $1, id, agency_id, batch_no FROM numbered
           ON CONFLICT (change_id, document_id) DO NOTHING
           RETURNING batch_no)
         SELECT batch_no, count(*)::int AS n FROM inserted GROUP BY batch_no ORDER BY batch_no`,
        [change.id, change.legalDocumentId, LEGAL_CHANGE_BATCH_SIZE],
      );
      const total = batches.reduce((sum, b) => sum + b.n, 0);
      await this.db.query(
        `UPDATE legal_changes SET total = $2, status = $3, started_at = now(), finished_at = CASE WHEN $2 = 0 THEN now() END, updated_at = now() WHERE id = $1`,
        [change.id, total, total ? 'running' : 'completed'],
      );
      await this.queue.enqueueBatches(change.id, batches.map((b) => b.batch_no), change.round);
      await this.audit.record({
        action: 'legal_change.started',
        entityType: 'legal_change',
        entityId: change.id,
        agencyId: null,
        changes: { total, batches: batches.length, batchSize: LEGAL_CHANGE_BATCH_SIZE },
      });
      if (!total) await this.completed(change.id, { status: 'completed', total: 0, processed: 0, failed: 0 });
      return { total, batches: batches.length };
    });
  }

  // ---------------------------------------------------------------- batches

  @OnJob('legal.change.batch')
  async handleBatch(data: JobPayload<'legal.change.batch'>, job: Job): Promise<BatchResult & { phases: PhaseTimings }> {
    const phases: PhaseTimings = {};
    const result = await this.runBatch(data.changeId, data.batch, job, phases);
    return { ...result, phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])) };
  }

  /**
   * Regenerates the batch's pending documents as one set (processDocuments). When the set fails as
   * a whole, each document is tried alone: one that fails for a reason no retry can fix (its state
   * or content: a 4xx domain error) is failed at once; other failures make the job fail so the
   * queue retries it (documents done are skipped) — without spending an attempt when every one of
   * them was a dependency outage (retry-policy.ts) — and when that failure is the job's last (or on
   * a direct call without `job`) they are recorded as failed with their reason.
   */
  async runBatch(changeId: string, batchNo: number, job?: JobRun, phases?: PhaseTimings): Promise<BatchResult> {
    const result: BatchResult = { finished: 0, failed: 0, retrying: 0 };
    const change = await this.db.repo(LegalChange).findOneBy({ id: changeId });
    if (!change) return result;
    const pending = await this.db.query<{ document_id: string }[]>(
      `SELECT document_id FROM legal_change_items WHERE change_id = $1 AND batch_no = $2 AND status = 'pending' ORDER BY agency_id, document_id`,
      [changeId, batchNo],
    );
    if (!pending.length) return result;
    const ctx = await this.context(change);
    const count = (done: Map<string, Finished>) => {
      for (const f of done.values()) {
        result.finished++;
        if (f.status === 'failed') result.failed++;
      }
    };
    let whole: unknown = null;
    try {
      count(await this.processDocuments(ctx, pending.map((p) => p.document_id), phases));
      return result;
    } catch (err) {
      whole = err;
    }
    const retry: { documentId: string; err: unknown }[] = [];
    // One by one: when the set failed because the database is down, each of these fails fast too.
    for (const { document_id: documentId } of pending) {
      try {
        count(await this.processDocuments(ctx, [documentId], phases));
      } catch (err) {
        if (!isPermanent(err)) retry.push({ documentId, err });
        else if (await this.recordFailure(change.id, documentId, err)) {
          result.finished++;
          result.failed++;
        }
      }
    }
    if (!retry.length) return result;
    if (pending.length > 1) this.logger.warn({ msg: 'legal change: a batch failed as a set, then document by document', changeId, batchNo, err: errorText(whole) });
    // The job's error is an outage when every document failed for one; the queue's plan for that
    // error says whether this is the last try, so what is recorded matches what the queue does.
    const outage = retry.every((r) => isDependencyDown(r.err));
    const error = new Error(`${retry.length} of ${pending.length} documents of batch ${batchNo} failed and will be retried (first: ${errorText(retry[0].err)})`, {
      cause: outage ? retry[0].err : undefined,
    });
    if (!job || planFailure(job, error).final) {
      for (const r of retry) {
        if (await this.recordFailure(change.id, r.documentId, r.err)) {
          result.finished++;
          result.failed++;
        }
      }
      return result;
    }
    for (const r of retry) await this.noteAttempt(change.id, r.documentId, r.err);
    result.retrying = retry.length;
    throw error;
  }

  /** What the change means for citations (registry currentBasis), its summary sentence and the due date. */
  async context(change: LegalChange): Promise<ChangeContext> {
    const docs = await this.registry.findByIds([change.legalDocumentId, ...(change.byLegalDocumentId ? [change.byLegalDocumentId] : [])]);
    const changed = docs.find((d) => d.id === change.legalDocumentId);
    if (!changed) throw new Error(`legal document ${change.legalDocumentId} of change ${change.id} is missing`);
    const by = change.byLegalDocumentId ? (docs.find((d) => d.id === change.byLegalDocumentId) ?? null) : null;
    const basis = await this.registry.currentBasis(changed.id);
    const plan: ChangePlan = { kind: change.kind, changed, by, effectiveFrom: change.effectiveFrom, targets: basis.documents };
    return { change, plan, sentence: changeSentence(plan), headline: changeHeadline(plan), dueOn: this.dueOn(change) };
  }

  /**
   * The flag's due date: LEGAL_CHANGE_DUE_DAYS after the change takes effect, or after it was posted
   * when it was posted late (a date already past is no deadline). Stable across re-runs.
   */
  private dueOn(change: LegalChange): string {
    const posted = toCalendarDate(change.createdAt);
    const postedOn = `${posted.year}-${String(posted.month).padStart(2, '0')}-${String(posted.day).padStart(2, '0')}`;
    const from = change.effectiveFrom > postedOn ? change.effectiveFrom : postedOn;
    return addDays(from, this.config.legalChangeDueDays);
  }

  // ---------------------------------------------------------------- a set of documents

  /** One document (processDocuments with one id): its result, or null when its item was not pending or it failed (recorded). */
  async processDocument(ctx: ChangeContext, documentId: string): Promise<ItemResult | null> {
    const done = (await this.processDocuments(ctx, [documentId])).get(documentId);
    if (!done || done.status !== 'done') return null;
    return { outcome: done.outcome as ItemResult['outcome'], draftRevisionId: done.draftRevisionId, reasonCode: done.reasonCode, reason: done.reason, flag: true };
  }

  /**
   * A set of documents in one transaction: the items still pending (others are skipped: a re-run,
   * or a second job on the same batch waits for the locks and then skips), their documents, open
   * and effective revisions read with one query each, the drafts written with one statement per
   * table; then the flags, the agencies' notices, the outcomes, the audit events and the counters.
   * A document the documents module refuses (its content, its state: a 4xx) is recorded as failed
   * in the same transaction, with nothing else written for it. Returns what was recorded per document.
   */
  async processDocuments(ctx: ChangeContext, documentIds: readonly string[], phases?: PhaseTimings): Promise<Map<string, Finished>> {
    const lap = stopwatch(phases);
    const finished = await this.db.transaction(async () => {
      const out = new Map<string, Finished>();
      const items = await this.db.query<{ document_id: string; agency_id: string }[]>(
        `SELECT document_id, agency_id FROM legal_change_items WHERE change_id = $1 AND document_id = ANY($2::uuid[]) AND status = 'pending' ORDER BY document_id FOR UPDATE`,
        [ctx.change.id, documentIds],
      );
      if (!items.length) return out;
      const ids = items.map((i) => i.document_id);
      const documents = await this.revisions.lockDocuments(ids);
      await this.audit.lockChains([...new Set(documents.map((d) => d.agencyId))]);
      const current = await this.revisions.currentRevisionsOf(documents.map((d) => d.id));
      lap('read');

      const found = new Set(documents.map((d) => d.id));
      for (const i of items) {
        if (!found.has(i.document_id)) out.set(i.document_id, { document: { id: i.document_id, agencyId: i.agency_id }, status: 'failed', outcome: 'failed', draftRevisionId: null, ...failureOf(Errors.notFound('Document')) });
      }
      const results = new Map<string, ItemResult>();
      const creates: { document: Document; base: Revision; rw: RewriteResult }[] = [];
      const updates: { document: Document; draft: Revision; rw: RewriteResult }[] = [];
      for (const document of documents) {
        const plan = this.plan(ctx, document, current.get(document.id)!);
        if ('result' in plan) results.set(document.id, plan.result);
        else if (plan.create) creates.push({ document, base: plan.base, rw: plan.rw });
        else updates.push({ document, draft: plan.base, rw: plan.rw });
      }
      const authors = await this.draftAuthors(creates.map((c) => c.document), ctx.change);
      lap('plan');

      const created = await this.lifecycle.createMany(
        creates.map(({ document, base, rw }) => ({
          document,
          base,
          draft: { authorId: authors.get(document.id)!, content: { ...base.content, legalBases: rw.legalBases }, changeSummary: mergeChangeSummary(null, this.sentences(ctx, rw)) },
        })),
        { actor: null, rendition: 'on_demand' },
      );
      const updated = await this.revisions.applyContents(
        updates.map(({ document, draft, rw }) => ({
          revision: draft,
          document,
          patch: { content: { ...draft.content, legalBases: rw.legalBases }, changeSummary: mergeChangeSummary(draft.changeSummary, this.sentences(ctx, rw)) },
        })),
        { rendition: 'on_demand' },
      );
      const refused = (document: Document, err: DomainError) =>
        out.set(document.id, { document, status: 'failed', outcome: 'failed', draftRevisionId: null, ...failureOf(err) });
      creates.forEach((c, k) => {
        const r = created[k];
        if (r instanceof DomainError) refused(c.document, r);
        else results.set(c.document.id, this.outcomeOf(ctx, c.rw, 'draft_created', r.id));
      });
      updates.forEach((u, k) => {
        const r = updated[k];
        if (r instanceof DomainError) refused(u.document, r);
        else results.set(u.document.id, this.outcomeOf(ctx, u.rw, 'draft_updated', r.id));
      });
      lap('drafts');

      const flagged = documents.filter((d) => results.get(d.id)?.flag);
      await this.flags.raiseMany(flagged.map((d) => ({ documentId: d.id, kind: 'legal_basis_changed', reason: ctx.headline, dueOn: ctx.dueOn, sourceId: ctx.change.id })));
      lap('flags');
      await this.notifyAgencies(ctx, [...new Set(flagged.map((d) => d.agencyId))]);
      lap('notices');

      for (const document of documents) {
        const r = results.get(document.id);
        if (r) out.set(document.id, { document, status: 'done', outcome: r.outcome, draftRevisionId: r.draftRevisionId, reasonCode: r.reasonCode, reason: r.reason });
      }
      await this.finishItems(ctx.change.id, [...out.values()]);
      lap('outcomes');
      return out;
    });
    lap('commit');
    return finished;
  }

  /** What to do with one document: an outcome without writing (withdrawn, in the workflow, already current), or the draft to create or update. */
  private plan(
    ctx: ChangeContext,
    document: Document,
    current: { open: Revision | null; effective: Revision | null; latest: Revision | null },
  ): { result: ItemResult } | { create: boolean; base: Revision; rw: RewriteResult } {
    if (document.withdrawnAt) {
      return { result: { outcome: 'needs_attention', draftRevisionId: null, reasonCode: 'document_withdrawn', reason: 'Tài liệu đã bị thu hồi; không tạo dự thảo.', flag: false } };
    }
    const { open } = current;
    if (open && open.state !== 'draft') {
      const rw = rewriteLegalBases(legalBasesOf(open.content), ctx.plan);
      if (!rw.changed) return { result: { outcome: 'draft_updated', draftRevisionId: open.id, reasonCode: 'already_current', reason: 'Bản đang mở đã trích dẫn các văn bản hiện hành.', flag: true } };
      return {
        result: {
          outcome: 'needs_attention',
          draftRevisionId: open.id,
          reasonCode: 'revision_in_workflow',
          reason:
            `Bản sửa đổi đang mở ${REVISION_STATE_NAMES[open.state] ?? open.state} nên không được cập nhật tự động. ` +
            'Trả lại bản này để soạn thảo rồi chạy lại thay đổi (POST /legal-changes/{id}/retry), hoặc cập nhật căn cứ pháp lý trong lần sửa đổi sau.',
          flag: true,
        },
      };
    }
    if (open) {
      const rw = rewriteLegalBases(legalBasesOf(open.content), ctx.plan);
      if (!rw.changed) return { result: { outcome: 'draft_updated', draftRevisionId: open.id, reasonCode: 'already_current', reason: 'Dự thảo đang mở đã trích dẫn các văn bản hiện hành.', flag: true } };
      return { create: false, base: open, rw };
    }
    // No open revision: a draft from the effective (else latest) revision.
    const base = current.effective ?? current.latest;
    const rw = rewriteLegalBases(legalBasesOf(base?.content ?? {}), ctx.plan);
    if (!base || !rw.changed) {
      return { result: { outcome: 'draft_updated', draftRevisionId: null, reasonCode: 'already_current', reason: 'Tài liệu không còn trích dẫn văn bản này; không cần cập nhật.', flag: false } };
    }
    return { create: true, base, rw };
  }

  private sentences(ctx: ChangeContext, rw: RewriteResult): string[] {
    return [ctx.sentence, ...(rw.orphanArticles.length ? [orphanArticlesSentence(rw.orphanArticles)] : [])];
  }

  private outcomeOf(ctx: ChangeContext, rw: RewriteResult, outcome: 'draft_created' | 'draft_updated', draftId: string): ItemResult {
    if (rw.dropped) {
      return {
        outcome: 'needs_attention',
        draftRevisionId: draftId,
        reasonCode: 'legal_basis_repealed',
        reason: `${legalName(ctx.plan.changed)} đã được bỏ khỏi căn cứ pháp lý của dự thảo vì không còn hiệu lực; tác giả cần rà soát lại nội dung quy trình.`,
        flag: true,
      };
    }
    if (rw.orphanArticles.length) return { outcome, draftRevisionId: draftId, reasonCode: 'articles_to_review', reason: orphanArticlesSentence(rw.orphanArticles), flag: true };
    return { outcome, draftRevisionId: draftId, reasonCode: null, reason: null, flag: true };
  }

  /**
   * Who each regenerated draft belongs to (revisions.author_id is a person): the latest author of
   * the document who is still an active drafter or ISO secretary of its agency; else an active
   * drafter (then ISO secretary) of the agency; else the registry writer who posted the change. The
   * author reviews and submits the draft (signing "drafted" at submission) and, as for any draft,
   * may not check or approve it.
   */
  private async draftAuthors(documents: readonly Document[], change: LegalChange): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!documents.length) return out;
    const authors = await this.revisions.authorsOf(documents.map((d) => d.id));
    const members = await this.access.activeMembers([...new Set(documents.map((d) => d.agencyId))], ['drafter', 'iso_secretary']);
    for (const d of documents) {
      const people = members.get(d.agencyId) ?? [];
      out.set(d.id, (authors.get(d.id) ?? []).find((a) => people.includes(a)) ?? people[0] ?? change.createdBy);
    }
    return out;
  }

  /** One notice per agency and change, to its active ISO secretaries and drafters (agencies told before are skipped). */
  private async notifyAgencies(ctx: ChangeContext, agencyIds: readonly string[]): Promise<void> {
    if (!agencyIds.length) return;
    const first = await this.db.query<{ agency_id: string }[]>(
      `INSERT INTO legal_change_notices (change_id, agency_id) SELECT $1, a FROM unnest($2::uuid[]) AS a ORDER BY a ON CONFLICT DO NOTHING RETURNING agency_id`,
      [ctx.change.id, [...agencyIds].sort()],
    );
    if (!first.length) return;
    const people = await this.access.activeMembers(first.map((r) => r.agency_id), ['iso_secretary', 'drafter']);
    await this.notifications.notifyMany(
      first.map(({ agency_id: agencyId }) => ({
        userIds: people.get(agencyId) ?? [],
        notice: {
          agencyId,
          kind: 'legal_change',
          title: `Căn cứ pháp lý thay đổi: ${legalName(ctx.plan.changed)}`,
          body:
            `${ctx.headline} Hệ thống đã chuẩn bị dự thảo cập nhật cho các tài liệu của cơ quan trích dẫn văn bản này; ` +
            `hạn hoàn thành: ${formatDateShort(ctx.dueOn)}. Xem mục "Việc cần làm".`,
          entityType: 'legal_change',
          entityId: ctx.change.id,
        },
      })),
    );
  }

  // ---------------------------------------------------------------- outcomes and counters

  /** Records the outcomes (one statement), their audit events and the change's counters; the last one completes the change. */
  private async finishItems(changeId: string, items: readonly Finished[]): Promise<void> {
    if (!items.length) return;
    await this.db.query(
      `UPDATE legal_change_items i SET status = v.status, outcome = v.outcome, draft_revision_id = v.draft_revision_id, reason_code = v.reason_code, reason = v.reason,
              attempts = i.attempts + 1, updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS v(document_id uuid, status text, outcome text, draft_revision_id uuid, reason_code text, reason text)
        WHERE i.change_id = $1 AND i.document_id = v.document_id`,
      [
        changeId,
        JSON.stringify(
          items.map((r) => ({ document_id: r.document.id, status: r.status, outcome: r.outcome, draft_revision_id: r.draftRevisionId, reason_code: r.reasonCode, reason: r.reason })),
        ),
      ],
    );
    await this.audit.recordMany(
      [...items]
        .sort((a, b) => (a.document.agencyId < b.document.agencyId ? -1 : a.document.agencyId > b.document.agencyId ? 1 : a.document.id < b.document.id ? -1 : 1))
        .map((r) => ({
          action: r.status === 'failed' ? 'legal_change.document_failed' : 'legal_change.document_processed',
          entityType: 'document',
          entityId: r.document.id,
          agencyId: r.document.agencyId,
          changes: { changeId, outcome: r.outcome, draftRevisionId: r.draftRevisionId, reasonCode: r.reasonCode, reason: r.reason },
        })),
    );
    const failed = items.filter((r) => r.status === 'failed').length;
    const [counts] = await this.db.query<{ status: string; total: number; processed: number; failed: number }[]>(
      `UPDATE legal_changes SET
         processed = processed + $2,
         failed = failed + $3,
         status = CASE WHEN processed + $2 >= total THEN (CASE WHEN failed + $3 > 0 THEN 'completed_with_failures' ELSE 'completed' END) ELSE status END,
         finished_at = CASE WHEN processed + $2 >= total THEN now() ELSE finished_at END,
         updated_at = now()
       WHERE id = $1
       RETURNING status, total, processed, failed`,
      [changeId, items.length, failed],
    );
    if (counts && counts.processed === counts.total) await this.completed(changeId, counts);
  }

  /** The change finished: audit event and a notice to whoever posted it. */
  private async completed(changeId: string, counts: { status: string; total: number; processed: number; failed: number }): Promise<void> {
    await this.audit.record({ action: 'legal_change.completed', entityType: 'legal_change', entityId: changeId, agencyId: null, changes: counts });
    const [change] = await this.db.query<{ created_by: string; number: string; type: string }[]>(
      `SELECT c.created_by, l.number, l.type FROM legal_changes c JOIN legal_documents l ON l.id = c.legal_document_id WHERE c.id = $1`,
      [changeId],
    );
    if (!change) return;
    const failedPart = counts.failed ? `, ${counts.failed} tài liệu lỗi (có thể chạy lại)` : '';
    await this.notifications.notify([change.created_by], {
      agencyId: null,
      kind: 'legal_change_completed',
      title: `Đã xử lý thay đổi căn cứ pháp lý: ${legalName(change)}`,
      body: `Đã xử lý ${counts.processed}/${counts.total} tài liệu trích dẫn ${legalName(change)}${failedPart}.`,
      entityType: 'legal_change',
      entityId: changeId,
    });
  }

  /** Records a document as failed for good (returns false when it was no longer pending). */
  async recordFailure(changeId: string, documentId: string, err: unknown): Promise<boolean> {
    const failure = failureOf(err);
    return this.db.transaction(async () => {
      const [item] = await this.db.query<{ status: string; agency_id: string }[]>(
        'SELECT status, agency_id FROM legal_change_items WHERE change_id = $1 AND document_id = $2 FOR UPDATE',
        [changeId, documentId],
      );
      if (!item || item.status !== 'pending') return false;
      this.logger.warn({ msg: 'legal change: document failed', changeId, documentId, code: failure.reasonCode, reason: failure.reason });
      await this.finishItems(changeId, [{ document: { id: documentId, agencyId: item.agency_id }, status: 'failed', outcome: 'failed', draftRevisionId: null, ...failure }]);
      return true;
    });
  }

  /** A failed attempt that will be retried: counted, with its error, the item stays pending. */
  private async noteAttempt(changeId: string, documentId: string, err: unknown): Promise<void> {
    try {
      await this.db.query(
        `UPDATE legal_change_items SET attempts = attempts + 1, reason = $3, updated_at = now() WHERE change_id = $1 AND document_id = $2 AND status = 'pending'`,
        [changeId, documentId, `Lỗi, sẽ thử lại: ${errorText(err)}`],
      );
    } catch (noteErr) {
      this.logger.warn({ msg: 'could not record a failed attempt', changeId, documentId, err: errorText(noteErr) });
    }
  }
}
