import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { jobErrorText } from '../common/queued-files.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { RENDITION_SPOOL_PREFIX, renditionSpoolDirectory } from '../storage/upload-spool.js';
import { ContentStore, type LocalContent } from '../documents/content-store.js';
import { storeGenerated } from '../documents/generated-content.js';
import { OnJob } from '../queue/job-registry.js';
import { FailurePlan, planFailure, type JobRun } from '../queue/retry-policy.js';
import { LAYOUT_VERSION, renderRevisionPdf } from '../rendering/index.js';
import { RenditionModelBuilder, type RevisionSnapshot } from './rendition-model.builder.js';
import { RenditionRequests, type RenderJobData } from './rendition-requests.js';

export type RenderOutcome = 'rendered' | 'exists' | 'moot';

/** A job renders again while requests keep arriving during its rendering, at most this often, then retries later. */
const MAX_PASSES = 3;
const NON_FROZEN = ['draft', 'in_review', 'pending_approval'];

/** What the job stored (or found) for one snapshot. */
interface Recorded {
  renditionId: string;
}


/**
 * The `render.revision` job: renders the controlled copy of one revision in one state with the
 * current layout and records it. Idempotent by content: a rendition is identified by (revision,
 * state, layout, digest), so a second run finds it and renders nothing; identical bytes are stored
 * once. Moot when the revision has left the job's state, the job is of an older layout or an older
 * round. A request arriving while it renders (new generation) makes it render again before it
 * settles. Failures are recorded on the request (attempts, last error; `failed` after the last
 * attempt) and rethrown so BullMQ retries with backoff; a malformed source PDF is not a failure
 * (the renderer gives a rendition without its pages and a warning).
 */
@Injectable()
export class RenderRevisionJob {
  private readonly logger = new Logger('RenderRevisionJob');

  constructor(
    private readonly db: Database,
    private readonly builder: RenditionModelBuilder,
    private readonly store: ContentStore,
    private readonly requests: RenditionRequests,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @OnJob('render.revision')
  async handle(data: RenderJobData, job?: JobRun): Promise<RenderOutcome> {
    try {
      return await this.run(data);
    } catch (err) {
      await this.recordFailure(data, err, job ? planFailure(job, err) : null).catch((e) =>
        this.logger.warn({ msg: 'could not record a render failure', revisionId: data.revisionId, err: (e as Error).message }),
      );
      throw err;
    }
  }

  /** The periodic re-send of pending requests whose job was lost. */
  @OnJob('render.resend-lost')
  async handleResendLost(): Promise<number> {
    return this.requests.resendLost();
  }

  private async run(data: RenderJobData): Promise<RenderOutcome> {
    if (data.layoutVersion !== LAYOUT_VERSION) {
      await this.settleMoot(data, null);
      return 'moot';
    }
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const [request] = await this.db.query<{ generation: number; round: number }[]>(
        'SELECT generation, round FROM rendition_requests WHERE revision_id = $1 AND state = $2 AND layout_version = $3',
        [data.revisionId, data.state, data.layoutVersion],
      );
      // Nothing asked for it, or a newer round (after a failure) has its own job.
      if (!request || request.round !== data.round) return 'moot';
      const snapshot = await this.builder.snapshot(data.revisionId);
      if (!snapshot || snapshot.revision.state !== data.state) {
        await this.settleMoot(data, request.generation);
        return 'moot';
      }
      const existing = await this.existing(snapshot);
      const recorded = existing ?? (await this.renderAndRecord(snapshot));
      if (await this.settleReady(data, request.generation, snapshot.digest, recorded.renditionId)) return existing ? 'exists' : 'rendered';
    }
    throw new Error('the revision kept changing while it was being rendered; trying again later');
  }

  private async existing(s: RevisionSnapshot): Promise<Recorded | null> {
    const [row] = await this.db.query<{ id: string }[]>(
      'SELECT id FROM renditions WHERE revision_id = $1 AND state = $2 AND layout_version = $3 AND digest = $4',
      [s.revision.id, s.revision.state, LAYOUT_VERSION, s.digest],
    );
    return row ? { renditionId: row.id } : null;
  }

  /**
   * Renders, stores the PDF content-addressed (spooled to a temporary file for the streaming PUT)
   * and records the rendition in one transaction with its object registration.
   */
  private async renderAndRecord(s: RevisionSnapshot): Promise<Recorded> {
    const { model, warnings: found } = await this.builder.build(s);
    const result = await renderRevisionPdf(model);
    const warnings = [...found, ...result.warnings];
    // Its own spool directory (uploads spool under DATA_DIR/tmp); the spool sweeper removes what a killed worker left.
    const file = { bytes: result.bytes, mediaType: 'application/pdf', dir: renditionSpoolDirectory(this.config.dataDir), prefix: RENDITION_SPOOL_PREFIX, suffix: '.pdf' };
    const recorded = await storeGenerated(this.store, file, (content, put) => this.record(s, content, put, result.pageCount, warnings));
    this.logger.log({ msg: 'rendition stored', revisionId: s.revision.id, state: s.revision.state, pages: result.pageCount, bytes: result.bytes.byteLength, warnings: warnings.length });
    return recorded;
  }

