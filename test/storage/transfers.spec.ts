/**
 * Uploads enter the store without a second full pass: with S3 the bytes are staged under a
 * temporary key while they arrive and copied to their content key; with the local driver the
 * spooled file is linked into place. Also: what interrupted uploads leave behind is swept, and
 * the orphan sweep pages past 1,000 objects on s3rver.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { ContentStore } from '../../src/documents/content-store.js';
import { EmbeddedS3 } from '../../src/storage/embedded-s3.js';
import { LocalObjectStorage } from '../../src/storage/local-object-storage.js';
import { contentObjectKey, STAGING_PREFIX } from '../../src/storage/object-keys.js';
import { reprDigestOf } from '../../src/storage/digest-header.js';
import { ObjectStorage } from '../../src/storage/object-storage.js';
import { SpoolSweeper } from '../../src/storage/spool-sweeper.js';
import { fileDataOffset, SPOOL_HEAD_BYTES, STAGE_MIN_BYTES } from '../../src/storage/upload-spool.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { binary } from '../support/http.js';
import { startPrivateS3 } from '../support/services.js';
import { API, cast, Cast, code, createDocument, listen, repeatedChunks, streamUpload, uploadFile } from '../documents/helpers.js';
import { compoundFileWithDirectoryAt, docx, docxWithFirstEntry, pdf } from '../documents/samples.js';

const SIZE = STAGE_MIN_BYTES + 1024 * 1024 + 7;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function digestOf(chunks: Iterable<Buffer>): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

async function keys(storage: ObjectStorage, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of storage.list(prefix)) out.push(o.key);
  return out;
}

/** Records which way each upload entered the store. */
function observe(storage: ObjectStorage): { staged: string[]; copies: string[]; puts: string[] } {
  const seen = { staged: [] as string[], copies: [] as string[], puts: [] as string[] };
  const stage = storage.stageUpload.bind(storage);
  const copy = storage.copy.bind(storage);
  const putFile = storage.putFile.bind(storage);
  storage.stageUpload = (size, type, key) => {
    const s = stage(size, type, key);
    if (s) seen.staged.push(s.key);
    return s;
  };
  storage.copy = (from, to, type) => (seen.copies.push(from), copy(from, to, type));
  storage.putFile = (key, path, meta, opts) => (seen.puts.push(key), putFile(key, path, meta, opts));
  return seen;
}

