/**
 * The fault soak's CI tier: the shape of the outside soak, shortened — private
 * PostgreSQL, Redis and S3 processes, the API and a separate worker process, virtual users doing
 * real work, and each kind of fault once, injected by pid (Redis kill -9, S3 frozen then killed,
 * the worker and the API kill -9, a PostgreSQL restart). Then the invariants of bench/support/soak.ts:
 * acknowledged writes present, no 5xx but 503, one effective and one open revision per document,
 * audit chains verify, outbox drained, every effective revision's controlled copy served, no
 * orphans. The long form with its figures is `npm run bench:faults`.
 */
import { ciFaults, formatReport, runSoak } from '../../bench/support/soak.js';

describe('faults: the soak (CI tier)', () => {
  it('keeps every invariant through Redis, S3, worker, API and PostgreSQL faults under load', async () => {
    const durationMs = 50_000;
    const report = await runSoak({ durationMs, users: 5, faults: ciFaults(durationMs), settleMs: 240_000, workerConcurrency: 4 });
    const failed = report.invariants.filter((i) => !i.ok);
    // The whole report on failure: what was done, what the faults were, what broke.
    expect({ failed, report: failed.length ? formatReport(report) : '' }).toEqual({ failed: [], report: '' });
    expect(report.faults.map((f) => f.kind)).toEqual(ciFaults(durationMs).map((f) => f.kind));
    expect(report.acknowledged.approvals).toBeGreaterThan(0);
    expect(report.acknowledged.uploads).toBeGreaterThan(0);
  }, 900_000);
});