  private record(s: RevisionSnapshot, content: LocalContent, put: { key: string; created: boolean }, pageCount: number, warnings: string[]): Promise<Recorded> {
    return this.db.transaction(async () => {
      // Lock order as everywhere: the revision row first (workflow moves hold it FOR UPDATE).
      await this.db.query('SELECT 1 FROM revisions WHERE id = $1 FOR KEY SHARE', [s.revision.id]);
      await this.store.register(content, put);
      const [inserted] = await this.db.query<{ id: string }[]>(
        `INSERT INTO renditions (revision_id, agency_id, state, layout_version, digest, sha256, size, page_count, warnings)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
         ON CONFLICT (revision_id, state, layout_version, digest) DO NOTHING RETURNING id`,
        [s.revision.id, s.revision.agencyId, s.revision.state, LAYOUT_VERSION, s.digest, content.sha256, content.size, pageCount, JSON.stringify(warnings)],
      );
      const id = inserted?.id ?? (await this.existing(s))!.renditionId;
      if (NON_FROZEN.includes(s.revision.state)) {
        // Copies of earlier contents of a draft (or of a round of review) are not records: keep the latest.
        await this.db.query(`DELETE FROM renditions WHERE revision_id = $1 AND state = ANY($2::text[]) AND digest <> $3`, [s.revision.id, NON_FROZEN, s.digest]);
      }
      return { renditionId: id };
    });
  }

  /** Ready, unless a request arrived since `generation` was read (then false: render again). */
  private async settleReady(data: RenderJobData, generation: number, digest: string, renditionId: string): Promise<boolean> {
    return this.db.transaction(async () => {
      await this.db.query('SELECT 1 FROM revisions WHERE id = $1 FOR KEY SHARE', [data.revisionId]);
      const { affected } = await this.db.execute(
        `UPDATE rendition_requests SET status = 'ready', rendition_id = $5, digest = $6, attempts = 0, last_error = NULL,
                retry_reason = NULL, retry_dependency = NULL, next_attempt_at = NULL, gives_up_at = NULL, updated_at = now()
          WHERE revision_id = $1 AND state = $2 AND layout_version = $3 AND generation = $4`,
        [data.revisionId, data.state, data.layoutVersion, generation, renditionId, digest],
      );
      return affected === 1;
    });
  }

  private async settleMoot(data: RenderJobData, generation: number | null): Promise<void> {
    await this.db.query(
      `UPDATE rendition_requests SET status = 'moot', updated_at = now()
        WHERE revision_id = $1 AND state = $2 AND layout_version = $3 AND status = 'pending' AND ($4::int IS NULL OR generation = $4)`,
      [data.revisionId, data.state, data.layoutVersion, generation],
    );
  }

  /**
   * The failure on the request: attempts, last error, how it is retried (a dependency outage: no
   * attempt spent, until `gives_up_at`; an error: the next attempt), `failed` when it was the last.
   * Without a job (a direct call) it is recorded as a retried error.
   */
  private async recordFailure(data: RenderJobData, err: unknown, plan: FailurePlan | null): Promise<void> {
    const message = jobErrorText(err);
    const final = plan?.final ?? false;
    this.logger.warn({ msg: final ? 'rendition failed for good' : 'rendition failed, will retry', revisionId: data.revisionId, state: data.state, retry: plan?.kind, err: message });
    await this.db.query(
      `UPDATE rendition_requests SET attempts = attempts + 1, last_error = $5, status = CASE WHEN $6 THEN 'failed' ELSE status END,
              retry_reason = CASE WHEN $6 THEN NULL ELSE $7 END, retry_dependency = $8, next_attempt_at = $9, gives_up_at = $10, updated_at = now()
        WHERE revision_id = $1 AND state = $2 AND layout_version = $3 AND round = $4 AND status IN ('pending', 'failed')`,
      [
        data.revisionId,
        data.state,
        data.layoutVersion,
        data.round,
        message,
        final,
        plan?.kind === 'outage' ? 'dependency_unavailable' : 'error',
        plan?.outage?.dependency ?? null,
        plan?.nextAttemptAt ?? null,
        plan?.givesUpAt ?? null,
      ],
    );
  }
}