describe('multipart: where the file data starts', () => {
  it('finds the first part with a filename, after other fields', () => {
    const b = 'XyZ';
    const body = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="note"\r\n\r\nghi chú\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF`);
    expect(body.subarray(fileDataOffset(body, b)!).toString()).toBe('%PDF');
    expect(fileDataOffset(body.subarray(0, 40), b)).toBeNull();
  });
});

describe('transfers with S3: staged while arriving, then copied to the content key', () => {
  let s3: EmbeddedS3;
  let t: TestApp;
  let c: Cast;
  let dataDir: string;
  let storage: ObjectStorage;
  let seen: ReturnType<typeof observe>;
  let port: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'eiso-transfers-s3-'));
    s3 = await startPrivateS3(dataDir);
    t = await createTestApp({ S3_ENDPOINT: s3.endpoint, DATA_DIR: dataDir });
    c = await cast(new Fixtures(t));
    storage = t.app.get(ObjectStorage);
    seen = observe(storage);
    port = await listen(t);
  });
  afterAll(async () => {
    await t.close();
    await s3.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const spool = () => (existsSync(join(dataDir, 'tmp')) ? readdirSync(join(dataDir, 'tmp')) : []);
  const upload = (draftId: string, prefix: Buffer, extra: { fieldsAfter?: Record<string, string>; headers?: Record<string, string>; finalCrlf?: boolean } = {}) =>
    streamUpload({ port, path: `${API}/revisions/${draftId}/files`, token: c.drafter.token, filename: 'Hồ sơ lớn.pdf', chunks: repeatedChunks(prefix, SIZE), fileSize: SIZE, ...extra });

  /** A draft to upload to, and the first bytes of a PDF-looking file unique to the test. */
  const largeDraft = async () => ({
    d: await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Hồ sơ lớn' }),
    prefix: Buffer.from(`%PDF-1.7\n% ${randomUUID()}\n`),
  });
  /** The SHA-256 of a recorded file as downloaded. */
  const downloaded = async (draftId: string, fileId: string) =>
    sha256((await t.http.get(`${API}/revisions/${draftId}/files/${fileId}`).set(bearer(c.drafter.token)).buffer(true).parse(binary)).body);

  it('a large file is staged while it arrives and copied to its content key: no second PUT', async () => {
    const { d, prefix } = await largeDraft();
    const before = { staged: seen.staged.length, copies: seen.copies.length };
    const res = await upload(d.draftId, prefix);
    expect(res.status).toBe(201);
    const expected = digestOf(repeatedChunks(prefix, SIZE));
    expect(res.body).toMatchObject({ size: SIZE, sha256: expected, mediaType: 'application/pdf' });
    expect(seen.staged.length).toBe(before.staged + 1);
    expect(seen.copies.slice(before.copies)).toEqual([seen.staged[seen.staged.length - 1]]);
    expect(seen.puts).not.toContain(contentObjectKey(expected)); // (renditions of the draft are put as usual)
    expect((await storage.stat(contentObjectKey(expected)))?.size).toBe(SIZE);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);
    expect(await downloaded(d.draftId, res.body.id)).toBe(expected);

    // The same bytes again: deduplicated, the staged copy removed.
    const again = await upload(d.draftId, prefix);
    expect(again.status).toBe(201);
    expect(again.body.sha256).toBe(expected);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
  }, 120_000);

  /** Uploads while watching the spool directory: the largest spool file seen. */
  async function watchingSpool<T>(work: () => Promise<T>): Promise<{ result: T; largest: number }> {
    let largest = 0;
    const look = () => {
      for (const name of spool()) {
        try {
          largest = Math.max(largest, statSync(join(dataDir, 'tmp', name)).size);
        } catch {
          /* removed meanwhile */
        }
      }
    };
    const timer = setInterval(look, 5);
    try {
      return { result: await work(), largest };
    } finally {
      clearInterval(timer);
    }
  }

  it('while a file is staged, only its first bytes are written to the spool file: the disk never holds it all', async () => {
    const { d, prefix } = await largeDraft();
    const { result: res, largest } = await watchingSpool(() => upload(d.draftId, prefix));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ size: SIZE, sha256: digestOf(repeatedChunks(prefix, SIZE)), mediaType: 'application/pdf' });
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(SPOOL_HEAD_BYTES + 256 * 1024);
    expect(spool()).toEqual([]);
  }, 120_000);

  it('a body the size prediction does not fit (a field after the file) is staged, and the file copied out of it, checked', async () => {
    const { d, prefix } = await largeDraft();
    const before = { staged: seen.staged.length, copies: seen.copies.length };
    const { result: res, largest } = await watchingSpool(() => upload(d.draftId, prefix, { fieldsAfter: { note: 'ghi chú sau tệp' } }));
    expect(res.status).toBe(201);
    const expected = digestOf(repeatedChunks(prefix, SIZE));
    expect(res.body).toMatchObject({ size: SIZE, sha256: expected });
    // Staged (completed with filler), then the file's bytes copied out to another temporary key, then to the content key.
    const staged = seen.staged.slice(before.staged);
    expect(staged).toHaveLength(2);
    expect(seen.copies.slice(before.copies)).toEqual([staged[1]]);
    expect(largest).toBeLessThanOrEqual(SPOOL_HEAD_BYTES + 256 * 1024);
    expect((await storage.stat(contentObjectKey(expected)))?.size).toBe(SIZE);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);
    expect(await downloaded(d.draftId, res.body.id)).toBe(expected);
  }, 120_000);

  it('bytes copied out of a stage that do not have the hash received are a 503: nothing stored, staged or recorded', async () => {
    const { d, prefix } = await largeDraft();
    const expected = digestOf(repeatedChunks(prefix, SIZE));
    // Storage gives back other bytes for the copy out of the stage (its ranged read from byte 0).
    const get = storage.get.bind(storage);
    storage.get = async (key, range) => {
      const body = await get(key, range);
      if (!key.startsWith(STAGING_PREFIX) || range?.start !== 0) return body;
      let first = true;
      return body.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            if (first) chunk = Buffer.concat([Buffer.from([chunk[0] ^ 0xff]), chunk.subarray(1)]);
            first = false;
            cb(null, chunk);
          },
        }),
      );
    };
    try {
      const res = await upload(d.draftId, prefix, { fieldsAfter: { note: 'ghi chú sau tệp' } });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('dependency_unavailable');
    } finally {
      storage.get = get;
    }
    expect(await storage.stat(contentObjectKey(expected))).toBeNull();
    expect(await t.db.query('SELECT 1 FROM revision_files WHERE revision_id = $1', [d.draftId])).toHaveLength(0);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);
  }, 120_000);

  it('a body that ends without the last CRLF (the file a few bytes longer than predicted) is stored correctly', async () => {
    const { d, prefix } = await largeDraft();
    const res = await upload(d.draftId, prefix, { finalCrlf: false });
    expect(res.status).toBe(201);
    const expected = digestOf(repeatedChunks(prefix, SIZE));
    expect(res.body).toMatchObject({ size: SIZE, sha256: expected });
    expect((await storage.stat(contentObjectKey(expected)))?.size).toBe(SIZE);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(await downloaded(d.draftId, res.body.id)).toBe(expected);
  }, 120_000);

  it('announced (Repr-Digest) and followed by another field, a staged file is a 400 naming the file: nothing stored, staged or recorded', async () => {
    const { d, prefix } = await largeDraft();
    const expected = digestOf(repeatedChunks(prefix, SIZE));
    const res = await upload(d.draftId, prefix, { headers: { 'Repr-Digest': reprDigestOf(expected) }, fieldsAfter: { note: 'ghi chú sau tệp' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0]).toMatchObject({ field: 'file' });
    expect(res.body.errors[0].message).toContain('last part');
    expect(await storage.stat(contentObjectKey(expected))).toBeNull();
    expect(await t.db.query('SELECT 1 FROM stored_objects WHERE sha256 = $1', [expected])).toHaveLength(0);
    expect(await t.db.query('SELECT 1 FROM revision_files WHERE revision_id = $1', [d.draftId])).toHaveLength(0);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);
    // Without the header the same body is stored.
    const plain = await upload(d.draftId, prefix, { fieldsAfter: { note: 'ghi chú sau tệp' } });
    expect(plain.status).toBe(201);
    expect(plain.body.sha256).toBe(expected);
  }, 120_000);

  it('a staged file followed by more than 4 MiB of other fields is a 400 naming the file: nothing stored or staged', async () => {
    const { d, prefix } = await largeDraft();
    const expected = digestOf(repeatedChunks(prefix, SIZE));
    const res = await upload(d.draftId, prefix, { fieldsAfter: { note: 'x'.repeat(5 * 1024 * 1024) } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'file' });
    expect(res.body.errors[0].message).toContain('last part');
    expect(await storage.stat(contentObjectKey(expected))).toBeNull();
    expect(await t.db.query('SELECT 1 FROM revision_files WHERE revision_id = $1', [d.draftId])).toHaveLength(0);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);
  }, 120_000);

  it('staged files whose type shows only past their first bytes are sniffed from the staged object: a DOCX, a legacy DOC', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Hồ sơ lớn' });
    // A DOCX whose first entry is a 9 MiB image: [Content_Types].xml comes after it.
    const big = docxWithFirstEntry({ name: 'word/media/image1.png', data: randomBytes(STAGE_MIN_BYTES + 1024 * 1024) });
    // A DOC whose directory sector lies past the first 1 MiB.
    const doc = compoundFileWithDirectoryAt('WordDocument', 2200, STAGE_MIN_BYTES + 512 * 1024);
    for (const [bytes, filename, mediaType] of [
      [big, 'Biểu mẫu lớn.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [doc, 'Biểu mẫu cũ.doc', 'application/msword'],
    ] as const) {
      const before = seen.staged.length;
      const res = await streamUpload({ port, path: `${API}/revisions/${d.draftId}/files`, token: c.drafter.token, filename, chunks: [bytes], fileSize: bytes.length });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ mediaType, size: bytes.length, sha256: sha256(bytes) });
      expect(seen.staged.length).toBe(before + 1);
    }
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);
  }, 120_000);

  it('a file whose SHA-256 the client announces (Repr-Digest) is staged under its content key: no copy, no second PUT', async () => {
    const { d, prefix } = await largeDraft();
    const expected = digestOf(repeatedChunks(prefix, SIZE));
    const before = { staged: seen.staged.length, copies: seen.copies.length, puts: seen.puts.length };
    const res = await upload(d.draftId, prefix, { headers: { 'Repr-Digest': reprDigestOf(expected) } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ size: SIZE, sha256: expected, mediaType: 'application/pdf' });
    expect(seen.staged.slice(before.staged)).toEqual([contentObjectKey(expected)]);
    expect(seen.copies.length).toBe(before.copies);
    expect(seen.puts.slice(before.puts)).not.toContain(contentObjectKey(expected));
    expect((await storage.stat(contentObjectKey(expected)))?.size).toBe(SIZE);
    expect(await t.db.query('SELECT 1 FROM stored_objects WHERE sha256 = $1', [expected])).toHaveLength(1);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);
    expect(await downloaded(d.draftId, res.body.id)).toBe(expected);

    // Announced again, now stored: nothing staged (deduplicated), the stored object untouched.
    const again = await upload(d.draftId, prefix, { headers: { 'Repr-Digest': reprDigestOf(expected) } });
    expect(again.status).toBe(201);
    expect(again.body.sha256).toBe(expected);
    expect(seen.staged.length).toBe(before.staged + 1);
    expect(seen.copies.length).toBe(before.copies);
    expect((await storage.stat(contentObjectKey(expected)))?.size).toBe(SIZE);
  }, 120_000);

  it('bytes that do not have the announced SHA-256 are a 400 and leave nothing stored, staged or recorded', async () => {
    const { d, prefix } = await largeDraft();
    const actual = digestOf(repeatedChunks(prefix, SIZE));
    // Announced: the same bytes but the last one (only the chunk that would complete the PUT differs).
    const claimedBytes = Buffer.concat([...repeatedChunks(prefix, SIZE)]);
    claimedBytes[SIZE - 1] ^= 0xff;
    const claimed = sha256(claimedBytes);
    const before = seen.staged.length;
    const res = await upload(d.draftId, prefix, { headers: { 'Repr-Digest': reprDigestOf(claimed) } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.errors)).toContain('Repr-Digest');
    expect(seen.staged.slice(before)).toEqual([contentObjectKey(claimed)]);
    for (const h of [claimed, actual]) {
      expect(await storage.stat(contentObjectKey(h))).toBeNull();
      expect(await t.db.query('SELECT 1 FROM stored_objects WHERE sha256 = $1', [h])).toHaveLength(0);
    }
    expect(await t.db.query('SELECT 1 FROM revision_files WHERE revision_id = $1', [d.draftId])).toHaveLength(0);
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);

    // A malformed digest is refused before the body is read.
    const bad = await upload(d.draftId, prefix, { headers: { 'Repr-Digest': 'sha-256=:bm90IDMyIGJ5dGVz:' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.connection).toBe('close');
    expect(seen.staged.length).toBe(before + 1);
  }, 120_000);

  it('a large file of a refused type (415) or an aborted upload leaves nothing staged or spooled', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Hồ sơ lớn' });
    const refused = await upload(d.draftId, Buffer.from('MZ this is no document'));
    expect(refused.status).toBe(415);
    expect(await t.db.query('SELECT 1 FROM revision_files WHERE revision_id = $1', [d.draftId])).toHaveLength(0);
    // Announced and staged under its content key, then refused: the object goes again.
    const mz = Buffer.from(`MZ ${randomUUID()} is no document`);
    const mzHash = digestOf(repeatedChunks(mz, SIZE));
    const refusedAnnounced = await upload(d.draftId, mz, { headers: { 'Repr-Digest': reprDigestOf(mzHash) } });
    expect(refusedAnnounced.status).toBe(415);
    expect(seen.staged[seen.staged.length - 1]).toBe(contentObjectKey(mzHash));
    expect(await storage.stat(contentObjectKey(mzHash))).toBeNull();
    expect(await t.db.query('SELECT 1 FROM stored_objects WHERE sha256 = $1', [mzHash])).toHaveLength(0);

    // The client goes away half-way (announcing a digest: staged under that content key).
    const claim = randomBytes(32).toString('hex');
    await new Promise<void>((resolve) => {
      const boundary = 'eisoAbort';
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7\n`);
      const req = httpRequest({
        host: '127.0.0.1',
        agent: false, // a connection of its own (see streamUpload)
        port,
        path: `${API}/revisions/${d.draftId}/files`,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${c.drafter.token}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(head.length + SIZE + boundary.length + 8),
          'Repr-Digest': reprDigestOf(claim),
        },
      });
      req.on('error', () => resolve());
      req.write(head);
      // Cut once the server has started staging it (or after 5 s, and the expectation below fails).
      const cut = (waited = 0) =>
        seen.staged.includes(contentObjectKey(claim)) || waited >= 5000 ? setTimeout(() => (req.destroy(), resolve()), 100) : setTimeout(() => cut(waited + 50), 50);
      req.write(Buffer.alloc(4 * 1024 * 1024, 0x41), () => cut());
    });
    const leftOver = async () => (await keys(storage, STAGING_PREFIX)).length || spool().length || (await storage.stat(contentObjectKey(claim))) !== null;
    for (let i = 0; i < 40 && (await leftOver()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await keys(storage, STAGING_PREFIX)).toEqual([]);
    expect(spool()).toEqual([]);
    expect(await storage.stat(contentObjectKey(claim))).toBeNull();
  }, 120_000);

  it('the orphan sweep finds unregistered objects past 1,000 in one shard on s3rver (no continuation token)', async () => {
    const store = t.app.get(ContentStore);
    const shard = randomBytes(1).toString('hex');
    const stray = Array.from({ length: 1010 }, () => contentObjectKey(shard + randomBytes(31).toString('hex')));
    for (let i = 0; i < stray.length; i += 50) await Promise.all(stray.slice(i, i + 50).map((k) => storage.putBytes(k, Buffer.from('%PDF-1.7 mồ côi'), 'application/pdf')));
    // A registered object in the same shard survives.
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Giữ lại' });
    const kept = await uploadFile(t, c.drafter, d.draftId, 'giữ.docx', docx(randomUUID()));
    expect(kept.status).toBe(201);
    const result = await store.sweepUnregisteredObjects({ minAgeMs: 0, limit: 10_000 });
    expect(result.objectsRemoved).toBeGreaterThanOrEqual(1010);
    expect((await keys(storage, `objects/sha256/${shard}/`)).filter((k) => stray.includes(k))).toEqual([]);
    expect(await storage.stat(contentObjectKey(kept.body.sha256))).not.toBeNull();
  }, 300_000);

  it('staged uploads left by a crash are removed by the orphan sweep once old', async () => {
    const left = storage.stageUpload(4)!;
    left.sink.end(Buffer.from('half'));
    await left.done;
    const store = t.app.get(ContentStore);
    expect((await store.sweepOrphans()).incompleteRemoved).toBe(0);
    expect(await storage.stat(left.key)).not.toBeNull();
    expect((await store.sweepOrphans({ minAgeMs: -60_000 })).incompleteRemoved).toBe(1);
    expect(await storage.stat(left.key)).toBeNull();
  }, 120_000);
});

