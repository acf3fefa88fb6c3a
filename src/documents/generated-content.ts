import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentStore, LocalContent, PutOutcome } from './content-store.js';

export interface GeneratedFile {
  bytes: Uint8Array;
  mediaType: string;
  /** Spool directory (the streaming PUT sends a file), renditionSpoolDirectory(DATA_DIR). */
  dir: string;
  /** Spool file name before the random part, e.g. RENDITION_SPOOL_PREFIX (src/storage/upload-spool.ts; the spool sweeper knows it). */
  prefix: string;
  /** e.g. ".pdf". */
  suffix?: string;
}

/**
 * Stores bytes a job made (a rendition, a record paper) in the content-addressed store: spooled to
 * a temporary file, put under their SHA-256 (once for identical bytes), then handed to `record`,
 * which registers the object (`store.register(content, put)`) and writes its rows in one
 * transaction. If `record` fails, the object this call created is removed again unless something
 * else registered it meanwhile; the spool file is always removed.
 */
export async function storeGenerated<T>(store: ContentStore, file: GeneratedFile, record: (content: LocalContent, put: PutOutcome) => Promise<T>): Promise<T> {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  await mkdir(file.dir, { recursive: true });
  const path = join(file.dir, `${file.prefix}${randomUUID()}${file.suffix ?? ''}`);
  const content: LocalContent = { path, size: file.bytes.byteLength, sha256, mediaType: file.mediaType };
  try {
    await writeFile(path, file.bytes);
    const put = await store.put(content);
    try {
      return await record(content, put);
    } catch (err) {
      if (put.created) await store.discardIfUnregistered(sha256);
      throw err;
    }
  } finally {
    await rm(path, { force: true });
  }
}
