import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import * as Minio from 'minio';
import { DependencyTimeoutError } from '../common/dependency-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { STAGING_PREFIX } from './object-keys.js';
import { ByteRange, ListedObject, ObjectInfo, ObjectNotFoundError, ObjectStorage, StagedUpload } from './object-storage.js';

/** Buffer of a staged upload between the incoming request and the PUT. */
const STAGE_BUFFER = 1024 * 1024;

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'NotFound' || code === 'NoSuchKey' || code === 'NoSuchObject';
}

function drainResponse(res: http.IncomingMessage): Promise<void> {
  res.resume();
  return new Promise<void>((resolve, reject) => res.on('end', resolve).on('error', reject));
}

/**
 * A request to S3 that has sent nothing back (not even its response headers) for this long fails
 * with a DependencyTimeoutError: a hung server (or one stopped with SIGSTOP, whose kernel still
 * accepts connections) must not hold a request — and the transaction and locks it may hold — forever.
 * Only the wait for the answer is timed: a response body a slow client reads is not cut.
 */
export const S3_REQUEST_TIMEOUT_MS = 30_000;

function timedTransport(useSSL: boolean, timeoutMs: number): Minio.ClientOptions['transport'] {
  const base = useSSL ? https : http;
  const request = (opts: http.RequestOptions, cb?: (res: http.IncomingMessage) => void): http.ClientRequest => {
    const req = base.request(opts, cb);
    req.setTimeout(timeoutMs, () => req.destroy(new DependencyTimeoutError('storage', `S3 did not answer within ${timeoutMs} ms`)));
    req.once('response', () => req.setTimeout(0));
    return req;
  };
  return { request } as unknown as Minio.ClientOptions['transport'];
}

/**
 * ObjectStorage over any S3-compatible server, through the `minio` client. Every object is one
 * PUT (s3rver, the test server, cannot list multipart uploads); listings page with ListObjects
 * markers (s3rver's ListObjectsV2 continuation token uses DES, which Node 20's OpenSSL refuses).
 */
export class S3ObjectStorage extends ObjectStorage {
  readonly driver = 's3' as const;
  readonly location: string;
  private readonly client: Minio.Client;
  /** Uploads stream a file body; a retry could not replay it, so this client never retries. */
  private readonly uploadClient: Minio.Client;
  /** Staged uploads: bytes whose hash is not known yet, so the payload is not signed. */
  private readonly streamClient: Minio.Client;
  private readonly sha256Signed: boolean;
  readonly bucket: string;
  private readonly region: string;

  constructor(endpoint: string, s3: Pick<AppConfig['s3'], 'accessKey' | 'secretKey' | 'bucket' | 'region'>, requestTimeoutMs = S3_REQUEST_TIMEOUT_MS) {
    super();
    this.location = `${endpoint.replace(/\/+$/, '')}/${s3.bucket}`;
    const url = new URL(endpoint);
    const useSSL = url.protocol === 'https:';
    const opts: Minio.ClientOptions = {
      transport: timedTransport(useSSL, requestTimeoutMs),
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      region: s3.region,
      pathStyle: true,
      // Large enough that every accepted file is one PUT (s3rver cannot list multipart uploads).
      partSize: 5 * 1024 * 1024 * 1024,
    };
    this.client = new Minio.Client(opts);
    this.uploadClient = new Minio.Client({ ...opts, retryOptions: { disableRetry: true } });
    this.streamClient = new Minio.Client({ ...opts, retryOptions: { disableRetry: true } });
    (this.streamClient as unknown as { enableSHA256: boolean }).enableSHA256 = false;
    this.sha256Signed = !useSSL;
    this.bucket = s3.bucket;
    this.region = s3.region;
  }

  async prepare(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      try {
        await this.client.makeBucket(this.bucket, this.region);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
      }
    }
  }

  async ping(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) throw new Error(`bucket ${this.bucket} does not exist`);
  }

  async putFile(key: string, path: string, meta: { size: number; sha256: string; contentType: string }): Promise<void> {
    const res = await this.uploadClient.makeRequestStreamAsync(
      {
        method: 'PUT',
        bucketName: this.bucket,
        objectName: key,
        headers: { 'Content-Length': String(meta.size), 'Content-Type': meta.contentType },
      },
      createReadStream(path),
      this.sha256Signed ? meta.sha256 : '',
      [200],
      this.region,
    );
    await drainResponse(res);
  }

  async putBytes(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await this.client.putObject(this.bucket, key, buf, buf.length, { 'Content-Type': contentType });
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      if (range) return await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1);
      return await this.client.getObject(this.bucket, key);
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await this.client.statObject(this.bucket, key);
      return { size: s.size, lastModified: s.lastModified };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.removeObject(this.bucket, key);
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    // ListObjects (v1) pages by marker (the last key of the previous page).
    const stream = this.client.listObjects(this.bucket, prefix, true);
    for await (const item of stream as AsyncIterable<Minio.BucketItem>) {
      if (item.name) yield { key: item.name, size: item.size, lastModified: item.lastModified ?? new Date(0) };
    }
  }

  /**
   * Server-side copy. When the source already carries `contentType` its metadata is copied as it
   * is (COPY): S3 servers that keep an object's checksum with its metadata (s3rver) then copy it
   * too, where REPLACE makes them read the whole new object again to compute it.
   */
  async copy(from: string, to: string, contentType: string): Promise<void> {
    try {
      const source = await this.client.statObject(this.bucket, from);
      const sameType = String(source.metaData?.['content-type'] ?? '').toLowerCase() === contentType.toLowerCase();
      await this.client.copyObject(
        new Minio.CopySourceOptions({ Bucket: this.bucket, Object: from }),
        new Minio.CopyDestinationOptions(
          sameType ? { Bucket: this.bucket, Object: to } : { Bucket: this.bucket, Object: to, MetadataDirective: 'REPLACE', Headers: { 'Content-Type': contentType } },
        ),
      );
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(from);
      throw err;
    }
  }

  async sweepIncomplete(olderThan: Date): Promise<number> {
    let removed = 0;
    for await (const obj of this.list(STAGING_PREFIX)) {
      if (obj.lastModified >= olderThan) continue;
      await this.remove(obj.key);
      removed++;
    }
    return removed;
  }

  override get stagesUploads(): boolean {
    return true;
  }

  /** One PUT of `size` bytes to `key` (default `uploads/<uuid>`) fed from `sink` as the bytes arrive. */
  override stageUpload(size: number, contentType = 'application/octet-stream', key = `${STAGING_PREFIX}${randomUUID()}`): StagedUpload {
    const sink = new PassThrough({ highWaterMark: STAGE_BUFFER });
    const done = this.streamClient
      .makeRequestStreamAsync(
        { method: 'PUT', bucketName: this.bucket, objectName: key, headers: { 'Content-Length': String(size), 'Content-Type': contentType } },
        sink,
        '',
        [200],
        this.region,
      )
      .then(drainResponse);
    // The caller may never await it (an aborted stage): its failure is only what `done` reports.
    done.catch(() => undefined);
    return {
      key,
      size,
      sink,
      done,
      abort: () => sink.destroy(new Error('staged upload aborted')),
    };
  }
}
