/**
 * The fault soak, long form: private PostgreSQL, Redis and S3 processes, the API and a
 * separate worker, virtual users doing real work, faults injected by pid (kill -9 of Redis, the API
 * and the worker; S3 frozen and killed; PostgreSQL restarted and crashed — each kind twice), then
 * the invariants (bench/support/soak.ts). Prints what it observed: requests, status counts, the
 * fault timeline, effective → controlled-copy latency, the invariants. Never passes or fails; the
 * short form runs in CI as test/faults/soak.spec.ts.
 *
 *   npm run bench:faults
 *   npm run bench:faults -- --minutes=10 --users=12 --concurrency=4 --keep
 *   npm run bench:faults -- --minutes=1 --users=6 --timeline=ci     # the CI tier's faults
 */
import { arg, numArg } from './api-process.js';
import { benchFaults, ciFaults, formatReport, runSoak } from './support/soak.js';

const durationMs = numArg('minutes', 5) * 60_000;
const report = await runSoak({
  durationMs,
  users: numArg('users', 12),
  faults: arg('timeline') === 'ci' ? ciFaults(durationMs) : benchFaults(durationMs),
  settleMs: numArg('settle-minutes', 10) * 60_000,
  workerConcurrency: numArg('concurrency', 4),
  keep: arg('keep') !== undefined,
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`\n${formatReport(report)}\n`);
process.exit(0);
