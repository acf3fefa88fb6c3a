import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { DocumentRegister } from '../documents/document-register.js';
import { LegalRegistryService } from '../legal/legal-registry.service.js';

/** A legal change as it reached one agency: its documents and the drafts it prepared there. */
export interface AgencyLegalChange {
  changeId: string;
  legalDocumentId: string;
  legalDocumentNumber: string;
  kind: string;
  effectiveFrom: string;
  documents: number;
  /** Drafts made by the change that are not effective yet (still open). */
  openDrafts: number;
}

export interface AgencyLegalChanges {
  /** Changes recorded in [from, to) that affected documents of the agency. */
  changes: AgencyLegalChange[];
  /** Drafts made by any legal change that are still open today (whenever the change was recorded). */
  openDrafts: number;
}

/**
 * What the legal changes meant for one agency, for the management review's inputs: the changes
 * recorded in a period that reached its documents, and the drafts they made that are still open.
 */
@Injectable()
export class LegalChangeSummaries {
  constructor(
    private readonly db: Database,
    private readonly register: DocumentRegister,
    private readonly legal: LegalRegistryService,
  ) {}

  async forAgency(agencyId: string, range: { from: Date; to: Date }): Promise<AgencyLegalChanges> {
    const items = await this.db.query<{ change_id: string; legal_document_id: string; kind: string; effective_from: string; created_at: Date; document_id: string; draft_revision_id: string | null }[]>(
      `SELECT c.id AS change_id, c.legal_document_id, c.kind, to_char(c.effective_from, 'YYYY-MM-DD') AS effective_from, c.created_at, i.document_id, i.draft_revision_id
         FROM legal_change_items i JOIN legal_changes c ON c.id = i.change_id
        WHERE i.agency_id = $1
        ORDER BY c.created_at, c.id`,
      [agencyId],
    );
    const open = await this.register.openRevisionIds(items.flatMap((i) => (i.draft_revision_id ? [i.draft_revision_id] : [])));
    const inRange = items.filter((i) => i.created_at >= range.from && i.created_at < range.to);
    const numbers = new Map((await this.legal.findByIds([...new Set(inRange.map((i) => i.legal_document_id))])).map((d) => [d.id, d.number]));
    const byChange = new Map<string, AgencyLegalChange>();
    for (const i of inRange) {
      const c = byChange.get(i.change_id) ?? {
        changeId: i.change_id,
        legalDocumentId: i.legal_document_id,
        legalDocumentNumber: numbers.get(i.legal_document_id) ?? '',
        kind: i.kind,
        effectiveFrom: i.effective_from,
        documents: 0,
        openDrafts: 0,
      };
      c.documents += 1;
      if (i.draft_revision_id && open.has(i.draft_revision_id)) c.openDrafts += 1;
      byChange.set(i.change_id, c);
    }
    return { changes: [...byChange.values()], openDrafts: items.filter((i) => i.draft_revision_id && open.has(i.draft_revision_id)).length };
  }
}
