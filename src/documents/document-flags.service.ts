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
      const inserted = await this.db.query<{ id: string }[]>(
        `INSERT INTO document_flags (document_id, agency_id, kind, reason, due_on, source_id)
         SELECT d.id, d.agency_id, $2, $3, $4, $5 FROM documents d WHERE d.id = $1
         ON CONFLICT (document_id, kind, coalesce(source_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE cleared_at IS NULL DO NOTHING
         RETURNING id`,
        [input.documentId, input.kind, input.reason, input.dueOn ?? null, input.sourceId ?? null],
      );
      if (inserted.length) {
        const flag = await this.db.repo(DocumentFlag).findOneByOrFail({ id: inserted[0].id });
        await this.audit.record({
          action: 'document.flag_raised',
          entityType: 'document',
          entityId: flag.documentId,
          agencyId: flag.agencyId,
          changes: { flagId: flag.id, kind: flag.kind, reason: flag.reason, dueOn: flag.dueOn, sourceId: flag.sourceId },
        });
        return { flag, raised: true };
      }
      const existing = await this.db.query<{ id: string }[]>(
        `SELECT id FROM document_flags WHERE document_id = $1 AND kind = $2 AND source_id IS NOT DISTINCT FROM $3 AND cleared_at IS NULL`,
        [input.documentId, input.kind, input.sourceId ?? null],
      );
      if (!existing.length) throw new Error(`document ${input.documentId} does not exist`);
      return { flag: await this.db.repo(DocumentFlag).findOneByOrFail({ id: existing[0].id }), raised: false };
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
