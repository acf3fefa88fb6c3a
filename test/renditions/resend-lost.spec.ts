/**
 * The periodic re-send of lost render requests (RenditionRequests.resendLost) when PostgreSQL
 * interrupts it: chosen as a deadlock's victim it runs again (everything it writes is in its
 * transaction); any other error is not retried. Real deadlocks and cancellations on real
 * PostgreSQL: connections of the test hold outbox rows of the job ids the re-send is about to
 * write (the unique key makes it wait for them) and wait for rows it wrote.
 */
import pg from 'pg';
import { LAYOUT_VERSION } from '../../src/rendering/index.js';
import { renderJobId, RenditionRequests } from '../../src/renditions/rendition-requests.js';
import type { TestApp } from '../support/app.js';
import { Cast, code, createDocument, documentsSuite } from '../documents/helpers.js';

/** Requests older than this are re-sent by the calls of this file; its own are made that old. */
const OLDER_THAN_MS = 12 * 3600_000;

describe('renditions: the lost-request re-send interrupted by PostgreSQL', () => {
  let t: TestApp;
  let c: Cast;
  const clients: pg.Client[] = [];

  // No workers: the re-sent jobs stay queued, nothing renders meanwhile.
  beforeAll(async () => ({ t, c } = await documentsSuite({ RUN_WORKERS: 'false' })));
  afterAll(async () => {
    await Promise.all(clients.map((x) => x.end().catch(() => undefined)));
    await t.close();
  });

  /** A connection of the test's own, in a transaction, with its backend pid. */
  async function session(): Promise<{ client: pg.Client; pid: number }> {
    const client = new pg.Client({ connectionString: t.config.databaseUrl });
    clients.push(client);
    await client.connect();
    const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    await client.query('BEGIN');
    return { client, pid };
  }

  /** Takes the outbox key of `jobId` (this app's namespace) in the session's open transaction. */
  const holdJob = (client: pg.Client, jobId: string) =>
    client.query(
      `INSERT INTO job_outbox (namespace, queue, name, job_id, data) VALUES ($1, 'render', 'render.revision', $2, '{}')
       ON CONFLICT DO NOTHING RETURNING id`,
      [t.config.redisPrefix, jobId],
    );

  /** The backends waiting for a lock `pid` holds, once there is one. */
  async function blockedBy(pid: number): Promise<number[]> {
    for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 10))) {
      const rows = await t.db.query<{ pid: number }[]>('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
      if (rows.length) return rows.map((r) => r.pid);
    }
    throw new Error(`nothing waited for backend ${pid}`);
  }

  /**
   * Draft revisions whose pending render request lost its job (no outbox row of this app's
   * namespace). Another file's re-send may take them too (they are lost for its namespace as
   * well): the tests read the round just before they start.
   */
  async function lostRequests(n: number): Promise<string[]> {
    const revisions: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'procedure', code: code('QT'), title: 'Quy trình chờ bản in' });
      revisions.push(d.draftId);
    }
    await t.db.query(`DELETE FROM job_outbox WHERE queue = 'render' AND namespace = $1 AND job_id = ANY($2)`, [
      t.config.redisPrefix,
      revisions.map((r) => renderJobId(r, 'draft', 0)),
    ]);
    return revisions;
  }

  /** Makes the requests untouched for days, the first the oldest (the re-send takes them in that order). */
  const age = (revisions: string[]) =>
    t.db.query(
      `UPDATE rendition_requests q SET updated_at = now() - make_interval(days => ${revisions.length + 1} - array_position($1::uuid[], q.revision_id))
        WHERE q.revision_id = ANY($1) AND q.state = 'draft' AND q.layout_version = $2`,
      [revisions, LAYOUT_VERSION],
    );

  const requests = (revisions: string[]) =>
    t.db.query<{ revision_id: string; status: string; round: number; job_id: string }[]>(
      `SELECT revision_id, status, round, job_id FROM rendition_requests WHERE revision_id = ANY($1) AND state = 'draft' AND layout_version = $2 ORDER BY array_position($1::uuid[], revision_id)`,
      [revisions, LAYOUT_VERSION],
    );
  const queued = async (jobIds: string[]) =>
    (await t.db.query<{ job_id: string }[]>(`SELECT job_id FROM job_outbox WHERE queue = 'render' AND namespace = $1 AND job_id = ANY($2) ORDER BY job_id`, [t.config.redisPrefix, jobIds])).map(
      (r) => r.job_id,
    );

  /** `p`, or a failure naming `what` after `ms`. */
  const within = <T>(p: Promise<T>, what: string, ms = 15_000) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not settled after ${ms} ms`)), ms).unref())]);

  it('chosen as the victim of a deadlock, it runs again and re-sends every request', async () => {
    const revs = await lostRequests(3);
    // `holder` will wait for the re-send; only the re-send may find the deadlock (it checks after
    // 1 s of waiting, `holder` after 30 s), so it is the one PostgreSQL aborts.
    const holder = await session();
    await holder.client.query(`SET LOCAL deadlock_timeout = '30s'`);
    const gate = await session();
    const before = await requests(revs);
    const next = before.map((q) => renderJobId(q.revision_id, 'draft', q.round + 1));
    expect((await holdJob(holder.client, next[2])).rowCount).toBe(1);
    expect((await holdJob(gate.client, next[1])).rowCount).toBe(1);
    await age(revs);

    // The re-send locks the three requests, queues the first job and waits at the second (gate's).
    const resend = t.app.get(RenditionRequests).resendLost(OLDER_THAN_MS);
    const outcome = resend.then(
      (n) => ({ n }),
      (err: unknown) => ({ err }),
    );
    const [victim] = await blockedBy(gate.pid);
    // holder asks for the first job's key: it waits for the re-send's transaction.
    const holderWaits = holdJob(holder.client, next[0]);
    expect(await blockedBy(victim)).toContain(holder.pid);
    // Gate gone: the re-send goes on to the third job, held by holder, which waits for it: a deadlock.
    await gate.client.query('ROLLBACK');
    // The re-send's transaction was rolled back: holder gets the first key (never committed by it).
    expect((await within(holderWaits, 'holder')).rowCount).toBe(1);
    await holder.client.query('ROLLBACK');

    // So it failed, and ran again: 40P01 is the only error it runs again for.
    expect(await within(outcome, 'the re-send')).toEqual({ n: 3 });
    expect(await requests(revs)).toEqual(before.map((q, i) => ({ ...q, round: q.round + 1, job_id: next[i] })));
    expect(await queued(next)).toEqual([...next].sort());
  });

  it('any other error (here a cancelled statement) is not retried: it fails, nothing of it committed', async () => {
    const [rev] = await lostRequests(1);
    const holder = await session();
    const [before] = await requests([rev]);
    const next = renderJobId(rev, 'draft', before.round + 1);
    expect((await holdJob(holder.client, next)).rowCount).toBe(1);
    await age([rev]);

    const outcome = t.app
      .get(RenditionRequests)
      .resendLost(OLDER_THAN_MS)
      .then(
        (n) => ({ n }),
        (err: { driverError?: { code?: string }; code?: string }) => ({ code: err.driverError?.code ?? err.code }),
      );
    const [resending] = await blockedBy(holder.pid);
    await holder.client.query('SELECT pg_cancel_backend($1)', [resending]);
    // Settled while holder still holds the key: a second run would be waiting for it again.
    expect(await within(outcome, 'the re-send')).toEqual({ code: '57014' });
    await holder.client.query('ROLLBACK');
    expect(await requests([rev])).toEqual([before]);
    expect(await queued([next])).toEqual([]);

    // Asked again (the next periodic run), it re-sends it.
    expect(await t.app.get(RenditionRequests).resendLost(OLDER_THAN_MS)).toBeGreaterThanOrEqual(1);
    expect(await requests([rev])).toEqual([{ ...before, round: before.round + 1, job_id: next }]);
    expect(await queued([next])).toEqual([next]);
  });
});
