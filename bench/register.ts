/**
 * The register at scale: generates (with SQL, in its own database) a register of 100,000 documents
 * with 300,000 revisions across 500 agencies, starts the real API on it, and times
 *   - GET /documents?q=...                 (accent-insensitive search) as staff of one agency and as a
 *                                          supervisor who sees all 500 agencies;
 *   - GET /documents/{id}/current          for random documents (versions kept by the API, and first reads);
 *   - GET /agencies/{id}/documents/by-code/{code}/current;
 *   - the same reads of /current as direct SQL (the floor), and /current revalidated with If-None-Match.
 * Prints p50/p95/p99 latencies and, for the API lines, the SQL statements per request (the API's
 * db_queries_total metric before and after); never passes or fails.
 *
 *   npm run bench:register                                   # full size, reuses a generated register
 *   npm run bench:register -- --fresh                        # regenerate
 *   npm run bench:register -- --documents=20000 --revisions=60000 --agencies=100 --requests=200
 *   npm run bench:current                                    # the /current lines only (--current-only)
 *   npm run bench:register -- --search-only --per-query      # the search lines only, and each supervisor query on its own
 *   npm run bench:register -- --query='quy trinh'            # one supervisor query alone (--requests times)
 *
 * Then the throughput at 32 concurrent connections (autocannon, --duration=10 s each): requests/s of
 * /current (staff, own agency's documents, sequentially after the cache is warm) against
 * /health/live (the framework's floor: no guard query, no view), with the ratio.
 *
 * The database is DATABASE_URL's server with the name eiso_bench_register (never the developer's;
 * `--db=eiso_bench_…` for another).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import autocannon from 'autocannon';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabaseExists, runMigrations } from '../src/database/prepare-database.js';
import { arg, benchDatabaseUrl, BENCH_ADMIN_PASSWORD, Client, cpuMsOf, numArg, startApi, stats, Stats, time } from './api-process.js';
import { insertAgencyTree } from './support/agency-tree.js';

const DB = arg('db') ?? 'eiso_bench_register';
if (!/^eiso_bench_[a-z0-9_]+$/.test(DB)) throw new Error('--db must be eiso_bench_ followed by lower-case letters, digits or _');

const VERBS = ['cấp giấy phép', 'đăng ký', 'thẩm định', 'phê duyệt', 'cấp đổi', 'gia hạn', 'điều chỉnh', 'thu hồi', 'xác nhận', 'giải quyết khiếu nại về', 'cấp lại', 'chứng thực'];
const OBJECTS = [
  'xây dựng', 'hộ kinh doanh', 'khai sinh', 'kết hôn', 'đất đai', 'môi trường', 'hộ tịch', 'bản sao', 'quy hoạch', 'an toàn thực phẩm',
  'vận tải', 'giáo dục', 'y tế', 'lao động', 'đầu tư', 'tài nguyên nước', 'khoa học và công nghệ', 'văn hóa', 'du lịch', 'thông tin truyền thông',
];
/** Queries typed without accents, as users do. */
const QUERIES = ['quy trinh cap giay phep xay dung', 'dang ky ho kinh doanh', 'khai sinh', 'thu hoi dat dai', 'an toan thuc pham', 'QT-015', 'bm.03', 'gia han', 'tai nguyen nuoc', 'chung thuc ban sao', 'Cấp đổi hộ tịch', 'to khai', 'so tay', 'quy trinh'];

