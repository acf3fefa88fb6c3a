import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { agenciesSql } from '../agencies/agencies.service.js';
import { Errors } from '../common/errors.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { isUuid } from '../common/params.js';
import { Database } from '../database/database.js';
import { LegalRegistryService } from '../legal/legal-registry.service.js';
import type { CitationQuery, CitationView } from './legal-changes.dto.js';

interface CitationRow {
  document_id: string;
  agency_id: string;
  agency_code: string;
  agency_name: string;
  agency_path: string;
  code: string;
  code_key: string;
  title: string;
  revision_id: string;
  state: string;
  number: number | string;
  number_assigned: boolean;
  articles: string | null;
  position: number;
}

/**
 * GET /legal-documents/{id}/citations: the documents whose effective or open revision cites a legal
 * document, found through the revision_citations index. Each citing revision is one item (a
 * document whose effective and open revisions both cite it appears twice, once per revision).
 * Visibility: effective revisions where the caller may read documents, open revisions where they
 * may read drafts (supervisors: their subtree); the system administrator, who maintains the
 * registry, sees every agency. Withdrawn documents are left out.
 */
@Injectable()
export class LegalCitationsService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly registry: LegalRegistryService,
  ) {}

  async list(p: Principal, legalDocumentId: string, q: CitationQuery): Promise<Page<CitationView>> {
    if (!(await this.registry.findById(legalDocumentId))) throw Errors.notFound('Legal document');
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 3);
    if (after && (typeof after[0] !== 'string' || typeof after[1] !== 'string' || !isUuid(after[2]))) {
      throw Errors.validation([{ field: 'cursor', message: 'is not a cursor returned by this list' }]);
    }
    // null: every agency (an administrator, or a scope that is every agency there is).
    const read = p.isAdmin ? null : await this.agencies(p, 'document.read');
    const drafts = p.isAdmin ? null : await this.agencies(p, 'document.readDrafts');
    if (read && drafts && !read.length && !drafts.length) return { items: [], nextCursor: null };
    const rows = await this.db.query<CitationRow[]>(
      `SELECT d.id AS document_id, d.agency_id, a.code AS agency_code, a.name AS agency_name, a.path AS agency_path,
              d.code, d.code_key, d.title, r.id AS revision_id, r.state,
              coalesce(r.number, (SELECT coalesce(max(x.number), 0) + 1 FROM revisions x WHERE x.document_id = r.document_id)) AS number,
              r.number IS NOT NULL AS number_assigned, c.articles, c.position
         FROM revision_citations c
         JOIN revisions r ON r.id = c.revision_id AND r.state IN ('effective', 'draft', 'in_review', 'pending_approval', 'approved')
         JOIN documents d ON d.id = r.document_id AND d.withdrawn_at IS NULL
         JOIN (${agenciesSql()}) a ON a.id = d.agency_id
        WHERE c.legal_document_id = $1
          AND CASE WHEN r.state = 'effective' THEN $2::uuid[] IS NULL OR r.agency_id = ANY($2::uuid[])
                   ELSE $3::uuid[] IS NULL OR r.agency_id = ANY($3::uuid[]) END
          AND ($4::uuid IS NULL OR d.agency_id = $4)
          AND ($5::text IS NULL OR (a.path, d.code_key, r.id) > ($5::text, $6::text, $7::uuid))
        ORDER BY a.path, d.code_key, r.id
        LIMIT ${limit + 1}`,
      [legalDocumentId, read, drafts, q.agencyId ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null],
    );
    return toPage(rows, limit, (r) => [r.agency_path, r.code_key, r.revision_id], (r) => ({
      documentId: r.document_id,
      agencyId: r.agency_id,
      agencyCode: r.agency_code,
      agencyName: r.agency_name,
      code: r.code,
      title: r.title,
      revision: { id: r.revision_id, state: r.state, number: Number(r.number), numberAssigned: r.number_assigned },
      articles: r.articles,
      position: r.position,
    }));
  }

  /** The agencies whose documents the user may list under `permission`; null for every agency. */
  private async agencies(p: Principal, permission: 'document.read' | 'document.readDrafts'): Promise<string[] | null> {
    const scope = await this.access.scope(p, permission);
    return scope.all ? null : scope.agencyIds;
  }
}
