import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Errors } from '../common/errors.js';
import { ByteRange, ListedObject, ObjectInfo, ObjectNotFoundError, ObjectStorage, PutFileOptions } from './object-storage.js';

/** Marks a directory as a store: without it (an unmounted volume, a wrong path) the store is down, never silently empty. */
const MARKER = '.eiso-store';
/** Temporary files of writes in progress, inside the store (same file system: rename is atomic). */
const TMP = '.tmp';
/** Read size of downloads: few, large chunks (the response is written per chunk). */
export const LOCAL_READ_CHUNK = 1024 * 1024;
const KEY_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/** File-system errors that mean the store cannot be used (as opposed to "no such object"). */
const UNUSABLE = new Set(['EIO', 'ENOSPC', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EDQUOT', 'EMFILE', 'ENFILE', 'ESTALE', 'ENODEV', 'ENXIO']);

const errno = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code;

/**
 * Objects as files under one directory (`DATA_DIR/storage`): key `objects/sha256/ab/cd/<hash>`
 * is the file `<root>/objects/sha256/ab/cd/<hash>`. Writes go to a temporary file in `<root>/.tmp`,
 * are flushed to disk and renamed into place (atomic: a reader sees a whole object or none), so
 * several processes of one machine (the API and a worker) share the store safely. An upload's
 * spooled file is linked into place without copying its bytes. Reads stream, with ranges.
 */
export class LocalObjectStorage extends ObjectStorage {
  readonly driver = 'local' as const;
  readonly location: string;

  constructor(readonly root: string) {
    super();
    this.location = root;
  }

  async prepare(): Promise<void> {
    await mkdir(join(this.root, TMP), { recursive: true });
    await writeFile(join(this.root, MARKER), 'e-ISO object store\n', { flag: 'a' });
  }

  async ping(): Promise<void> {
    await this.assertUsable();
  }

  /** The path of a key; keys are relative, '/'-separated, without '.', '..' or empty segments. */
  private pathOf(key: string): string {
    const parts = key.split('/');
    if (!parts.every((p) => KEY_SEGMENT.test(p) && p !== '..')) throw new Error(`invalid object key: ${key}`);
    return join(this.root, ...parts);
  }

  /** 503 unless the store's marker is there (checked before writes and when a read finds nothing). */
  private async assertUsable(): Promise<void> {
    try {
      await stat(join(this.root, MARKER));
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private unavailable(err: unknown): Error {
    const e = Errors.unavailable('Object storage', `The object store (${this.root}) is unavailable; nothing was changed. Try again shortly.`);
    (e as { cause?: unknown }).cause = err;
    return e;
  }

  /** Maps file-system failures of the store to 503; anything else passes through. */
  private wrap(err: unknown): unknown {
    const code = errno(err);
    return code && UNUSABLE.has(code) ? this.unavailable(err) : err;
  }

  private tmpPath(): string {
    return join(this.root, TMP, `put-${randomUUID()}`);
  }

  /** Flushes a file's bytes, or a directory's entries (a rename or link), to disk. */
  private async sync(path: string): Promise<void> {
    const fh = await open(path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** Renames a complete, flushed temporary file to `key` (replacing what was there). */
  private async commit(tmp: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    await rename(tmp, target);
    await this.sync(dirname(target));
  }

  private async write(key: string, fill: (tmp: string) => Promise<void>): Promise<void> {
    this.pathOf(key);
    await this.assertUsable();
    const tmp = this.tmpPath();
    try {
      await fill(tmp);
      await this.commit(tmp, key);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw this.wrap(err);
    }
  }

  async putFile(key: string, path: string, _meta: { size: number; sha256: string; contentType: string }, opts: PutFileOptions = {}): Promise<void> {
    await this.write(key, async (tmp) => {
      if (opts.adopt) {
        try {
          // The caller's file becomes the object (a second name for its bytes): flushed, then linked.
          await this.sync(path);
          await link(path, tmp);
          return;
        } catch (err) {
          // Another file system (EXDEV) or no hard links: copy instead.
          if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes(errno(err) ?? '')) throw err;
        }
      }
      await copyFile(path, tmp);
      await this.sync(tmp);
    });
  }

  async putBytes(key: string, bytes: Uint8Array, _contentType: string): Promise<void> {
    await this.write(key, async (tmp) => {
      const fh = await open(tmp, 'wx', 0o640);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
  }

  /** Streams `source` into `key` (bench and tools: what one direct write to the store costs). */
  async putStream(key: string, source: Readable): Promise<void> {
    await this.write(key, async (tmp) => {
      await pipeline(source, createWriteStream(tmp, { flags: 'wx', mode: 0o640, highWaterMark: LOCAL_READ_CHUNK, flush: true }));
    });
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (errno(err) === 'ENOENT') {
        await this.assertUsable();
        throw new ObjectNotFoundError(key);
      }
      throw this.wrap(err);
    }
    return fh.createReadStream({ start: range?.start, end: range?.end, highWaterMark: LOCAL_READ_CHUNK });
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { size: s.size, lastModified: s.mtime } : null;
    } catch (err) {
      if (errno(err) === 'ENOENT') {
        await this.assertUsable();
        return null;
      }
      throw this.wrap(err);
    }
  }

  async remove(key: string): Promise<void> {
    const path = this.pathOf(key);
    await this.assertUsable();
    try {
      await rm(path, { force: true });
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async copy(from: string, to: string, _contentType: string): Promise<void> {
    const source = this.pathOf(from);
    try {
      await stat(source);
    } catch (err) {
      if (errno(err) === 'ENOENT') {
        await this.assertUsable();
        throw new ObjectNotFoundError(from);
      }
      throw this.wrap(err);
    }
    // Objects never change in place: a second name for the same bytes is a copy.
    await this.putFile(to, source, { size: 0, sha256: '', contentType: _contentType }, { adopt: true });
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    await this.assertUsable();
    // The deepest directory the prefix names whole; its entries are filtered by the rest.
    const cut = prefix.lastIndexOf('/');
    const dirKey = cut >= 0 ? prefix.slice(0, cut) : '';
    const dir = dirKey ? this.pathOf(dirKey) : this.root;
    yield* this.walk(dir, dirKey ? `${dirKey}/` : '', prefix);
  }

  private async *walk(dir: string, keyPrefix: string, wanted: string): AsyncIterable<ListedObject> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return;
      throw this.wrap(err);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (!KEY_SEGMENT.test(e.name)) continue; // .tmp, the marker, anything not a key
      const key = keyPrefix + e.name;
      if (e.isDirectory()) {
        if (`${key}/`.startsWith(wanted) || wanted.startsWith(`${key}/`)) yield* this.walk(join(dir, e.name), `${key}/`, wanted);
      } else if (e.isFile() && key.startsWith(wanted)) {
        try {
          const s = await stat(join(dir, e.name));
          yield { key, size: s.size, lastModified: s.mtime };
        } catch (err) {
          if (errno(err) !== 'ENOENT') throw this.wrap(err); // removed meanwhile
        }
      }
    }
  }

  async sweepIncomplete(olderThan: Date): Promise<number> {
    await this.assertUsable();
    const dir = join(this.root, TMP);
    let removed = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      try {
        const s = await stat(path);
        if (s.mtime < olderThan) {
          await rm(path, { force: true });
          removed++;
        }
      } catch {
        /* removed meanwhile */
      }
    }
    return removed;
  }
}

/** The store's directory under DATA_DIR. */
export function localStorageRoot(dataDir: string): string {
  return join(dataDir, 'storage');
}
