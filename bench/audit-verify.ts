/**
 * Audit trail at scale: generates 1,000,000 events in one agency's hash chain (through the real
 * insert trigger) in its own database, then times
 *   - GET /audit-events/verify over that chain (the same SQL the API runs),
 *   - an entity's history among those events (GET /audit-events?agencyId=&entityId=),
 *   - a document's timeline (GET /documents/{id}/history), also for a document with 20,000 events,
 *   - the newest page of the agency's trail and a page deep behind a cursor,
 *   - verify finding a tampered event in the middle (inside a transaction that is rolled back).
 * Prints figures; never passes or fails.
 *
 *   npm run bench:audit                 # reuses the generated events when they are there
 *   npm run bench:audit -- --fresh      # drops and regenerates the bench database
 *   npm run bench:audit -- --events=200000
 *
 * The database is DATABASE_URL's server with the name eiso_bench_audit.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { auditEventsSql, AuditEventFilter, ChainCheckRow, checkChains, SqlRunner } from '../src/audit/audit-sql.js';
import { loadConfig } from '../src/config/app-config.js';
import { documentTimelineSql, TimelineRow } from '../src/history/history-sql.js';
import { ensureDatabaseExists, runMigrations } from '../src/database/prepare-database.js';

const BENCH_DB = 'eiso_bench_audit';
const AGENCY_ID = '0b0b0b0b-0000-4000-8000-000000000001';
const OTHER_AGENCY_ID = '0b0b0b0b-0000-4000-8000-000000000002';
const ACTOR_ID = '0b0b0b0b-0000-4000-8000-0000000000a1';
/** Events are spread over this many entities (documents), so one entity has events/ENTITIES events. */
const ENTITIES = 20_000;
const BATCH = 100_000;

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return hit === undefined ? undefined : (hit.split('=')[1] ?? 'true');
}

function ms(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed<T>(runs: number, fn: () => Promise<T>): Promise<{ result: T; times: number[] }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(ms(t0));
  }
  return { result, times };
}

/** SQL for the id of the n-th generated entity (the generator's own expression). */
function entityIdSql(n: number): string {
  return `md5('entity' || ${n})::uuid`;
}

async function dropDatabase(url: URL): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${BENCH_DB}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

async function chainLength(c: pg.Client, chain: string): Promise<number> {
  const r = await c.query<{ seq: string }>('SELECT seq FROM audit_events WHERE chain = $1 ORDER BY seq DESC LIMIT 1', [chain]);
  return r.rows.length ? Number(r.rows[0].seq) : 0;
}

/** Events through the insert trigger (advisory lock, seq, prev_hash, SHA-256), in batches of one statement each. */
async function generate(c: pg.Client, agencyId: string, from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += BATCH) {
    const end = Math.min(to, start + BATCH - 1);
    const t0 = performance.now();
    await c.query(
      `INSERT INTO audit_events (agency_id, actor_id, actor_name, action, entity_type, entity_id, changes, request_id, client_ip)
       SELECT $1::uuid, $2::uuid, 'Nguyễn Văn Kiểm Tra',
              (ARRAY['document.created','revision.updated','revision.submitted','revision.approved','file.downloaded'])[1 + g % 5],
              'document', md5('entity' || (g % ${ENTITIES}))::uuid,
              jsonb_build_object('title', jsonb_build_object('old', 'Quy trình kiểm soát tài liệu ' || g, 'new', 'Quy trình kiểm soát hồ sơ ' || g),
                                 'version', jsonb_build_object('old', g % 7, 'new', g % 7 + 1)),
              'bench-' || g, '10.0.' || (g % 200) || '.' || (g % 250)
         FROM generate_series($3::int, $4::int) g`,
      [agencyId, ACTOR_ID, start, end],
    );
    const n = end - start + 1;
    console.log(`  inserted ${String(end).padStart(9)} (${Math.round(n / ((performance.now() - t0) / 1000))} events/s)`);
  }
}

function checkSummary(row: ChainCheckRow | undefined): string {
  if (!row) return 'empty chain';
  const breaks = [row.gap_seq && `gap at ${row.gap_seq}`, row.link_seq && `link at ${row.link_seq}`, row.hash_seq && `hash at ${row.hash_seq}`].filter(Boolean);
  return `${row.checked} events, ${breaks.length ? 'BROKEN: ' + breaks.join(', ') : 'ok'}`;
}

