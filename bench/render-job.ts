/**
 * The whole render job (src/renditions): model built from the database, PDF rendered, stored
 * content-addressed in S3 and recorded — as the `render.revision` worker runs it — for
 *   - procedure20: a procedure whose controlled copy is about 20 pages;
 *   - stamp200:    a form whose 200-page source PDF (text) is appended and stamped.
 * Each scenario runs in its own process (the app without queue workers: the job's handler is
 * called directly, after the rendition of the previous run and its stored object were removed, so
 * every run renders and uploads). Prints ms per job split into model build, rendering and
 * store + record, pages per second, and the process's RSS before rendering and at its peak.
 * Never passes or fails.
 *
 *   npm run bench:render-job
 *   npm run bench:render-job -- --iterations=3
 *
 * Uses its own database (eiso_bench_render on DATABASE_URL's server, recreated) and an s3rver in
 * its own process; Redis from REDIS_URL (prefix eiso-bench-render, emptied at the end).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createHttpApp } from '../src/bootstrap/http-app.js';
import { prepareRuntime } from '../src/bootstrap/prepare.js';
import { appLogger } from '../src/common/logger.js';
import { loadConfig } from '../src/config/app-config.js';
import { Database } from '../src/database/database.js';
import { Queues } from '../src/queue/job-queue.js';
import { LAYOUT_VERSION, renderRevisionPdf } from '../src/rendering/index.js';
import { sampleSteps } from './support/sample-models.js';
import { RenderRevisionJob } from '../src/renditions/render-revision.job.js';
import { RenditionModelBuilder } from '../src/renditions/rendition-model.builder.js';
import { contentObjectKey } from '../src/storage/object-keys.js';
import { ObjectStorage } from '../src/storage/object-storage.js';
import { arg, BENCH_ADMIN_PASSWORD, benchDatabaseUrl, Client } from './api-process.js';
import { mib, row, runChild, startS3, textPdf } from './support/processes.js';

type Scenario = 'procedure20' | 'stamp200';
const SCENARIOS: Scenario[] = ['procedure20', 'stamp200'];
const DB = 'eiso_bench_render';
const BUCKET = 'eiso-bench';
const PREFIX = 'eiso-bench-render';

interface Result {
  scenario: Scenario;
  pages: number;
  outputMiB: number;
  msPerJob: number;
  msBuild: number;
  msRender: number;
  msStore: number;
  pagesPerSecond: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  warnings: string[];
}

const rssMiB = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

function procedureContent(steps: number): Record<string, unknown> {
  return {
    purpose: 'Quy định trình tự, thủ tục cấp Giấy chứng nhận đăng ký hoạt động thử nghiệm.',
    scope: 'Áp dụng đối với Sở Khoa học và Công nghệ và tổ chức, cá nhân có liên quan.',
    definitions: [{ term: 'TTHC', meaning: 'Thủ tục hành chính' }],
    legalBases: [],
    statutoryTimeLimit: { value: 200, unit: 'working_days' },
    fee: 'Không',
    dossier: [{ name: 'Đơn đề nghị cấp Giấy chứng nhận', copies: 1 }],
    steps: sampleSteps(steps).map((s) => ({
      no: s.no,
      action: s.action,
      responsible: s.responsible,
      duration: s.duration,
      ...(s.formCodes?.length ? { formCodes: s.formCodes } : {}),
      ...(s.output ? { output: s.output } : {}),
    })),
    records: [{ name: 'Hồ sơ đề nghị', keeper: 'Văn phòng Sở', retention: '05 năm' }],
  };
}

/** Child: boots the app (no workers) on the bench database, seeds one revision, times the job. */
async function runScenario(scenario: Scenario, iterations: number, s3Endpoint: string, dataDir: string): Promise<Result> {
  appLogger.setLevel('warn');
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: benchDatabaseUrl(DB),
    S3_ENDPOINT: s3Endpoint,
    S3_ACCESS_KEY: 'S3RVER',
    S3_SECRET_KEY: 'S3RVER',
    S3_BUCKET: BUCKET,
    REDIS_PREFIX: `${PREFIX}-${scenario}`,
    DATA_DIR: dataDir,
    RUN_WORKERS: 'false',
    SCHEDULES_ENABLED: 'false',
    ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-bench-jwt',
  });
  const runtime = await prepareRuntime(config, { role: 'api' });
  const app = await createHttpApp(runtime.config, { workers: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  try {
    const admin = await new Client(base).login('admin', BENCH_ADMIN_PASSWORD);
    const tag = `${scenario}-${Date.now().toString(36)}`;
    const province = await admin.ok('POST', '/agencies', { code: `T-${tag}`, name: 'Ủy ban nhân dân tỉnh Kon Tum', level: 'province' });
    const dept = await admin.ok('POST', '/agencies', { code: `S-${tag}`, name: 'Sở Khoa học và Công nghệ', level: 'department', parentId: province.id });
    const user = await admin.ok('POST', '/users', { username: `drafter-${tag}`.toLowerCase(), fullName: 'Lê Văn Soạn', password: 'bench-password-1' });
    await admin.ok('PUT', `/agencies/${dept.id}/members/${user.id}`, { roles: ['drafter'] });
    const drafter = await new Client(base).login(`drafter-${tag}`.toLowerCase(), 'bench-password-1');

    const job = app.get(RenderRevisionJob);
    const builder = app.get(RenditionModelBuilder);
    const db = app.get(Database);
    const storage = app.get(ObjectStorage);
    const render = async (revisionId: string) => {
      const outcome = await job.handle({ revisionId, state: 'draft', layoutVersion: LAYOUT_VERSION, round: 0 });
      const [row] = await db.query<{ sha256: string; page_count: number; size: string; warnings: string[] }[]>(
        'SELECT sha256, page_count, size, warnings FROM renditions WHERE revision_id = $1',
        [revisionId],
      );
      return { outcome, ...row };
    };
    /** Removes the rendition and its stored object, so that the next run renders and uploads again. */
    const forget = async (revisionId: string, sha256: string) => {
      await db.query('DELETE FROM renditions WHERE revision_id = $1', [revisionId]);
      await db.query('DELETE FROM stored_objects s WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM revision_files f WHERE f.sha256 = s.sha256)', [sha256]);
      await storage.remove(contentObjectKey(sha256));
    };

    let revisionId: string;
    if (scenario === 'procedure20') {
      let steps = 100;
      const doc = await drafter.ok('POST', '/documents', { agencyId: dept.id, type: 'procedure', code: `QT-${tag}`, title: 'Quy trình cấp Giấy chứng nhận đăng ký hoạt động thử nghiệm', content: procedureContent(steps) });
      revisionId = doc.openDraft.id;
      for (let i = 0; i < 5; i++) {
        const r = await render(revisionId);
        if (r.page_count === 20) break;
        steps = Math.min(200, Math.max(10, Math.round((steps * 20) / r.page_count) + (r.page_count < 20 ? 1 : -1)));
        const etag = (await drafter.ok('GET', `/revisions/${revisionId}`)).etag;
        const res = await fetch(`${base}/api/v1/revisions/${revisionId}`, {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${drafter.token}`, 'Content-Type': 'application/json', 'If-Match': etag },
          body: JSON.stringify({ content: procedureContent(steps) }),
        });
        if (res.status !== 200) throw new Error(`PATCH ${res.status} ${await res.text()}`);
      }
    } else {
      const proc = await drafter.ok('POST', '/documents', { agencyId: dept.id, type: 'procedure', code: `QT-${tag}`, title: 'Quy trình', content: procedureContent(3) });
      const form = await drafter.ok('POST', '/documents', { agencyId: dept.id, type: 'form', code: `BM-${tag}`, title: 'Phụ lục hồ sơ kỹ thuật', procedureId: proc.id });
      revisionId = form.openDraft.id;
      const body = new FormData();
      body.append('file', new Blob([await textPdf(200, 'Annex')], { type: 'application/pdf' }), 'Phụ lục.pdf');
      const res = await fetch(`${base}/api/v1/revisions/${revisionId}/files?role=source`, { method: 'POST', headers: { Authorization: `Bearer ${drafter.token}` }, body });
      if (res.status !== 201) throw new Error(`upload ${res.status} ${await res.text()}`);
    }

    // Warm-up (also the reference row), then timed runs.
    const warm = await render(revisionId);
    const rssBefore = rssMiB();
    let total = 0;
    for (let i = 0; i < iterations; i++) {
      await forget(revisionId, warm.sha256);
      const t0 = performance.now();
      const r = await render(revisionId);
      total += performance.now() - t0;
      if (r.outcome !== 'rendered' || r.sha256 !== warm.sha256) throw new Error(`unexpected run: ${r.outcome} ${r.sha256}`);
    }
    // The same model build and rendering without storage, for the split.
    let build = 0;
    let rendering = 0;
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      const snapshot = (await builder.snapshot(revisionId))!;
      const { model } = await builder.build(snapshot);
      const t1 = performance.now();
      await renderRevisionPdf(model);
      const t2 = performance.now();
      build += t1 - t0;
      rendering += t2 - t1;
    }
    const msPerJob = total / iterations;
    await app.get(Queues).get('render').obliterate({ force: true });
    return {
      scenario,
      pages: warm.page_count,
      outputMiB: mib(Number(warm.size)),
      msPerJob: Math.round(msPerJob),
      msBuild: Math.round(build / iterations),
      msRender: Math.round(rendering / iterations),
      msStore: Math.max(0, Math.round(msPerJob - (build + rendering) / iterations)),
      pagesPerSecond: Math.round((warm.page_count / msPerJob) * 1000 * 10) / 10,
      rssBeforeMiB: rssBefore,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      warnings: warm.warnings,
    };
  } finally {
    await app.close();
    await runtime.close();
  }
}

async function recreateDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: benchDatabaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB}`);
  } finally {
    await admin.end();
  }
}

async function main(): Promise<void> {
  if (arg('child')) {
    const r = await runScenario(arg('scenario') as Scenario, Number(arg('iterations')), arg('s3')!, arg('data')!);
    process.send!(r, () => process.exit(0));
    return;
  }
  const iterations = Number(arg('iterations') ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'eiso-bench-render-job-'));
  const s3 = await startS3(join(dir, 's3'), BUCKET);
  try {
    await recreateDatabase();
    console.log(`Render job bench: model from PostgreSQL + render + S3 store + record, ${iterations} timed jobs per scenario after a warm-up, one process per scenario`);
    console.log('scenario      pages  output MiB  ms/job  build  render  store  pages/s  RSS before  peak RSS MiB');
    for (const scenario of SCENARIOS) {
      const r = await runChild<Result>(fileURLToPath(import.meta.url), [`--scenario=${scenario}`, `--iterations=${iterations}`, `--s3=${s3.endpoint}`, `--data=${join(dir, scenario)}`]);
      console.log(
        row([scenario, r.pages, r.outputMiB, r.msPerJob, r.msBuild, r.msRender, r.msStore, r.pagesPerSecond, r.rssBeforeMiB, r.peakRssMiB], [12, 6, 11, 7, 6, 7, 6, 8, 11, 13]),
      );
      if (r.warnings.length) console.log(`  warnings: ${r.warnings.join('; ')}`);
    }
  } finally {
    s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
