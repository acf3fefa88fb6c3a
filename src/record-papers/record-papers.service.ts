import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Errors } from '../common/errors.js';
import { decideOnRead, PENDING_RETRY_AFTER_SECONDS, renderFailed, sendPending } from '../common/queued-files.js';
import { Database } from '../database/database.js';
import { JobQueue } from '../queue/job-queue.js';
import type { JobPayload } from '../queue/jobs.js';
import { officialPaperDigest, PAPER_LAYOUT_VERSION } from '../rendering/index.js';
import { sanitizeFilename, serveObject } from '../storage/http-files.js';
import { contentObjectKey } from '../storage/object-keys.js';
import { ObjectStorage } from '../storage/object-storage.js';
import type { RecordPaper } from './record-paper-kind.js';
import { RecordPaperKinds } from './record-paper-kinds.js';
import type { RecordPaperPendingView, RecordPaperStatus, RecordPaperStatusView } from './record-paper.views.js';

/** What the render job receives. */
/** The `render.record-paper` payload (declared with the other jobs in src/queue/jobs.ts). */
export type RecordPaperJobData = JobPayload<'render.record-paper'>;

/** `paper_<kind>_<entityId>_<digest>_<layout>`, with `_r<round>` after a failure. */
export function recordPaperJobId(kind: string, entityId: string, digest: string, round: number, layoutVersion: number = PAPER_LAYOUT_VERSION): string {
  const base = `paper_${kind}_${entityId}_${digest}_${layoutVersion}`;
  return round > 0 ? `${base}_r${round}` : base;
}

/** A record's paper as it is now, with its digest. */
export interface BuiltPaper {
  paper: RecordPaper;
  digest: string;
}

/** A row of record_papers as the pipeline reads it. */
export interface RecordPaperRow {
  id: string;
  status: 'pending' | 'ready' | 'failed' | 'moot';
  final: boolean;
  round: number;
  jobId: string;
  sha256: string | null;
  size: number | null;
  pageCount: number | null;
  warnings: string[];
  attempts: number;
  lastError: string | null;
  updatedAt: Date;
  renderedAt: Date | null;
  /** Its job is still in the outbox (queued, running or waiting for a retry). */
  queued: boolean;
}

/** A pending request whose job left neither the outbox nor a PDF for this long is re-sent by the sweep. */
export const LOST_PAPER_AFTER_MS = 2 * 60_000;

const ROW_COLUMNS = `p.id, p.status, p.final, p.round, p.job_id AS "jobId", p.sha256, p.size::float8 AS size, p.page_count AS "pageCount", p.warnings,
  p.attempts, p.last_error AS "lastError", p.updated_at AS "updatedAt", p.rendered_at AS "renderedAt"`;

/**
 * PDFs of quality records, rendered by the queue with the official-paper renderer, never in a
 * request (docs/ARCHITECTURE.md "How a record gets its PDF"). A feature registers a paper kind
 * (@RecordPaperKind provider); then:
 * - `request(kind, id)` inside the transaction of a change asks for the record's paper as it is now
 *   (idempotent: a paper is identified by kind, record, the digest of its printed model and the
 *   layout version; the job id comes from that key, so repeated requests share one job);
 * - `respond(req, res, kind, id)` answers `GET …?format=pdf` after the caller checked access: 200
 *   streamed (ETag, 304, Range, Vietnamese file name), 202 with Retry-After while it is rendered
 *   (requesting it when nothing is on its way), 503 `record_paper_failed` after every attempt failed
 *   (asked again after a 10-minute cool-down);
 * - `status(kind, id)` for the record's view.
 */
