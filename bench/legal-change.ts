/**
 * A legal change at province scale: generates (with SQL, in its own database) 10,000 effective
 * procedures across 500 agencies that all cite one legal document, starts the real API with its
 * workers (RUN_WORKERS=true, one process), posts "replaced" through HTTP, and prints the time until
 * processed == total, documents per second and the queue concurrency used. Never passes or fails.
 *
 *   npm run bench:legal
 *   npm run bench:legal -- --documents=2000 --agencies=100 --concurrency=8
 *   npm run bench:legal -- --pause-render      # the render queue paused: the regeneration alone
 *
 * The drafts' PDFs are rendered on demand (at their first read), so the regeneration queues no
 * renders. By default the render queue runs in the same process, as a one-machine deployment's
 * would, and the bench opens the PDF of a few drafts while the fan-out is still going (the time
 * until each is served shows that interactive renders do not wait for the bulk work);
 * --pause-render pauses that queue in Redis. Prints where the time went (per-phase timings the
 * batch jobs report).
 *
 * The database is DATABASE_URL's server with the name eiso_bench_legal, recreated on every run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import pg from 'pg';
import { ensureDatabaseExists, runMigrations } from '../src/database/prepare-database.js';
import { LEGAL_CHANGE_BATCH_SIZE } from '../src/legal-changes/legal-change-queue.js';
import { QUEUES } from '../src/queue/jobs.js';
import { arg, benchDatabaseUrl, BENCH_ADMIN_PASSWORD, Client, numArg, rssOf, startApi } from './api-process.js';
import { insertAgencyTree } from './support/agency-tree.js';
import { citingProcedure } from './support/procedure.js';

const DB = 'eiso_bench_legal';

interface Size {
  agencies: number;
  documents: number;
}

async function recreate(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await c.end();
  await ensureDatabaseExists(url);
  await runMigrations({ databaseUrl: url, nodeEnv: 'development' });
}

const CONTENT = (legalId: string) => JSON.stringify(citingProcedure(legalId));

/** CPU seconds (user + system) a process has used so far (Linux /proc), 0 when it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by each PostgreSQL backend serving the bench database, except the bench's own connection. */
async function backendCpu(db: pg.Client): Promise<Map<number, number>> {
  const rows = (await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [DB])).rows;
  return new Map(rows.map((r) => [r.pid, cpuSecondsOf(r.pid)]));
}

/** CPU the API process and the database's backends spent between two snapshots (backends that started in between count from 0). */
function cpuSpent(before: { api: number; pg: Map<number, number> }, after: { api: number; pg: Map<number, number> }): { api: number; pg: number } {
  let pgSeconds = 0;
  for (const [pid, s] of after.pg) pgSeconds += s - (before.pg.get(pid) ?? 0);
  return { api: after.api - before.api, pg: pgSeconds };
}

