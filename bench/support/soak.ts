/**
 * The fault soak: the project's own version of the outside soak. Private PostgreSQL,
 * Redis and S3 (s3rver) processes, the API and a separate worker as processes of their own, virtual
 * users doing real work through HTTP (documents, drafts, uploads, submit/check/approve, downloads,
 * new revisions, a legal change), faults injected by pid while they work (kill -9 of Redis, the API
 * and the worker; S3 frozen with SIGSTOP and killed; PostgreSQL restarted and crashed), and then,
 * once everything has settled, the invariants:
 *
 * - every acknowledged write is there (documents, the last acknowledged save of each draft or a
 *   later one whose answer was lost, uploads with their bytes in S3, approvals, the legal change);
 * - no 5xx other than 503 was ever answered;
 * - at most one effective revision and one open revision per document;
 * - every audit chain verifies;
 * - the outbox is drained;
 * - every effective revision's controlled copy is served;
 * - no stored object is missing, and every unreferenced one is removed by the orphan sweep.
 *
 * Used by `npm run bench:faults` (bench/faults.ts, long, prints the figures) and by the CI tier
 * test/faults/soak.spec.ts (short, asserts the invariants). Never touches the shared servers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { AppModule } from '../../src/app.module.js';
import { appLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config/app-config.js';
import { Database } from '../../src/database/database.js';
import { ContentStore } from '../../src/documents/content-store.js';
import { ObjectStorage } from '../../src/storage/object-storage.js';
import { citingProcedure } from './procedure.js';
import { AppProcess, distFile, freePort, PrivatePostgres, PrivateRedis, PrivateS3, waitFor } from './private-services.js';

// ---------------------------------------------------------------- configuration

export type FaultKind = 'redis-kill' | 's3-freeze' | 's3-kill' | 'pg-restart' | 'pg-crash' | 'api-kill' | 'worker-kill';

export interface FaultStep {
  /** Offset from the start of the load, ms. */
  at: number;
  kind: FaultKind;
  /** How long the dependency stays away (ms); 0 for an immediate restart. */
  holdMs: number;
}

export interface SoakOptions {
  /** Length of the load phase (faults included). */
  durationMs: number;
  /** Virtual users (each a drafter with their own documents). */
  users: number;
  faults: FaultStep[];
  /** Longest wait for the system to settle after the load (outbox drained, copies rendered, legal change done). */
  settleMs: number;
  workerConcurrency?: number;
  seed?: number;
  /** Progress lines (fault timeline as it happens). */
  log?: (line: string) => void;
  /** Keep the working directory (logs) afterwards. */
  keep?: boolean;
}

/** The timeline of the CI tier: every kind of fault once, in about a minute. */
export function ciFaults(durationMs: number): FaultStep[] {
  const d = durationMs;
  return [
    { at: 0.08 * d, kind: 'redis-kill', holdMs: 3000 },
    { at: 0.18 * d, kind: 's3-freeze', holdMs: 20_000 },
    { at: 0.5 * d, kind: 'worker-kill', holdMs: 2000 },
    { at: 0.58 * d, kind: 'pg-restart', holdMs: 2000 },
    { at: 0.68 * d, kind: 'api-kill', holdMs: 0 },
    { at: 0.76 * d, kind: 's3-kill', holdMs: 8000 },
  ];
}

/** The bench's timeline: the outside soak's faults, each kind twice, spread over the run. */
export function benchFaults(durationMs: number): FaultStep[] {
  const half = (offset: number, scale: number): FaultStep[] => [
    { at: offset + 0.05 * scale, kind: 'redis-kill', holdMs: 5000 },
    { at: offset + 0.12 * scale, kind: 's3-freeze', holdMs: 40_000 },
    { at: offset + 0.32 * scale, kind: 'pg-restart', holdMs: 3000 },
    { at: offset + 0.42 * scale, kind: 'worker-kill', holdMs: 3000 },
    { at: offset + 0.52 * scale, kind: 's3-kill', holdMs: 40_000 },
    { at: offset + 0.74 * scale, kind: 'api-kill', holdMs: 0 },
    { at: offset + 0.82 * scale, kind: 'pg-crash', holdMs: 5000 },
  ];
  return [...half(0, durationMs / 2), ...half(durationMs / 2, durationMs / 2)];
}

