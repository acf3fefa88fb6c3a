/**
 * Search inside files at scale: generates (with SQL, in its own database) a register of D
 * documents across A agencies, each with an effective revision (and an open draft for one in
 * eight), F files per document with W words of extracted Vietnamese text each (~300 words a page),
 * then times GET /documents?q= (words typed without accents, matching titles, content and file
 * text) as staff of one agency and as a supervisor over every agency. Prints p50/p95/p99; never
 * passes or fails. The full target (100,000 documents, 300,000 files of ~5 pages) is
 * `--documents=100000 --agencies=500 --files=3 --words=1500`; the default is smaller so that it
 * runs on a shared 2-core machine in minutes.
 *
 *   npm run bench:search -- [--documents=10000] [--agencies=100] [--files=3] [--words=1500] [--requests=200] [--fresh]
 *
 * The database is DATABASE_URL's server with the name eiso_bench_search (`--db=eiso_bench_…` for
 * another, so that two people measuring on one server do not share a register).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabaseExists, runMigrations } from '../src/database/prepare-database.js';
import { arg, benchDatabaseUrl, BENCH_ADMIN_PASSWORD, Client, numArg, startApi, stats, time } from './api-process.js';
import { insertAgencyTree } from './support/agency-tree.js';

const DB = arg('db') ?? 'eiso_bench_search';
if (!/^eiso_bench_[a-z0-9_]+$/.test(DB)) throw new Error('--db must be eiso_bench_ followed by lower-case letters, digits or _');
const WORDS = (
  'hồ sơ thủ tục giấy phép xây dựng đất đai môi trường hộ tịch khai sinh kết hôn chứng thực bản sao thẩm định phê duyệt tiếp nhận ' +
  'trả kết quả bộ phận một cửa ủy ban nhân dân cấp tỉnh cấp huyện cấp xã lệ phí thời hạn giải quyết ngày làm việc văn bản quy phạm ' +
  'pháp luật nghị định thông tư quyết định trách nhiệm lãnh đạo chuyên viên phòng ban kiểm tra hiện trường biên bản báo cáo kế hoạch ' +
  'mục tiêu chất lượng đánh giá nội bộ khắc phục phòng ngừa rủi ro cơ hội khách hàng công dân doanh nghiệp đầu tư tài nguyên nước khoáng sản'
).split(' ');
const QUERIES = ['kiem tra hien truong', 'tai nguyen nuoc', 'khoang san', 'giay phep xay dung', 'bien ban', 'danh gia noi bo', 'thu tuc', 'le phi', 'quy trinh cap giay phep', 'khac phuc phong ngua'];

interface Size {
  agencies: number;
  documents: number;
  files: number;
  words: number;
}

async function generate(db: pg.Client, size: Size): Promise<void> {
  const t0 = Date.now();
  await db.query(`INSERT INTO users (id, username, full_name, password_hash) VALUES (md5('bench-author')::uuid, 'bench-author', 'Người soạn thảo', 'x') ON CONFLICT DO NOTHING`);
  await insertAgencyTree(db, { key: 'bench-agency', code: 'BENCH', count: size.agencies });
  const words = `ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}]`;
  await db.query(
    `INSERT INTO documents (id, agency_id, type, code, code_key, title, created_by)
     SELECT md5('bench-doc-' || n)::uuid, md5('bench-agency-' || (1 + n % $2))::uuid, 'procedure', 'QT-' || lpad((n / $2)::text, 4, '0'), 'qt-' || lpad((n / $2)::text, 4, '0'),
            'Quy trình ' || (${words})[1 + n % ${WORDS.length}] || ' ' || (${words})[1 + (n * 7) % ${WORDS.length}], md5('bench-author')::uuid
       FROM generate_series(0, $1::int - 1) n`,
    [size.documents, size.agencies],
  );
  // The bulk load goes round the lifecycle guard and the per-row upkeep of the search vectors;
  // document_search_rebuild() computes those vectors once at the end.
  await db.query('ALTER TABLE revisions DISABLE TRIGGER revisions_guard');
  await db.query('ALTER TABLE revisions DISABLE TRIGGER revisions_search');
  await db.query('ALTER TABLE revision_files DISABLE TRIGGER USER');
  await db.query('ALTER TABLE file_texts DISABLE TRIGGER USER');
  try {
    await db.query(
      `INSERT INTO revisions (id, document_id, agency_id, number, state, content, author_id, version, approved_at, effective_at, created_at, updated_at)
       SELECT md5('bench-rev-' || d.id || '-' || j)::uuid, d.id, d.agency_id, CASE WHEN j = 1 THEN 1 END,
              CASE WHEN j = 1 THEN 'effective' ELSE 'draft' END,
              jsonb_build_object('purpose', 'Quy định trình tự ' || d.title, 'scope', 'Áp dụng tại cơ quan'),
              md5('bench-author')::uuid, 1, CASE WHEN j = 1 THEN now() END, CASE WHEN j = 1 THEN now() END, now(), now()
         FROM documents d CROSS JOIN generate_series(1, 2) j
        WHERE j = 1 OR (hashtext(d.id::text) & 7) = 0`,
    );
    // One stored object per (document, file); its text: W words drawn from the vocabulary.
    await db.query(
      `INSERT INTO stored_objects (sha256, size, media_type)
       SELECT encode(sha256(convert_to('bench-file-' || d.id || '-' || k, 'UTF8')), 'hex'), 100000, 'application/pdf'
         FROM documents d CROSS JOIN generate_series(1, $1::int) k`,
      [size.files],
    );
    await db.query(
      `INSERT INTO revision_files (revision_id, agency_id, role, filename, media_type, size, sha256, created_by)
       SELECT r.id, r.agency_id, CASE WHEN k = 1 THEN 'source' ELSE 'attachment' END, 'tep-' || k || '.pdf', 'application/pdf', 100000,
              encode(sha256(convert_to('bench-file-' || r.document_id || '-' || k, 'UTF8')), 'hex'), md5('bench-author')::uuid
         FROM revisions r CROSS JOIN generate_series(1, $1::int) k`,
      [size.files],
    );
    await db.query(
      `INSERT INTO file_texts (sha256, media_type, state, text, pages, extracted_at)
       SELECT s.sha256, 'application/pdf', 'done',
              (SELECT string_agg((${words})[1 + ((('x' || substr(s.sha256, 1 + (i % 56), 8))::bit(32)::int & 2147483647)::bigint + i * 31) % ${WORDS.length}], ' ')
                 FROM generate_series(1, $1::int) i),
              greatest(1, $1::int / 300), now()
         FROM stored_objects s`,
      [size.words],
    );
    await db.query('SELECT document_search_rebuild()');
  } finally {
    await db.query('ALTER TABLE file_texts ENABLE TRIGGER USER');
    await db.query('ALTER TABLE revision_files ENABLE TRIGGER USER');
    await db.query('ALTER TABLE revisions ENABLE TRIGGER revisions_search');
    await db.query('ALTER TABLE revisions ENABLE TRIGGER revisions_guard');
  }
  // As autovacuum would leave it (the CI server runs without): statistics, and GIN pending lists merged.
  await db.query('VACUUM ANALYZE');
  const c = await db.query(`SELECT (SELECT count(*) FROM documents) d, (SELECT count(*) FROM revision_files) f, (SELECT pg_size_pretty(pg_total_relation_size('file_texts'))) s`);
  process.stdout.write(`generated ${c.rows[0].d} documents, ${c.rows[0].f} files (file_texts ${c.rows[0].s}) in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

async function main(): Promise<void> {
  const size: Size = { agencies: numArg('agencies', 100), documents: numArg('documents', 10_000), files: numArg('files', 3), words: numArg('words', 1500) };
  const requests = numArg('requests', 200);
  const url = benchDatabaseUrl(DB);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  if (arg('fresh') !== undefined) await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await c.end();
  await ensureDatabaseExists(url);
  await runMigrations({ databaseUrl: url, nodeEnv: 'development' });
  const dir = mkdtempSync(join(tmpdir(), 'eiso-bench-search-'));
  const api = await startApi({ DATABASE_URL: url, DATA_DIR: dir, REDIS_PREFIX: `eiso_bench_search_${process.pid}` });
  try {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const have = (await db.query(`SELECT count(*)::int AS n FROM documents`)).rows[0].n;
    if (have === 0) await generate(db, size);
    else process.stdout.write(`reusing ${DB}: ${have} documents (run with --fresh for another size)\n`);
    await db.end();
    const root = await new Client(api.url).login('admin', BENCH_ADMIN_PASSWORD);
    const find = async (code: string) => (await root.ok<{ items: { id: string; code: string }[] }>('GET', `/agencies?limit=200&q=${code}`)).items.find((a) => a.code === code)!;
    const agency = await find('BENCH-0001');
    const province = await find('BENCH-P');
    const user = async (name: string, agencyId: string, roles: string[]) => {
      const username = `bench-${name}-${process.pid}`;
      const u = await root.ok<{ id: string }>('POST', '/users', { username, fullName: `Bench ${name}`, password: 'bench-password-123' });
      await root.ok('PUT', `/agencies/${agencyId}/members/${u.id}`, { roles });
      return new Client(api.url).login(username, 'bench-password-123');
    };
    const staff = await user('staff', agency.id, ['staff']);
    const supervisor = await user('supervisor', province.id, ['supervisor']);
    const run = async (label: string, client: Client) => {
      let hits = 0;
      const samples: number[] = [];
      for (let i = 0; i < requests + 10; i++) {
        const q = QUERIES[i % QUERIES.length];
        const { ms, result } = await time(() => client.call<{ items: unknown[] }>('GET', `/documents?q=${encodeURIComponent(q)}`));
        if (result.status !== 200) throw new Error(`${label}: ${result.status}`);
        hits += result.body.items.length;
        if (i >= 10) samples.push(ms);
      }
      const s = stats(samples);
      process.stdout.write(`${label.padEnd(48)} n=${s.n} p50=${s.p50} ms p95=${s.p95} ms p99=${s.p99} ms max=${s.max} ms (avg ${(hits / (requests + 10)).toFixed(0)} items/page) load ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    };
    process.stdout.write(`\nsearch: ${size.documents} documents, ${size.documents * size.files} files × ${size.words} words, ${size.agencies} agencies\n`);
    await run('GET /documents?q= (staff, 1 agency)', staff);
    await run(`GET /documents?q= (supervisor, ${size.agencies} agencies)`, supervisor);
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