/** Agencies, their drafter and ISO secretary, two legal documents, and the citing procedures (effective, revision 1). */
async function generate(db: pg.Client, size: Size): Promise<{ oldId: string; newId: string }> {
  const t0 = performance.now();
  await insertAgencyTree(db, { key: 'lb-agency', code: 'LB', count: size.agencies });
  await db.query(
    `INSERT INTO users (id, username, full_name, password_hash)
     SELECT md5('lb-user-' || r || '-' || i)::uuid, 'lb-' || r || '-' || i, CASE r WHEN 'd' THEN 'Người soạn thảo ' ELSE 'Thư ký ISO ' END || i, 'x'
       FROM generate_series(1, $1::int) AS i CROSS JOIN (VALUES ('d'), ('s')) AS x(r)`,
    [size.agencies],
  );
  await db.query(
    `INSERT INTO memberships (agency_id, user_id, roles)
     SELECT md5('lb-agency-' || i)::uuid, md5('lb-user-' || r || '-' || i)::uuid, ARRAY[CASE r WHEN 'd' THEN 'drafter' ELSE 'iso_secretary' END]
       FROM generate_series(1, $1::int) AS i CROSS JOIN (VALUES ('d'), ('s')) AS x(r)`,
    [size.agencies],
  );
  const legal = await db.query<{ id: string }>(
    `INSERT INTO legal_documents (number, number_key, type, issuer, title, issued_on, effective_from, status)
     VALUES ('19/2014/QĐ-TTg', '', 'decision', 'Thủ tướng Chính phủ', 'Quyết định về việc áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2008', '2014-03-05', '2014-04-20', 'in_force'),
            ('19/2024/QĐ-TTg', '', 'decision', 'Thủ tướng Chính phủ', 'Quyết định về việc áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015', '2024-03-05', '2024-07-01', 'in_force')
     RETURNING id`,
  );
  const [oldId, newId] = legal.rows.map((r) => r.id);
  // Document n belongs to agency 1 + n % agencies; k is its index there.
  const common = `FROM (SELECT n, 1 + n % $2::int AS a, n / $2::int AS k FROM generate_series(0, $1::int - 1) AS n) s`;
  await db.query(
    `INSERT INTO documents (id, agency_id, type, code, code_key, title, created_by)
     SELECT md5('lb-doc-' || s.n)::uuid, md5('lb-agency-' || s.a)::uuid, 'procedure', 'QT-' || lpad(s.k::text, 3, '0'), 'qt-' || lpad(s.k::text, 3, '0'),
            'Quy trình giải quyết thủ tục hành chính số ' || s.k, md5('lb-user-d-' || s.a)::uuid
     ${common}`,
    [size.documents, size.agencies],
  );
  await db.query(
    `INSERT INTO revisions (id, document_id, agency_id, state, content, author_id)
     SELECT md5('lb-rev-' || s.n)::uuid, md5('lb-doc-' || s.n)::uuid, md5('lb-agency-' || s.a)::uuid, 'draft', $3::jsonb, md5('lb-user-d-' || s.a)::uuid
     ${common}`,
    [size.documents, size.agencies, CONTENT(oldId)],
  );
  await db.query(
    `INSERT INTO revision_citations (revision_id, position, legal_document_id, articles)
     SELECT md5('lb-rev-' || n)::uuid, 0, $2::uuid, 'Điều 5' FROM generate_series(0, $1::int - 1) AS n`,
    [size.documents, oldId],
  );
  // draft → in_review → pending_approval → approved → effective: the lifecycle's own moves (the revisions_guard trigger allows only these).
  await db.query(`UPDATE revisions SET state = 'in_review' WHERE state = 'draft'`);
  await db.query(`UPDATE revisions SET state = 'pending_approval' WHERE state = 'in_review'`);
  await db.query(`UPDATE revisions SET state = 'approved', approved_at = now() - interval '1 day' WHERE state = 'pending_approval'`);
  await db.query(`UPDATE revisions SET state = 'effective', effective_at = now() - interval '1 day', number = 1 WHERE state = 'approved'`);
  await db.query('ANALYZE');
  process.stdout.write(`generated ${size.documents} citing procedures in ${size.agencies} agencies in ${Math.round(performance.now() - t0)} ms\n`);
  return { oldId, newId };
}

/**
 * Where the time went: the phases each batch job reports (summed over the jobs, so with several
 * jobs at once they add up to more than the wall time) and the fan-out job's duration.
 */
