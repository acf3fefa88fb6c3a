import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { jobErrorText } from '../common/queued-files.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { ContentStore } from '../documents/content-store.js';
import { storeGenerated } from '../documents/generated-content.js';
import { PAPER_SPOOL_PREFIX, renditionSpoolDirectory } from '../storage/upload-spool.js';
import { OnJob } from '../queue/job-registry.js';
import { isFinalFailure, type JobRun } from '../queue/retry-policy.js';
import { PAPER_LAYOUT_VERSION, renderOfficialPaperPdf } from '../rendering/index.js';
import { RecordPapers, type BuiltPaper, type RecordPaperJobData } from './record-papers.service.js';

export type PaperOutcome = 'rendered' | 'exists' | 'moot';

type Checked = { go: false; outcome: PaperOutcome } | { go: true; id: string; built: BuiltPaper };

/**
 * The `render.record-paper` job: renders one record's paper for one digest and layout, stores it
 * content-addressed and sets the request ready. Moot (nothing rendered) when the record changed
 * since it was asked for (its printed model has another digest now: that digest has, or will get, its
 * own request), when the record is gone, or when a newer round owns the request; the digest is checked
 * with the request row locked, so a request for the same digest made meanwhile either sees the job's
 * verdict or is seen by it. Idempotent: the same digest renders the same bytes, stored once. Failures
 * are recorded on the request (attempts, last error; `failed` after the last attempt) and rethrown for
 * BullMQ's retry with backoff. A rendered draft paper replaces the earlier drafts' PDFs of the record.
 */
@Injectable()
export class RenderRecordPaperJob {
  private readonly logger = new Logger('RenderRecordPaperJob');

  constructor(
    private readonly db: Database,
    private readonly papers: RecordPapers,
    private readonly store: ContentStore,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @OnJob('render.record-paper')
  async handle(data: RecordPaperJobData, job?: JobRun): Promise<PaperOutcome> {
    try {
      return await this.run(data);
    } catch (err) {
      await this.recordFailure(data, err, job ? isFinalFailure(job, err) : false).catch((e) =>
        this.logger.warn({ msg: 'could not record a record paper failure', kind: data.kind, entityId: data.entityId, err: (e as Error).message }),
      );
      throw err;
    }
  }

  /** The periodic re-send of pending requests whose job was lost. */
  @OnJob('render.record-paper-resend-lost')
  resendLost(): Promise<number> {
    return this.papers.resendLost();
  }

  private async run(data: RecordPaperJobData): Promise<PaperOutcome> {
    if (data.layoutVersion !== PAPER_LAYOUT_VERSION) {
      await this.db.query(`UPDATE record_papers SET status = 'moot', updated_at = now() WHERE ${KEY} AND status = 'pending'`, key(data));
      return 'moot';
    }
    const checked = await this.db.transaction(async (): Promise<Checked> => {
      const [row] = await this.db.query<{ id: string; status: string; round: number }[]>(`SELECT id, status, round FROM record_papers WHERE ${KEY} FOR UPDATE`, key(data));
      if (!row || row.round !== data.round) return { go: false, outcome: 'moot' };
      if (row.status === 'ready') return { go: false, outcome: 'exists' };
      if (row.status !== 'pending') return { go: false, outcome: 'moot' };
      const built = await this.papers.current(data.kind, data.entityId);
      if (!built || built.digest !== data.digest) {
        await this.db.query(`UPDATE record_papers SET status = 'moot', updated_at = now() WHERE id = $1`, [row.id]);
        return { go: false, outcome: 'moot' };
      }
      return { go: true, id: row.id, built };
    });
    if (!checked.go) return checked.outcome;
    return this.renderAndRecord(data, checked.id, checked.built);
  }

  private async renderAndRecord(data: RecordPaperJobData, id: string, built: BuiltPaper): Promise<PaperOutcome> {
    const result = await renderOfficialPaperPdf(built.paper.model);
    const file = { bytes: result.bytes, mediaType: 'application/pdf', dir: renditionSpoolDirectory(this.config.dataDir), prefix: PAPER_SPOOL_PREFIX, suffix: '.pdf' };
    const settled = await storeGenerated(this.store, file, (content, put) =>
      this.db.transaction(async () => {
        await this.store.register(content, put);
        const { affected } = await this.db.execute(
          `UPDATE record_papers SET status = 'ready', sha256 = $3, size = $4, page_count = $5, warnings = $6::jsonb, attempts = 0, last_error = NULL,
                  rendered_at = now(), updated_at = now()
            WHERE id = $1 AND round = $2 AND status = 'pending'`,
          [id, data.round, content.sha256, content.size, result.pageCount, JSON.stringify(result.warnings)],
        );
        if (affected !== 1) return false;
        // The PDFs of the record's earlier drafts are not records: keep the latest (final ones are kept by the database).
        await this.db.query(
          `DELETE FROM record_papers WHERE kind = $1 AND entity_id = $2 AND id <> $3 AND NOT final AND status IN ('ready', 'moot', 'failed')`,
          [data.kind, data.entityId, id],
        );
        return true;
      }),
    );
    if (!settled) return 'exists';
    this.logger.log({ msg: 'record paper stored', kind: data.kind, entityId: data.entityId, pages: result.pageCount, bytes: result.bytes.byteLength, warnings: result.warnings.length });
    return 'rendered';
  }

  private async recordFailure(data: RecordPaperJobData, err: unknown, final: boolean): Promise<void> {
    const message = jobErrorText(err);
    this.logger.warn({ msg: final ? 'record paper failed for good' : 'record paper failed, will retry', kind: data.kind, entityId: data.entityId, err: message });
    await this.db.query(
      `UPDATE record_papers SET attempts = attempts + 1, last_error = $5, status = CASE WHEN $6 THEN 'failed' ELSE status END, updated_at = now()
        WHERE ${KEY} AND round = $7 AND status IN ('pending', 'failed')`,
      [...key(data), message, final, data.round],
    );
  }
}

const KEY = 'kind = $1 AND entity_id = $2 AND digest = $3 AND layout_version = $4';
const key = (d: RecordPaperJobData) => [d.kind, d.entityId, d.digest, d.layoutVersion];
