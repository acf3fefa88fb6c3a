import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { Cursor, pageLimit, toPage } from '../common/pagination.js';
import { isUuid } from '../common/params.js';
import { parseTimeRange } from '../common/time-range.js';
import { Database } from '../database/database.js';
import { visibleChanges } from './audit.service.js';
import { AuditEventPage, AuditEventQuery, AuditEventView } from './audit-events.dto.js';
import { AuditEventRow, auditEventsSql, AuditVisibility, OCCURRED_KEY_PATTERN } from './audit-sql.js';

export function toAuditEventView(r: AuditEventRow): AuditEventView {
  return {
    id: r.id,
    agencyId: r.agency_id,
    seq: Number(r.seq),
    occurredAt: new Date(r.occurred_at).toISOString(),
    actor: r.actor_id !== null || r.actor_name !== null ? { id: r.actor_id, name: r.actor_name } : null,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    changes: visibleChanges(r.action, r.changes),
    requestId: r.request_id,
    clientRequestId: r.client_request_id,
    clientAddress: r.client_ip,
    hash: r.hash,
    prevHash: r.prev_hash,
  };
}

function decodeAfter(cursor: string | undefined): [string, string] | null {
  const v = Cursor.decode(cursor, 2);
  if (!v) return null;
  const [key, id] = v;
  if (typeof key !== 'string' || !OCCURRED_KEY_PATTERN.test(key) || !isUuid(id)) {
    throw Errors.validation([{ field: 'cursor', message: 'is not a cursor returned by this list' }]);
  }
  return [key, id];
}

/**
 * Reads the audit trail within the caller's visibility:
 *  - `audit.read` (drafters, ISO secretaries, heads, deputies, auditors on their agency;
 *    supervisors on their whole subtree) shows those agencies' events, drafts included;
 *  - the system administrator additionally sees the system chain (logins, user accounts). The
 *    administrator is not a document role: agency events need an `audit.read` role there too.
 * Unfiltered, a user without `audit.read` anywhere gets an empty page (as with every list);
 * filtering by an agency follows AccessService.assert: 404 when unrelated, 403 when related
 * without `audit.read`.
 */
@Injectable()
export class AuditEventsService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
  ) {}

  async list(p: Principal, q: AuditEventQuery): Promise<AuditEventPage> {
    const range = parseTimeRange(q.from, q.to);
    const after = decodeAfter(q.cursor);
    const visibility = await this.visibility(p, q.agencyId?.toLowerCase());
    const limit = pageLimit(q);
    if (visibility.agencyIds !== 'all' && !visibility.agencyIds.length && !visibility.system) return { items: [], nextCursor: null };
    const { sql, params } = auditEventsSql({
      ...visibility,
      entityType: q.entityType,
      entityId: q.entityId?.toLowerCase(),
      actorId: q.actorId?.toLowerCase(),
      action: q.action,
      from: range.from,
      to: range.to,
      order: q.order ?? 'desc',
      after,
      limit,
    });
    const rows = await this.db.query<AuditEventRow[]>(sql, params);
    return toPage(rows, limit, (r) => [r.occurred_key, r.id], toAuditEventView);
  }

  /** The chains the caller reads: one agency (checked), or everything in their audit scope. */
  async visibility(p: Principal, agencyId: string | undefined): Promise<AuditVisibility> {
    if (agencyId !== undefined) {
      if (!(await this.access.agencyPath(agencyId))) throw Errors.notFound('Agency');
      await this.access.assert(p, 'audit.read', agencyId, 'Agency');
      return { agencyIds: [agencyId], system: false };
    }
    const scope = await this.access.scope(p, 'audit.read');
    return { agencyIds: scope.all ? 'all' : scope.agencyIds, system: p.isAdmin };
  }
}
