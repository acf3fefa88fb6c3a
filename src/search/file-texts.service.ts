import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ZipLimitError } from '../common/zip-limits.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { JobQueue } from '../queue/job-queue.js';
import { OnJob } from '../queue/job-registry.js';
import { isFinalFailure } from '../queue/retry-policy.js';
import type { JobPayload } from '../queue/jobs.js';
import { contentObjectKey } from '../storage/object-keys.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { sweepSpoolFiles } from '../storage/spool-sweeper.js';
import { EXTRACTABLE_MEDIA_TYPES, extractableKind, ExtractionRefused, extractText } from './text-extraction.js';

const EXTRACT_PREFIX = 'extract-';

export type FileTextState = 'pending' | 'done' | 'no_text' | 'unsupported' | 'failed';

/** The job identity of a stored object's extraction (a round suffix when the sweep asks again). */
export function extractJobId(sha256: string, round?: number): string {
  return round ? `extract_${sha256}_r${round}` : `extract_${sha256}`;
}

/**
 * The extracted text of stored files (content-addressed: the same bytes once). `request` runs in
 * the transaction that attaches a file: it records the object as pending and queues
 * `search.extract-text`; the job downloads the object to the spool, extracts, and records the
 * outcome (done, no_text, unsupported, failed after its last attempt). `search.extract-resend`
 * queues again pending objects whose job was lost.
 */
@Injectable()
export class FileTexts {
  private readonly logger = new Logger('FileTexts');

  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
    private readonly storage: ObjectStorage,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Where objects are downloaded for extraction (left-overs of a crash are swept by the resend job). */
  private spool(): string {
    return join(this.config.dataDir, 'extract-tmp');
  }

  /** A file was attached (in its transaction): extract its text unless these bytes were already. */
  async request(sha256: string, mediaType: string): Promise<void> {
    const kind = extractableKind(mediaType);
    const inserted = await this.db.query<{ sha256: string }[]>(
      `INSERT INTO file_texts (sha256, media_type, state, extracted_at) VALUES ($1, $2, $3, CASE WHEN $3 = 'unsupported' THEN now() END)
       ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
      [sha256, mediaType, kind ? 'pending' : 'unsupported'],
    );
    if (inserted.length && kind) await this.jobs.enqueue('search.extract-text', { sha256 }, { jobId: extractJobId(sha256) });
  }

  async state(sha256: string): Promise<FileTextState | null> {
    const rows = await this.db.query<{ state: FileTextState }[]>('SELECT state FROM file_texts WHERE sha256 = $1', [sha256]);
    return rows[0]?.state ?? null;
  }

  @OnJob('search.extract-text')
  async handleExtract(data: JobPayload<'search.extract-text'>, job?: Job): Promise<FileTextState | 'missing'> {
    try {
      return await this.extract(data.sha256);
    } catch (err) {
      if (job && !isFinalFailure(job, err)) throw err;
      await this.db.query(`UPDATE file_texts SET state = 'failed', attempts = attempts + 1, last_error = $2, extracted_at = now() WHERE sha256 = $1 AND state = 'pending'`, [
        data.sha256,
        String((err as Error).message ?? err).slice(0, 1000),
      ]);
      throw err;
    }
  }

  /** Extracts one object's text now (idempotent: a row that is no longer pending is left alone). */
  async extract(sha256: string): Promise<FileTextState | 'missing'> {
    const rows = await this.db.query<{ state: FileTextState; media_type: string }[]>('SELECT state, media_type FROM file_texts WHERE sha256 = $1', [sha256]);
    if (!rows.length) return 'missing';
    if (rows[0].state !== 'pending') return rows[0].state;
    const kind = extractableKind(rows[0].media_type);
    if (!kind) {
      await this.db.query(`UPDATE file_texts SET state = 'unsupported', extracted_at = now() WHERE sha256 = $1 AND state = 'pending'`, [sha256]);
      return 'unsupported';
    }
    const dir = this.spool();
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${EXTRACT_PREFIX}${randomUUID()}`);
    try {
      await pipeline(await this.storage.get(contentObjectKey(sha256)), createWriteStream(path));
      let result;
      try {
        result = await extractText(path, kind);
      } catch (err) {
        // A file that cannot be read as its type (or is over the ZIP limits) has no searchable text: final.
        const reason = err instanceof ZipLimitError || err instanceof ExtractionRefused ? `refused: ${err.message}` : `unreadable: ${(err as Error).message}`;
        this.logger.warn({ msg: 'text extraction failed', sha256, reason });
        await this.db.query(`UPDATE file_texts SET state = 'failed', attempts = attempts + 1, last_error = $2, extracted_at = now() WHERE sha256 = $1 AND state = 'pending'`, [
          sha256,
          reason.slice(0, 1000),
        ]);
        return 'failed';
      }
      await this.db.query(
        `UPDATE file_texts SET state = $2, text = $3, pages = $4, truncated = $5, attempts = attempts + 1, last_error = NULL, extracted_at = now()
          WHERE sha256 = $1 AND state = 'pending'`,
        [sha256, result.state, result.text, result.pages, result.truncated],
      );
      return result.state;
    } finally {
      await rm(path, { force: true });
    }
  }

  @OnJob('search.extract-resend')
  async handleResend(): Promise<number> {
    return this.resendLost();
  }

  /**
   * Queues again objects pending for more than 15 minutes (their job was lost), with a new job id;
   * files attached before extraction existed are recorded as pending first (in batches).
   */
  async resendLost(): Promise<number> {
    await sweepSpoolFiles(this.spool(), EXTRACT_PREFIX, new Date(Date.now() - 3600_000)).catch(() => 0);
    return this.db.transaction(async () => {
      await this.db.query(
        `INSERT INTO file_texts (sha256, media_type, requested_at)
         SELECT DISTINCT ON (rf.sha256) rf.sha256, rf.media_type, now() - interval '1 hour' FROM revision_files rf
          WHERE rf.media_type = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM file_texts ft WHERE ft.sha256 = rf.sha256)
          LIMIT 500
         ON CONFLICT (sha256) DO NOTHING`,
        [Object.keys(EXTRACTABLE_MEDIA_TYPES)],
      );
      const rows = await this.db.query<{ sha256: string; round: number }[]>(
        `UPDATE file_texts SET requested_at = now(), attempts = attempts + 1
          WHERE sha256 IN (SELECT sha256 FROM file_texts WHERE state = 'pending' AND requested_at < now() - interval '15 minutes' ORDER BY requested_at LIMIT 500 FOR UPDATE SKIP LOCKED)
          RETURNING sha256, attempts AS round`,
      );
      for (const r of rows) await this.jobs.enqueue('search.extract-text', { sha256: r.sha256 }, { jobId: extractJobId(r.sha256, r.round) });
      return rows.length;
    });
  }
}
