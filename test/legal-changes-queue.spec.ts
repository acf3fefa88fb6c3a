import { randomUUID } from 'node:crypto';
import { LegalChange } from '../src/legal-changes/legal-change.entities.js';
import { LegalChangeRunner } from '../src/legal-changes/legal-change-runner.js';
import { LEGAL_CHANGE_BATCH_SIZE } from '../src/legal-changes/legal-change-queue.js';
import { LegalChangeSweep } from '../src/legal-changes/legal-change-sweep.js';
import { Queues } from '../src/queue/job-queue.js';
import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from './support/fixtures.js';
import { makeEffective } from './support/lifecycle.js';
import { TestRedis } from './support/services.js';
import { activeFlags, AgencyCast, agencyCast, API, effectiveProcedure, finished, legalDocument, postChange, procedureContent, progress, revisionsOf, vnDate } from './legal-changes-helpers.js';

/** The change's drafts as the database has them: revision rows created for each document after the change. */
async function draftsPerDocument(t: TestApp, documentIds: string[]): Promise<number[]> {
  return Promise.all(documentIds.map(async (id) => (await revisionsOf(t, id)).filter((r) => r.state === 'draft').length));
}

async function createdEvents(t: TestApp, documentIds: string[]): Promise<number> {
  const [row] = await t.db.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM audit_events e JOIN revisions r ON r.id = e.entity_id
      WHERE e.action = 'revision.created' AND r.document_id = ANY($1::uuid[]) AND r.state = 'draft'`,
    [documentIds],
  );
  return row.n;
}

describe('legal changes: queued work survives Redis and worker failures', () => {
  let t: TestApp;
  let f: Fixtures;
  let admin: string;
  let province: TestAgency;
  let cast: AgencyCast;
  let supervisor: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    admin = await f.adminToken();
    province = await f.agency({ level: 'province', name: 'UBND tỉnh Thử Nghiệm' });
    cast = await agencyCast(f, province.id, 'Sở Công Thương');
    supervisor = await f.user({ [province.id]: ['supervisor'] });
  });
  afterAll(() => t.close());

  async function citedBy(n: number) {
    const old = await legalDocument(t, admin, { year: 2014 });
    const next = await legalDocument(t, admin, { year: 2024 });
    const docs = [];
    for (let i = 0; i < n; i++) docs.push((await effectiveProcedure(t, cast.drafter, cast.agency.id, [{ legalDocumentId: old.id, articles: 'Điều 4' }])).id);
    return { old, next, docs };
  }

  it('Redis stopped while the change is posted: 202, the job waits in the outbox and runs when Redis is back', async () => {
    const redis = await TestRedis.start();
    const prefix = `lc-down-${randomUUID().slice(0, 8)}`;
    const app = await createTestApp({ REDIS_URL: redis.url, REDIS_PREFIX: prefix });
    try {
      const { old, next, docs } = await citedBy(3);
      await redis.stop();
      const res = await postChange(app, supervisor.token, old.id, { kind: 'replaced', byLegalDocumentId: next.id, effectiveFrom: '2024-07-01' });
      expect(res.status).toBe(202);
      const changeId = res.body.changeId;
      await app.flushOutbox();
      const [row] = await app.db.query<{ dispatched_at: Date | null; last_error: string | null }[]>('SELECT dispatched_at, last_error FROM job_outbox WHERE job_id = $1', [`legal-change_${changeId}`]);
      expect(row.dispatched_at).toBeNull();
      expect(row.last_error).toBeTruthy();
      expect((await progress(app, admin, changeId)).status).toBe('pending');

      await redis.resume();
      const done = await finished(app, admin, changeId, 45_000);
      expect(done).toMatchObject({ status: 'completed', total: 3, processed: 3, failed: 0 });
      expect(await draftsPerDocument(app, docs)).toEqual([1, 1, 1]);
    } finally {
      await app.close();
      await redis.stop();
    }
  });

  it('a worker stopped mid-batch: the batch runs again and completes without duplicates', async () => {
    const prefix = `${process.env.EISO_TEST_REDIS_PREFIX}_lckill_${randomUUID().slice(0, 6)}`;
    // An app without workers: what it queues waits in Redis; we play the crashed worker by hand.
    const posting = await createTestApp({ REDIS_PREFIX: prefix }, { workers: false });
    let worker: TestApp | null = null;
    try {
      const { old, next, docs } = await citedBy(5);
      const res = await postChange(posting, admin, old.id, { kind: 'replaced', byLegalDocumentId: next.id, effectiveFrom: '2024-07-01' });
      expect(res.status).toBe(202);
      const changeId = res.body.changeId;
      const runner = posting.app.get(LegalChangeRunner);
      expect(await runner.fanOut(changeId)).toEqual({ total: 5, batches: 1 });
      const ctx = await runner.context(await posting.db.repo(LegalChange).findOneByOrFail({ id: changeId }));
      const order = (await posting.db.query<{ document_id: string }[]>(`SELECT document_id FROM legal_change_items WHERE change_id = $1 ORDER BY agency_id, document_id`, [changeId])).map((r) => r.document_id);
      // The worker finished two documents...
      await runner.processDocument(ctx, order[0]);
      await runner.processDocument(ctx, order[1]);
      // ...and was killed in the middle of the third: its transaction never committed.
      await expect(
        posting.db.transaction(async () => {
          await runner.processDocument(ctx, order[2]);
          throw new Error('worker killed');
        }),
      ).rejects.toThrow('worker killed');
      expect(await progress(posting, admin, changeId)).toMatchObject({ status: 'running', total: 5, processed: 2 });
      expect((await revisionsOf(posting, order[2])).map((r) => r.state)).toEqual(['effective']);
      expect(await activeFlags(posting, order[2])).toEqual([]);

      // A worker comes up: the queued fan-out is a no-op, the batch job runs the rest.
      worker = await createTestApp({ REDIS_PREFIX: prefix }, { workers: true });
      await posting.flushOutbox();
      const done = await finished(worker, admin, changeId);
      expect(done).toMatchObject({ status: 'completed', total: 5, processed: 5, failed: 0 });
      expect(await draftsPerDocument(posting, docs)).toEqual([1, 1, 1, 1, 1]);
      expect(await createdEvents(posting, docs)).toBe(5);
      for (const id of docs) expect(await activeFlags(posting, id)).toHaveLength(1);
      const [notices] = await posting.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM notifications WHERE entity_id = $1 AND user_id = $2`, [changeId, cast.secretary.id]);
      expect(notices.n).toBe(1);
      // Running the whole batch once more changes nothing.
      expect(await runner.runBatch(changeId, 0)).toEqual({ finished: 0, failed: 0, retrying: 0 });
      expect(await createdEvents(posting, docs)).toBe(5);
    } finally {
      await worker?.close();
      await posting.close();
    }
  });

  it(`fans out in batches of ${LEGAL_CHANGE_BATCH_SIZE} documents, one job each; flags are due LEGAL_CHANGE_DUE_DAYS after posting`, async () => {
    const prefix = `${process.env.EISO_TEST_REDIS_PREFIX}_lcbatch_${randomUUID().slice(0, 6)}`;
    // No workers: the batches are run by hand below (and the drafts are not rendered).
    const posting = await createTestApp({ REDIS_PREFIX: prefix, LEGAL_CHANGE_DUE_DAYS: '7' }, { workers: false });
    try {
      const old = await legalDocument(posting, admin, { year: 2014 });
      const next = await legalDocument(posting, admin, { year: 2024 });
      const n = LEGAL_CHANGE_BATCH_SIZE + 1;
      const docs: string[] = [];
      for (let i = 0; i < n; i += 10) {
        const chunk = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => effectiveProcedure(posting, cast.drafter, cast.agency.id, [{ legalDocumentId: old.id }])));
        docs.push(...chunk.map((p) => p.id));
      }
      const res = await postChange(posting, admin, old.id, { kind: 'replaced', byLegalDocumentId: next.id, effectiveFrom: '2024-07-01' });
      const changeId = res.body.changeId;
      const runner = posting.app.get(LegalChangeRunner);
      expect(await runner.fanOut(changeId)).toEqual({ total: n, batches: 2 });
      const sizes = await posting.db.query<{ batch_no: number; n: number }[]>(
        'SELECT batch_no, count(*)::int AS n FROM legal_change_items WHERE change_id = $1 GROUP BY batch_no ORDER BY batch_no',
        [changeId],
      );
      expect(sizes).toEqual([{ batch_no: 0, n: LEGAL_CHANGE_BATCH_SIZE }, { batch_no: 1, n: 1 }]);
      const jobs = await posting.db.query<{ job_id: string }[]>(`SELECT job_id FROM job_outbox WHERE name = 'legal.change.batch' AND job_id LIKE $1 ORDER BY job_id`, [`legal-change_${changeId}_b%`]);
      expect(jobs.map((j) => j.job_id)).toEqual([`legal-change_${changeId}_b0`, `legal-change_${changeId}_b1`]);
      expect(await runner.runBatch(changeId, 1)).toEqual({ finished: 1, failed: 0, retrying: 0 });
      expect(await progress(posting, admin, changeId)).toMatchObject({ status: 'running', total: n, processed: 1 });
      expect(await runner.runBatch(changeId, 0)).toEqual({ finished: LEGAL_CHANGE_BATCH_SIZE, failed: 0, retrying: 0 });
      expect(await progress(posting, admin, changeId)).toMatchObject({ status: 'completed', total: n, processed: n, failed: 0 });
      expect((await draftsPerDocument(posting, docs)).every((d) => d === 1)).toBe(true);
      // Effective in the past: due 7 days after the change was posted.
      expect((await activeFlags(posting, docs[0])).map((f) => f.due_on)).toEqual([vnDate(7)]);
    } finally {
      await posting.close();
    }
  }, 120_000);

  it('the sweep queues again the fan-out and the batches whose jobs were lost', async () => {
    const prefix = `${process.env.EISO_TEST_REDIS_PREFIX}_lcsweep_${randomUUID().slice(0, 6)}`;
    const posting = await createTestApp({ REDIS_PREFIX: prefix }, { workers: false });
    let worker: TestApp | null = null;
    try {
      const queue = posting.app.get(Queues).get('legal');
      const sweep = posting.app.get(LegalChangeSweep);
      const lose = async (jobId: string) => {
        await posting.flushOutbox();
        const job = await queue.getJob(jobId);
        expect(job).toBeTruthy();
        await job!.remove();
        await posting.db.query('DELETE FROM job_outbox WHERE job_id = $1', [jobId]);
      };

      // A change whose fan-out job was lost (Redis lost it, and its outbox row is gone too).
      const a = await citedBy(2);
      const lostFanout = (await postChange(posting, admin, a.old.id, { kind: 'replaced', byLegalDocumentId: a.next.id, effectiveFrom: '2024-07-01' })).body.changeId;
      await lose(`legal-change_${lostFanout}`);
      // A change whose batch job was lost after the fan-out ran.
      const b = await citedBy(2);
      const lostBatch = (await postChange(posting, admin, b.old.id, { kind: 'replaced', byLegalDocumentId: b.next.id, effectiveFrom: '2024-07-01' })).body.changeId;
      await posting.app.get(LegalChangeRunner).fanOut(lostBatch);
      await lose(`legal-change_${lostBatch}_b0`);

      // Not stuck long enough yet: nothing happens.
      expect(await sweep.sweep()).toEqual({ fanouts: 0, batches: 0 });
      // Jobs that still exist are left alone.
      const c = await citedBy(1);
      const healthy = (await postChange(posting, admin, c.old.id, { kind: 'replaced', byLegalDocumentId: c.next.id, effectiveFrom: '2024-07-01' })).body.changeId;
      await posting.flushOutbox();
      // These three have not moved for an hour (other test files' changes, running meanwhile, are fresh: not swept).
      await posting.db.query(`UPDATE legal_changes SET updated_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, [[lostFanout, lostBatch, healthy]]);
      const swept = await sweep.sweep();
      expect(swept).toEqual({ fanouts: 1, batches: 1 });
      const rows = await posting.db.query<{ id: string; round: number; fanout_job_id: string }[]>('SELECT id, round, fanout_job_id FROM legal_changes WHERE id = ANY($1::uuid[])', [[lostFanout, lostBatch, healthy]]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(lostFanout)).toMatchObject({ round: 1, fanout_job_id: `legal-change_${lostFanout}_a1` });
      expect(byId.get(lostBatch)).toMatchObject({ round: 1 });
      expect(byId.get(healthy)).toMatchObject({ round: 0 });
      const [batch] = await posting.db.query<{ job_id: string }[]>('SELECT job_id FROM legal_change_batches WHERE change_id = $1', [lostBatch]);
      expect(batch.job_id).toBe(`legal-change_${lostBatch}_b0_a1`);

      worker = await createTestApp({ REDIS_PREFIX: prefix }, { workers: true });
      await posting.flushOutbox();
      for (const [id, docs] of [[lostFanout, a.docs], [lostBatch, b.docs], [healthy, c.docs]] as const) {
        expect(await finished(worker, admin, id)).toMatchObject({ status: 'completed', processed: docs.length, total: docs.length });
        expect(await draftsPerDocument(posting, [...docs])).toEqual(docs.map(() => 1));
      }
    } finally {
      await worker?.close();
      await posting.close();
    }
  });

  it('retries a failing document with backoff, fails it after the last attempt with its reason, and re-queues it on request', async () => {
    const { old, next, docs } = await citedBy(4);
    // Fault injection in the database, one document each: its flag cannot be raised (after its draft
    // was written); its outcome cannot be recorded (after its draft and flag were written).
    const [victim, late] = [docs[1], docs[3]];
    const fn = `lc_fail_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await t.db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF TG_TABLE_NAME = 'document_flags' THEN
          IF NEW.document_id = '${victim}'::uuid THEN RAISE EXCEPTION 'injected failure for %', NEW.document_id; END IF;
        ELSIF NEW.document_id = '${late}'::uuid AND NEW.status = 'done' THEN
          RAISE EXCEPTION 'injected outcome failure for %', NEW.document_id;
        END IF;
        RETURN NEW; END $$`);
    await t.db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON document_flags FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    await t.db.query(`CREATE TRIGGER ${fn} BEFORE UPDATE ON legal_change_items FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    let changeId: string;
    try {
      const res = await postChange(t, admin, old.id, { kind: 'replaced', byLegalDocumentId: next.id, effectiveFrom: '2024-07-01' });
      changeId = res.body.changeId;
      // Attempts 1-3 fail and are retried (backoff 2 s, 4 s, 8 s); the 4th is the last.
      const done = await finished(t, admin, changeId, 50_000);
      expect(done).toMatchObject({ status: 'completed_with_failures', total: 4, processed: 4, failed: 2 });
      const item = (id: string) => done.items.find((i: { documentId: string }) => i.documentId === id);
      expect(item(victim)).toMatchObject({ status: 'failed', outcome: 'failed', reasonCode: 'error', draftRevisionId: null, attempts: 4 });
      expect(item(victim).reason).toContain('injected failure');
      expect(item(late)).toMatchObject({ status: 'failed', outcome: 'failed', reasonCode: 'error', draftRevisionId: null, attempts: 4 });
      expect(item(late).reason).toContain('injected outcome failure');
      for (const id of [docs[0], docs[2]]) expect(item(id)).toMatchObject({ outcome: 'draft_created', attempts: 1 });
      // A document's draft, flag and outcome commit together: the failed ones have neither draft nor flag.
      expect(await draftsPerDocument(t, docs)).toEqual([1, 0, 1, 0]);
      expect(await Promise.all(docs.map(async (id) => (await activeFlags(t, id)).length))).toEqual([1, 0, 1, 0]);
    } finally {
      await t.db.query(`DROP TRIGGER IF EXISTS ${fn} ON document_flags`);
      await t.db.query(`DROP TRIGGER IF EXISTS ${fn} ON legal_change_items`);
      await t.db.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
    // Only registry writers re-queue.
    expect((await t.http.post(`${API}/legal-changes/${changeId}/retry`).set(bearer(cast.secretary.token))).status).toBe(403);
    const retry = await t.http.post(`${API}/legal-changes/${changeId}/retry`).set(bearer(supervisor.token));
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({ changeId, requeued: 2, round: 1, status: 'running' });
    const [batch] = await t.db.query<{ job_id: string }[]>('SELECT job_id FROM legal_change_batches WHERE change_id = $1', [changeId]);
    expect(batch.job_id).toBe(`legal-change_${changeId}_b0_a1`);
    const again = await finished(t, admin, changeId);
    expect(again).toMatchObject({ status: 'completed', processed: 4, failed: 0 });
    for (const id of [victim, late]) expect(again.items.find((i: { documentId: string }) => i.documentId === id)).toMatchObject({ status: 'done', outcome: 'draft_created', attempts: 5 });
    expect(await draftsPerDocument(t, docs)).toEqual([1, 1, 1, 1]);
    expect(await Promise.all(docs.map(async (id) => (await activeFlags(t, id)).length))).toEqual([1, 1, 1, 1]);
  });

  it('a document whose content cannot be saved fails at once with the validation errors (no pointless retries)', async () => {
    const { old, next, docs } = await citedBy(1);
    // A procedure whose effective content no longer passes validation (saved before a rule existed):
    // changed by SQL while it was a draft, then made effective.
    const code = `QT-BROKEN-${randomUUID().slice(0, 6)}`;
    const created = await t.http
      .post(`${API}/documents`)
      .set(bearer(cast.drafter.token))
      .send({ agencyId: cast.agency.id, type: 'procedure', code, title: 'Quy trình cũ', content: procedureContent([{ legalDocumentId: old.id }]) });
    expect(created.status).toBe(201);
    const broken = created.body.id as string;
    const revisionId = created.body.openDraft.id as string;
    await t.db.query(`UPDATE revisions SET content = jsonb_set(content, '{steps,0,duration,unit}', '"weeks"') WHERE id = $1`, [revisionId]);
    await makeEffective(t, revisionId);

    const res = await postChange(t, admin, old.id, { kind: 'replaced', byLegalDocumentId: next.id, effectiveFrom: '2024-07-01' });
    const done = await finished(t, admin, res.body.changeId);
    expect(done).toMatchObject({ status: 'completed_with_failures', total: 2, processed: 2, failed: 1 });
    const item = done.items.find((i: { documentId: string }) => i.documentId === broken);
    expect(item).toMatchObject({ outcome: 'failed', reasonCode: 'validation_failed', attempts: 1 });
    expect(item.reason).toContain('content.steps[0].duration.unit');
    expect(await activeFlags(t, broken)).toEqual([]);
    expect(done.items.find((i: { documentId: string }) => i.documentId === docs[0])).toMatchObject({ outcome: 'draft_created' });
  });
});
