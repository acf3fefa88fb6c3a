/**
 * The province overview at province scale: generates (with SQL, in its own database) a province of
 * 1,000 agencies (departments, districts, communes) with a year of records — procedures in force
 * with revisions that took effect through the year, periodic reports in every state, the declared
 * TTHC, announcements, nonconformities with corrective actions, read-and-acknowledge requests — starts the
 * real API, signs in a supervisor of the province and prints the latency of
 * GET /supervision/overview (JSON, then CSV and XLSX): p50, p95, p99. Never passes or fails.
 *
 *   npm run bench:overview
 *   npm run bench:overview -- --agencies=1000 --documents=20 --samples=60
 *   npm run bench:overview -- --save=/tmp/overview.json   # also writes the JSON answer (to compare figures across a change)
 *
 * The database is DATABASE_URL's server with the name eiso_bench_overview, recreated on every run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ensureDatabaseExists, runMigrations } from '../src/database/prepare-database.js';
import { arg, benchDatabaseUrl, BENCH_ADMIN_PASSWORD, Client, cpuMsOf, numArg, stats, startApi } from './api-process.js';

const DB = 'eiso_bench_overview';
const KEY = 'ov-agency';

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

/** TTHC each agency declares it handles (of a catalogue of TTHC_CATALOGUE); three quarters of them have a procedure. */
const TTHC_PER_AGENCY = 20;
const TTHC_CATALOGUE = 1000;
const tthcCode = (agency: string, k: string) => `'1.' || lpad(((${agency} * 7 + ${k}) % ${TTHC_CATALOGUE})::text, 6, '0')`;

/**
 * The other modules' records of the year, so that every figure source has rows to aggregate: a head
 * in every agency, the TTHC catalogue and what each agency declares, a signed announcement in every
 * other agency (in April: procedures took effect after it), ten nonconformities per agency (half
 * closed) with two corrective actions each (some open past their due date), and read-and-acknowledge
 * requests for three staff on every revision in force (two thirds acknowledged).
 */