@Injectable()
export class RecordPapers {
  private readonly logger = new Logger('RecordPapers');

  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
    private readonly kinds: RecordPaperKinds,
    private readonly storage: ObjectStorage,
  ) {}

  /** The record's paper as it is now (null when the record does not exist). */
  async current(kind: string, entityId: string): Promise<BuiltPaper | null> {
    const paper = await this.kinds.get(kind).build(entityId);
    if (!paper) return null;
    if (paper.model.layoutVersion !== PAPER_LAYOUT_VERSION) {
      throw new Error(`record paper ${kind}: the model is for paper layout ${paper.model.layoutVersion}, not ${PAPER_LAYOUT_VERSION}`);
    }
    return { paper, digest: officialPaperDigest(paper.model) };
  }

  /**
   * Asks for the record's paper as it is now, in the caller's transaction (or its own): nothing to
   * do when it is rendered, else the request is pending and its job queued (outbox). Returns the
   * paper's status, or null when the record does not exist.
   */
  async request(kind: string, entityId: string): Promise<RecordPaperStatusView | null> {
    return this.db.transaction(async () => {
      const built = await this.current(kind, entityId);
      if (!built) return null;
      await this.requestBuilt(kind, entityId, built);
      return this.statusOf(kind, built, await this.find(kind, entityId, built.digest));
    });
  }

  /** The status of the record's paper as it is now (null when the record does not exist). */
  async status(kind: string, entityId: string): Promise<RecordPaperStatusView | null> {
    const built = await this.current(kind, entityId);
    return built ? this.statusOf(kind, built, await this.find(kind, entityId, built.digest)) : null;
  }

  /** Answers a read of the record's PDF (access already checked by the caller); see the class comment. */
  async respond(req: Request, res: Response, kind: string, entityId: string): Promise<void> {
    const built = await this.current(kind, entityId);
    if (!built) throw Errors.notFound('Record');
    let row = await this.find(kind, entityId, built.digest);
    if (row?.status === 'ready') {
      await serveObject(req, res, this.storage, {
        key: contentObjectKey(row.sha256!),
        sha256: row.sha256!,
        size: Number(row.size),
        mediaType: 'application/pdf',
        filename: sanitizeFilename(built.paper.filename, `${kind}.pdf`),
      });
      return;
    }
    const next = decideOnRead(row);
    if (next.kind === 'failed') throw renderFailed('record_paper_failed', 'The PDF of this record', row!, next.retryAfterSeconds);
    if (next.kind === 'request') {
      await this.db.transaction(() => this.requestBuilt(kind, entityId, built));
      row = await this.find(kind, entityId, built.digest);
    }
    const body: RecordPaperPendingView = {
      status: 'pending',
      kind,
      entityId,
      digest: built.digest,
      layoutVersion: PAPER_LAYOUT_VERSION,
      attempts: row?.attempts ?? 0,
      error: row?.lastError ?? null,
      retryAfterSeconds: PENDING_RETRY_AFTER_SECONDS,
    };
    sendPending(res, body);
  }

  /** The row of (kind, record, digest, current layout), if any. */
  async find(kind: string, entityId: string, digest: string): Promise<RecordPaperRow | null> {
    const [row] = await this.db.query<RecordPaperRow[]>(
      `SELECT ${ROW_COLUMNS}, ${this.jobs.outboxHolds('render', 'p.job_id')} AS "queued" FROM record_papers p WHERE p.kind = $1 AND p.entity_id = $2 AND p.digest = $3 AND p.layout_version = $4`,
      [kind, entityId, digest, PAPER_LAYOUT_VERSION],
    );
    return row ?? null;
  }

  /**
   * Upserts the request row to pending (a failed or moot one opens a new round, so a new job id) and
   * queues its job; a ready row is left as it is. Inside a transaction.
   */
  private async requestBuilt(kind: string, entityId: string, built: BuiltPaper): Promise<void> {
    const { digest, paper } = built;
    const [row] = await this.db.query<{ id: string; round: number; job_id: string }[]>(
      `INSERT INTO record_papers AS p (kind, entity_id, agency_id, digest, layout_version, final, status, job_id)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)
       ON CONFLICT (kind, entity_id, digest, layout_version) DO UPDATE SET
         round = p.round + CASE WHEN p.status IN ('failed', 'moot') THEN 1 ELSE 0 END,
         attempts = CASE WHEN p.status = 'pending' THEN p.attempts ELSE 0 END,
         last_error = CASE WHEN p.status = 'pending' THEN p.last_error ELSE NULL END,
         status = 'pending', requested_at = now(), updated_at = now()
       WHERE p.status <> 'ready'
       RETURNING p.id, p.round, p.job_id`,
      [kind, entityId, paper.agencyId, digest, PAPER_LAYOUT_VERSION, paper.model.final, recordPaperJobId(kind, entityId, digest, 0)],
    );
    if (!row) return; // rendered already
    const jobId = recordPaperJobId(kind, entityId, digest, row.round);
    if (jobId !== row.job_id) await this.db.query('UPDATE record_papers SET job_id = $2 WHERE id = $1', [row.id, jobId]);
    await this.enqueue({ kind, entityId, digest, layoutVersion: PAPER_LAYOUT_VERSION, round: row.round }, jobId);
  }

  private enqueue(data: RecordPaperJobData, jobId: string): Promise<void> {
    return this.jobs.enqueue('render.record-paper', { ...data }, { jobId });
  }

  /**
   * Pending requests whose job is gone (no outbox row) and that have not moved for `olderThanMs`
   * are queued again under the same id (the periodic `render.record-paper-resend-lost`).
   */
  async resendLost(olderThanMs = LOST_PAPER_AFTER_MS, limit = 500): Promise<number> {
    return this.db.transaction(async () => {
      const rows = await this.db.query<{ id: string; kind: string; entity_id: string; digest: string; layout_version: number; round: number; job_id: string }[]>(
        `SELECT p.id, p.kind, p.entity_id, p.digest, p.layout_version, p.round, p.job_id
           FROM record_papers p
          WHERE p.status = 'pending' AND p.layout_version = $3
            AND p.updated_at < now() - make_interval(secs => $1::float8 / 1000)
            AND NOT ${this.jobs.outboxHolds('render', 'p.job_id')}
          ORDER BY p.updated_at LIMIT $2
          FOR UPDATE OF p SKIP LOCKED`,
        [olderThanMs, limit, PAPER_LAYOUT_VERSION],
      );
      for (const r of rows) {
        await this.db.query('UPDATE record_papers SET updated_at = now() WHERE id = $1', [r.id]);
        await this.enqueue({ kind: r.kind, entityId: r.entity_id, digest: r.digest, layoutVersion: r.layout_version, round: r.round }, r.job_id);
      }
      if (rows.length) this.logger.warn({ msg: 'record paper requests without a job were queued again', count: rows.length });
      return rows.length;
    });
  }

  private statusOf(kind: string, built: BuiltPaper, row: RecordPaperRow | null): RecordPaperStatusView {
    const status: RecordPaperStatus = row?.status === 'ready' || row?.status === 'pending' || row?.status === 'failed' ? row.status : 'not_requested';
    const ready = status === 'ready';
    const when = ready ? row!.renderedAt : (row?.updatedAt ?? null);
    return {
      status,
      kind,
      digest: built.digest,
      layoutVersion: PAPER_LAYOUT_VERSION,
      final: built.paper.model.final,
      sha256: ready ? row!.sha256 : null,
      size: ready ? Number(row!.size) : null,
      pageCount: ready ? row!.pageCount : null,
      warnings: ready ? row!.warnings : [],
      error: ready ? null : (row?.lastError ?? null),
      attempts: ready ? 0 : (row?.attempts ?? 0),
      updatedAt: when ? new Date(when).toISOString() : null,
    };
  }
}
