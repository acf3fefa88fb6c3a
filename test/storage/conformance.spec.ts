/**
 * The ObjectStorage contract, run against both drivers: LocalObjectStorage (files) and
 * S3ObjectStorage (against a private s3rver). A driver that passes this suite can back the app.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { appLogger } from '../../src/common/logger.js';
import { toProblem } from '../../src/common/problem.js';
import { EmbeddedS3 } from '../../src/storage/embedded-s3.js';
import { LocalObjectStorage } from '../../src/storage/local-object-storage.js';
import { ObjectNotFoundError, ObjectStorage } from '../../src/storage/object-storage.js';
import { S3ObjectStorage } from '../../src/storage/s3-object-storage.js';
import { startPrivateS3 } from '../support/services.js';

appLogger.setLevel('error');

interface Harness {
  storage: ObjectStorage;
  /** Makes the store unreachable (S3 server stopped; the local store's directory gone). */
  takeDown(): Promise<void>;
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function keysOf(storage: ObjectStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of storage.list(prefix)) keys.push(o.key);
  return keys.sort();
}

const drivers: [string, (dir: string) => Promise<Harness>][] = [
  [
    'local',
    async (dir) => {
      const root = join(dir, 'store');
      const storage = new LocalObjectStorage(root);
      await storage.prepare();
      return {
        storage,
        takeDown: async () => renameSync(root, join(dir, 'store-unmounted')),
        close: async () => undefined,
      };
    },
  ],
  [
    's3',
    async (dir) => {
      const s3: EmbeddedS3 = await startPrivateS3(dir, 'eiso-conformance');
      const storage = new S3ObjectStorage(s3.endpoint, { accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: 'eiso-conformance', region: 'us-east-1' });
      await storage.prepare();
      return { storage, takeDown: () => s3.close(), close: () => s3.close().catch(() => undefined) };
    },
  ],
];