async function generateQualityRecords(db: pg.Client, agencies: number, year: number): Promise<void> {
  await db.query(
    `INSERT INTO users (id, username, full_name, password_hash)
     SELECT ov_id('ov-staff-' || u), 'ov-staff-' || u, 'Công chức ' || u, 'x' FROM generate_series(1, 3) AS u`,
  );
  await db.query(`INSERT INTO memberships (agency_id, user_id, roles) SELECT id, ov_id('ov-author'), '{head}' FROM agencies`);
  await db.query(
    `INSERT INTO tthc_procedures (code, name, field, levels, status)
     SELECT '1.' || lpad(c::text, 6, '0'), 'Thủ tục ' || c, 'Lĩnh vực ' || (c % 12), '{province,district,commune}', CASE WHEN c % 50 = 0 THEN 'abolished' ELSE 'in_force' END
       FROM generate_series(0, $1::int - 1) AS c`,
    [TTHC_CATALOGUE],
  );
  await db.query(
    `INSERT INTO agency_tthc (agency_id, code, declared_by)
     SELECT ov_id('${KEY}-' || i), ${tthcCode('i', 'k')}, ov_id('ov-author')
       FROM generate_series(0, $1::int - 1) AS i, generate_series(0, $2::int - 1) AS k`,
    [agencies, TTHC_PER_AGENCY],
  );
  await db.query(
    `INSERT INTO announcements (agency_id, kind, decision_number, signed_on, scope, signed_by, capacity, signed_at)
     SELECT ov_id('${KEY}-' || i), 'initial', i || '/QĐ-CB', make_date($1::int, 4, 1), '["Quy trình giải quyết TTHC"]'::jsonb, ov_id('ov-author'), 'head',
            make_timestamptz($1::int, 4, 1, 9, 0, 0, 'Asia/Ho_Chi_Minh')
       FROM generate_series(0, $2::int - 1) AS i WHERE i % 2 = 0`,
    [year, agencies],
  );
  // Nonconformities through the year (never later than yesterday), two actions each.
  const nc = `FROM (SELECT i, k, least(now() - interval '1 day', make_timestamptz($1::int, 1, 5, 8, 0, 0, 'Asia/Ho_Chi_Minh') + ((i * 13 + k * 31) % 320) * interval '1 day') AS at
                      FROM generate_series(0, $2::int - 1) AS i, generate_series(1, 10) AS k) s`;
  await db.query(
    `INSERT INTO nonconformities (id, agency_id, number, source, severity, description, created_by, created_at, updated_at)
     SELECT ov_id('ov-nc-' || s.i || '-' || s.k), ov_id('${KEY}-' || s.i), s.k, 'process', CASE WHEN s.k % 4 = 0 THEN 'major' ELSE 'minor' END,
            'Điểm không phù hợp ' || s.k, ov_id('ov-author'), s.at, s.at ${nc}`,
    [year, agencies],
  );
  await db.query(
    `INSERT INTO corrective_actions (nonconformity_id, agency_id, description, responsible_user_id, due_on, state, evidence, completed_at, completed_by, created_by, created_at)
     SELECT ov_id('ov-nc-' || s.i || '-' || s.k), ov_id('${KEY}-' || s.i), 'Hành động khắc phục ' || j, ov_id('ov-author'),
            ((s.at + (10 + 20 * j) * interval '1 day') AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
            CASE WHEN s.k % 2 = 0 OR j = 1 THEN 'complete' ELSE 'open' END,
            CASE WHEN s.k % 2 = 0 OR j = 1 THEN 'Biên bản' END,
            CASE WHEN s.k % 2 = 0 OR j = 1 THEN least(now(), s.at + 5 * interval '1 day') END,
            CASE WHEN s.k % 2 = 0 OR j = 1 THEN ov_id('ov-author') END,
            ov_id('ov-author'), s.at
       ${nc}, generate_series(1, 2) AS j`,
    [year, agencies],
  );
  await db.query(
    `UPDATE nonconformities SET state = 'closed', root_cause = 'Nguyên nhân', closed_at = least(now(), created_at + interval '7 days'), closed_by = ov_id('ov-author')
      WHERE number % 2 = 0`,
  );
  await db.query(
    `INSERT INTO read_requests (revision_id, document_id, agency_id, user_id, asked_at)
     SELECT r.id, r.document_id, r.agency_id, ov_id('ov-staff-' || u), r.effective_at FROM revisions r, generate_series(1, 3) AS u WHERE r.state = 'effective'`,
  );
  await db.query(
    `INSERT INTO revision_acknowledgements (revision_id, agency_id, user_id, acknowledged_at)
     SELECT revision_id, agency_id, user_id, asked_at + interval '1 day' FROM read_requests WHERE abs(hashtext(id::text)) % 3 <> 0`,
  );
}

