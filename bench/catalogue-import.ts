/**
 * The TTHC catalogue import at scale: writes a CSV of N rows (default 50,000) with the portal's
 * Vietnamese column titles, starts the real API on its own database and POSTs the file to
 * /tthc/import (multipart), sampling the API process's resident memory every 50 ms; then imports
 * the same file again (all unchanged) and a copy with every tenth time limit changed (updates and
 * change records). Prints rows/s and the peak RSS above the idle process; never passes or fails.
 *
 *   npm run bench:catalogue                       # 50,000 rows
 *   npm run bench:catalogue -- --rows=100000
 *   npm run bench:catalogue -- --heap=192          # the API with --max-old-space-size=192 (MiB):
 *                                                  # an import that streams passes under a small cap
 *
 * The database is DATABASE_URL's server with the name eiso_bench_catalogue (recreated each run).
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchDatabaseUrl, BENCH_ADMIN_PASSWORD, Client, numArg, rssOf, startApi } from './api-process.js';

const DB = 'eiso_bench_catalogue';
const FIELDS = ['Hộ tịch', 'Đất đai', 'Xây dựng', 'Tài nguyên nước', 'Giáo dục và Đào tạo', 'Y tế', 'Lao động', 'Khoa học và Công nghệ'];

async function writeCsv(path: string, rows: number, variant: number): Promise<number> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('\uFEFFMã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,Thời hạn giải quyết,"Phí, lệ phí",Căn cứ pháp lý,Cơ quan thực hiện\n');
  for (let i = 0; i < rows; i++) {
    const code = `1.${String(100000 + i).padStart(6, '0')}.000.00.00.H${String(i % 63).padStart(2, '0')}`;
    const days = 5 + (i % 20) + (variant && i % 10 === 0 ? 1 : 0);
    await write(
      `${code},"Thủ tục cấp giấy phép số ${i} thuộc lĩnh vực ${FIELDS[i % FIELDS.length]}",${FIELDS[i % FIELDS.length]},"Cấp tỉnh, Cấp huyện",` +
        `${String(days).padStart(2, '0')} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ,"Lệ phí: ${(i % 9) * 10}.000 đồng/hồ sơ",` +
        `"Luật số ${(i % 90) + 1}/2014/QH13; Nghị định ${(i % 150) + 1}/2020/NĐ-CP",UBND cấp tỉnh\n`,
    );
  }
  await new Promise<void>((r) => out.end(() => r()));
  return readFileSync(path).length;
}

async function upload(c: Client, path: string, apiPid: number): Promise<{ ms: number; peak: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(path)], { type: 'text/csv' }), 'danh-muc.csv');
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(apiPid))), 50);
  const t0 = performance.now();
  const res = await fetch(`${c.base}/api/v1/tthc/import`, { method: 'POST', headers: { Authorization: `Bearer ${c.token}` }, body: form });
  const ms = performance.now() - t0;
  clearInterval(timer);
  const body = await res.json();
  if (res.status !== 201) throw new Error(`import: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  return { ms, peak, body };
}

async function main(): Promise<void> {
  const rows = numArg('rows', 50_000);
  const url = benchDatabaseUrl(DB);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await c.end();
  const dir = mkdtempSync(join(tmpdir(), 'eiso-bench-catalogue-'));
  const heap = numArg('heap', 0);
  const api = await startApi({ DATABASE_URL: url, DATA_DIR: dir, REDIS_PREFIX: `eiso_bench_catalogue_${process.pid}`, ...(heap ? { NODE_OPTIONS: `--max-old-space-size=${heap}` } : {}) });
  try {
    const root = await new Client(api.url).login('admin', BENCH_ADMIN_PASSWORD);
    const first = join(dir, 'a.csv');
    const second = join(dir, 'b.csv');
    const bytes = await writeCsv(first, rows, 0);
    await writeCsv(second, rows, 1);
    const idle = rssOf(api.pid);
    const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
    process.stdout.write(`catalogue import: ${rows} rows, ${mb(bytes)} MiB CSV; API idle RSS ${mb(idle)} MiB${heap ? `; API old space capped at ${heap} MiB` : ''}\n`);
    for (const [label, path] of [['first import (all created)', first], ['same file again (all unchanged)', first], ['every 10th time limit changed', second]] as const) {
      const r = await upload(root, path, api.pid);
      process.stdout.write(
        `${label.padEnd(34)} ${(r.ms / 1000).toFixed(1)} s  ${Math.round(rows / (r.ms / 1000))} rows/s  peak RSS ${mb(r.peak)} MiB (+${mb(Math.max(0, r.peak - idle))} MiB)  ` +
          `created=${r.body.created} updated=${r.body.updated} unchanged=${r.body.unchanged} changed=${r.body.changed}\n`,
      );
    }
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