describe.each(drivers)('object storage driver: %s', (driver, make) => {
  let dir: string;
  let h: Harness;
  let storage: ObjectStorage;
  const key = (name: string) => `conformance/${driver}/${name}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `eiso-conformance-${driver}-`));
    h = await make(dir);
    storage = h.storage;
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names itself and answers ping', async () => {
    expect(storage.driver).toBe(driver);
    expect(storage.location).toBeTruthy();
    await expect(storage.ping()).resolves.toBeUndefined();
    await expect(storage.prepare()).resolves.toBeUndefined(); // idempotent
  });

  it('puts a file and bytes, and gets them back whole, by range, with stat', async () => {
    const bytes = randomBytes(300_000);
    const file = join(dir, 'source.bin');
    writeFileSync(file, bytes);
    const before = Date.now() - 5000;
    await storage.putFile(key('file'), file, { size: bytes.length, sha256: sha256(bytes), contentType: 'application/pdf' });
    expect(Buffer.compare(await bytesOf(await storage.get(key('file'))), bytes)).toBe(0);
    expect(Buffer.compare(await bytesOf(await storage.get(key('file'), { start: 1000, end: 1999 })), bytes.subarray(1000, 2000))).toBe(0);
    expect(Buffer.compare(await bytesOf(await storage.get(key('file'), { start: bytes.length - 1, end: bytes.length - 1 })), bytes.subarray(-1))).toBe(0);
    const info = await storage.stat(key('file'));
    expect(info?.size).toBe(bytes.length);
    expect(info!.lastModified.getTime()).toBeGreaterThan(before);

    await storage.putBytes(key('small'), Buffer.from('%PDF-1.7 nhỏ'), 'application/pdf');
    expect((await bytesOf(await storage.get(key('small')))).toString()).toBe('%PDF-1.7 nhỏ');
    // A second put replaces the object.
    await storage.putBytes(key('small'), Buffer.from('thay thế'), 'application/pdf');
    expect((await bytesOf(await storage.get(key('small')))).toString()).toBe('thay thế');
  });

  it('takes over an adopted file: the caller may delete it afterwards', async () => {
    const bytes = randomBytes(50_000);
    const file = join(dir, 'adopted.bin');
    writeFileSync(file, bytes);
    await storage.putFile(key('adopted'), file, { size: bytes.length, sha256: sha256(bytes), contentType: 'application/pdf' }, { adopt: true });
    rmSync(file);
    expect(Buffer.compare(await bytesOf(await storage.get(key('adopted'))), bytes)).toBe(0);
  });

  it('copies an object to another key', async () => {
    await storage.putBytes(key('copy-from'), Buffer.from('bản gốc'), 'application/octet-stream');
    await storage.copy(key('copy-from'), key('copy-to'), 'application/pdf');
    expect((await bytesOf(await storage.get(key('copy-to')))).toString()).toBe('bản gốc');
    await storage.remove(key('copy-from'));
    expect((await bytesOf(await storage.get(key('copy-to')))).toString()).toBe('bản gốc');
    await expect(storage.copy(key('no-such'), key('copy-2'), 'application/pdf')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('a missing object: stat is null, get is ObjectNotFoundError, remove is no error', async () => {
    expect(await storage.stat(key('missing'))).toBeNull();
    await expect(storage.get(key('missing'))).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.get(key('missing'), { start: 0, end: 9 })).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.remove(key('missing'))).resolves.toBeUndefined();
    await storage.putBytes(key('gone'), Buffer.from('x'), 'text/plain');
    await storage.remove(key('gone'));
    expect(await storage.stat(key('gone'))).toBeNull();
  });

  it('lists by prefix, nested keys included, with size and date', async () => {
    for (const k of ['list/a/1', 'list/a/2', 'list/ab/3', 'list/b/4']) await storage.putBytes(key(k), Buffer.from(k), 'text/plain');
    expect(await keysOf(storage, key('list/a/'))).toEqual([key('list/a/1'), key('list/a/2')]);
    expect(await keysOf(storage, key('list/a'))).toEqual([key('list/a/1'), key('list/a/2'), key('list/ab/3')]);
    expect(await keysOf(storage, key('list/'))).toHaveLength(4);
    expect(await keysOf(storage, key('nothing/'))).toEqual([]);
    const listed = [];
    for await (const o of storage.list(key('list/b/'))) listed.push(o);
    expect(listed.map((o) => [o.key, o.size])).toEqual([[key('list/b/4'), 'list/b/4'.length]]);
    expect(Math.abs(listed[0].lastModified.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('pages past 1,000 objects under one prefix', async () => {
    const names = Array.from({ length: 1100 }, (_, i) => key(`many/${randomBytes(4).toString('hex')}-${i}`));
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((k) => storage.putBytes(k, Buffer.from('1'), 'text/plain')));
    expect(await keysOf(storage, key('many/'))).toEqual([...names].sort());
  }, 120_000);

  it('stages an upload of a declared size (S3) or has no need to (local)', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const staged = storage.stageUpload(bytes.length);
    if (driver === 'local') {
      expect(staged).toBeNull();
      return;
    }
    expect(staged).not.toBeNull();
    for (let i = 0; i < bytes.length; i += 65536) {
      if (!staged!.sink.write(bytes.subarray(i, i + 65536))) await new Promise((r) => staged!.sink.once('drain', r));
    }
    staged!.sink.end();
    await staged!.done;
    expect(Buffer.compare(await bytesOf(await storage.get(staged!.key)), bytes)).toBe(0);
    // An aborted stage stores nothing.
    const cut = storage.stageUpload(1024 * 1024)!;
    cut.sink.write(Buffer.alloc(1000));
    cut.abort();
    await expect(cut.done).rejects.toBeDefined();
    await new Promise((r) => setTimeout(r, 200));
    expect(await storage.stat(cut.key)).toBeNull();
    // Stale staged uploads are swept; fresh ones are kept.
    expect(await storage.sweepIncomplete(new Date(Date.now() - 3600_000))).toBe(0);
    expect(await storage.sweepIncomplete(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await storage.stat(staged!.key)).toBeNull();
  });

  it('sweeps the temporary files of interrupted writes (local)', async () => {
    if (!(storage instanceof LocalObjectStorage)) return;
    const leftover = join(storage.root, '.tmp', 'put-left-by-a-crash');
    writeFileSync(leftover, 'half');
    expect(await storage.sweepIncomplete(new Date(Date.now() - 3600_000))).toBe(0);
    expect(await storage.sweepIncomplete(new Date(Date.now() + 60_000))).toBe(1);
    expect(existsSync(leftover)).toBe(false);
    // Temporary files are never listed as objects.
    expect((await keysOf(storage, '')).some((k) => k.includes('.tmp') || k.includes('.eiso'))).toBe(false);
  });

  it('refuses keys that would leave the store', async () => {
    if (driver !== 'local') return;
    for (const bad of ['../x', 'a/../../x', '/abs', 'a//b', '.tmp/x']) await expect(storage.putBytes(bad, Buffer.from('x'), 'text/plain')).rejects.toThrow(/invalid object key/);
  });

  it('when the store is down, every operation fails with an error the API answers as 503', async () => {
    await storage.putBytes(key('before-down'), Buffer.from('x'), 'text/plain');
    await h.takeDown();
    const file = join(dir, 'down.bin');
    writeFileSync(file, 'x');
    const attempts: [string, () => Promise<unknown>][] = [
      ['ping', () => storage.ping()],
      ['putFile', () => storage.putFile(key('down'), file, { size: 1, sha256: sha256(Buffer.from('x')), contentType: 'text/plain' })],
      ['putBytes', () => storage.putBytes(key('down'), Buffer.from('x'), 'text/plain')],
      ['get', () => storage.get(key('before-down'))],
      ['get missing', () => storage.get(key('missing'))],
      ['stat', () => storage.stat(key('before-down'))],
      ['stat missing', () => storage.stat(key('missing'))],
      ['remove', () => storage.remove(key('before-down'))],
      ['copy', () => storage.copy(key('before-down'), key('down-copy'), 'text/plain')],
      ['list', async () => keysOf(storage, key(''))],
    ];
    for (const [name, attempt] of attempts) {
      const err = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect([name, err === null ? 'resolved' : toProblem(err).problem.status]).toEqual([name, 503]);
    }
  }, 60_000);
});
