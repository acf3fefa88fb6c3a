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

export interface TimelineRow {
  id: string;
  seq: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  changes: Record<string, unknown> | null;
  request_id: string | null;
  client_ip: string | null;
}

export function documentTimelineSql(f: TimelineFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const arg = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [
    `e.agency_id = ${arg(f.agencyId)}::uuid`,
    `(e.entity_id = ANY(${arg(f.entityIds)}::uuid[]) OR (e.changes->>'documentId') = ${arg(f.documentId)})`,
  ];
  if (f.afterSeq !== undefined && f.afterSeq !== null) where.push(`e.seq > ${arg(f.afterSeq)}::bigint`);
  if (f.maxSeq !== undefined && f.maxSeq !== null) where.push(`e.seq <= ${arg(f.maxSeq)}::bigint`);
  if (f.excludeDownloads) where.push(`e.action <> 'file.downloaded'`);
  if (f.from) where.push(`e.occurred_at >= ${arg(f.from)}::timestamptz`);
  // Times are shown to the millisecond: `to` includes its whole millisecond.
  if (f.to) where.push(`e.occurred_at < ${arg(f.to)}::timestamptz + interval '1 millisecond'`);
  const sql = `
    SELECT e.id, e.seq, e.occurred_at, e.actor_id, e.actor_name, e.action, e.entity_type, e.entity_id,
           e.changes, e.request_id, e.client_ip
      FROM audit_events e
     WHERE ${where.join('\n       AND ')}
     ORDER BY e.seq
     LIMIT ${arg(f.limit)}`;
  return { sql, params };
}

/** The head of an agency's chain now (0 when empty): the snapshot bound of an export. */
export const CHAIN_HEAD_SQL = `SELECT coalesce(max(seq), 0) AS seq FROM audit_events WHERE chain = $1::uuid`;
