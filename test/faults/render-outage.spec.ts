/**
 * Controlled copies through a storage outage ("controlled copies that never render" and
 * "retries give up after ~30 s"), with private PostgreSQL and S3 processes:
 *
 * 1. S3 is down when two revisions take effect: their renders wait for it (retry `dependency_unavailable`,
 *    no attempt spent), shown on the rendition (202) and in /admin/queues.
 * 2. The outage outlasts the outage budget (JOB_OUTAGE_RETRY_SECONDS, shortened here), the attempts
 *    run out, and PostgreSQL is down at the last one: the jobs fail for good in BullMQ while the
 *    database still says `pending` (the failure could not be recorded, nor the outbox row settled).
 * 3. Everything comes back. The database is the truth: the relay runs the job whose outbox row is
 *    still there again (rather than dropping the row because BullMQ says `failed`), and the resend
 *    sweep gives a request whose row is gone a new round (a new job id: BullMQ ignores an add of a
 *    failed job's id). Both controlled copies are served.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { OutboxRelay, Queues } from '../../src/queue/job-queue.js';
import { LAYOUT_VERSION, WATERMARK_CONTROLLED } from '../../src/rendering/index.js';
import { RenditionRequests } from '../../src/renditions/rendition-requests.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { PrivatePostgres, PrivateS3, privateDatabase } from '../support/services.js';
import { newProcedure, toPendingApproval, workflow, Workflow, WorkflowCast, workflowCast } from '../workflow/helpers.js';
import { getRendition, renderWorker, waitForPdf, watermarks } from '../renditions/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults: renders through a storage outage with the database down at the last attempt', () => {
  let pg: PrivatePostgres;
  let s3: PrivateS3;
  let dir: string;
  let t: TestApp;
  let c: WorkflowCast;
  let w: Workflow;
  let admin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eiso-render-outage-'));
    let url: string;
    [{ pg, url }, s3] = await Promise.all([privateDatabase('eiso_fault_render'), PrivateS3.start(join(dir, 's3'), 'eiso-outage')]);
    t = await createTestApp({
      DATABASE_URL: url,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: 'eiso-outage',
      REDIS_PREFIX: `outage-${randomUUID().slice(0, 8)}`,
      JOB_OUTAGE_RETRY_SECONDS: '10',
    });
    const f = new Fixtures(t);
    c = await workflowCast(f);
    w = workflow(t);
    admin = await f.adminToken();
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all([pg?.destroy(), s3?.kill()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const request = async (revisionId: string) =>
    (
      await t.db.query<{ status: string; round: number; job_id: string; attempts: number; retry_reason: string | null }[]>(
        `SELECT status, round, job_id, attempts, retry_reason FROM rendition_requests WHERE revision_id = $1 AND state = 'effective' AND layout_version = $2`,
        [revisionId, LAYOUT_VERSION],
      )
    )[0];

  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(100);
    }
    throw new Error(`timed out: ${what}`);
  }

  it('never leaves an effective revision without its controlled copy', async () => {
    const docs = [await newProcedure(t, c), await newProcedure(t, c)];
    for (const d of docs) await toPendingApproval(w, c, d.revisionId);
    const queue = t.app.get(Queues).get('render');
    const jobIds = docs.map((d) => `render_${d.revisionId}_effective_${LAYOUT_VERSION}`);
    const jobs = () => Promise.all(jobIds.map((id) => queue.getJob(id))) as Promise<(Job | undefined)[]>;
    const worker = renderWorker(t);

    // 1. S3 goes away; both revisions take effect.
    await s3.kill();
    for (const d of docs) expect((await w.approve(c.head, d.revisionId)).status).toBe(200);
    await t.flushOutbox();
    await until('both renders waiting for a dependency', async () => (await Promise.all(docs.map((d) => request(d.revisionId)))).every((r) => r?.attempts >= 1));
    await worker.pause();
    try {
      for (const d of docs) {
        const pending = await getRendition(t, c.secretary, d.revisionId);
        expect(pending.status).toBe(202);
        expect(pending.json).toMatchObject({ status: 'pending', retry: { reason: 'dependency_unavailable', givesUpAt: expect.any(String) } });
        expect((await w.revision(c.secretary, d.revisionId)).body.rendition).toMatchObject({ status: 'pending', retry: { reason: 'dependency_unavailable' } });
      }
      const status = await t.http.get('/api/v1/admin/queues').set(bearer(admin));
      const render = status.body.queues.find((q: { name: string }) => q.name === 'render');
      expect(render.waitingForDependency.map((j: { jobId: string }) => j.jobId)).toEqual(expect.arrayContaining(jobIds));
      // No attempt was spent on the outage.
      expect((await jobs()).map((j) => j?.attemptsMade)).toEqual([0, 0]);
    } finally {
      worker.resume();
    }

    // 2. The outage outlasts its budget; the attempts run out (delays cut short), the database is down at the last one.
    const hurry = async (js: (Job | undefined)[]) => {
      for (const j of js) if (j && (await j.isDelayed())) await j.promote().catch(() => undefined);
    };
    // Looked at with the worker paused (its active attempt finished), so the last attempt cannot start
    // between the look and the database going down; it stays paused once both are next.
    await until('the last attempt is next', async () => {
      await worker.pause();
      const js = await jobs();
      if (js.every((j) => j?.attemptsMade === 4)) return true;
      await hurry(js.filter((j) => (j?.attemptsMade ?? 0) < 4));
      worker.resume();
      return false;
    });
    await pg.stop('fast');
    worker.resume();
    await until('both jobs failed for good', async () => {
      const js = await jobs();
      await hurry(js);
      return (await Promise.all(jobIds.map((id) => queue.getJobState(id)))).every((s) => s === 'failed');
    });
    await pg.start();
    await s3.resume();

    // What the database says: not done (pending, the final failure never recorded), the outbox rows still there.
    for (const d of docs) expect(await request(d.revisionId)).toMatchObject({ status: 'pending', round: 0 });
    expect(await t.db.query<unknown[]>(`SELECT 1 FROM job_outbox WHERE job_id = ANY($1)`, [jobIds])).toHaveLength(2);

    // 3a. The second one's row is gone (as an older relay dropped it): the resend sweep opens a new round.
    await t.db.query(`DELETE FROM job_outbox WHERE job_id = $1`, [jobIds[1]]);
    expect(await t.app.get(RenditionRequests).resendLost(0)).toBeGreaterThanOrEqual(1);
    expect(await request(docs[1].revisionId)).toMatchObject({ status: 'pending', round: 1, job_id: `${jobIds[1]}_r1` });
    // 3b. The first one's row is there: the relay's reconciliation runs its failed job again.
    await worker.pause();
    try {
      await t.app.get(OutboxRelay).reconcile(0);
      expect(await t.db.query<{ resends: number }[]>(`SELECT resends FROM job_outbox WHERE job_id = $1`, [jobIds[0]])).toEqual([{ resends: 1 }]);
      expect(await queue.getJobState(jobIds[0])).toBe('prioritized'); // waiting again, in the background renders' priority lane
    } finally {
      worker.resume();
    }

    for (const d of docs) {
      const got = await waitForPdf(t, c.staff, `/documents/${d.id}/current/file?variant=controlled`, 60_000);
      expect(watermarks(got.pdf)[0]).toContain(WATERMARK_CONTROLLED);
      expect(await request(d.revisionId)).toMatchObject({ status: 'ready', retry_reason: null });
    }
    await until('the outbox drained', async () => (await t.db.query<unknown[]>(`SELECT 1 FROM job_outbox WHERE job_id LIKE ANY($1)`, [jobIds.map((j) => `${j}%`)])).length === 0);
  }, 240_000);
});