async function phaseReport(redisUrl: string, prefix: string, documents: number): Promise<string> {
  const legal = new Queue('legal', { connection: { url: redisUrl }, prefix });
  try {
    const jobs = await legal.getJobs(['completed'], 0, -1);
    const phases: Record<string, number> = {};
    let batches = 0;
    let batchMs = 0;
    let fanoutMs = 0;
    for (const j of jobs) {
      const ran = (j.finishedOn ?? 0) - (j.processedOn ?? 0);
      if (j.name === 'legal.change.fanout') fanoutMs += ran;
      if (j.name !== 'legal.change.batch') continue;
      batches++;
      batchMs += ran;
      for (const [k, v] of Object.entries((j.returnvalue?.phases ?? {}) as Record<string, number>)) phases[k] = (phases[k] ?? 0) + v;
    }
    const lines = Object.entries(phases).map(([k, v]) => `    ${k.padEnd(10)} ${(v / 1000).toFixed(1).padStart(7)} s   ${(v / Math.max(1, documents)).toFixed(2)} ms/document`);
    return (
      `  fan-out job                              ${fanoutMs} ms\n` +
      `  batch jobs                               ${batches}, ${(batchMs / 1000).toFixed(1)} s in all (${(batchMs / Math.max(1, batches)).toFixed(0)} ms per job); phases summed over the jobs:\n` +
      `${lines.join('\n')}\n`
    );
  } finally {
    await legal.close();
  }
}

/** Opens the controlled copy of `n` drafts made so far as an ISO secretary of their agency; resolves with the time until each was served. */
async function readDrafts(db: pg.Client, root: Client, base: string, n: number): Promise<number[]> {
  const drafts = (await db.query<{ id: string; agency_id: string }>(`SELECT id, agency_id FROM revisions WHERE state = 'draft' ORDER BY created_at LIMIT $1`, [n])).rows;
  if (!drafts.length) return [];
  const username = `lb-reader-${process.pid}`;
  const password = 'bench-reader-password-1';
  const u = await root.ok<{ id: string }>('POST', '/users', { username, fullName: 'Thư ký ISO đọc bản in', password });
  for (const a of new Set(drafts.map((d) => d.agency_id))) await root.ok('PUT', `/agencies/${a}/members/${u.id}`, { roles: ['iso_secretary'] });
  const reader = await new Client(base).login(username, password);
  return Promise.all(
    drafts.map(async (d) => {
      const t0 = performance.now();
      for (;;) {
        const res = await fetch(`${base}/api/v1/revisions/${d.id}/rendition`, { headers: { Authorization: `Bearer ${reader.token}` } });
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - t0;
        if (res.status !== 202) throw new Error(`GET /revisions/${d.id}/rendition: ${res.status}`);
        if (performance.now() - t0 > 10 * 60_000) throw new Error('a draft PDF was not rendered within 10 minutes');
        await new Promise((r) => setTimeout(r, 200));
      }
    }),
  );
}

