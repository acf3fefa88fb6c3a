import { escapeLike } from '../common/text.js';
import type { AuditOrder } from './audit-events.dto.js';

/**
 * The SQL of the audit trail's read side, kept free of Nest so the bench runs exactly the queries
 * the API runs.
 */

/** Which chains a listing reads: these agencies' events (or every agency's), and the system events (agency_id null) or not. */
export interface AuditVisibility {
  agencyIds: string[] | 'all';
  system: boolean;
}

export interface AuditEventFilter extends AuditVisibility {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
  order: AuditOrder;
  /** Keyset position: continue strictly after this (occurred_at with microseconds, id). */
  after: [string, string] | null;
  limit: number;
}

export interface AuditEventRow {
  id: string;
  agency_id: string | null;
  seq: string;
  occurred_at: Date;
  occurred_key: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  changes: Record<string, unknown> | null;
  request_id: string | null;
  client_request_id: string | null;
  client_ip: string | null;
  hash: string;
  prev_hash: string | null;
}

/** occurred_at with its full microsecond precision, in UTC: the cursor key (a JS Date would lose microseconds). */
const OCCURRED_KEY = `to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
export const OCCURRED_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The listing SQL: visibility first (it selects the index: agency and time, entity, or actor),
 * then the filters, ordered by (occurred_at, id) in the requested direction and continued after
 * the keyset cursor. Exported for the bench, which times exactly this query.
 */
export function auditEventsSql(f: AuditEventFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const arg = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  const visible: string[] = [];
  if (f.agencyIds === 'all') visible.push('e.agency_id IS NOT NULL');
  else if (f.agencyIds.length === 1) visible.push(`e.agency_id = ${arg(f.agencyIds[0])}::uuid`);
  else if (f.agencyIds.length > 1) visible.push(`e.agency_id = ANY(${arg(f.agencyIds)}::uuid[])`);
  if (f.system) visible.push('e.agency_id IS NULL');
  where.push(visible.length === 1 ? visible[0] : `(${visible.join(' OR ')})`);
  if (f.entityType) where.push(`e.entity_type = ${arg(f.entityType)}`);
  if (f.entityId) where.push(`e.entity_id = ${arg(f.entityId)}::uuid`);
  if (f.actorId) where.push(`e.actor_id = ${arg(f.actorId)}::uuid`);
  if (f.action?.endsWith('.*')) where.push(`e.action LIKE ${arg(escapeLike(f.action.slice(0, -1)) + '%')}`);
  else if (f.action) where.push(`e.action = ${arg(f.action)}`);
  if (f.from) where.push(`e.occurred_at >= ${arg(f.from)}::timestamptz`);
  // Times are shown to the millisecond: `to` includes its whole millisecond, so an event's own occurredAt finds it.
  if (f.to) where.push(`e.occurred_at < ${arg(f.to)}::timestamptz + interval '1 millisecond'`);
  const dir = f.order === 'asc' ? 'ASC' : 'DESC';
  if (f.after) where.push(`(e.occurred_at, e.id) ${f.order === 'asc' ? '>' : '<'} (${arg(f.after[0])}::timestamptz, ${arg(f.after[1])}::uuid)`);
  const sql = `
    SELECT e.id, e.agency_id, e.seq, e.occurred_at, ${OCCURRED_KEY} AS occurred_key, e.actor_id, e.actor_name,
           e.action, e.entity_type, e.entity_id, e.changes, e.request_id, e.client_request_id, e.client_ip, e.hash, e.prev_hash
      FROM audit_events e
     WHERE ${where.join('\n       AND ')}
     ORDER BY e.occurred_at ${dir}, e.id ${dir}
     LIMIT ${arg(f.limit + 1)}`;
  return { sql, params };
}

/** The chain of system events (agency_id null): logins, user accounts. The trigger uses the same value. */
export const SYSTEM_CHAIN = '00000000-0000-0000-0000-000000000000';

export interface ChainCheckRow {
  chain: string;
  checked: string;
  gap_seq: string | null;
  link_seq: string | null;
  hash_seq: string | null;
}

/**
 * Content check, one row per chain: the count, and the first seq whose stored hash differs from
 * the hash recomputed with the function the insert trigger used (`audit_event_digest`) — an event
 * edited after the fact. Order does not matter here, so PostgreSQL may spread it over parallel
 * workers: this is where the time goes (one SHA-256 over the canonical text per event).
 */
export function chainContentSql(where: string): string {
  return `
    SELECT a.chain,
           count(*)::bigint AS checked,
           min(a.seq) FILTER (WHERE a.hash IS DISTINCT FROM audit_event_digest(a.prev_hash, a)) AS hash_seq
      FROM audit_events a
     ${where}
     GROUP BY a.chain`;
}

/**
 * Link check, one row per chain, in seq order (lag() over seq): the first seq that does not follow
 * the previous one by 1 (events deleted before it; the first must be 1), and the first whose
 * prev_hash is not the previous event's hash (an earlier event replaced or re-hashed).
 */
export function chainLinkSql(where: string): string {
  return `
    SELECT c.chain,
           min(c.seq) FILTER (WHERE c.gap) AS gap_seq,
           min(c.seq) FILTER (WHERE c.bad_link) AS link_seq
      FROM (SELECT a.chain, a.seq,
                   a.seq <> coalesce(lag(a.seq) OVER w, 0) + 1 AS gap,
                   a.prev_hash IS DISTINCT FROM lag(a.hash) OVER w AS bad_link
              FROM audit_events a
             ${where}
            WINDOW w AS (PARTITION BY a.chain ORDER BY a.seq)) c
     GROUP BY c.chain`;
}

export type SqlRunner = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Checks one chain, or every chain when `chain` is undefined, with the content and link queries
 * (run them in one snapshot: a REPEATABLE READ transaction). Exported for the bench.
 */
export async function checkChains(run: SqlRunner, chain?: string): Promise<ChainCheckRow[]> {
  const where = chain === undefined ? '' : 'WHERE a.chain = $1';
  const params = chain === undefined ? [] : [chain];
  const content = await run<{ chain: string; checked: string; hash_seq: string | null }>(chainContentSql(where), params);
  const links = await run<{ chain: string; gap_seq: string | null; link_seq: string | null }>(chainLinkSql(where), params);
  const byChain = new Map(links.map((l) => [l.chain, l]));
  return content.map((c) => ({
    chain: c.chain,
    checked: c.checked,
    hash_seq: c.hash_seq,
    gap_seq: byChain.get(c.chain)?.gap_seq ?? null,
    link_seq: byChain.get(c.chain)?.link_seq ?? null,
  }));
}
