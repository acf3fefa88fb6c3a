import { Injectable } from '@nestjs/common';
import { RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { SYSTEM_CHAIN } from './audit-sql.js';

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string | null;
  agencyId: string | null;
  /** Changed fields: `{ field: { old, new } }`, or any JSON describing the event. */
  changes?: Record<string, unknown> | null;
  /** Defaults to the signed-in user of the current request. */
  actorId?: string | null;
  actorName?: string | null;
}

export type FieldChanges = Record<string, { old: unknown; new: unknown }>;

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return String(a instanceof Date ? a.toISOString() : a) === String(b instanceof Date ? b.toISOString() : b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `{field: {old, new}}` for the listed fields whose values differ. */
export function diffFields<T extends object>(before: Partial<T> | null, after: Partial<T>, fields: (keyof T)[]): FieldChanges {
  const out: FieldChanges = {};
  for (const f of fields) {
    const o = before ? (before[f] ?? null) : null;
    const n = after[f] ?? null;
    if (!same(o, n)) out[String(f)] = { old: o, new: n };
  }
  return out;
}

/**
 * Facts recorded in events of old that a reader must not see: `deduplicated` on `file.added` told
 * whether the bytes were already stored anywhere, also by another agency (an oracle across
 * agencies); events no longer record it, and readers never show it from older ones.
 */
export function visibleChanges(action: string, changes: Record<string, unknown> | null): Record<string, unknown> | null {
  if (action !== 'file.added' || !changes || !('deduplicated' in changes)) return changes;
  const { deduplicated: _hidden, ...rest } = changes;
  return rest;
}

/**
 * Writes audit events. Call it inside the transaction of the change it records (it uses the
 * current transaction's manager), so a rolled-back change leaves no event. The database links
 * each event into its agency's hash chain.
 */
@Injectable()
export class AuditService {
  constructor(private readonly db: Database) {}

  async record(input: AuditInput): Promise<void> {
    await this.recordMany([input]);
  }

  /**
   * Several events with one statement, linked into their chains in the order given (the link
   * trigger runs per row and sees the rows before it). Give them ordered by agency: a writer of
   * several chains takes their locks in that order (see lockChains).
   */
  async recordMany(inputs: readonly AuditInput[]): Promise<void> {
    if (!inputs.length) return;
    const ctx = RequestContexts.current();
    // One statement whatever the number of events: the rows travel as one jsonb array (no bind
    // parameter per column and row), and the ORDER BY hands them to the link trigger in the order given.
    await this.db.query(
      `INSERT INTO audit_events (agency_id, actor_id, actor_name, action, entity_type, entity_id, changes, request_id, client_request_id, client_ip)
       SELECT v.agency_id, v.actor_id, v.actor_name, v.action, v.entity_type, v.entity_id, v.changes, $2, $3, $4
         FROM jsonb_to_recordset($1::jsonb) AS v(n int, agency_id uuid, actor_id uuid, actor_name text, action text, entity_type text, entity_id uuid, changes jsonb)
        ORDER BY v.n`,
      [
        JSON.stringify(
          inputs.map((input, n) => ({
            n,
            agency_id: input.agencyId,
            actor_id: input.actorId !== undefined ? input.actorId : (ctx?.actorId ?? null),
            actor_name: input.actorName !== undefined ? input.actorName : (ctx?.actorName ?? null),
            action: input.action,
            entity_type: input.entityType,
            entity_id: input.entityId,
            changes: input.changes ?? null,
          })),
        ),
        ctx?.requestId ?? null,
        ctx?.clientRequestId ?? null,
        ctx?.clientIp ?? null,
      ],
    );
  }

  /**
   * Takes the chain locks of these agencies now, in one order (the link trigger takes a chain's
   * lock at its first event, until commit): a transaction writing events of many agencies calls
   * it first, so two such transactions never wait for each other in a circle.
   */
  async lockChains(agencyIds: readonly (string | null)[]): Promise<void> {
    const chains = [...new Set(agencyIds.map((a) => a ?? SYSTEM_CHAIN))].sort();
    if (!chains.length) return;
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtextextended('audit:' || c, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS x(c, n) ORDER BY n`, [chains]);
  }
}