async function main(): Promise<void> {
  const size: Size = { agencies: numArg('agencies', 500), documents: numArg('documents', 10_000) };
  const concurrency = numArg('concurrency', 4);
  const pauseRender = arg('pause-render') !== undefined;
  const url = benchDatabaseUrl(DB);
  await recreate(url);
  const dataDir = mkdtempSync(join(tmpdir(), 'eiso-bench-legal-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `eiso_bench_legal_${process.pid}`;
  const render = new Queue('render', { connection: { url: redisUrl }, prefix });
  if (pauseRender) await render.pause();
  const api = await startApi({
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    RUN_WORKERS: 'true',
    WORKER_CONCURRENCY: String(concurrency),
  });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { oldId, newId } = await generate(db, size);
    const root = await new Client(api.url).login('admin', BENCH_ADMIN_PASSWORD);

    const loadBefore = loadavg();
    const cpuBefore = { api: cpuSecondsOf(api.pid), pg: await backendCpu(db) };
    const t0 = performance.now();
    const posted = await root.ok<{ changeId: string }>('POST', `/legal-documents/${oldId}/changes`, { kind: 'replaced', byLegalDocumentId: newId, effectiveFrom: '2024-07-01' });
    const postMs = performance.now() - t0;
    let firstAt: number | null = null;
    let last = { status: 'pending', total: 0, processed: 0, failed: 0 };
    let peakRss = 0;
    let interactive: Promise<number[]> | null = null;
    for (;;) {
      last = await root.ok('GET', `/legal-changes/${posted.changeId}?limit=1`);
      peakRss = Math.max(peakRss, rssOf(api.pid));
      if (firstAt === null && last.processed > 0) firstAt = performance.now() - t0;
      // With the render queue running: somebody opens the PDF of a few drafts while the fan-out
      // is still going (an interactive render must not wait behind the bulk work).
      if (!pauseRender && interactive === null && last.processed > 0 && last.processed < last.total) interactive = readDrafts(db, root, api.url, 5);
      if (last.total > 0 && last.processed === last.total) break;
      if (last.status === 'completed' || last.status === 'completed_with_failures') break;
      if (performance.now() - t0 > 60 * 60_000) throw new Error('gave up after an hour');
      await new Promise((r) => setTimeout(r, 250));
    }
    const totalMs = performance.now() - t0;
    const cpu = cpuSpent(cpuBefore, { api: cpuSecondsOf(api.pid), pg: await backendCpu(db) });
    const loadAfter = loadavg();
    const readers = interactive ? await interactive : null;
    const check = await db.query<{ drafts: number; flags: number; requests: number; rendered: number }>(
      `SELECT (SELECT count(*) FROM revisions WHERE state = 'draft')::int AS drafts,
              (SELECT count(*) FROM document_flags WHERE kind = 'legal_basis_changed' AND cleared_at IS NULL)::int AS flags,
              (SELECT count(*) FROM rendition_requests WHERE state = 'draft')::int AS requests,
              (SELECT count(*) FROM rendition_requests WHERE state = 'draft' AND status <> 'pending')::int AS rendered`,
    );
    const c = check.rows[0];
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    process.stdout.write(
      `\nlegal change "replaced": ${size.documents} citing procedures in ${size.agencies} agencies, one API process with workers` +
        `${pauseRender ? ' (render queue paused)' : ' (rendering the drafts at the same time)'}\n` +
        `  queue concurrency (WORKER_CONCURRENCY)  ${concurrency} jobs per queue, batches of ${LEGAL_CHANGE_BATCH_SIZE} documents (${Math.ceil(size.documents / LEGAL_CHANGE_BATCH_SIZE)} batch jobs)\n` +
        `  POST /legal-documents/{id}/changes       ${postMs.toFixed(0)} ms (202)\n` +
        `  first document processed after           ${firstAt === null ? '-' : s(firstAt)}\n` +
        `  processed == total after                 ${s(totalMs)}  (${last.processed}/${last.total}, failed ${last.failed}, status ${last.status})\n` +
        `  documents per second                     ${(last.processed / (totalMs / 1000)).toFixed(1)}\n` +
        `  drafts ${c.drafts}, active legal_basis_changed flags ${c.flags}, draft render requests ${c.requests} (${c.rendered} rendered so far)\n` +
        `  API process peak RSS                     ${(peakRss / 1024 / 1024).toFixed(0)} MB\n` +
        `  CPU until processed == total             API process ${cpu.api.toFixed(1)} s, PostgreSQL backends ${cpu.pg.toFixed(1)} s ` +
        `(${((1000 * (cpu.api + cpu.pg)) / Math.max(1, last.processed)).toFixed(2)} ms per document; 2 cores = ${((2 * totalMs) / 1000).toFixed(1)} s available)\n` +
        `  load average (1, 5, 15 min)              before ${loadBefore.map((l) => l.toFixed(2)).join(', ')}; after ${loadAfter.map((l) => l.toFixed(2)).join(', ')}\n` +
        (readers ? `  on-demand draft PDFs read during the fan-out: ${readers.length}, first GET → 200 after ${readers.map((ms) => s(ms)).join(', ')}\n` : '') +
        (await phaseReport(redisUrl, prefix, last.processed)),
    );
  } finally {
    await db.end();
    await api.stop();
    // The run's Redis keys go with it.
    for (const name of QUEUES) {
      const q = name === 'render' ? render : new Queue(name, { connection: { url: redisUrl }, prefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