/** The province (i = 0), 30 departments, 60 districts and the communes under the districts (ids ov_id('ov-agency-<i>')). */
async function generate(db: pg.Client, agencies: number, perAgency: number, year: number): Promise<string> {
  const t0 = performance.now();
  // Ids derived from names, shaped as version-4 UUIDs (the API validates them).
  await db.query(`CREATE FUNCTION ov_id(text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$ SELECT overlay(overlay(md5($1) placing '4' from 13) placing '8' from 17)::uuid $$`);
  const root = `ov_id('${KEY}-0')`;
  await db.query(
    `INSERT INTO agencies (id, code, name, level, parent_id, path) VALUES (${root}, 'OV-P', 'Ủy ban nhân dân tỉnh Bench', 'province', NULL, '/' || ${root} || '/')`,
  );
  const departments = 30;
  const districts = 60;
  await db.query(
    `INSERT INTO agencies (id, code, name, level, parent_id, path)
     SELECT ov_id('${KEY}-' || i), 'OV-' || lpad(i::text, 4, '0'),
            CASE WHEN i <= $1::int THEN 'Sở ' || i ELSE 'Ủy ban nhân dân huyện ' || i END,
            CASE WHEN i <= $1::int THEN 'department' ELSE 'district' END,
            ${root}, '/' || ${root} || '/' || ov_id('${KEY}-' || i) || '/'
       FROM generate_series(1, $1::int + $2::int) AS i`,
    [departments, districts],
  );
  // Communes under the districts (round robin).
  await db.query(
    `INSERT INTO agencies (id, code, name, level, parent_id, path)
     SELECT ov_id('${KEY}-' || i), 'OV-' || lpad(i::text, 4, '0'), 'Ủy ban nhân dân xã ' || i, 'commune', d.id, d.path || ov_id('${KEY}-' || i) || '/'
       FROM generate_series($1::int + $2::int + 1, $3::int - 1) AS i
       JOIN agencies d ON d.id = ov_id('${KEY}-' || ($1::int + 1 + (i % $2::int)))`,
    [departments, districts, agencies],
  );
  await db.query(`INSERT INTO users (id, username, full_name, password_hash) VALUES (ov_id('ov-author'), 'ov-author', 'Người soạn thảo', 'x')`);
  // Documents: procedures, each with its first revision effective on a day of the year.
  const docs = `FROM (SELECT n, n % $1::int AS a, n / $1::int AS k FROM generate_series(0, $1::int * $2::int - 1) AS n) s`;
  await db.query(
    `INSERT INTO documents (id, agency_id, type, code, code_key, title, created_by, review_interval_months, tthc_code)
     SELECT ov_id('ov-doc-' || s.n), ov_id('${KEY}-' || s.a), 'procedure', 'QT-' || lpad(s.k::text, 3, '0'), 'qt-' || lpad(s.k::text, 3, '0'),
            'Quy trình giải quyết thủ tục hành chính số ' || s.k, ov_id('ov-author'), 1 + (s.n % 12),
            CASE WHEN s.k < ${TTHC_PER_AGENCY} * 3 / 4 THEN ${tthcCode('s.a', 's.k')} END
     ${docs}`,
    [agencies, perAgency],
  );
  await db.query(
    `INSERT INTO revisions (id, document_id, agency_id, state, content, author_id)
     SELECT ov_id('ov-rev-' || s.n), ov_id('ov-doc-' || s.n), ov_id('${KEY}-' || s.a), 'draft', '{}'::jsonb, ov_id('ov-author') ${docs}`,
    [agencies, perAgency],
  );
  await db.query(`UPDATE revisions SET state = 'in_review' WHERE state = 'draft'`);
  await db.query(`UPDATE revisions SET state = 'pending_approval' WHERE state = 'in_review'`);
  await db.query(`UPDATE revisions SET state = 'approved', approved_at = now() - interval '2 days' WHERE state = 'pending_approval'`);
  await db.query(
    `UPDATE revisions SET state = 'effective', number = 1,
            effective_at = least(now() - interval '1 day', make_timestamptz($1::int, 1, 1, 8, 0, 0, 'Asia/Ho_Chi_Minh') + (abs(hashtext(id::text)) % 330) * interval '1 day')
      WHERE state = 'approved'`,
    [year],
  );
  await generateQualityRecords(db, agencies, year);
  // Reports: six-month report submitted (some late) or in draft; annual ones opened by a third.
  await db.query(
    `INSERT INTO periodic_reports (agency_id, period, year, kind, due_on, state, submission_count, late, created_by)
     SELECT ov_id('${KEY}-' || i), $1::text || '-H1', $1::int, 'half_year', make_date($1::int, 6, 15),
            CASE WHEN i % 5 = 0 THEN 'draft' WHEN i % 7 = 0 THEN 'returned' ELSE 'submitted' END,
            CASE WHEN i % 5 = 0 THEN 0 ELSE 1 END, i % 11 = 0, ov_id('ov-author')
       FROM generate_series(0, $2::int - 1) AS i`,
    [String(year), agencies],
  );
  await db.query(
    `INSERT INTO periodic_reports (agency_id, period, year, kind, due_on, state, created_by)
     SELECT ov_id('${KEY}-' || i), $1::text, $1::int, 'year', make_date($1::int, 12, 15), 'draft', ov_id('ov-author')
       FROM generate_series(0, $2::int - 1) AS i WHERE i % 3 = 0`,
    [String(year), agencies],
  );
  await db.query('VACUUM ANALYZE');
  const counts = await db.query<{ t: string; n: number }>(
    `SELECT t, n FROM (VALUES ('nonconformities', (SELECT count(*)::int FROM nonconformities)), ('corrective actions', (SELECT count(*)::int FROM corrective_actions)),
            ('announcements', (SELECT count(*)::int FROM announcements)), ('declared TTHC', (SELECT count(*)::int FROM agency_tthc)),
            ('read requests', (SELECT count(*)::int FROM read_requests)), ('acknowledgements', (SELECT count(*)::int FROM revision_acknowledgements))) v(t, n)`,
  );
  process.stdout.write(
    `generated ${agencies} agencies, ${agencies * perAgency} procedures, ${agencies + Math.ceil(agencies / 3)} reports, ` +
      `${counts.rows.map((c) => `${c.n} ${c.t}`).join(', ')} in ${Math.round(performance.now() - t0)} ms\n`,
  );
  return (await db.query<{ id: string }>(`SELECT ${root} AS id`)).rows[0].id;
}