const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]`;

interface Size {
  agencies: number;
  documents: number;
  revisions: number;
}

async function generate(client: pg.Client, size: Size): Promise<void> {
  const perAgency = Math.ceil(size.documents / size.agencies);
  const perDoc = Math.max(1, Math.floor(size.revisions / size.documents));
  const t0 = Date.now();
  await client.query(`INSERT INTO users (id, username, full_name, password_hash) VALUES (md5('bench-author')::uuid, 'bench-author', 'Người soạn thảo', 'x') ON CONFLICT DO NOTHING`);
  await insertAgencyTree(client, { key: 'bench-agency', code: 'BENCH', count: size.agencies });
  // Document n belongs to agency 1 + n % agencies; k is its index in the agency. Every 10 documents:
  // 6 procedures, 3 forms of the first procedure of their ten, 1 manual/decision/other.
  const common = `
    FROM (SELECT n, 1 + n % $2::int AS a, n / $2::int AS k FROM generate_series(0, $1::int - 1) AS n) s
    CROSS JOIN LATERAL (SELECT md5('bench-agency-' || s.a)::uuid AS agency_id, md5('bench-doc-' || s.n)::uuid AS id) x`;
  const verb = `(${sqlArray(VERBS)})[1 + (s.n * 7) % ${VERBS.length}]`;
  const obj = `(${sqlArray(OBJECTS)})[1 + (s.n * 13 + s.n / 7) % ${OBJECTS.length}]`;
  await client.query(
    `INSERT INTO documents (id, agency_id, type, code, code_key, title, tthc_code, created_by)
     SELECT x.id, x.agency_id, 'procedure', 'QT-' || lpad(s.k::text, 3, '0'), 'qt-' || lpad(s.k::text, 3, '0'),
            'Quy trình ' || ${verb} || ' ' || ${obj},
            CASE WHEN s.k % 2 = 0 THEN '1.' || lpad(((s.n * 7919) % 1000000)::text, 6, '0') END,
            md5('bench-author')::uuid
     ${common} WHERE s.k % 10 < 6`,
    [size.documents, size.agencies],
  );
  await client.query(
    `INSERT INTO documents (id, agency_id, type, code, code_key, title, procedure_id, created_by)
     SELECT x.id, x.agency_id, 'form', c.code, lower(c.code), 'Mẫu tờ khai ' || ${verb} || ' ' || ${obj},
            md5('bench-doc-' || (s.n - (s.k % 10) * $2::int))::uuid, md5('bench-author')::uuid
     ${common}
     CROSS JOIN LATERAL (SELECT 'BM.' || lpad((s.k % 10 - 5)::text, 2, '0') || '/QT-' || lpad((s.k - s.k % 10)::text, 3, '0') AS code) c
     WHERE s.k % 10 BETWEEN 6 AND 8`,
    [size.documents, size.agencies],
  );
  await client.query(
    `INSERT INTO documents (id, agency_id, type, code, code_key, title, created_by)
     SELECT x.id, x.agency_id, (ARRAY['manual', 'decision', 'other'])[1 + (s.k / 10) % 3], 'TL-' || lpad(s.k::text, 3, '0'), 'tl-' || lpad(s.k::text, 3, '0'),
            (ARRAY['Sổ tay chất lượng', 'Quyết định ban hành', 'Tài liệu hướng dẫn'])[1 + (s.k / 10) % 3] || ' ' || ${obj},
            md5('bench-author')::uuid
     ${common} WHERE s.k % 10 = 9`,
    [size.documents, size.agencies],
  );
  // Revisions: superseded ones (numbers 1..perDoc-2), the effective one (perDoc-1), an open one.
  // Synthetic history is loaded in its final states at once: the lifecycle guard (revisions are
  // born drafts and move one step at a time) is off for this one bulk insert of the bench's own
  // database, and on again before anything else runs.
  await client.query('ALTER TABLE revisions DISABLE TRIGGER revisions_guard');
  // The search vectors are computed once after the load (document_search_rebuild), not per row.
  await client.query('ALTER TABLE revisions DISABLE TRIGGER revisions_search');
  try {
    await client.query(
      `INSERT INTO revisions (id, document_id, agency_id, number, state, content, change_summary, author_id, version,
                              approved_at, effective_at, superseded_at, created_at, updated_at)
       SELECT md5('bench-rev-' || d.id || '-' || j)::uuid, d.id, d.agency_id,
              CASE WHEN j < $1::int THEN j END,
              CASE WHEN j < $1::int - 1 THEN 'superseded' WHEN j = $1::int - 1 THEN 'effective'
                   WHEN (hashtext(d.id::text) & 7) = 0 THEN 'in_review' ELSE 'draft' END,
              CASE WHEN d.type = 'procedure' THEN jsonb_build_object(
                     'purpose', 'Quy định trình tự ' || d.title, 'scope', 'Áp dụng tại cơ quan',
                     'statutoryTimeLimit', jsonb_build_object('value', 15, 'unit', 'working_days'),
                     'steps', jsonb_build_array(
                       jsonb_build_object('no', 1, 'action', 'Tiếp nhận hồ sơ', 'responsible', 'Bộ phận một cửa', 'duration', jsonb_build_object('value', 4, 'unit', 'hours')),
                       jsonb_build_object('no', 2, 'action', 'Thẩm định', 'responsible', 'Phòng chuyên môn', 'duration', jsonb_build_object('value', 10, 'unit', 'working_days')),
                       jsonb_build_object('no', 3, 'action', 'Phê duyệt', 'responsible', 'Lãnh đạo', 'duration', jsonb_build_object('value', 2, 'unit', 'working_days'))))
                   ELSE '{}'::jsonb END,
              CASE WHEN j > 1 THEN 'Cập nhật lần ' || j END,
              md5('bench-author')::uuid, 1,
              CASE WHEN j < $1::int THEN now() - ($1::int - j) * interval '100 days' END,
              CASE WHEN j < $1::int THEN now() - ($1::int - j) * interval '100 days' END,
              CASE WHEN j < $1::int - 1 THEN now() - ($1::int - j - 1) * interval '100 days' END,
              now() - ($1::int - j + 1) * interval '100 days', now()
         FROM documents d CROSS JOIN generate_series(1, $1::int) AS j
        WHERE d.agency_id IN (SELECT id FROM agencies WHERE code LIKE 'BENCH-%')`,
      [perDoc],
    );
    await client.query('SELECT document_search_rebuild()');
  } finally {
    await client.query('ALTER TABLE revisions ENABLE TRIGGER revisions_search');
    await client.query('ALTER TABLE revisions ENABLE TRIGGER revisions_guard');
  }
  // As autovacuum would leave it (the CI server runs without): statistics, and GIN pending lists merged.
  await client.query('VACUUM ANALYZE');
  const counts = await client.query(`SELECT (SELECT count(*) FROM agencies) AS a, (SELECT count(*) FROM documents) AS d, (SELECT count(*) FROM revisions) AS r`);
  process.stdout.write(
    `generated ${counts.rows[0].a} agencies, ${counts.rows[0].d} documents (${perAgency} per agency), ${counts.rows[0].r} revisions in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}

