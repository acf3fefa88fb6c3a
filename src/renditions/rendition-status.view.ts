import { ApiProperty } from '@nestjs/swagger';
import type { Database } from '../database/database.js';
import { LAYOUT_VERSION } from '../rendering/rendition-model.js';

/*
 * The controlled copy of a revision as clients see it in revision views. Kept free of document
 * imports so the documents' views can include it without an import cycle.
 */

export const RENDITION_STATUSES = ['ready', 'pending', 'failed', 'not_requested'] as const;
export type RenditionStatus = (typeof RENDITION_STATUSES)[number];

/** How a render that failed is being retried. */
export class RenditionRetryView {
  @ApiProperty({
    enum: ['dependency_unavailable', 'error'],
    description: '`dependency_unavailable`: a dependency (database, storage, ...) is down; retried until `givesUpAt` without spending attempts. `error`: retried with back-off, a few attempts.',
  })
  reason: 'dependency_unavailable' | 'error';
  @ApiProperty({ nullable: true, type: String, enum: ['database', 'redis', 'storage', 'network'], description: 'The dependency waited for.' }) dependency: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the next attempt runs.' }) nextAttemptAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Outages: the render fails if the dependency is still down then.' }) givesUpAt: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The retry view of a pending request's columns (null when it has not failed). */
export function retryView(row: { retryReason: string | null; retryDependency: string | null; nextAttemptAt: Date | null; givesUpAt: Date | null } | null | undefined): RenditionRetryView | null {
  if (!row?.retryReason) return null;
  return { reason: row.retryReason as RenditionRetryView['reason'], dependency: row.retryDependency, nextAttemptAt: iso(row.nextAttemptAt), givesUpAt: iso(row.givesUpAt) };
}

export class RenditionStatusView {
  @ApiProperty({
    enum: RENDITION_STATUSES,
    description:
      'For the revision as it is now (state, layout, digest): `ready` (GET /revisions/{id}/rendition serves it), `pending` (queued or retrying), ' +
      '`failed` (every attempt failed; see `error`), `not_requested` (the next GET of the rendition requests it).',
  })
  status: RenditionStatus;
  @ApiProperty({ description: 'The state the copy is stamped for (its watermark).' }) state: string;
  @ApiProperty({ description: 'Page layout version of the renderer.' }) layoutVersion: number;
  @ApiProperty({ description: 'The revision digest the copy is (to be) rendered from.' }) digest: string;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the PDF (its ETag) when ready.' }) sha256: string | null;
  @ApiProperty({ nullable: true, type: Number }) size: number | null;
  @ApiProperty({ nullable: true, type: Number }) pageCount: number | null;
  @ApiProperty({ type: [String], description: 'What did not stop the rendering, e.g. `source_pdf_unreadable: ...`.' }) warnings: string[];
  @ApiProperty({ nullable: true, type: String, description: 'The last error of a failed or retrying render.' }) error: string | null;
  @ApiProperty({ description: 'Failed attempts of the current request.' }) attempts: number;
  @ApiProperty({ type: RenditionRetryView, nullable: true, description: 'While a failed render is retried: why and when.' }) retry: RenditionRetryView | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the rendition was made, or the request last changed.' }) updatedAt: string | null;
  @ApiProperty({ example: '/api/v1/revisions/9b2c…/rendition' }) href: string;
}

interface StatusRow {
  id: string;
  r_sha256: string | null;
  r_size: string | null;
  r_page_count: number | null;
  r_warnings: string[] | null;
  r_created_at: Date | null;
  q_status: string | null;
  q_attempts: number | null;
  q_last_error: string | null;
  q_updated_at: Date | null;
  q_retry_reason: string | null;
  q_retry_dependency: string | null;
  q_next_attempt_at: Date | null;
  q_gives_up_at: Date | null;
}

/**
 * SQL text (for a query over `revisions` aliased `rev`) that changes whenever the rendition status
 * of the revision in its current state may change: a rendition added, its request moving on. For
 * callers that reuse a view while nothing it shows has changed.
 */
export function renditionTokenSql(rev: string): string {
  return `concat_ws(':',
    (SELECT max(x.created_at)::text FROM renditions x WHERE x.revision_id = ${rev}.id AND x.state = ${rev}.state AND x.layout_version = ${LAYOUT_VERSION}),
    (SELECT q.status || q.updated_at::text FROM rendition_requests q WHERE q.revision_id = ${rev}.id AND q.state = ${rev}.state AND q.layout_version = ${LAYOUT_VERSION}))`;
}

