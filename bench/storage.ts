/**
 * Object storage throughput, for both drivers side by side: uploads and downloads of one large
 * file through the API against the same operations directly on the same store.
 *
 * - s3: the client announces the file's SHA-256 (Repr-Digest), so the API stages the multipart
 *   body in S3 under its content key while hashing it (no copy afterwards); also measured without
 *   the header (staged under a temporary key, then copied server side to the content key).
 *   Direct: one streaming PUT with the hash precomputed, one streaming GET. The S3 server (s3rver)
 *   runs in its own process.
 * - local: the API spools and hashes the body, then links the file into DATA_DIR/storage; direct:
 *   one streamed write into the store (flushed, renamed), one streamed read of the object.
 *
 * The API runs in its own process. Uploads are sent by this process; downloads are taken by `curl`
 * into /dev/null (`--client=node`: by this process's HTTP client, which costs about as much CPU as
 * the S3 server and on 2 cores competes with it and the API). Direct downloads: curl of a presigned
 * URL (s3) or of the stored file (local). For each download, the CPU spent by the client, the API
 * and the S3 server is printed (medians). Prints the ratios of the medians and
 * each run's own ratio (with their median), the API process's peak
 * RSS during the transfers and the machine's load. Prints figures; never passes or fails.
 *
 *   npm run bench:storage                       # 200 MiB, 5 runs, both drivers
 *   npm run bench:storage -- --size=500 --runs=2 --driver=local --db=eiso_bench_mine
 *   npm run bench:storage -- --driver=s3 --client=node   # downloads by this process's own client
 *
 * The API uses its own database (eiso_bench_storage on DATABASE_URL's server, recreated each run).
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile, execFileSync, fork } from 'node:child_process';
import * as Minio from 'minio';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { LocalObjectStorage, localStorageRoot } from '../src/storage/local-object-storage.js';
import type { ObjectStorage } from '../src/storage/object-storage.js';
import { reprDigestOf } from '../src/storage/digest-header.js';
import { S3ObjectStorage } from '../src/storage/s3-object-storage.js';
import { arg, BENCH_ADMIN_PASSWORD, benchDatabaseUrl, Client, cpuMsOf, numArg, rssOf, startApi } from './api-process.js';
import { startS3 } from './support/processes.js';

/** The API's database (`--db=<name>` to use another one). */
const DB = arg('db') ?? 'eiso_bench_storage';
if (!/^[a-z_][a-z0-9_]*$/.test(DB)) throw new Error('--db must be a plain lowercase database name');
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

function uploadThroughApi(base: string, token: string, revisionId: string, path: string, size: number, sha256: string | null): Promise<{ status: number; body: string }> {
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
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(head.length + size + tail.length),
          ...(sha256 ? { 'Repr-Digest': reprDigestOf(sha256) } : {}),
        },
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

/**
 * The downloading client: `curl` (the default, as a user's client would be: light, in its own
 * process) or this process's own HTTP client (`--client=node`; it costs about as much CPU as the
 * S3 server, which on 2 cores it competes with).
 */
const CLIENT = arg('client') ?? 'curl';
if (CLIENT !== 'curl' && CLIENT !== 'node') throw new Error('--client must be curl or node');

/** CPU ms of this process's waited-for children (cutime + cstime of /proc/self/stat). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** One GET with curl into /dev/null: the bytes received (throws unless the status is `expect`). */
function curlGet(url: string, headers: Record<string, string> = {}, expect = 200): Promise<number> {
  const args = ['-sS', '--no-buffer', '-o', '/dev/null', '-w', '%{http_code} %{size_download}'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile('curl', args, (err, stdout, stderr) => {
      if (err) return reject(new Error(`curl ${url}: ${stderr || err.message}`));
      const [status, bytes] = stdout.trim().split(' ').map(Number);
      if (url.startsWith('http') && status !== expect) return reject(new Error(`curl ${url}: ${status}`));
      resolve(bytes);
    });
  });
}

/** Reads a stream to its end and counts its bytes (flowing mode: no promise per chunk, as a plain HTTP client would). */
function drain(stream: NodeJS.ReadableStream): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    stream.on('data', (c: Buffer) => (n += c.length));
    stream.once('end', () => resolve(n));
    stream.once('error', reject);
  });
}

/** PUT of the raw file to the bare proxy (bench/storage-proxy.ts), which hashes it while streaming it to S3. */
function uploadThroughProxy(port: number, key: string, path: string, size: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: `/${encodeURIComponent(key)}`, method: 'PUT', headers: { 'Content-Length': String(size) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 201 ? resolve(body) : reject(new Error(`proxy upload: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    createReadStream(path, { highWaterMark: MiB }).pipe(req);
  });
}

function downloadThroughProxy(port: number, key: string): Promise<number> {
  if (CLIENT === 'curl') return curlGet(`http://127.0.0.1:${port}/${encodeURIComponent(key)}`);
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: `/${encodeURIComponent(key)}` }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`proxy download: ${res.statusCode}`));
      drain(res).then(resolve, reject);
    })
      .on('error', reject)
      .end();
  });
}

