import type { Readable, Writable } from 'node:stream';

export interface ObjectInfo {
  size: number;
  lastModified: Date;
}

export interface ListedObject extends ObjectInfo {
  key: string;
}

export interface ByteRange {
  /** Inclusive start offset. */
  start: number;
  /** Inclusive end offset. */
  end: number;
}

export type StorageDriver = 'local' | 's3';

export interface PutFileOptions {
  /**
   * The caller hands the file over: it will never change it again and only deletes it. A driver
   * may then take the bytes without copying them (the local driver links the file into place).
   */
  adopt?: boolean;
}

/**
 * An object being written while its bytes still arrive (the upload fast path, S3 only): the
 * driver has started one PUT of `size` bytes under a temporary key. Bytes go to `sink`; `done`
 * settles once storage has answered. `abort()` cuts the PUT (nothing is stored under the key).
 */
export interface StagedUpload {
  readonly key: string;
  readonly size: number;
  readonly sink: Writable;
  readonly done: Promise<void>;
  abort(): void;
}

/** `get` of a key that holds no object (the same for every driver). */
export class ObjectNotFoundError extends Error {
  readonly code = 'NoSuchKey';
  constructor(readonly key: string) {
    super(`no object under ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

/**
 * The one driver interface for object storage: `LocalObjectStorage` (files under DATA_DIR, the
 * default) and `S3ObjectStorage` (S3 / MinIO). Services never touch files or an S3 client
 * directly. Every method throws when storage is unusable: an S3 connection error (mapped to 503
 * by the error filter) or, for the local driver, `Errors.unavailable` (503).
 * test/storage/conformance.spec.ts holds both drivers to this contract.
 */
export abstract class ObjectStorage {
  abstract readonly driver: StorageDriver;
  /** Where the objects are (a directory, or endpoint and bucket): for /health/ready and logs. */
  abstract readonly location: string;
  /** Creates what is missing (the bucket, the store's directory). */
  abstract prepare(): Promise<void>;
  /** Cheap reachability check for /health/ready. */
  abstract ping(): Promise<void>;
  /**
   * Stores a local file (memory stays flat). `sha256` is the hex digest of the file, already
   * computed by the caller; S3 verifies it when the connection is not TLS. Replaces an object
   * already under `key`; readers see the old or the new object, never a part.
   */
  abstract putFile(key: string, path: string, meta: { size: number; sha256: string; contentType: string }, opts?: PutFileOptions): Promise<void>;
  /** Stores a small in-memory object (e.g. a rendered PDF). */
  abstract putBytes(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Streams an object, or the inclusive byte range of it; `ObjectNotFoundError` when there is none. */
  abstract get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size and date of an object, or null when it does not exist. */
  abstract stat(key: string): Promise<ObjectInfo | null>;
  /** Removes an object; removing a missing one is not an error. */
  abstract remove(key: string): Promise<void>;
  /**
   * Every object whose key starts with `prefix`, paged inside the driver (S3: ListObjects with a
   * marker, never a continuation token), in no guaranteed order.
   */
  abstract list(prefix: string): AsyncIterable<ListedObject>;
  /** Stores the object under `from` also under `to` (server side, no bytes through this process). */
  abstract copy(from: string, to: string, contentType: string): Promise<void>;
  /**
   * Removes what interrupted writes left behind before `olderThan` (the local driver's temporary
   * files, S3 staged uploads); returns how many. Run by the orphan sweep.
   */
  abstract sweepIncomplete(olderThan: Date): Promise<number>;

  /**
   * Starts storing an upload whose `size` is known before its bytes arrived, under a temporary
   * key, so that it is in storage when the last byte is in (then `copy` names it by its hash).
   * With `key` (the content key of a hash the client announced, see ContentStore.planUpload) it
   * is staged there instead, and no copy is needed; the caller then completes the PUT only with
   * bytes that hash to that key. Null when the driver gains nothing from it: the local driver
   * adopts the spooled file instead. `contentType` is the type the object is staged under (the
   * client's claim; `copy` keeps the staged metadata when the type decided by the bytes is the same).
   */
  stageUpload(_size: number, _contentType?: string, _key?: string): StagedUpload | null {
    return null;
  }

  /** Whether `stageUpload` stages anything (S3), so a content key is worth planning for. */
  get stagesUploads(): boolean {
    return false;
  }
}
