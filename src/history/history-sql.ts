/**
 * The SQL of a document's timeline, kept free of Nest so the bench times exactly what the API runs.
 *
 * A document's events live in its agency's audit chain: events on the document itself
 * (entity_id = the document) and on its revisions and their files (entity_id = a revision, and
 * `changes.documentId` = the document, which every revision event carries). Both are indexed
 * (audit_events_entity_id_idx; audit_events_document_idx on changes->>'documentId'). In one chain
 * `seq` follows time (the insert trigger takes the chain lock, then the clock), so the timeline
 * is ordered and paged by seq.
 */
import type { AuditEventRow } from '../audit/audit-sql.js';

export interface TimelineFilter {
  agencyId: string;
  documentId: string;
  /** The document and its revisions. */
  entityIds: string[];
  /** Continue after this seq (keyset). */
  afterSeq?: number | null;
  /** Stop at this seq (a snapshot of the chain's head, so a long export is consistent). */
  maxSeq?: number | null;
  excludeDownloads?: boolean;
  from?: string;
  to?: string;
  limit: number;
}

/** An audit event as the timeline reads it (see COLUMNS). */
export type TimelineRow = Pick<
  AuditEventRow,
  'id' | 'seq' | 'occurred_at' | 'actor_id' | 'actor_name' | 'action' | 'entity_type' | 'entity_id' | 'changes' | 'request_id' | 'client_ip'
>;

const COLUMNS = `e.id, e.seq, e.occurred_at, e.actor_id, e.actor_name, e.action, e.entity_type, e.entity_id, e.changes, e.request_id, e.client_ip`;

/**
 * One page of a document's timeline after `afterSeq`, oldest first. Built so that every page costs
 * about (revisions + 2) x limit index entries however long the timeline is (an export reads it page
 * by page): the events naming the document are read in seq order from audit_events_document_idx,
 * and those of each entity (the document, each revision) in time order from
 * audit_events_entity_id_idx, each branch stopping at `limit` rows; the union (duplicates removed)
 * is cut to `limit`. In one chain seq and occurred_at grow together, so the page's start
 * (`afterSeq`) also bounds the time scan (the time of that event, looked up by (chain, seq)).
 */
export function documentTimelineSql(f: TimelineFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const arg = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const agency = arg(f.agencyId);
  const limit = arg(f.limit);
  const filters = [`e.agency_id = ${agency}::uuid`];
  if (f.afterSeq !== undefined && f.afterSeq !== null) filters.push(`e.seq > ${arg(f.afterSeq)}::bigint`);
  if (f.maxSeq !== undefined && f.maxSeq !== null) filters.push(`e.seq <= ${arg(f.maxSeq)}::bigint`);
  if (f.excludeDownloads) filters.push(`e.action <> 'file.downloaded'`);
  if (f.from) filters.push(`e.occurred_at >= ${arg(f.from)}::timestamptz`);
  // Times are shown to the millisecond: `to` includes its whole millisecond.
  if (f.to) filters.push(`e.occurred_at < ${arg(f.to)}::timestamptz + interval '1 millisecond'`);
  const since =
    f.afterSeq !== undefined && f.afterSeq !== null
      ? `coalesce((SELECT p.occurred_at FROM audit_events p WHERE p.chain = ${agency}::uuid AND p.seq = ${arg(f.afterSeq)}::bigint), '-infinity'::timestamptz)`
      : `'-infinity'::timestamptz`;
  const and = filters.join(' AND ');
  const sql = `
    SELECT t.* FROM (
      (SELECT ${COLUMNS} FROM audit_events e
        WHERE (e.changes->>'documentId') = ${arg(f.documentId)} AND ${and}
        ORDER BY (e.changes->>'documentId'), e.seq
        LIMIT ${limit})
      UNION
      (SELECT x.* FROM unnest(${arg(f.entityIds)}::uuid[]) AS ent(id)
        CROSS JOIN LATERAL (
          SELECT ${COLUMNS} FROM audit_events e
           WHERE e.entity_id = ent.id AND e.occurred_at >= ${since} AND ${and}
           ORDER BY e.entity_id, e.occurred_at, e.id
           LIMIT ${limit}) x)
    ) t
    ORDER BY t.seq
    LIMIT ${limit}`;
  return { sql, params };
}

/** The head of an agency's chain now (0 when empty): the snapshot bound of an export. */
export const CHAIN_HEAD_SQL = `SELECT coalesce(max(seq), 0) AS seq FROM audit_events WHERE chain = $1::uuid`;
