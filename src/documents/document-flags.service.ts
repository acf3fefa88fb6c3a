import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { DocumentFlag } from './document.entities.js';
import type { FlagKind } from './document-types.js';

export interface RaiseFlag {
  documentId: string;
  kind: FlagKind;
  reason: string;
  /** When the condition must be dealt with (e.g. the legal change's due date). */
  dueOn?: string | null;
  /** What raised it (e.g. a legal change id); one active flag per (document, kind, source). */
  sourceId?: string | null;
}

export interface ClearFlags {
  documentId: string;
  kind: FlagKind;
  /** Only the flag of this source; omitted: every active flag of the kind. */
  sourceId?: string | null;
  /** The revision that resolved it (e.g. the new effective revision). */
  byRevisionId?: string | null;
  /**
   * Clear only the flags this revision really resolves (SQL `flag_resolved_by`): a legal-change
   * flag stays while the revision still cites the replaced or repealed act.
   */
  onlyIfResolved?: boolean;
  note?: string | null;
}

/**
 * Flags on documents that need attention: "legal basis changed" (src/legal-changes), "review
 * overdue" (src/workflow/periodic-review.service.ts), ... Raising is idempotent; `GET /documents/{id}` lists active ones.
 * Call these inside the transaction of the change that raises or clears them.
 */
@Injectable()
export class DocumentFlags {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  /** Raises a flag unless the same one (document, kind, source) is active; returns it and whether it is new. */
  async raise(input: RaiseFlag): Promise<{ flag: DocumentFlag; raised: boolean }> {
    return this.db.transaction(async () => {
      const raised = await this.raiseMany([input]);
      const existing = await this.db.query<{ id: string }[]>(
        `SELECT id FROM document_flags WHERE document_id = $1 AND kind = $2 AND source_id IS NOT DISTINCT FROM $3 AND cleared_at IS NULL`,
        [input.documentId, input.kind, input.sourceId ?? null],
      );
      if (!existing.length) throw new Error(`document ${input.documentId} does not exist`);
      return { flag: await this.db.repo(DocumentFlag).findOneByOrFail({ id: existing[0].id }), raised: raised.has(input.documentId) };
    });
  }

  /**
   * Raises a set of flags with one statement (those already active are left as they are) and
   * records `document.flag_raised` for each new one; returns the documents whose flag is new.
   */
  async raiseMany(inputs: readonly RaiseFlag[]): Promise<Set<string>> {
    if (!inputs.length) return new Set();
    return this.db.transaction(async () => {
      const rows = await this.db.query<{ id: string; document_id: string; agency_id: string; kind: string; reason: string; due_on: string | null; source_id: string | null }[]>(
        `INSERT INTO document_flags (document_id, agency_id, kind, reason, due_on, source_id)
         SELECT d.id, d.agency_id, v.kind, v.reason, v.due_on, v.source_id
           FROM jsonb_to_recordset($1::jsonb) AS v(n int, document_id uuid, kind text, reason text, due_on date, source_id uuid)
           JOIN documents d ON d.id = v.document_id
          ORDER BY v.n
         ON CONFLICT (document_id, kind, coalesce(source_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE cleared_at IS NULL DO NOTHING
         RETURNING id, document_id, agency_id, kind, reason, to_char(due_on, 'YYYY-MM-DD') AS due_on, source_id`,
        [JSON.stringify(inputs.map((i, n) => ({ n, document_id: i.documentId, kind: i.kind, reason: i.reason, due_on: i.dueOn ?? null, source_id: i.sourceId ?? null })))],
      );
      const order = new Map(inputs.map((input, n) => [input.documentId, n]));
      rows.sort((a, b) => order.get(a.document_id)! - order.get(b.document_id)!);
      await this.audit.recordMany(
        rows.map((f) => ({
          action: 'document.flag_raised',
          entityType: 'document',
          entityId: f.document_id,
          agencyId: f.agency_id,
          changes: { flagId: f.id, kind: f.kind, reason: f.reason, dueOn: f.due_on, sourceId: f.source_id },
        })),
      );
      return new Set(rows.map((r) => r.document_id));
    });
  }

  /** Clears active flags of a kind (optionally of one source); returns how many were cleared. */
  async clear(input: ClearFlags): Promise<number> {
    return this.db.transaction(async () => {
      const ctx = RequestContexts.current();
      const rows = await this.db.query<{ id: string; agency_id: string; source_id: string | null }[]>(
        `UPDATE document_flags SET cleared_at = now(), cleared_by = $4, cleared_by_revision_id = $5, clear_note = $6
          WHERE document_id = $1 AND kind = $2 AND cleared_at IS NULL AND ($3::uuid IS NULL OR source_id = $3)
            AND (NOT $7::boolean OR flag_resolved_by(kind, source_id, $5::uuid))
          RETURNING id, agency_id, source_id`,
        [input.documentId, input.kind, input.sourceId ?? null, ctx?.actorId ?? null, input.byRevisionId ?? null, input.note ?? null, input.onlyIfResolved === true],
      );
      for (const r of rows) {
        await this.audit.record({
          action: 'document.flag_cleared',
          entityType: 'document',
          entityId: input.documentId,
          agencyId: r.agency_id,
          changes: { flagId: r.id, kind: input.kind, sourceId: r.source_id, byRevisionId: input.byRevisionId ?? null, note: input.note ?? null },
        });
      }
      return rows.length;
    });
  }

  /** Active flags of a document, oldest first. */
  listActive(documentId: string): Promise<DocumentFlag[]> {
    return this.db
      .repo(DocumentFlag)
      .createQueryBuilder('f')
      .where('f.document_id = :documentId AND f.cleared_at IS NULL', { documentId })
      .orderBy('f.raised_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .getMany();
  }

  /** Documents of an agency with an active flag of this kind. */
  async documentsFlagged(agencyId: string, kind: FlagKind): Promise<string[]> {
    const rows = await this.db.query<{ document_id: string }[]>(
      `SELECT DISTINCT document_id FROM document_flags WHERE agency_id = $1 AND kind = $2 AND cleared_at IS NULL`,
      [agencyId, kind],
    );
    return rows.map((r) => r.document_id);
  }
}