async function main(): Promise<void> {
  const total = Number(arg('events') ?? 1_000_000);
  const url = new URL(loadConfig().databaseUrl);
  url.pathname = `/${BENCH_DB}`;
  if (arg('fresh')) await dropDatabase(url);
  await ensureDatabaseExists(url.toString());
  await runMigrations({ databaseUrl: url.toString(), nodeEnv: 'development' });

  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    await c.query(`SET statement_timeout = 0`);
    await c.query(
      `INSERT INTO users (id, username, full_name, password_hash) VALUES ($1, 'bench-auditor', 'Nguyễn Văn Kiểm Tra', 'x') ON CONFLICT (id) DO NOTHING`,
      [ACTOR_ID],
    );
    for (const [id, code] of [
      [AGENCY_ID, 'BENCH-AUDIT'],
      [OTHER_AGENCY_ID, 'BENCH-OTHER'],
    ]) {
      await c.query(`INSERT INTO agencies (id, code, name, level, path) VALUES ($1::uuid, $2, 'Sở Khoa học và Công nghệ (bench)', 'province', '/' || $1::text || '/') ON CONFLICT (id) DO NOTHING`, [id, code]);
    }

    const have = await chainLength(c, AGENCY_ID);
    if (have < total) {
      console.log(`Generating ${total - have} events in agency ${AGENCY_ID} (database ${BENCH_DB})...`);
      const t0 = performance.now();
      await generate(c, AGENCY_ID, have + 1, total);
      console.log(`  ${total - have} events in ${(ms(t0) / 1000).toFixed(1)} s`);
      // A second, smaller chain in the same table, so the chain filter has to be selective.
      const other = await chainLength(c, OTHER_AGENCY_ID);
      if (other < total / 10) await generate(c, OTHER_AGENCY_ID, other + 1, Math.floor(total / 10));
      await c.query('VACUUM ANALYZE audit_events');
    } else {
      console.log(`Reusing ${have} events in agency ${AGENCY_ID} (--fresh to regenerate).`);
    }
    const size = await c.query<{ n: string; size: string }>(`SELECT count(*) AS n, pg_size_pretty(pg_total_relation_size('audit_events')) AS size FROM audit_events`);
    console.log(`audit_events: ${size.rows[0].n} rows, ${size.rows[0].size} with indexes`);

    // ---- verify over the 1M-event chain ----
    const run: SqlRunner = async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as T[];
    /** As the API does it: both checks in one REPEATABLE READ snapshot. */
    const verifyChain = async (): Promise<ChainCheckRow | undefined> => {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        return (await checkChains(run, AGENCY_ID))[0];
      } finally {
        await c.query('COMMIT');
      }
    };
    const verify = await timed(3, verifyChain);
    console.log(`\nverify (agency chain, ${checkSummary(verify.result)}): ${verify.times.join(' / ')} ms, best ${Math.min(...verify.times)} ms`);

    const all = await timed(1, async () => {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        return await checkChains(run);
      } finally {
        await c.query('COMMIT');
      }
    });
    console.log(`verify-all (${all.result.length} chains, ${all.result.reduce((n, r) => n + Number(r.checked), 0)} events): ${all.times[0]} ms`);

    // ---- an entity's history ----
    const target = (await c.query<{ id: string }>(`SELECT ${entityIdSql(4242)} AS id`)).rows[0].id;
    const history: AuditEventFilter = { agencyIds: [AGENCY_ID], system: false, entityId: target, order: 'asc', after: null, limit: 200 };
    const h = await timed(7, async () => {
      const q = auditEventsSql(history);
      return (await c.query(q.sql, q.params)).rows;
    });
    console.log(`entity history (${h.result.length} events of one document among ${total}): median ${median(h.times)} ms (runs ${h.times.join(' / ')})`);
    const hNoAgency = await timed(7, async () => {
      const q = auditEventsSql({ ...history, agencyIds: [AGENCY_ID, OTHER_AGENCY_ID] });
      return (await c.query(q.sql, q.params)).rows;
    });
    console.log(`entity history, two-agency scope: median ${median(hNoAgency.times)} ms`);
    const plan = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${auditEventsSql(history).sql}`, auditEventsSql(history).params);
    console.log(`  plan: ${plan.rows.map((r) => r['QUERY PLAN'].trim()).filter((l) => /Scan|Sort/.test(l)).join(' | ')}`);

    // ---- a document's timeline (GET /documents/{id}/history): the same SQL as the API ----
    const timelinePage = (documentId: string, entityIds: string[], afterSeq: number | null = null, limit = 51) => {
      const q = documentTimelineSql({ agencyId: AGENCY_ID, documentId, entityIds, afterSeq, limit });
      return c.query<TimelineRow>(q.sql, q.params).then((r) => r.rows);
    };
    const tl = await timed(7, () => timelinePage(target, [target]));
    console.log(`document timeline, first page (${tl.result.length} entries of one document among ${total}): median ${median(tl.times)} ms`);
    // A busy document: 20,000 events of its 10 revisions (changes.documentId), added in a transaction that is rolled back.
    await c.query('BEGIN');
    try {
      const busy = '0b0b0b0b-0000-4000-8000-00000000d0c1';
      await c.query(
        `INSERT INTO audit_events (agency_id, actor_id, actor_name, action, entity_type, entity_id, changes, request_id, client_ip)
         SELECT $1::uuid, $2::uuid, 'Nguyễn Cán Bộ', 'file.downloaded', 'revision', md5('rev' || (g % 10))::uuid,
                jsonb_build_object('documentId', $3::text, 'filename', 'Mẫu ' || g || '.pdf', 'variant', 'controlled'), 'bench-dl-' || g, '10.0.0.1'
           FROM generate_series(1, 20000) g`,
        [AGENCY_ID, ACTOR_ID, busy],
      );
      await c.query('ANALYZE audit_events');
      const revs = Array.from({ length: 10 }, (_, i) => i);
      const revIds = (await c.query<{ id: string }>(`SELECT md5('rev' || g)::uuid AS id FROM unnest($1::int[]) g`, [revs])).rows.map((r) => r.id);
      const first = await timed(7, () => timelinePage(busy, [busy, ...revIds]));
      console.log(`document timeline of a busy document (20,000 events), first page: median ${median(first.times)} ms`);
      const t0 = performance.now();
      let n = 0;
      let after: number | null = null;
      for (;;) {
        const rows = await timelinePage(busy, [busy, ...revIds], after, 1000);
        n += rows.length;
        if (rows.length < 1000) break;
        after = Number(rows[rows.length - 1].seq);
      }
      console.log(`  whole timeline in batches of 1,000 (as the CSV export reads it): ${n} entries in ${ms(t0)} ms`);
      const tplan = documentTimelineSql({ agencyId: AGENCY_ID, documentId: busy, entityIds: [busy, ...revIds], limit: 51 });
      const p2 = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${tplan.sql}`, tplan.params);
      console.log(`  plan: ${p2.rows.map((r) => r['QUERY PLAN'].trim()).filter((l) => /Scan|Sort/.test(l)).join(' | ')}`);
    } finally {
      await c.query('ROLLBACK');
      // The rolled-back rows leave dead index entries behind: clean them so the next run measures the same thing.
      await c.query('VACUUM ANALYZE audit_events');
    }

    // ---- the trail's newest page, and a page behind a deep cursor ----
    const newest = await timed(7, async () => {
      const q = auditEventsSql({ agencyIds: [AGENCY_ID], system: false, order: 'desc', after: null, limit: 50 });
      return (await c.query(q.sql, q.params)).rows as { occurred_key: string; id: string }[];
    });
    console.log(`newest page of the agency trail (50): median ${median(newest.times)} ms`);
    const mid = (await c.query<{ k: string; id: string }>(
      `SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k, id FROM audit_events WHERE chain = $1 AND seq = $2`,
      [AGENCY_ID, Math.floor(total / 2)],
    )).rows[0];
    const deep = await timed(7, async () => {
      const q = auditEventsSql({ agencyIds: [AGENCY_ID], system: false, order: 'desc', after: [mid.k, mid.id], limit: 50 });
      return (await c.query(q.sql, q.params)).rows;
    });
    console.log(`page behind a cursor at event ${Math.floor(total / 2)}: median ${median(deep.times)} ms`);
    const action = await timed(5, async () => {
      const q = auditEventsSql({ agencyIds: [AGENCY_ID], system: false, action: 'revision.*', from: new Date(Date.now() - 86400_000).toISOString(), order: 'desc', after: null, limit: 50 });
      return (await c.query(q.sql, q.params)).rows;
    });
    console.log(`action family + time range page: median ${median(action.times)} ms`);

    // ---- tamper detection at scale (rolled back) ----
    const victimSeq = Math.floor(total * 0.7);
    await c.query('BEGIN');
    try {
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await c.query(`UPDATE audit_events SET changes = jsonb_set(changes, '{title,new}', '"sửa lén"') WHERE chain = $1 AND seq = $2`, [AGENCY_ID, victimSeq]);
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      const t0 = performance.now();
      const row = (await checkChains(run, AGENCY_ID))[0];
      console.log(`verify with event ${victimSeq} edited: ${ms(t0)} ms -> ${checkSummary(row)}`);
    } finally {
      await c.query('ROLLBACK');
    }
  } finally {
    await c.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
