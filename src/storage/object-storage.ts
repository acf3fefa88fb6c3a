import type { Readable } from 'node:stream';

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

/**
 * The one driver interface for object storage (S3 / MinIO / embedded s3rver). Services never
 * talk to an S3 client directly. Every method throws when storage is unreachable; the error
 * filter turns that into 503.
 */
export abstract class ObjectStorage {
  abstract readonly bucket: string;
  /** Creates the bucket if it is missing. */
  abstract ensureBucket(): Promise<void>;
  /** Cheap reachability check for /health/ready. */
  abstract ping(): Promise<void>;
  /**
   * Stores a local file with one streaming PUT (memory stays flat). `sha256` is the hex digest of
   * the file, already computed by the caller; S3 verifies it when the connection is not TLS.
   */
  abstract putFile(key: string, path: string, meta: { size: number; sha256: string; contentType: string }): Promise<void>;
  /** Stores a small in-memory object (e.g. a rendered PDF). */
  abstract putBytes(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Streams an object, or the inclusive byte range of it. */
  abstract get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size and date of an object, or null when it does not exist. */
  abstract stat(key: string): Promise<ObjectInfo | null>;
  abstract remove(key: string): Promise<void>;
  abstract list(prefix: string): AsyncIterable<ListedObject>;
}
