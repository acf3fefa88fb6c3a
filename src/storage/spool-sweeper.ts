import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PAPER_SPOOL_PREFIX, RENDITION_SPOOL_PREFIX, renditionSpoolDirectory, SPOOL_FILE_PREFIX, spoolDirectory } from './upload-spool.js';

/**
 * Spool files untouched this long are left by a process that died mid-upload (`kill -9`): an
 * upload in progress writes to its file all the time, and one being stored finishes within minutes.
 */
export const SPOOL_MIN_AGE_MS = 3600_000;
const SWEEP_EVERY_MS = 15 * 60_000;

/** Removes files named `prefix*` in `dir` last modified before `olderThan`; returns how many. */
export async function sweepSpoolFiles(dir: string, prefix: string, olderThan: Date): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // no spool folder yet
  }
  let removed = 0;
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    const path = join(dir, name);
    try {
      if ((await stat(path)).mtime >= olderThan) continue;
      await rm(path, { force: true });
      removed++;
    } catch {
      /* finished and removed meanwhile */
    }
  }
  return removed;
}

/**
 * The spools of this machine (uploads in `DATA_DIR/tmp`, rendered PDFs in `DATA_DIR/rendition-tmp`): swept at start-up and every 15 minutes
 * (timers off in tests, which call `sweep`). Per process, not a queued job: the spool is local to
 * the machine that received the upload.
 */
@Injectable()
export class SpoolSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SpoolSweeper');
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    if (this.config.schedulesEnabled) {
      this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(minAgeMs = SPOOL_MIN_AGE_MS): Promise<number> {
    try {
      const olderThan = new Date(Date.now() - minAgeMs);
      const removed =
        (await sweepSpoolFiles(spoolDirectory(this.config.dataDir), SPOOL_FILE_PREFIX, olderThan)) +
        (await sweepSpoolFiles(renditionSpoolDirectory(this.config.dataDir), RENDITION_SPOOL_PREFIX, olderThan)) +
        (await sweepSpoolFiles(renditionSpoolDirectory(this.config.dataDir), PAPER_SPOOL_PREFIX, olderThan));
      if (removed) this.logger.log({ msg: 'removed spool files left by interrupted uploads or renders', removed });
      return removed;
    } catch (err) {
      this.logger.warn({ msg: 'sweeping the upload spool failed', err: (err as Error).message });
      return 0;
    }
  }
}