async function sample(n: number, fn: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  const agencies = numArg('agencies', 1000);
  const perAgency = numArg('documents', 20);
  const samples = numArg('samples', 60);
  const year = Number(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 4));
  const url = benchDatabaseUrl(DB);
  await recreate(url);
  const dataDir = mkdtempSync(join(tmpdir(), 'eiso-bench-overview-'));
  const api = await startApi({ DATABASE_URL: url, DATA_DIR: dataDir, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `eiso_bench_overview_${process.pid}` });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const rootId = await generate(db, agencies, perAgency, year);
    const admin = await new Client(api.url).login('admin', BENCH_ADMIN_PASSWORD);
    const password = 'bench-supervisor-password-42';
    const user = await admin.ok<{ id: string }>('POST', '/users', { username: 'ov-supervisor', fullName: 'Chi cục TCĐLCL', password });
    await admin.ok('PUT', `/agencies/${rootId}/members/${user.id}`, { roles: ['supervisor'] });
    const supervisor = await new Client(api.url).login('ov-supervisor', password);
    const path = `/supervision/overview?agencyId=${rootId}&year=${year}`;
    const check = await supervisor.ok<{ items: unknown[]; totals: unknown[] }>('GET', path);
    process.stdout.write(`overview: ${check.items.length} rows, ${check.totals.length} level totals\n`);
    const save = arg('save');
    if (save) writeFileSync(save, JSON.stringify(check, null, 1));
    const get = (format: string) => async () => {
      const res = await fetch(`${api.url}/api/v1${path}&format=${format}`, { headers: { Authorization: `Bearer ${supervisor.token}` } });
      if (res.status !== 200) throw new Error(`${format}: ${res.status}`);
      await res.arrayBuffer();
    };
    await sample(5, get('json'));
    // CPU time per request of the API process and of the database's backends: unlike the latency,
    // it hardly depends on what else the machine is doing.
    const backends = async () =>
      (await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid);
    const cpu = async () => ({ api: cpuMsOf(api.pid), db: (await backends()).reduce((n, pid) => n + cpuMsOf(pid), 0) });
    for (const format of ['json', 'csv', 'xlsx']) {
      const before = loadavg()[0];
      const c0 = await cpu();
      const s = stats(await sample(format === 'json' ? samples : Math.ceil(samples / 3), get(format)));
      const c1 = await cpu();
      process.stdout.write(
        `GET /supervision/overview format=${format} (${agencies} agencies): n=${s.n} p50=${s.p50} ms p95=${s.p95} ms p99=${s.p99} ms max=${s.max} ms` +
          `; CPU per request: API ${Math.round((c1.api - c0.api) / s.n)} ms, PostgreSQL ${Math.round((c1.db - c0.db) / s.n)} ms` +
          ` (load average ${before.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; ${availableParallelism()} cores)\n`,
      );
    }
  } finally {
    await db.end();
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