describe('transfers with S3: storage going away while a file is staged', () => {
  it('is a 503 with nothing recorded or spooled: only the first bytes were ever on disk', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'eiso-transfers-s3-down-'));
    const s3 = await startPrivateS3(dataDir);
    const t = await createTestApp({ S3_ENDPOINT: s3.endpoint, DATA_DIR: dataDir });
    try {
      const c = await cast(new Fixtures(t));
      const storage = t.app.get(ObjectStorage);
      const seen = observe(storage);
      const port = await listen(t);
      const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Hồ sơ lớn' });
      const prefix = Buffer.from(`%PDF-1.7\n% ${randomUUID()}\n`);
      // The body is sent slowly; storage stops once the server has started staging it.
      let closed = false;
      async function* slowly() {
        let sent = 0;
        for (const chunk of repeatedChunks(prefix, SIZE)) {
          yield chunk;
          sent += chunk.length;
          if (sent > 2 * 1024 * 1024 && seen.staged.length && !closed) {
            closed = true;
            await s3.close();
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }
      const res = await streamUpload({ port, path: `${API}/revisions/${d.draftId}/files`, token: c.drafter.token, filename: 'Hồ sơ lớn.pdf', chunks: slowly(), fileSize: SIZE });
      expect(seen.staged).toHaveLength(1);
      expect(res.status).toBe(503);
      expect((res.body as { code: string }).code).toBe('dependency_unavailable');
      expect(await t.db.query('SELECT 1 FROM revision_files WHERE revision_id = $1', [d.draftId])).toHaveLength(0);
      const spoolDir = join(dataDir, 'tmp');
      expect(existsSync(spoolDir) ? readdirSync(spoolDir) : []).toEqual([]);
    } finally {
      await t.close();
      await s3.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('transfers with the local driver: the spooled file is linked into place', () => {
  let t: TestApp;
  let second: TestApp;
  let c: Cast;
  let dataDir: string;
  let storage: LocalObjectStorage;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'eiso-transfers-local-'));
    // A spool file left by an API killed mid-upload two hours ago, and one of an upload in progress.
    mkdirSync(join(dataDir, 'tmp'), { recursive: true });
    writeFileSync(join(dataDir, 'tmp', 'upload-killed'), 'half an upload');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(dataDir, 'tmp', 'upload-killed'), old, old);
    writeFileSync(join(dataDir, 'tmp', 'upload-in-progress'), 'arriving');
    mkdirSync(join(dataDir, 'rendition-tmp'), { recursive: true });
    writeFileSync(join(dataDir, 'rendition-tmp', 'rendition-killed.pdf'), '%PDF-1.7 half');
    utimesSync(join(dataDir, 'rendition-tmp', 'rendition-killed.pdf'), old, old);
    t = await createTestApp({ S3_ENDPOINT: undefined, STORAGE_DRIVER: 'local', DATA_DIR: dataDir });
    // Another process of the same machine (a separate worker, a second API) shares DATA_DIR.
    second = await createTestApp({ S3_ENDPOINT: undefined, STORAGE_DRIVER: 'local', DATA_DIR: dataDir });
    c = await cast(new Fixtures(t));
    storage = t.app.get(ObjectStorage) as LocalObjectStorage;
  });
  afterAll(async () => {
    await Promise.all([t.close(), second.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sweeps spool files left by killed uploads and renders at start-up, and stale ones on its timer, never fresh ones', async () => {
    const tmp = join(dataDir, 'tmp');
    expect(existsSync(join(tmp, 'upload-killed'))).toBe(false);
    expect(existsSync(join(dataDir, 'rendition-tmp', 'rendition-killed.pdf'))).toBe(false);
    expect(existsSync(join(tmp, 'upload-in-progress'))).toBe(true);
    const sweeper = t.app.get(SpoolSweeper);
    expect(await sweeper.sweep()).toBe(0);
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(tmp, 'upload-in-progress'), old, old);
    writeFileSync(join(tmp, 'not-a-spool-file'), 'x');
    utimesSync(join(tmp, 'not-a-spool-file'), old, old);
    expect(await sweeper.sweep()).toBe(1);
    expect(readdirSync(tmp)).toEqual(['not-a-spool-file']);
    rmSync(join(tmp, 'not-a-spool-file'));
  });

  it('reports the local driver in /health/ready', async () => {
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.storage).toMatchObject({ status: 'up', driver: 'local' });
    expect(storage.root).toBe(join(dataDir, 'storage'));
  });

  it('stores uploads as files named by their hash, one copy of the bytes, served by every process', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Tài liệu cục bộ' });
    const bytes = docx(randomUUID());
    const up = await uploadFile(t, c.drafter, d.draftId, 'Biểu mẫu.docx', bytes, 'source');
    expect(up.status).toBe(201);
    const file = join(dataDir, 'storage', contentObjectKey(sha256(bytes)));
    expect(statSync(file).size).toBe(bytes.length);
    expect(statSync(file).nlink).toBe(1); // the spool's name is gone, the bytes were not copied
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
    for (const app of [t, second]) {
      const dl = await app.http.get(`${API}/revisions/${d.draftId}/files/${up.body.id}`).set(bearer(c.drafter.token)).buffer(true).parse(binary);
      expect(dl.status).toBe(200);
      expect(Buffer.compare(dl.body, bytes)).toBe(0);
      const part = await app.http.get(`${API}/revisions/${d.draftId}/files/${up.body.id}`).set(bearer(c.drafter.token)).set('Range', 'bytes=4-9').buffer(true).parse(binary);
      expect(part.status).toBe(206);
      expect(Buffer.compare(part.body, bytes.subarray(4, 10))).toBe(0);
    }
  });

  it('streams a large upload in and out', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Tài liệu lớn' });
    const prefix = Buffer.from(`%PDF-1.7\n% ${randomUUID()}\n`);
    const port = await listen(t);
    const res = await streamUpload({ port, path: `${API}/revisions/${d.draftId}/files`, token: c.drafter.token, filename: 'lớn.pdf', chunks: repeatedChunks(prefix, SIZE), fileSize: SIZE });
    expect(res.status).toBe(201);
    const expected = digestOf(repeatedChunks(prefix, SIZE));
    expect(res.body.sha256).toBe(expected);
    const dl = await second.http.get(`${API}/revisions/${d.draftId}/files/${res.body.id}`).set(bearer(c.drafter.token)).buffer(true).parse(binary);
    expect(sha256(dl.body)).toBe(expected);
  }, 120_000);

  it('the orphan sweep removes unregistered files of the local store and keeps registered ones', async () => {
    const store = t.app.get(ContentStore);
    const stray = pdf(randomUUID());
    await storage.putBytes(contentObjectKey(sha256(stray)), stray, 'application/pdf');
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Giữ' });
    const kept = await uploadFile(t, c.drafter, d.draftId, 'giữ.pdf', pdf(randomUUID()));
    await store.sweepUnregisteredObjects();
    expect(await storage.stat(contentObjectKey(sha256(stray)))).not.toBeNull();
    await store.sweepUnregisteredObjects({ minAgeMs: 0 });
    expect(await storage.stat(contentObjectKey(sha256(stray)))).toBeNull();
    expect(await storage.stat(contentObjectKey(kept.body.sha256))).not.toBeNull();
  });
});