async function prepare(size: Size, fresh: boolean): Promise<{ url: string; generated: boolean }> {
  const url = benchDatabaseUrl(DB);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  if (fresh) await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await c.end();
  await ensureDatabaseExists(url);
  await runMigrations({ databaseUrl: url, nodeEnv: 'development' });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const have = await db.query(`SELECT (SELECT count(*) FROM documents)::int AS d, (SELECT count(*) FROM revisions)::int AS r, (SELECT count(*) FROM agencies WHERE code ~ '^BENCH-[0-9]+$')::int AS a`);
    const h = have.rows[0];
    if (h.d === 0) return { url, generated: false };
    if (h.d !== size.documents || h.r < size.revisions - size.documents || h.a !== size.agencies) {
      throw new Error(`${DB} holds ${h.d} documents / ${h.r} revisions / ${h.a} agencies, not the requested size: run with --fresh`);
    }
    process.stdout.write(`reusing ${DB}: ${h.a} agencies, ${h.d} documents, ${h.r} revisions\n`);
    return { url, generated: true };
  } finally {
    await db.end();
  }
}

const METRICS_TOKEN = 'bench-register-metrics-token';

/** The API process's `db_queries_total` (GET /metrics). */
async function queriesSoFar(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const m = /^db_queries_total\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

/**
 * CPU time used so far (ms) by the API process and by the bench database's backends: per request,
 * unlike the latency, it hardly depends on what else the machine is doing (set once the API runs).
 * Backends that exit meanwhile (parallel workers, connections the pool closes) are not counted.
 */
let cpuSoFar: (() => Promise<{ api: number; db: number }>) | null = null;

/**
 * Times `fn` n times after a warm-up; with `base`, also prints the SQL statements per request the
 * API sent meanwhile. Every line prints the CPU per request of the API and of PostgreSQL.
 */
async function run(label: string, n: number, fn: (i: number) => Promise<number>, base?: string): Promise<Stats> {
  for (let i = 0; i < Math.min(20, n); i++) await fn(i);
  const samples: number[] = [];
  let bad = 0;
  const before = base ? await queriesSoFar(base) : 0;
  const cpu0 = cpuSoFar ? await cpuSoFar() : null;
  for (let i = 0; i < n; i++) {
    const { ms, result } = await time(() => fn(i));
    if (result >= 400) bad++;
    samples.push(ms);
  }
  const cpu1 = cpuSoFar ? await cpuSoFar() : null;
  const queries = base ? ((await queriesSoFar(base)) - before) / n : null;
  const cpu = cpu0 && cpu1 ? `  cpu/request api=${((cpu1.api - cpu0.api) / n).toFixed(1)} pg=${((cpu1.db - cpu0.db) / n).toFixed(1)} ms` : '';
  const s = stats(samples);
  process.stdout.write(
    `${label.padEnd(58)} n=${s.n}  p50=${s.p50} ms  p95=${s.p95} ms  p99=${s.p99} ms  max=${s.max} ms${queries !== null ? `  queries/request=${queries.toFixed(2)}` : ''}${cpu}${bad ? `  (${bad} errors)` : ''}  load ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
  );
  return s;
}

async function main(): Promise<void> {
  const size: Size = { agencies: numArg('agencies', 500), documents: numArg('documents', 100_000), revisions: numArg('revisions', 300_000) };
  const requests = numArg('requests', 300);
  const { url, generated } = await prepare(size, arg('fresh') !== undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'eiso-bench-register-'));
  // The API seeds its administrator into the empty database first; the register is generated after.
  const api = await startApi({
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    REDIS_PREFIX: `eiso_bench_register_${process.pid}`,
    METRICS_TOKEN,
    // The public lines are timed, not throttled.
    PUBLIC_REQUESTS_PER_MINUTE: '100000',
  });
  const currentOnly = arg('current-only') !== undefined;
  const searchOnly = arg('search-only') !== undefined;
  const seconds = numArg('duration', 10);
  // The database's backends other than this probe's own (the API's pool), read on each call.
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    cpuSoFar = async () => {
      const pids = (await probe.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows;
      return { api: cpuMsOf(api.pid), db: pids.reduce((sum, r) => sum + cpuMsOf(r.pid), 0) };
    };
    if (!generated) {
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      await generate(db, size).finally(() => db.end());
    }
    const root = await new Client(api.url).login('admin', BENCH_ADMIN_PASSWORD);
    const agencies = await root.ok<{ items: { id: string; code: string }[] }>('GET', '/agencies?limit=200&q=BENCH-0001');
    const agency = agencies.items.find((a) => a.code === 'BENCH-0001')!;
    const province = (await root.ok<{ items: { id: string; code: string }[] }>('GET', '/agencies?limit=200&q=BENCH-P')).items.find((a) => a.code === 'BENCH-P')!;
    const user = async (name: string, agencyId: string, roles: string[]) => {
      const username = `bench-${name}-${process.pid}`;
      const password = 'bench-password-123';
      const u = await root.ok<{ id: string }>('POST', '/users', { username, fullName: `Bench ${name}`, password });
      await root.ok('PUT', `/agencies/${agencyId}/members/${u.id}`, { roles });
      return new Client(api.url).login(username, password);
    };
    const staff = await user('staff', agency.id, ['staff']);
    const drafter = await user('drafter', agency.id, ['drafter']);
    const supervisor = await user('supervisor', province.id, ['supervisor']);
    const pg1 = new pg.Client({ connectionString: url });
    await pg1.connect();
    const ids = (await pg1.query<{ id: string; agency_id: string; code: string }>(`SELECT id, agency_id, code FROM documents ORDER BY md5(id::text) LIMIT 5000`)).rows;
    const own = (await pg1.query<{ id: string; code: string }>(`SELECT id, code FROM documents WHERE agency_id = $1 ORDER BY md5(id::text)`, [agency.id])).rows;
    const publicCodes = (
      await pg1.query<{ code: string }>(
        `SELECT code FROM documents WHERE agency_id = $1 AND (type = 'form' OR (type = 'procedure' AND tthc_code IS NOT NULL)) ORDER BY md5(id::text)`,
        [agency.id],
      )
    ).rows.map((r) => r.code);
    await pg1.end();
    const pick = <T>(xs: T[], i: number) => xs[(i * 7919) % xs.length];
    const status = async (c: Client, path: string) => (await c.call('GET', path)).status;

    process.stdout.write(
      `\nregister: ${size.documents} documents, ${size.revisions} revisions, ${size.agencies} agencies; ${requests} requests per line, sequential; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${'2'} cores)\n`,
    );
    const oneQuery = arg('query');
    if (oneQuery !== undefined) {
      // --query=<q>: that supervisor query alone, `requests` times (e.g. under BENCH_CPU_PROF).
      await run(`  supervisor q=${oneQuery}`.slice(0, 58), requests, () => status(supervisor, `/documents?q=${encodeURIComponent(oneQuery)}`), api.url);
      return;
    }
    if (!currentOnly) {
      await run('GET /documents?q=  (staff, 1 agency)', requests, (i) => status(staff, `/documents?q=${encodeURIComponent(pick(QUERIES, i))}`));
      await run('GET /documents?q=  (drafter, 1 agency, drafts too)', requests, (i) => status(drafter, `/documents?q=${encodeURIComponent(pick(QUERIES, i))}`));
      await run(`GET /documents?q=  (supervisor, ${size.agencies} agencies)`, requests, (i) => status(supervisor, `/documents?q=${encodeURIComponent(pick(QUERIES, i))}`), api.url);
      // Where the supervisor's time goes: each query on its own (p50/p95 of its share of the requests above).
      if (arg('per-query') !== undefined) {
        for (const q of QUERIES) {
          await run(`  supervisor q=${q}`.slice(0, 58), Math.max(20, Math.round(requests / QUERIES.length)), () => status(supervisor, `/documents?q=${encodeURIComponent(q)}`));
        }
      }
      await run(`GET /documents  (supervisor, first page, no filter)`, requests, () => status(supervisor, `/documents`));
    }
    if (searchOnly) return;
    // Each of the agency's documents read once first: the line times the reads of versions this
    // process keeps (src/documents/current-cache.ts); the supervisor's first reads below time the others.
    for (const d of own) await status(staff, `/documents/${d.id}/current`);
    await run('GET /documents/{id}/current  (staff, own agency, kept)', requests, (i) => status(staff, `/documents/${pick(own, i).id}/current`), api.url);
    // The floor: the same reads as plain SQL from this process (session + grants, then the
    // document with its effective revision and files), without HTTP, JSON or access checks.
    const direct = new pg.Client({ connectionString: url });
    await direct.connect();
    try {
      await run('  direct SQL: session + effective revision with files', requests, async (i) => {
        await direct.query(`SELECT u.id, (SELECT json_agg(m.roles) FROM memberships m WHERE m.user_id = u.id) FROM users u WHERE u.username = 'admin'`);
        const r = await direct.query(
          `SELECT d.*, r.*, (SELECT json_agg(f) FROM revision_files f WHERE f.revision_id = r.id) AS files
             FROM documents d JOIN revisions r ON r.document_id = d.id AND r.state = 'effective' WHERE d.id = $1`,
          [pick(own, i).id],
        );
        return r.rowCount ? 200 : 404;
      });
    } finally {
      await direct.end();
    }
    const tags = new Map<string, string>();
    await run('GET /documents/{id}/current  If-None-Match (staff, 304)', requests, async (i) => {
      const id = pick(own, i).id;
      const res = await fetch(`${api.url}/api/v1/documents/${id}/current`, { headers: { Authorization: `Bearer ${staff.token}`, ...(tags.has(id) ? { 'If-None-Match': tags.get(id)! } : {}) } });
      await res.arrayBuffer();
      if (res.headers.get('etag')) tags.set(id, res.headers.get('etag')!);
      return res.status === 304 || res.status === 200 ? 200 : res.status;
    }, api.url);
    // First reads: documents of any agency, each asked for once (no view built for them yet).
    let first = 0;
    const fresh = ids.slice(20 + requests);
    await run(`GET /documents/{id}/current  (supervisor, first reads)`, requests, () => status(supervisor, `/documents/${fresh[first++ % fresh.length].id}/current`), api.url);
    await run(`GET /documents/{id}/current  (supervisor, any agency)`, requests, (i) => status(supervisor, `/documents/${pick(ids, i).id}/current`), api.url);
    await run('GET /agencies/{id}/documents/by-code/{code}/current  (staff)', requests, (i) =>
      status(staff, `/agencies/${agency.id}/documents/by-code/${encodeURIComponent(pick(own, i).code)}/current`),
    api.url);
    const anonymous = new Client(api.url);
    await run('GET /public/agencies/{code}/documents/{code}  (no sign-in)', requests, (i) =>
      status(anonymous, `/public/agencies/${agency.code}/documents/${encodeURIComponent(pick(publicCodes, i))}`),
    api.url);

    // Throughput at 32 connections: /current against the framework's floor.
    const cannon = async (label: string, path: (i: number) => string, headers: Record<string, string>) => {
      let n = 0;
      const before = await queriesSoFar(api.url);
      const r = await autocannon({
        url: api.url,
        connections: 32,
        duration: seconds,
        headers,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path(n++) }) }],
      });
      const queries = ((await queriesSoFar(api.url)) - before) / Math.max(1, r.requests.total);
      process.stdout.write(
        `${label.padEnd(58)} ${r.requests.average.toFixed(0).padStart(6)} requests/s  latency p50=${r.latency.p50} ms  p90=${r.latency.p90} ms  p99=${r.latency.p99} ms` +
          `  queries/request=${queries.toFixed(2)}${r.non2xx || r.errors ? `  (${r.non2xx} non-2xx, ${r.errors} errors)` : ''}\n`,
      );
      return r.requests.average;
    };
    process.stdout.write(`\n32 connections, ${seconds} s each (autocannon); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
    const floor = await cannon('GET /health/live  (framework floor)', () => '/health/live', {});
    const current = await cannon('GET /documents/{id}/current  (staff, own agency)', (i) => `/api/v1/documents/${pick(own, i).id}/current`, { Authorization: `Bearer ${staff.token}` });
    process.stdout.write(`${'  ratio /current : /health/live (target >= 0.60)'.padEnd(58)} ${(current / floor).toFixed(2)}x\n`);
    process.stdout.write(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  } finally {
    await probe.end().catch(() => undefined);
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
