/**
 * Object storage throughput: uploads and downloads of one large file through the API
 * (multipart → temp file + SHA-256 → S3, and S3 → response) against the same operations directly
 * on the same S3 server (one streaming PUT with the hash precomputed, one streaming GET). The S3
 * server (s3rver) and the API each run in their own process; this process is the client. Also
 * prints the API process's peak RSS during the transfers. Prints figures; never passes or fails.
 *
 *   npm run bench:storage                       # 200 MB, 3 runs
 *   npm run bench:storage -- --size=500 --runs=2
 *
 * The API uses its own database (eiso_bench_storage on DATABASE_URL's server, recreated each run).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { S3ObjectStorage } from '../src/storage/s3-object-storage.js';
import { BENCH_ADMIN_PASSWORD, benchDatabaseUrl, Client, numArg, rssOf, startApi } from './api-process.js';
import { startS3 } from './support/processes.js';

const DB = 'eiso_bench_storage';
const BUCKET = 'eiso-bench';
const MiB = 1024 * 1024;

/** A PDF-looking file of `bytes` bytes, unique per call (so no upload is deduplicated). */
async function writeFile(path: string, bytes: number): Promise<void> {
  const block = randomBytes(MiB);
  const head = Buffer.from(`%PDF-1.7\n% bench ${randomBytes(8).toString('hex')}\n`);
  async function* chunks() {
    yield head;
    for (let left = bytes - head.length; left > 0; left -= MiB) yield block.subarray(0, Math.min(MiB, left));
  }
  await pipeline(chunks, createWriteStream(path));
}

function uploadThroughApi(base: string, token: string, revisionId: string, path: string, size: number): Promise<{ status: number; body: string }> {
  const url = new URL(`${base}/api/v1/revisions/${revisionId}/files?role=attachment`);
  const boundary = `----bench${randomBytes(6).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Sổ tay chất lượng.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(head.length + size + tail.length) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(head);
    const rs = createReadStream(path, { highWaterMark: MiB });
    rs.on('end', () => req.end(tail));
    rs.pipe(req, { end: false });
  });
}

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  for await (const c of stream as AsyncIterable<Buffer>) n += c.length;
  return n;
}

function downloadThroughApi(base: string, token: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}/api/v1${path}`);
    httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download: ${res.statusCode}`));
      drain(res).then(resolve, reject);
    })
      .on('error', reject)
      .end();
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const sizeMiB = numArg('size', 200);
  const runs = numArg('runs', 3);
  const size = sizeMiB * MiB;
  const work = mkdtempSync(join(tmpdir(), 'eiso-bench-storage-'));
  const dbUrl = benchDatabaseUrl(DB);
  const admin = new URL(dbUrl);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await c.end();

  const s3 = await startS3(join(work, 's3'));
  const api = await startApi({
    DATABASE_URL: dbUrl,
    DATA_DIR: join(work, 'data'),
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY: 'S3RVER',
    S3_SECRET_KEY: 'S3RVER',
    S3_BUCKET: BUCKET,
    MAX_UPLOAD_SIZE: `${Math.max(1024, sizeMiB * 2)}mb`,
    REDIS_PREFIX: `eiso_bench_storage_${process.pid}`,
  });
  const direct = new S3ObjectStorage(s3.endpoint, { accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: BUCKET, region: 'us-east-1' });
  try {
    const root = await new Client(api.url).login('admin', BENCH_ADMIN_PASSWORD);
    const agency = await root.ok<{ id: string }>('POST', '/agencies', { code: `BENCH-S-${process.pid}`, name: 'Sở Bench', level: 'province' });
    const u = await root.ok<{ id: string }>('POST', '/users', { username: `bench-drafter-${process.pid}`, fullName: 'Bench', password: 'bench-password-123' });
    await root.ok('PUT', `/agencies/${agency.id}/members/${u.id}`, { roles: ['drafter'] });
    const drafter = await new Client(api.url).login(`bench-drafter-${process.pid}`, 'bench-password-123');
    const doc = await drafter.ok<{ openDraft: { id: string } }>('POST', '/documents', { agencyId: agency.id, type: 'manual', code: 'ST-01', title: 'Sổ tay chất lượng' });
    const revisionId = doc.openDraft.id;

    const rows: Record<string, number[]> = { hash: [], apiUp: [], apiDown: [], s3Up: [], s3Down: [] };
    const apiBaseline = rssOf(api.pid);
    let apiPeak = apiBaseline;
    for (let i = 0; i < runs; i++) {
      const file = join(work, `file-${i}.pdf`);
      await writeFile(file, size);
      const actual = statSync(file).size;
      let t0 = performance.now();
      const sha256 = createHash('sha256');
      for await (const chunk of createReadStream(file, { highWaterMark: MiB })) sha256.update(chunk as Buffer);
      const hash = sha256.digest('hex');
      rows.hash.push(performance.now() - t0);

      // Through the API (a fresh file each run, so no run is deduplicated).
      const sampler = setInterval(() => (apiPeak = Math.max(apiPeak, rssOf(api.pid))), 25);
      t0 = performance.now();
      const up = await uploadThroughApi(api.url, drafter.token, revisionId, file, actual);
      rows.apiUp.push(performance.now() - t0);
      if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.body}`);
      const fileId = JSON.parse(up.body).id as string;
      t0 = performance.now();
      const got = await downloadThroughApi(api.url, drafter.token, `/revisions/${revisionId}/files/${fileId}`);
      rows.apiDown.push(performance.now() - t0);
      clearInterval(sampler);
      if (got !== actual) throw new Error(`downloaded ${got} of ${actual} bytes`);

      // Directly against the same S3 server.
      const key = `bench/direct-${i}-${hash}`;
      t0 = performance.now();
      await direct.putFile(key, file, { size: actual, sha256: hash, contentType: 'application/pdf' });
      rows.s3Up.push(performance.now() - t0);
      t0 = performance.now();
      await drain(await direct.get(key));
      rows.s3Down.push(performance.now() - t0);
      await direct.remove(key);
      rmSync(file);
    }
    const rate = (ms: number) => `${((size / MiB) / (ms / 1000)).toFixed(1).padStart(7)} MiB/s  (${(ms / 1000).toFixed(2)} s)`;
    process.stdout.write(`\nobject storage: ${sizeMiB} MiB file, ${runs} runs, median\n`);
    process.stdout.write(`  SHA-256 of the file (local disk)      ${rate(median(rows.hash))}\n`);
    process.stdout.write(`  upload   through the API              ${rate(median(rows.apiUp))}\n`);
    process.stdout.write(`  upload   directly to S3 (one PUT)     ${rate(median(rows.s3Up))}\n`);
    process.stdout.write(`  download through the API              ${rate(median(rows.apiDown))}\n`);
    process.stdout.write(`  download directly from S3 (one GET)   ${rate(median(rows.s3Down))}\n`);
    process.stdout.write(`  API process RSS: ${(apiBaseline / MiB).toFixed(0)} MiB before, peak ${(apiPeak / MiB).toFixed(0)} MiB during the transfers\n`);
  } finally {
    await api.stop();
    s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
