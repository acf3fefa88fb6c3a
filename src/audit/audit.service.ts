import { Injectable } from '@nestjs/common';
import { RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { AuditEvent } from './audit-event.entity.js';

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
    const ctx = RequestContexts.current();
    await this.db.manager.insert(AuditEvent, {
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      agencyId: input.agencyId,
      changes: (input.changes ?? null) as never,
      actorId: input.actorId !== undefined ? input.actorId : (ctx?.actorId ?? null),
      actorName: input.actorName !== undefined ? input.actorName : (ctx?.actorName ?? null),
      requestId: ctx?.requestId ?? null,
      clientRequestId: ctx?.clientRequestId ?? null,
      clientIp: ctx?.clientIp ?? null,
    });
  }
}