/** The rendition status of each revision as it is now (one query for the batch). */
export async function renditionStatusesOf(db: Database, revisions: { id: string; state: string; digest: string }[]): Promise<Map<string, RenditionStatusView>> {
  const out = new Map<string, RenditionStatusView>();
  if (!revisions.length) return out;
  const rows = await db.query<StatusRow[]>(
    `SELECT v.id, r.sha256 AS r_sha256, r.size AS r_size, r.page_count AS r_page_count, r.warnings AS r_warnings, r.created_at AS r_created_at,
            q.status AS q_status, q.attempts AS q_attempts, q.last_error AS q_last_error, q.updated_at AS q_updated_at,
            q.retry_reason AS q_retry_reason, q.retry_dependency AS q_retry_dependency, q.next_attempt_at AS q_next_attempt_at, q.gives_up_at AS q_gives_up_at
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, state, digest)
       LEFT JOIN renditions r ON r.revision_id = v.id AND r.state = v.state AND r.layout_version = $4 AND r.digest = v.digest
       LEFT JOIN rendition_requests q ON q.revision_id = v.id AND q.state = v.state AND q.layout_version = $4`,
    [revisions.map((r) => r.id), revisions.map((r) => r.state), revisions.map((r) => r.digest), LAYOUT_VERSION],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const rev of revisions) out.set(rev.id, statusView(rev, byId.get(rev.id)));
  return out;
}

/**
 * SQL (for a query over `revisions` aliased `rev`): the renditions of the revision in its current
 * state and layout, and its render request, as one JSON value, for a caller that reads the
 * revision with everything its view shows in one query; `renditionStatusFromJson` turns it into
 * the status once the revision's digest is known.
 */
export function renditionStatusJsonSql(rev: string): string {
  return `json_build_object(
    'renditions', (SELECT coalesce(json_agg(json_build_object('digest', x.digest, 'r_sha256', x.sha256, 'r_size', x.size, 'r_page_count', x.page_count,
                                                              'r_warnings', x.warnings, 'r_created_at', x.created_at)), '[]'::json)
                     FROM renditions x WHERE x.revision_id = ${rev}.id AND x.state = ${rev}.state AND x.layout_version = ${LAYOUT_VERSION}),
    'request', (SELECT json_build_object('q_status', q.status, 'q_attempts', q.attempts, 'q_last_error', q.last_error, 'q_updated_at', q.updated_at,
                                         'q_retry_reason', q.retry_reason, 'q_retry_dependency', q.retry_dependency, 'q_next_attempt_at', q.next_attempt_at,
                                         'q_gives_up_at', q.gives_up_at)
                  FROM rendition_requests q WHERE q.revision_id = ${rev}.id AND q.state = ${rev}.state AND q.layout_version = ${LAYOUT_VERSION}))`;
}

/** The rendition status of a revision from the value of `renditionStatusJsonSql` (the rendition of its digest, if any). */
export function renditionStatusFromJson(rev: { id: string; state: string; digest: string }, value: unknown): RenditionStatusView {
  const v = value as { renditions: (Partial<StatusRow> & { digest: string })[]; request: Partial<StatusRow> | null };
  const rendition = v.renditions.find((r) => r.digest === rev.digest);
  const dates = (r: Partial<StatusRow>): Partial<StatusRow> => ({
    ...r,
    r_created_at: r.r_created_at ? new Date(r.r_created_at) : null,
    q_updated_at: r.q_updated_at ? new Date(r.q_updated_at) : null,
    q_next_attempt_at: r.q_next_attempt_at ? new Date(r.q_next_attempt_at) : null,
    q_gives_up_at: r.q_gives_up_at ? new Date(r.q_gives_up_at) : null,
  });
  return statusView(rev, { id: rev.id, ...dates({ ...(v.request ?? {}), ...(rendition ?? {}) }) } as StatusRow);
}

function statusView(rev: { id: string; state: string; digest: string }, row: StatusRow | undefined): RenditionStatusView {
  const ready = Boolean(row?.r_sha256);
  const status: RenditionStatus = ready ? 'ready' : row?.q_status === 'pending' ? 'pending' : row?.q_status === 'failed' ? 'failed' : 'not_requested';
  return {
    status,
    state: rev.state,
    layoutVersion: LAYOUT_VERSION,
    digest: rev.digest,
    sha256: ready ? row!.r_sha256 : null,
    size: ready ? Number(row!.r_size) : null,
    pageCount: ready ? row!.r_page_count : null,
    warnings: ready ? (row!.r_warnings ?? []) : [],
    error: ready ? null : (row?.q_last_error ?? null),
    attempts: ready ? 0 : (row?.q_attempts ?? 0),
    retry:
      status === 'pending'
        ? retryView({ retryReason: row!.q_retry_reason, retryDependency: row!.q_retry_dependency, nextAttemptAt: row!.q_next_attempt_at, givesUpAt: row!.q_gives_up_at })
        : null,
    updatedAt: ready ? iso(row!.r_created_at) : iso(row?.q_updated_at ?? null),
    href: `/api/v1/revisions/${rev.id}/rendition`,
  };
}