// ---------------------------------------------------------------- the report

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

export interface FaultRecord {
  kind: FaultKind;
  /** Seconds from the start of the load. */
  start: number;
  end: number;
  pid: number | null;
}

export interface SoakReport {
  durationMs: number;
  users: number;
  requests: number;
  byStatus: Record<string, number>;
  byOperation: Record<string, Record<string, number>>;
  /** Answers 5xx other than 503 (method, path, status, body). */
  serverErrors: string[];
  /** Requests without an answer (the API was killed, or the client gave up after 60 s). */
  transportErrors: number;
  faults: FaultRecord[];
  acknowledged: Record<string, number>;
  /** Seconds from an acknowledged approval (effective at once) to its controlled copy being served. */
  effectiveToCopy: { n: number; p50: number; p95: number; max: number };
  settleSeconds: number;
  orphans: { unregisteredObjects: number; unreferencedRows: number; missingObjects: number; swept: number; spoolLeftovers: number };
  invariants: Invariant[];
  workDir: string;
  logs: { api: string; worker: string };
}

export function formatReport(r: SoakReport): string {
  const lines: string[] = [];
  lines.push(`fault soak: ${r.users} virtual users, ${Math.round(r.durationMs / 1000)} s of load, ${r.requests} requests, settled in ${r.settleSeconds} s`);
  lines.push(`status counts: ${Object.entries(r.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ')} (transport errors: ${r.transportErrors})`);
  lines.push('by operation:');
  for (const [op, counts] of Object.entries(r.byOperation).sort()) lines.push(`  ${op.padEnd(20)} ${Object.entries(counts).map(([s, n]) => `${s}×${n}`).join(', ')}`);
  lines.push('fault timeline (s from the start of the load):');
  for (const f of r.faults) lines.push(`  ${f.start.toFixed(1).padStart(6)} – ${f.end.toFixed(1).padStart(6)}  ${f.kind}${f.pid ? ` (pid ${f.pid})` : ''}`);
  lines.push(`acknowledged writes: ${Object.entries(r.acknowledged).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const l = r.effectiveToCopy;
  lines.push(`effective → controlled copy: n=${l.n} p50=${l.p50} s p95=${l.p95} s max=${l.max} s`);
  const o = r.orphans;
  lines.push(`objects: ${o.unregisteredObjects} unregistered and ${o.unreferencedRows} unreferenced before the sweep (${o.swept} swept), ${o.missingObjects} missing; upload spool leftovers: ${o.spoolLeftovers}`);
  lines.push('invariants:');
  for (const i of r.invariants) lines.push(`  ${i.ok ? 'ok  ' : 'FAIL'} ${i.name}${i.detail ? ` — ${i.detail}` : ''}`);
  if (r.serverErrors.length) lines.push(`server errors (first ${Math.min(10, r.serverErrors.length)}):`, ...r.serverErrors.slice(0, 10).map((e) => `  ${e}`));
  lines.push(`logs: ${r.logs.api}, ${r.logs.worker}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- HTTP

interface Answer {
  status: number;
  body: any;
  headers: Headers | null;
}

const REQUEST_TIMEOUT_MS = 60_000;
/** Load after the last fault, before the settling starts. */
const RECOVERY_LOAD_MS = 5000;

class Http {
  requests = 0;
  readonly byStatus: Record<string, number> = {};
  readonly byOperation: Record<string, Record<string, number>> = {};
  readonly serverErrors: string[] = [];
  transportErrors = 0;

  constructor(readonly base: string) {}

  async call(op: string, method: string, path: string, opts: { token?: string; json?: unknown; form?: FormData; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let body: string | FormData | undefined;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) body = opts.form;
    this.requests++;
    let answer: Answer;
    try {
      const res = await fetch(`${this.base}/api/v1${path}`, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const type = res.headers.get('content-type') ?? '';
      const buf = Buffer.from(await res.arrayBuffer());
      const parsed = type.includes('json') && buf.length ? JSON.parse(buf.toString('utf8')) : buf;
      answer = { status: res.status, body: parsed, headers: res.headers };
    } catch (err) {
      this.transportErrors++;
      answer = { status: 0, body: String((err as Error).message ?? err), headers: null };
    }
    const key = String(answer.status);
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
    const perOp = (this.byOperation[op] ??= {});
    // Per operation, errors with their problem code: "409 revision_not_draft".
    const code = answer.status >= 400 && typeof answer.body?.code === 'string' ? ` ${answer.body.code}` : '';
    perOp[key + code] = (perOp[key + code] ?? 0) + 1;
    if (answer.status >= 500 && answer.status !== 503) this.serverErrors.push(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer;
  }
}

// ---------------------------------------------------------------- the run

const ADMIN_PASSWORD = 'soak-admin-password-42';
const BUCKET = 'eiso-soak';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small seeded PRNG (mulberry32): the same seed, the same choices. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface User {
  id: string;
  username: string;
  password: string;
  token: string;
}

interface Draft {
  id: string;
  etag: string;
  state: string;
  purpose: string;
}

interface Doc {
  id: string;
  code: string;
  title: string;
  draft: Draft | null;
  effectiveId: string | null;
  /** Our knowledge may be stale (an answer was lost): read it again before the next write. */
  dirty: boolean;
}

interface Acked {
  documents: Map<string, string>;
  /** revision id -> the last acknowledged purpose and those tried since without an answer. */
  saves: Map<string, { purpose: string; unanswered: string[] }>;
  uploads: { revisionId: string; sha256: string; size: number }[];
  approvals: Map<string, number>;
  newDrafts: Set<string>;
  legalChange: string | null;
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

async function samplePdf(tag: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595.28, 841.89]).drawText(`Soak source ${tag}`, { x: 72, y: 760, size: 14, font });
  return Buffer.from(await doc.save());
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? (() => undefined);
  const random = rng(opts.seed ?? 11);
  const workDir = mkdtempSync(join(tmpdir(), 'eiso-soak-'));
  const logs = { api: join(workDir, 'api.log'), worker: join(workDir, 'worker.log') };
  const cleanup: (() => Promise<unknown>)[] = [];
  let db: pg.Client | null = null;
  let keep = opts.keep ?? false;
  try {
    // -------------------------------------------------------------- processes
    const [postgres, redis, s3] = await Promise.all([PrivatePostgres.start({ maxConnections: 200 }), PrivateRedis.start(), PrivateS3.start(join(workDir, 's3'), BUCKET)]);
    cleanup.push(() => postgres.destroy(), () => redis.stop(), () => s3.kill());
    const port = await freePort();
    const env = (role: 'api' | 'worker'): Record<string, string> => ({
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: role === 'worker' ? 'info' : 'warn',
      DATABASE_URL: postgres.url('eiso_soak'),
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'soak',
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_BUCKET: BUCKET,
      DATA_DIR: join(workDir, role),
      JWT_SECRET: 'soak-jwt-secret-soak-jwt-secret-soak-jwt-secret',
      ADMIN_PASSWORD,
      RUN_WORKERS: 'false',
      WORKER_CONCURRENCY: String(opts.workerConcurrency ?? 4),
      SCHEDULES_ENABLED: 'true',
    });
    for (const role of ['api', 'worker'] as const) mkdirSync(join(workDir, role), { recursive: true });
    const base = `http://127.0.0.1:${port}`;
    const api = new AppProcess('api', distFile('src/main.js'), env('api'), logs.api, async () => {
      try {
        return (await fetch(`${base}/health/live`, { signal: AbortSignal.timeout(2000) })).status === 200;
      } catch {
        return false;
      }
    });
    let workerLogFrom = 0;
    const worker = new AppProcess('worker', distFile('src/worker.js'), env('worker'), logs.worker, async () => {
      try {
        return readFileSync(logs.worker, 'utf8').slice(workerLogFrom).includes('e-ISO worker running');
      } catch {
        return false;
      }
    });
    const startWorker = async () => {
      try {
        workerLogFrom = readFileSync(logs.worker, 'utf8').length;
      } catch {
        workerLogFrom = 0;
      }
      await worker.start();
    };
    await api.start();
    cleanup.push(() => api.stop('SIGKILL'));
    await startWorker();
    cleanup.push(() => worker.stop('SIGKILL'));
    log(`processes: postgres ${postgres.pid} (port ${postgres.port}), redis ${redis.pid}, s3rver ${s3.pid}, api ${api.pid}, worker ${worker.pid}; work dir ${workDir}`);

    // -------------------------------------------------------------- the cast
    const http = new Http(base);
    const setup = async (what: string, method: string, path: string, o: Parameters<Http['call']>[3]): Promise<any> => {
      const r = await http.call(`setup`, method, path, o);
      if (r.status >= 300) throw new Error(`setup ${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const admin = (await setup('admin login', 'POST', '/auth/login', { json: { username: 'admin', password: ADMIN_PASSWORD } })).accessToken as string;
    const province = await setup('province', 'POST', '/agencies', { token: admin, json: { code: 'SOAK', name: 'UBND tỉnh Kon Tum', level: 'province' } });
    const agencies = [
      await setup('agency', 'POST', '/agencies', { token: admin, json: { code: 'SOAK-KHCN', name: 'Sở Khoa học và Công nghệ', level: 'department', parentId: province.id } }),
      await setup('agency', 'POST', '/agencies', { token: admin, json: { code: 'SOAK-TP', name: 'Sở Tư pháp', level: 'department', parentId: province.id } }),
    ];
    const user = async (name: string, agencyId: string, roles: string[]): Promise<User> => {
      const username = `${name}-${randomBytes(3).toString('hex')}`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const u = await setup('user', 'POST', '/users', { token: admin, json: { username, fullName: 'Nguyễn Văn Thử', password, title: 'Chuyên viên' } });
      await setup('membership', 'PUT', `/agencies/${agencyId}/members/${u.id}`, { token: admin, json: { roles } });
      const login = await setup('login', 'POST', '/auth/login', { json: { username, password } });
      return { id: u.id, username, password, token: login.accessToken };
    };
    const cast = await Promise.all(
      agencies.map(async (a) => ({ agency: a, secretary: await user('thuky', a.id, ['iso_secretary']), head: await user('giamdoc', a.id, ['head']), staff: await user('canbo', a.id, ['staff']) })),
    );
    const drafters = await Promise.all(Array.from({ length: opts.users }, (_, i) => user(`soan${i}`, cast[i % cast.length].agency.id, ['drafter'])));
    const legal = async (number: string, title: string, issuedOn: string) =>
      (await setup('legal document', 'POST', '/legal-documents', { token: admin, json: { number, type: 'decision', issuer: 'Thủ tướng Chính phủ', title, issuedOn, effectiveFrom: issuedOn } })).id as string;
    const oldLegal = await legal('19/2014/QĐ-TTg', 'Quyết định về việc áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2008', '2014-03-05');
    const newLegal = await legal('19/2024/QĐ-TTg', 'Quyết định về việc áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015', '2024-03-05');

    const content = (purpose: string) => citingProcedure(oldLegal, purpose);

    // -------------------------------------------------------------- virtual users
    const acked: Acked = { documents: new Map(), saves: new Map(), uploads: [], approvals: new Map(), newDrafts: new Set(), legalChange: null };
    const latencies: number[] = [];
    const watching = new Map<string, { since: number; token: string }>(); // revision id -> when its approval was acknowledged
    let stopping = false;
    const t0 = Date.now();

    const draftOf = (b: any): Draft | null => (b?.openDraft ? { id: b.openDraft.id, etag: b.openDraft.etag, state: b.openDraft.state, purpose: b.openDraft.content?.purpose ?? '' } : null);

    async function refresh(me: User, doc: Doc): Promise<boolean> {
      const r = await http.call('read document', 'GET', `/documents/${doc.id}`, { token: me.token });
      if (r.status !== 200) return false;
      doc.draft = draftOf(r.body);
      doc.effectiveId = r.body.currentRevision?.id ?? null;
      doc.dirty = false;
      if (doc.draft && !acked.saves.has(doc.draft.id)) acked.saves.set(doc.draft.id, { purpose: doc.draft.purpose, unanswered: [] });
      return true;
    }

    async function virtualUser(i: number): Promise<void> {
      const me = drafters[i];
      const team = cast[i % cast.length];
      const docs: Doc[] = [];
      let n = 0;
      const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(random() * xs.length)] : undefined);
      while (!stopping) {
        n++;
        const dirty = docs.find((d) => d.dirty);
        if (dirty) {
          // While the API is away (killed, restarting) or a dependency is down, come back a little later.
          await sleep((await refresh(me, dirty)) ? 100 : 1000);
          continue;
        }
        const drafts = docs.filter((d) => d.draft?.state === 'draft');
        const effective = docs.filter((d) => d.effectiveId);
        const roll = random();
        if (docs.length < 2 || roll < 0.12) {
          // A new procedure.
          const code = `QT-${i}-${n}`;
          const title = `Quy trình giải quyết thủ tục hành chính ${i}.${n}`;
          const purpose = `Mục đích ${i}.${n}.0`;
          const r = await http.call('create document', 'POST', '/documents', { token: me.token, json: { agencyId: team.agency.id, type: 'procedure', code, title, content: content(purpose) } });
          if (r.status === 201) {
            acked.documents.set(r.body.id, title);
            const doc: Doc = { id: r.body.id, code, title, draft: draftOf(r.body), effectiveId: null, dirty: false };
            acked.saves.set(doc.draft!.id, { purpose, unanswered: [] });
            docs.push(doc);
          }
        } else if (roll < 0.4 && drafts.length) {
          // Save the draft (If-Match).
          const doc = pick(drafts)!;
          const purpose = `Mục đích ${i}.${n}.${Math.floor(random() * 1000)}`;
          const r = await http.call('save draft', 'PATCH', `/revisions/${doc.draft!.id}`, { token: me.token, json: { content: content(purpose) }, headers: { 'If-Match': doc.draft!.etag } });
          const saves = acked.saves.get(doc.draft!.id)!;
          if (r.status === 200) {
            doc.draft = { ...doc.draft!, etag: r.body.etag, purpose };
            acked.saves.set(doc.draft.id, { purpose, unanswered: [] });
          } else {
            if (r.status === 0 || r.status >= 500) saves.unanswered.push(purpose);
            doc.dirty = true;
          }
        } else if (roll < 0.52 && drafts.length) {
          // Upload a source PDF to the draft.
          const doc = pick(drafts)!;
          const bytes = await samplePdf(`${i}.${n}.${randomBytes(4).toString('hex')}`);
          const form = new FormData();
          form.append('file', new Blob([bytes], { type: 'application/pdf' }), `Tờ trình ${i}-${n}.pdf`);
          const r = await http.call('upload file', 'POST', `/revisions/${doc.draft!.id}/files?role=source`, { token: me.token, form });
          if (r.status === 201) acked.uploads.push({ revisionId: doc.draft!.id, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
          doc.dirty = true; // the draft's version moved on
        } else if (roll < 0.7 && drafts.length) {
          // Submit, check, approve (effective at once).
          const doc = pick(drafts)!;
          const id = doc.draft!.id;
          doc.dirty = true;
          const submit = await http.call('submit', 'POST', `/revisions/${id}/submit`, { token: me.token });
          if (submit.status !== 200) continue;
          const check = await http.call('check', 'POST', `/revisions/${id}/review`, { token: team.secretary.token, json: { decision: 'approve' } });
          if (check.status !== 200) continue;
          const approve = await http.call('approve', 'POST', `/revisions/${id}/approve`, { token: team.head.token, json: { password: team.head.password } });
          if (approve.status === 200) {
            acked.approvals.set(id, Date.now());
            watching.set(id, { since: Date.now(), token: team.secretary.token });
          }
        } else if (roll < 0.78 && effective.length) {
          // A new revision of an effective document.
          const doc = pick(effective.filter((d) => !d.draft)) ?? pick(effective)!;
          const r = await http.call('new revision', 'POST', `/documents/${doc.id}/revisions`, { token: me.token, json: { changeSummary: `Cập nhật lần ${n}` } });
          if (r.status === 201) acked.newDrafts.add(r.body.id);
          doc.dirty = true;
        } else if (roll < 0.9 && effective.length) {
          // Staff download the form in force (the controlled copy), or its source.
          const doc = pick(effective)!;
          const variant = random() < 0.8 ? 'controlled' : 'source';
          await http.call(`download ${variant}`, 'GET', `/documents/${doc.id}/current/file?variant=${variant}`, { token: team.staff.token });
        } else {
          await http.call('search', 'GET', `/documents?q=${encodeURIComponent('giai quyet thu tuc')}&limit=20`, { token: me.token });
        }
        await sleep(50 + random() * 250);
      }
    }

    /** Polls the controlled copy of each revision whose approval was acknowledged (as its agency's secretary), for the latency. */
    let deadline = Number.POSITIVE_INFINITY;
    async function observer(): Promise<void> {
      while (!stopping || (watching.size && Date.now() < deadline)) {
        for (const [id, w] of [...watching]) {
          const r = await http.call('observe copy', 'GET', `/revisions/${id}/rendition`, { token: w.token });
          if (r.status === 200) {
            latencies.push((Date.now() - w.since) / 1000);
            watching.delete(id);
          }
          if (r.status === 0) break; // the API is away: the next round
        }
        await sleep(1000);
      }
    }

    async function legalChange(): Promise<void> {
      await sleep(opts.durationMs * 0.3);
      for (let i = 0; i < 60 && !acked.legalChange; i++) {
        const r = await http.call('legal change', 'POST', `/legal-documents/${oldLegal}/changes`, {
          token: admin,
          json: { kind: 'replaced', byLegalDocumentId: newLegal, effectiveFrom: new Date().toISOString().slice(0, 10), note: 'Thay thế theo Quyết định 19/2024/QĐ-TTg' },
        });
        if (r.status === 201 || r.status === 202) acked.legalChange = r.body.changeId;
        else if (r.status === 409) {
          // An earlier answer was lost but the change was made: find it.
          const list = await http.call('legal change', 'GET', `/legal-documents/${oldLegal}/changes`, { token: admin });
          acked.legalChange = list.body?.items?.[0]?.id ?? null;
        } else await sleep(2000);
      }
    }

    // -------------------------------------------------------------- faults
    const timeline: FaultRecord[] = [];
    /** Each fault: whose pid, how it goes down, how it comes back. */
    const FAULTS: Record<FaultKind, { pid: () => number | null; down: () => unknown; up: () => Promise<void> }> = {
      'redis-kill': { pid: () => redis.pid, down: () => redis.stop(), up: () => redis.resume() },
      's3-freeze': { pid: () => s3.pid, down: () => s3.freeze(), up: async () => s3.thaw() },
      's3-kill': { pid: () => s3.pid, down: () => s3.kill(), up: () => s3.resume() },
      'pg-restart': { pid: () => postgres.pid, down: () => postgres.stop('fast'), up: () => postgres.start() },
      'pg-crash': { pid: () => postgres.pid, down: () => postgres.kill(), up: () => postgres.start() },
      'api-kill': { pid: () => api.pid, down: () => api.stop('SIGKILL'), up: () => api.start() },
      'worker-kill': { pid: () => worker.pid, down: () => worker.stop('SIGKILL'), up: () => startWorker() },
    };
    async function injectFaults(): Promise<void> {
      for (const f of [...opts.faults].sort((a, b) => a.at - b.at)) {
        const wait = t0 + f.at - Date.now();
        if (wait > 0) await sleep(wait);
        const start = (Date.now() - t0) / 1000;
        const op = FAULTS[f.kind];
        const pid = op.pid();
        await op.down();
        await sleep(f.holdMs);
        await op.up();
        const end = (Date.now() - t0) / 1000;
        timeline.push({ kind: f.kind, start, end, pid });
        log(`fault ${f.kind} (pid ${pid}) from ${start.toFixed(1)} s to ${end.toFixed(1)} s`);
      }
    }

    log(`load: ${opts.users} virtual users for ${Math.round(opts.durationMs / 1000)} s`);
    const users = drafters.map((_, i) => virtualUser(i));
    const obs = observer();
    const faults = injectFaults();
    const change = legalChange();
    // The load runs for the duration, and on for a while after the last fault (to see the recovery).
    await Promise.all([sleep(opts.durationMs), faults.then(() => sleep(RECOVERY_LOAD_MS))]);
    stopping = true;
    await Promise.all([...users, faults, change]);
    const loadMs = Date.now() - t0;
    log(`load done after ${Math.round(loadMs / 1000)} s (${http.requests} requests); settling`);

    // -------------------------------------------------------------- settle
    db = new pg.Client({ connectionString: postgres.url('eiso_soak') });
    await db.connect();
    const settleStart = Date.now();
    deadline = settleStart + opts.settleMs;
    const effectiveRevisions = async () => (await db!.query<{ id: string; document_id: string; agency_id: string }>(`SELECT id, document_id, agency_id FROM revisions WHERE state = 'effective'`)).rows;
    const legalDone = async () =>
      !acked.legalChange || (await db!.query(`SELECT 1 FROM legal_changes WHERE id = $1 AND status IN ('completed', 'completed_with_errors', 'failed')`, [acked.legalChange])).rowCount === 1;
    let unrendered: string[] = [];
    let outbox = -1;
    for (;;) {
      unrendered = [];
      for (const r of await effectiveRevisions()) {
        const token = cast.find((c) => c.agency.id === r.agency_id)!.staff.token;
        const got = await http.call('settle: copy', 'GET', `/documents/${r.document_id}/current/file?variant=controlled`, { token });
        if (got.status !== 200) unrendered.push(`${r.id} (${got.status}${got.body?.retry ? ` ${got.body.retry.reason}` : ''})`);
      }
      outbox = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM job_outbox`)).rows[0].n);
      if ((!unrendered.length && outbox === 0 && (await legalDone())) || Date.now() > deadline) break;
      await sleep(2000);
    }
    await obs;
    const settleSeconds = Math.round((Date.now() - settleStart) / 1000);
    log(`settled in ${settleSeconds} s`);

    // -------------------------------------------------------------- invariants
    const invariants: Invariant[] = [];
    const check = (name: string, problems: string[], detail = '') => invariants.push({ name, ok: problems.length === 0, detail: problems.length ? `${problems.length}: ${problems.slice(0, 5).join('; ')}` : detail });

    const docRows = new Map((await db.query<{ id: string; title: string }>(`SELECT id, title FROM documents`)).rows.map((r) => [r.id, r.title]));
    check('every acknowledged document is there', [...acked.documents].filter(([id, title]) => docRows.get(id) !== title).map(([id]) => id), `${acked.documents.size}`);
    const contents = new Map((await db.query<{ id: string; purpose: string }>(`SELECT id, content->>'purpose' AS purpose FROM revisions`)).rows.map((r) => [r.id, r.purpose]));
    check(
      'every acknowledged save is there (or a later one whose answer was lost)',
      [...acked.saves].filter(([id, s]) => ![s.purpose, ...s.unanswered].includes(contents.get(id) ?? '\u0000')).map(([id, s]) => `${id}: ${contents.get(id)} ≠ ${s.purpose}`),
      `${acked.saves.size} drafts`,
    );
    const files = new Set((await db.query<{ k: string }>(`SELECT revision_id || ':' || sha256 AS k FROM revision_files`)).rows.map((r) => r.k));
    check('every acknowledged upload is there', acked.uploads.filter((u) => !files.has(`${u.revisionId}:${u.sha256}`)).map((u) => `${u.revisionId}:${u.sha256.slice(0, 12)}`), `${acked.uploads.length}`);
    const approved = new Map((await db.query<{ id: string; effective_at: Date | null }>(`SELECT id, effective_at FROM revisions WHERE id = ANY($1)`, [[...acked.approvals.keys()]])).rows.map((r) => [r.id, r.effective_at]));
    check('every acknowledged approval took effect', [...acked.approvals.keys()].filter((id) => !approved.get(id)), `${acked.approvals.size}`);
    const newDrafts = new Set((await db.query<{ id: string }>(`SELECT id FROM revisions WHERE id = ANY($1)`, [[...acked.newDrafts]])).rows.map((r) => r.id));
    check('every acknowledged new revision is there', [...acked.newDrafts].filter((id) => !newDrafts.has(id)), `${acked.newDrafts.size}`);
    check('no 5xx other than 503', http.serverErrors);
    const twoEffective = (await db.query<{ document_id: string }>(`SELECT document_id FROM revisions WHERE state = 'effective' GROUP BY document_id HAVING count(*) > 1`)).rows;
    const twoOpen = (await db.query<{ document_id: string }>(`SELECT document_id FROM revisions WHERE state IN ('draft', 'in_review', 'pending_approval', 'approved') GROUP BY document_id HAVING count(*) > 1`)).rows;
    check('at most one effective and one open revision per document', [...twoEffective, ...twoOpen].map((r) => r.document_id), `${docRows.size} documents`);
    const verify = await http.call('settle: verify', 'GET', '/audit-events/verify-all', { token: admin });
    check('every audit chain verifies', verify.status === 200 && verify.body.ok ? [] : [`${verify.status} ${JSON.stringify(verify.body).slice(0, 300)}`], verify.status === 200 ? `${verify.body.chains} chains, ${verify.body.checked} events` : '');
    if (acked.legalChange) {
      const [c] = (await db.query<{ status: string; total: number; processed: number }>(`SELECT status, total, processed FROM legal_changes WHERE id = $1`, [acked.legalChange])).rows;
      check('the legal change was processed', c && c.status.startsWith('completed') && c.processed === c.total ? [] : [JSON.stringify(c)], c ? `${c.processed}/${c.total} documents` : '');
    } else check('the legal change was processed', ['it was never acknowledged']);
    check('the outbox is drained', outbox === 0 ? [] : [`${outbox} rows left`]);
    check('every effective revision has its controlled copy', unrendered, `${(await effectiveRevisions()).length} effective revisions`);

    // Objects: none missing; the unreferenced ones (puts whose record failed while PostgreSQL was down) are swept.
    const orphans = await objectCheck(env('api'), (name, problems, detail) => check(name, problems, detail));
    let spoolLeftovers = 0;
    try {
      spoolLeftovers = readdirSync(join(workDir, 'api', 'tmp')).length;
    } catch {
      /* none */
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    if (invariants.some((i) => !i.ok)) keep = true;
    return {
      durationMs: loadMs,
      users: opts.users,
      requests: http.requests,
      byStatus: http.byStatus,
      byOperation: http.byOperation,
      serverErrors: http.serverErrors,
      transportErrors: http.transportErrors,
      faults: timeline,
      acknowledged: {
        documents: acked.documents.size,
        saves: [...acked.saves.values()].length,
        uploads: acked.uploads.length,
        approvals: acked.approvals.size,
        'new revisions': acked.newDrafts.size,
        'legal change': acked.legalChange ? 1 : 0,
      },
      effectiveToCopy: { n: sorted.length, p50: round1(percentile(sorted, 0.5)), p95: round1(percentile(sorted, 0.95)), max: round1(sorted[sorted.length - 1] ?? 0) },
      settleSeconds,
      orphans: { ...orphans, spoolLeftovers },
      invariants,
      workDir,
      logs,
    };
  } catch (err) {
    keep = true;
    throw err;
  } finally {
    await db?.end().catch(() => undefined);
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    // Kept when asked, or when something failed (the logs say what happened).
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Compares the bucket with `stored_objects`, runs the real orphan sweep (no minimum age: nothing
 * is being written any more) in a Nest context of the app, and compares again.
 */
async function objectCheck(
  env: Record<string, string>,
  check: (name: string, problems: string[], detail: string) => void,
): Promise<{ unregisteredObjects: number; unreferencedRows: number; missingObjects: number; swept: number }> {
  appLogger.setLevel('error');
  const config = loadConfig({ ...env, SCHEDULES_ENABLED: 'false', RUN_WORKERS: 'false' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { workers: false }), { logger: appLogger });
  try {
    const storage = app.get(ObjectStorage);
    const store = app.get(ContentStore);
    const db = app.get(Database);
    const listed = async () => {
      const keys = new Set<string>();
      for await (const o of storage.list('')) keys.add(o.key);
      return keys;
    };
    const rows = async () => new Map((await db.query<{ sha256: string }[]>(`SELECT sha256 FROM stored_objects`)).map((r) => [store.keyOf(r.sha256), r.sha256]));
    const before = await listed();
    const registered = await rows();
    const unregisteredObjects = [...before].filter((k) => !registered.has(k)).length;
    const missing = [...registered.keys()].filter((k) => !before.has(k));
    const [{ n: unreferencedRows }] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM stored_objects s
        WHERE NOT EXISTS (SELECT 1 FROM revision_files f WHERE f.sha256 = s.sha256)
          AND NOT EXISTS (SELECT 1 FROM renditions r WHERE r.sha256 = s.sha256)`,
    );
    const result = await store.sweepOrphans({ minAgeMs: 0 });
    const after = await listed();
    const registeredAfter = await rows();
    const left = [...after].filter((k) => !registeredAfter.has(k));
    check('no stored object is missing', missing, `${registered.size} objects`);
    check('no orphan objects after the sweep', left, `${unregisteredObjects} unregistered before`);
    return { unregisteredObjects, unreferencedRows, missingObjects: missing.length, swept: result.objectsRemoved };
  } finally {
    await app.close();
  }
}
