import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { DocumentSearch } from './document-search.js';
import { codeKey } from './document-types.js';

/** A public document with its revision in force. */
export interface PublicRow {
  document_id: string;
  code: string;
  title: string;
  type: string;
  tthc_code: string | null;
  procedure_id: string | null;
  procedure_code: string | null;
  revision_id: string;
  number: number;
  effective_at: Date;
  code_key: string;
}

export interface PublicFileRow {
  revision_id: string;
  role: string;
  filename: string;
  media_type: string;
  size: string;
  sha256: string;
}

/** A document anyone may see: a public type, not withdrawn; a procedure only with a TTHC code. */
const PUBLIC_FILTER = `d.withdrawn_at IS NULL AND (d.type IN ('form', 'quality_policy', 'quality_objectives') OR (d.type = 'procedure' AND d.tthc_code IS NOT NULL))`;

/**
 * The register's public side, for the public pages (src/public): which documents of an agency anyone
 * may see — a public type, not withdrawn, with a revision in force — their files, searched as the
 * register searches (the revision in force only, never a draft).
 */
@Injectable()
export class PublicRegister {
  constructor(
    private readonly db: Database,
    private readonly search: DocumentSearch,
  ) {}

  private static readonly COLUMNS = `d.id AS document_id, d.code, d.code_key, d.title, d.type, d.tthc_code, d.procedure_id, p.code AS procedure_code,
                   r.id AS revision_id, r.number, r.effective_at`;
  private static readonly FROM = `documents d
              JOIN revisions r ON r.document_id = d.id AND r.state = 'effective'
              LEFT JOIN documents p ON p.id = d.procedure_id`;

  private baseSql(agencyId = '$1'): string {
    return `SELECT ${PublicRegister.COLUMNS} FROM ${PublicRegister.FROM} WHERE d.agency_id = ${agencyId} AND ${PUBLIC_FILTER}`;
  }

  /** A page of the agency's public documents in code order, after (code_key, id), at most `limit` rows. */
  async list(agencyId: string, q: { type?: string; procedureCode?: string; q?: string; after: unknown[] | null; limit: number }): Promise<PublicRow[]> {
    const params: unknown[] = [agencyId];
    const $ = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['d.agency_id = $1', PUBLIC_FILTER];
    if (q.type) where.push(`d.type = ${$(q.type)}`);
    if (q.procedureCode) where.push(`p.code_key = ${$(codeKey(q.procedureCode))}`);
    if (q.after) where.push(`(d.code_key, d.id) > (${$(q.after[0])}::text, ${$(q.after[1])}::uuid)`);
    const limit = $(q.limit);
    // As in the register: code, title, content and files, of the revision in force only.
    const searched = this.search.page(q.q, $, { inForce: true, open: null }, {
      select: PublicRegister.COLUMNS,
      from: PublicRegister.FROM,
      where,
      textWhere: ['s.agency_id = $1'],
      few: true,
      order: 'd.code_key, d.id',
      outerOrder: 'code_key, document_id',
      limit,
    });
    return this.db.query<PublicRow[]>(
      searched ?? `SELECT ${PublicRegister.COLUMNS} FROM ${PublicRegister.FROM} WHERE ${where.join(' AND ')} ORDER BY d.code_key, d.id LIMIT ${limit}`,
      params,
    );
  }

  /**
   * In one query: the agency that `agencySql` selects (its `id` and `code`; the agencies module's
   * SQL, AgenciesService.byCodeSql, on parameter $1) and its public document of this code with the
   * revision in force and its files (sources first, in upload order). Null when there is no such
   * agency; `row` null when the agency has no such public document.
   */
  async findInAgency(agencySql: string, agencyCode: string, code: string): Promise<{ agencyCode: string; row: PublicRow | null; files: PublicFileRow[] } | null> {
    const rows = await this.db.query<(PublicRow & { agency_code: string; found: boolean; files: PublicFileRow[] | null })[]>(
      `SELECT ag.code AS agency_code, x.document_id IS NOT NULL AS found, x.*,
              (SELECT json_agg(json_build_object('revision_id', f.revision_id, 'role', f.role, 'filename', f.filename, 'media_type', f.media_type,
                                                 'size', f.size, 'sha256', f.sha256) ORDER BY f.role DESC, f.created_at, f.id)
                 FROM revision_files f WHERE f.revision_id = x.revision_id) AS files
         FROM (${agencySql}) ag
         LEFT JOIN LATERAL (${this.baseSql('ag.id')} AND d.code_key = $2) x ON true`,
      [agencyCode, codeKey(code)],
    );
    if (!rows.length) return null;
    const { agency_code, found, files, ...row } = rows[0];
    return { agencyCode: agency_code, row: found ? (row as PublicRow) : null, files: files ?? [] };
  }

  /** The files of these revisions, sources first, in upload order. */
  files(revisionIds: readonly string[]): Promise<PublicFileRow[]> {
    if (!revisionIds.length) return Promise.resolve([]);
    return this.db.query<PublicFileRow[]>(
      `SELECT revision_id, role, filename, media_type, size, sha256 FROM revision_files WHERE revision_id = ANY($1::uuid[]) ORDER BY role DESC, created_at, id`,
      [revisionIds],
    );
  }

  /** The document's revisions' numbers by revision id (drafts without a number left out). */
  async revisionNumbers(documentId: string): Promise<Map<string, number>> {
    const rows = await this.db.query<{ id: string; number: number }[]>(`SELECT id, number FROM revisions WHERE document_id = $1 AND number IS NOT NULL`, [documentId]);
    return new Map(rows.map((r) => [r.id, r.number]));
  }
}
