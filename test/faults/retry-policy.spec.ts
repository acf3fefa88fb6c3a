/**
 * The queue's retry policy (src/queue/retry-policy.ts) as pure logic: dependency outages are
 * retried on a capped schedule for up to an hour without spending attempts; genuine errors spend
 * attempts and fail in about half a minute; an outage past its budget counts like an error;
 * periodic jobs do not wait out outages (their next run is the retry).
 */
import { UnrecoverableError } from 'bullmq';
import { JOBS } from '../../src/queue/jobs.js';
import { bindRetryPolicy, DEFAULT_OUTAGE_RETRY_MS, isFinalFailure, JobRun, OutageState, planFailure, retryPolicy } from '../../src/queue/retry-policy.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' });
const bug = () => new TypeError("Cannot read properties of undefined (reading 'id')");
// Runs start in the future here, so that the failure time (never before the start) is the start.
const T0 = Math.ceil(Date.now() / 1000) * 1000 + 86_400_000;

function run(over: Partial<JobRun> & { outage?: OutageState | null } = {}): JobRun {
  const { outage, ...rest } = over;
  return { name: 'render.revision', id: 'render_x_draft_1', attemptsMade: 0, opts: { attempts: 5 }, processedOn: T0, progress: outage ? { outage } : {}, ...rest };
}

/** Follows the plan through `n` outage retries, as the worker would (each run starts at the planned time). */
function outageRetries(n: number, job: JobRun = run()): { job: JobRun; delays: number[] } {
  const delays: number[] = [];
  for (let i = 0; i < n; i++) {
    const plan = planFailure(job, refused());
    if (plan.kind !== 'outage') break;
    delays.push(plan.nextAttemptAt!.getTime() - job.processedOn!);
    job = { ...job, processedOn: plan.nextAttemptAt!.getTime(), progress: { outage: plan.outage } };
  }
  return { job, delays };
}

describe('retry policy', () => {
  it('an outage is retried without spending attempts, exponentially from 2 s and capped at a minute, with jitter', () => {
    const first = planFailure(run(), refused());
    expect(first).toMatchObject({ kind: 'outage', final: false });
    expect(first.outage).toMatchObject({ dependency: 'network', retries: 1, since: new Date(T0).toISOString() });
    expect(first.givesUpAt!.getTime()).toBe(T0 + DEFAULT_OUTAGE_RETRY_MS);
    const { delays } = outageRetries(12);
    expect(delays).toHaveLength(12);
    delays.slice(0, 5).forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0.8 * 2000 * 2 ** i);
      expect(d).toBeLessThanOrEqual(1.2 * 2000 * 2 ** i);
    });
    for (const d of delays.slice(6)) expect(d).toBeLessThanOrEqual(1.2 * 60_000);
    // The same job and retry: the same delay (the handler and the worker agree).
    expect(planFailure(run(), refused())).toEqual(first);
  });

  it('an outage is retried for an hour (a 40 s S3 outage never fails a render), then failures spend attempts', () => {
    const { job, delays } = outageRetries(200);
    const waited = delays.reduce((a, b) => a + b, 0);
    expect(waited).toBe(DEFAULT_OUTAGE_RETRY_MS);
    expect(delays.length).toBeGreaterThan(55);
    expect(delays.length).toBeLessThan(90);
    // Past the budget: like any error (attempt 1 of 5 is not final, the 5th is).
    expect(planFailure(job, refused())).toMatchObject({ kind: 'error', final: false });
    expect(isFinalFailure({ ...job, attemptsMade: 4 }, refused())).toBe(true);
  });

  it('a genuine error spends attempts with exponential back-off: final at the 5th; UnrecoverableError at once', () => {
    expect(planFailure(run(), bug())).toMatchObject({ kind: 'error', final: false, nextAttemptAt: new Date(T0 + 2000) });
    expect(planFailure(run({ attemptsMade: 3 }), bug()).nextAttemptAt).toEqual(new Date(T0 + 16_000));
    expect(isFinalFailure(run({ attemptsMade: 4 }), bug())).toBe(true);
    expect(isFinalFailure(run(), new UnrecoverableError('no handler'))).toBe(true);
    // Attempts are not spent by outages: after 30 outage retries the first genuine error is attempt 1.
    expect(planFailure(outageRetries(30).job, bug())).toMatchObject({ kind: 'error', final: false });
  });

  it('a new outage long after the last one gets a new budget', () => {
    const { job } = outageRetries(3);
    const later = { ...job, processedOn: job.processedOn! + 3 * 3600_000 };
    expect(planFailure(later, refused()).outage).toMatchObject({ retries: 1, since: new Date(later.processedOn).toISOString() });
  });

  it('periodic jobs do not wait out outages; a spec or the configuration sets the budget', () => {
    expect(retryPolicy(JOBS['render.resend-lost']).outageRetryMs).toBe(0);
    expect(planFailure(run({ name: 'render.resend-lost', opts: { attempts: 2 } }), refused())).toMatchObject({ kind: 'error' });
    expect(retryPolicy(JOBS['render.revision'], { outageRetryMs: 7200_000 }).outageRetryMs).toBe(7200_000);
    expect(retryPolicy({ queue: 'render', outageRetryMs: 5000 }, { outageRetryMs: 7200_000 }).outageRetryMs).toBe(5000);
    // The worker binds the configured policy to the job; the handler's question gets the same answer.
    const job = run();
    bindRetryPolicy(job, retryPolicy(JOBS['render.revision'], { outageRetryMs: 1000 }));
    const { job: after } = outageRetries(5, job);
    bindRetryPolicy(after, retryPolicy(JOBS['render.revision'], { outageRetryMs: 1000 }));
    expect(planFailure(after, refused()).kind).toBe('error');
  });
});