/** The bare proxy in its own process (s3 only). */
async function startProxy(endpoint: string): Promise<{ port: number; stop(): void }> {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'storage-proxy.js'), [endpoint, BUCKET], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`storage proxy exited (${code})`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

function downloadThroughApi(base: string, token: string, path: string): Promise<number> {
  if (CLIENT === 'curl') return curlGet(`${base}/api/v1${path}`, { Authorization: `Bearer ${token}` });
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

type Driver = 's3' | 'local';

interface Figures {
  apiUp: number;
  /** Without Repr-Digest. */
  apiUpPlain: number;
  directUp: number;
  apiDown: number;
  directDown: number;
  /** Through the bare proxy (s3 only). */
  proxyUp: number | null;
  proxyDown: number | null;
  rssBefore: number;
  rssPeak: number;
  /** Each run's direct : API ratio: the two are measured seconds apart, so the machine's drift between runs (up to 2x here) mostly cancels out. */
  upRatios: number[];
  downRatios: number[];
  /** CPU ms per download (medians): this process (the client), the API, the S3 server. */
  downCpu: { api: CpuSplit; direct: CpuSplit };
}

interface CpuSplit {
  client: number;
  api: number;
  store: number;
}

/** Runs `work` and returns the CPU ms it cost this process, the API and the S3 server (0 for local). */
async function cpuOf(apiPid: number, storePid: number | null, work: () => Promise<unknown>): Promise<CpuSplit> {
  const c0 = process.cpuUsage();
  const k0 = childrenCpuMs();
  const a0 = cpuMsOf(apiPid);
  const s0 = storePid === null ? 0 : cpuMsOf(storePid);
  await work();
  const c = process.cpuUsage(c0);
  return { client: (c.user + c.system) / 1000 + childrenCpuMs() - k0, api: cpuMsOf(apiPid) - a0, store: storePid === null ? 0 : cpuMsOf(storePid) - s0 };
}

const medianSplit = (xs: CpuSplit[]): CpuSplit => ({ client: median(xs.map((x) => x.client)), api: median(xs.map((x) => x.api)), store: median(xs.map((x) => x.store)) });

/** A MinIO client of the bench's S3 server, to presign the direct GETs. */
function presignerFor(endpoint: string): Minio.Client {
  const u = new URL(endpoint);
  return new Minio.Client({ endPoint: u.hostname, port: Number(u.port), useSSL: u.protocol === 'https:', accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1', pathStyle: true });
}

async function recreateDatabase(dbUrl: string): Promise<void> {
  const admin = new URL(dbUrl);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await c.end();
}

/** One driver: the API in its own process, and the same store opened directly by this process. */
async function measure(driver: Driver, work: string, size: number, runs: number): Promise<Figures> {
  const dbUrl = benchDatabaseUrl(DB);
  await recreateDatabase(dbUrl);
  const dataDir = join(work, `data-${driver}`);
  const s3 = driver === 's3' ? await startS3(join(work, 's3')) : null;
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl,
    DATA_DIR: dataDir,
    MAX_UPLOAD_SIZE: `${Math.max(1024, (size / MiB) * 2)}mb`,
    REDIS_PREFIX: `eiso_bench_storage_${process.pid}_${driver}`,
    ...(s3 ? { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER', S3_BUCKET: BUCKET } : { STORAGE_DRIVER: 'local' }),
  };
  const api = await startApi(env);
  const proxy = s3 ? await startProxy(s3.endpoint) : null;
  const direct: ObjectStorage = s3
    ? new S3ObjectStorage(s3.endpoint, { accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: BUCKET, region: 'us-east-1' })
    : new LocalObjectStorage(localStorageRoot(dataDir));
  try {
    // The direct GET: with curl, of a presigned URL (s3) or of the stored file (local).
    const presigner = s3 ? presignerFor(s3.endpoint) : null;
    const directDownload = async (key: string): Promise<number> => {
      if (CLIENT === 'node') return drain(await direct.get(key));
      if (presigner) return curlGet(await presigner.presignedGetObject(BUCKET, key, 600));
      return curlGet(`file://${join(localStorageRoot(dataDir), key)}`);
    };
    const root = await new Client(api.url).login('admin', BENCH_ADMIN_PASSWORD);
    const tag = `${process.pid}-${driver}`;
    const agency = await root.ok<{ id: string }>('POST', '/agencies', { code: `BENCH-S-${tag}`, name: 'Sở Bench', level: 'province' });
    const u = await root.ok<{ id: string }>('POST', '/users', { username: `bench-drafter-${tag}`, fullName: 'Bench', password: 'bench-password-123' });
    await root.ok('PUT', `/agencies/${agency.id}/members/${u.id}`, { roles: ['drafter'] });
    const drafter = await new Client(api.url).login(`bench-drafter-${tag}`, 'bench-password-123');
    const doc = await drafter.ok<{ openDraft: { id: string } }>('POST', '/documents', { agencyId: agency.id, type: 'manual', code: 'ST-01', title: 'Sổ tay chất lượng' });
    const revisionId = doc.openDraft.id;

    const rows: Record<'apiUp' | 'apiUpPlain' | 'apiDown' | 'directUp' | 'directDown' | 'proxyUp' | 'proxyDown', number[]> = {
      apiUp: [],
      apiUpPlain: [],
      apiDown: [],
      directUp: [],
      directDown: [],
      proxyUp: [],
      proxyDown: [],
    };
    const cpu: { api: CpuSplit[]; direct: CpuSplit[] } = { api: [], direct: [] };
    const rssBefore = rssOf(api.pid);
    let rssPeak = rssBefore;
    for (let i = 0; i < runs; i++) {
      const file = join(work, `file-${driver}-${i}.pdf`);
      await writeFile(file, size);
      const actual = statSync(file).size;
      const sha256 = createHash('sha256');
      for await (const chunk of createReadStream(file, { highWaterMark: MiB })) sha256.update(chunk as Buffer);
      const hash = sha256.digest('hex');
      const plainFile = join(work, `file-${driver}-${i}-plain.pdf`);
      await writeFile(plainFile, size);

      // The files just written are flushed first, so their write-back does not land on whichever
      // transfer comes first.
      execFileSync('sync');

      // Through the API (a fresh file each run, so no run is deduplicated).
      const throughApi = async () => {
        const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(api.pid))), 25);
        let t0 = performance.now();
        const up = await uploadThroughApi(api.url, drafter.token, revisionId, file, actual, hash);
        rows.apiUp.push(performance.now() - t0);
        if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.body}`);
        if (JSON.parse(up.body).sha256 !== hash) throw new Error('upload stored other bytes');
        const fileId = JSON.parse(up.body).id as string;
        t0 = performance.now();
        let got = 0;
        cpu.api.push(await cpuOf(api.pid, s3?.pid ?? null, async () => (got = await downloadThroughApi(api.url, drafter.token, `/revisions/${revisionId}/files/${fileId}`))));
        rows.apiDown.push(performance.now() - t0);
        clearInterval(sampler);
        if (got !== actual) throw new Error(`downloaded ${got} of ${actual} bytes`);
      };

      // Directly against the same store.
      const directly = async () => {
        const key = `bench/direct-${i}-${hash}`;
        let t0 = performance.now();
        if (direct instanceof LocalObjectStorage) await direct.putStream(key, createReadStream(file, { highWaterMark: MiB }));
        else await direct.putFile(key, file, { size: actual, sha256: hash, contentType: 'application/pdf' });
        rows.directUp.push(performance.now() - t0);
        t0 = performance.now();
        let got = 0;
        cpu.direct.push(await cpuOf(api.pid, s3?.pid ?? null, async () => (got = await directDownload(key))));
        rows.directDown.push(performance.now() - t0);
        if (got !== actual) throw new Error(`downloaded ${got} of ${actual} bytes directly`);
        await direct.remove(key);
      };

      // Odd runs go direct first, so neither side always follows the other's leftovers (write-back, GC).
      if (i % 2 === 0) {
        await throughApi();
        await directly();
      } else {
        await directly();
        await throughApi();
      }

      // Through the bare proxy: the same bytes, hashed on their way to one PUT, and streamed back.
      if (proxy) {
        const proxied = `bench/proxy-${i}-${hash}`;
        const t0 = performance.now();
        if ((await uploadThroughProxy(proxy.port, proxied, file, actual)) !== hash) throw new Error('the proxy hashed other bytes');
        rows.proxyUp.push(performance.now() - t0);
        const t1 = performance.now();
        if ((await downloadThroughProxy(proxy.port, proxied)) !== actual) throw new Error('the proxy sent other bytes');
        rows.proxyDown.push(performance.now() - t1);
        await direct.remove(proxied);
      }

      // Through the API without Repr-Digest (another fresh file).
      const t0 = performance.now();
      const plain = await uploadThroughApi(api.url, drafter.token, revisionId, plainFile, statSync(plainFile).size, null);
      rows.apiUpPlain.push(performance.now() - t0);
      if (plain.status !== 201) throw new Error(`upload failed: ${plain.status} ${plain.body}`);
      rmSync(file);
      rmSync(plainFile);
    }
    return { apiUp: median(rows.apiUp), apiUpPlain: median(rows.apiUpPlain), directUp: median(rows.directUp), apiDown: median(rows.apiDown), directDown: median(rows.directDown),
      proxyUp: proxy ? median(rows.proxyUp) : null,
      proxyDown: proxy ? median(rows.proxyDown) : null,
      rssBefore,
      rssPeak,
      upRatios: rows.apiUp.map((ms, i) => rows.directUp[i] / ms),
      downRatios: rows.apiDown.map((ms, i) => rows.directDown[i] / ms),
      downCpu: { api: medianSplit(cpu.api), direct: medianSplit(cpu.direct) },
    };
  } finally {
    proxy?.stop();
    await api.stop();
    s3?.stop();
  }
}

async function main(): Promise<void> {
  const sizeMiB = numArg('size', 200);
  const runs = numArg('runs', 5);
  const only = arg('driver');
  const drivers: Driver[] = only === 's3' || only === 'local' ? [only] : ['s3', 'local'];
  const size = sizeMiB * MiB;
  const work = mkdtempSync(join(tmpdir(), 'eiso-bench-storage-'));
  const loadBefore = loadavg()[0];
  const figures = new Map<Driver, Figures>();
  try {
    for (const d of drivers) figures.set(d, await measure(d, work, size, runs));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const rate = (ms: number) => `${(sizeMiB / (ms / 1000)).toFixed(1)} MiB/s (${(ms / 1000).toFixed(2)} s)`;
  const cols = drivers.map((d) => (d === 's3' ? 's3 (s3rver)' : 'local (DATA_DIR)'));
  const line = (label: string, cell: (f: Figures) => string) => `  ${label.padEnd(34)}${drivers.map((d) => cell(figures.get(d)!).padStart(26)).join('')}\n`;
  let out = `\nobject storage: ${sizeMiB} MiB file, ${runs} runs, median; downloads by ${CLIENT === 'curl' ? 'curl' : "this process's HTTP client"}; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after (2 cores)\n`;
  out += `  ${''.padEnd(34)}${cols.map((c) => c.padStart(26)).join('')}\n`;
  out += line('upload   through the API', (f) => rate(f.apiUp));
  out += line('upload   directly (one PUT/write)', (f) => rate(f.directUp));
  out += line('  ratio (target >= 0.90)', (f) => `${(f.directUp / f.apiUp).toFixed(2)}x`);
  out += line('  each run', (f) => f.upRatios.map((r) => r.toFixed(2)).join(' '));
  out += line('  median of the runs\' ratios', (f) => `${median(f.upRatios).toFixed(2)}x`);
  out += line('upload   bare Node proxy (hash + PUT)', (f) => (f.proxyUp === null ? '-' : rate(f.proxyUp)));
  out += line('  proxy : direct', (f) => (f.proxyUp === null ? '-' : `${(f.directUp / f.proxyUp).toFixed(2)}x`));
  out += line('  API : proxy', (f) => (f.proxyUp === null ? '-' : `${(f.proxyUp / f.apiUp).toFixed(2)}x`));
  out += line('upload   API, no Repr-Digest', (f) => rate(f.apiUpPlain));
  out += line('  ratio', (f) => `${(f.directUp / f.apiUpPlain).toFixed(2)}x`);
  out += line('download through the API', (f) => rate(f.apiDown));
  out += line('download directly (one GET/read)', (f) => rate(f.directDown));
  out += line('  ratio (target >= 0.95)', (f) => `${(f.directDown / f.apiDown).toFixed(2)}x`);
  out += line('  each run', (f) => f.downRatios.map((r) => r.toFixed(2)).join(' '));
  out += line('  median of the runs\' ratios', (f) => `${median(f.downRatios).toFixed(2)}x`);
  const split = (x: CpuSplit, store: boolean) => `${x.client.toFixed(0)} / ${x.api.toFixed(0)}${store ? ` / ${x.store.toFixed(0)}` : ''} ms`;
  out += line('  CPU client / API / store, via API', (f) => split(f.downCpu.api, f.proxyDown !== null));
  out += line('  CPU client / API / store, direct', (f) => split(f.downCpu.direct, f.proxyDown !== null));
  out += line('download bare Node proxy', (f) => (f.proxyDown === null ? '-' : rate(f.proxyDown)));
  out += line('  proxy : direct', (f) => (f.proxyDown === null ? '-' : `${(f.directDown / f.proxyDown).toFixed(2)}x`));
  out += line('  API : proxy', (f) => (f.proxyDown === null ? '-' : `${(f.proxyDown / f.apiDown).toFixed(2)}x`));
  out += line('API RSS before / peak', (f) => `${(f.rssBefore / MiB).toFixed(0)} / ${(f.rssPeak / MiB).toFixed(0)} MiB`);
  process.stdout.write(out);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
