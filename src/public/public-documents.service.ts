import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { Database } from '../database/database.js';
import { DocumentAccess } from '../documents/document-access.js';
import { codeKey } from '../documents/document-types.js';
import { DocumentsService } from '../documents/documents.service.js';
import { DocumentSearch } from '../documents/document-search.js';
import { RevisionFilesService } from '../documents/revision-files.service.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { addressKey, FailureThrottle } from '../identity/throttle.js';
import { PublicAgencyView, PublicDocumentQuery, PublicDocumentView, PublicDownloadCountView } from './public.dto.js';

interface Row {
  document_id: string;
  code: string;
  title: string;
  type: string;
  tthc_code: string | null;
  procedure_code: string | null;
  revision_id: string;
  number: number;
  effective_at: Date;
  code_key: string;
}

/** A document anyone may see: a public type, not withdrawn; a procedure only with a TTHC code. */
const PUBLIC_FILTER = `d.withdrawn_at IS NULL AND (d.type IN ('form', 'quality_policy', 'quality_objectives') OR (d.type = 'procedure' AND d.tthc_code IS NOT NULL))`;

/**
 * What staff and citizens may take without signing in: the effective revision of an agency's
 * public documents (forms, the quality policy and objectives, administrative procedures) and
 * their files — never a draft, never an obsolete document. Every request counts against its
 * address's PUBLIC_REQUESTS_PER_MINUTE (429 above); anonymous downloads are counted per
 * revision, variant and day (`public_download_counts`), not audited one by one.
 */
@Injectable()
export class PublicDocumentsService {
  constructor(
    private readonly db: Database,
    private readonly revisions: RevisionsService,
    private readonly files: RevisionFilesService,
    private readonly throttle: FailureThrottle,
    private readonly documents: DocumentsService,
    private readonly access: DocumentAccess,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly search: DocumentSearch,
  ) {}

  /** 429 once the client address made PUBLIC_REQUESTS_PER_MINUTE public requests this minute. */
  async limitRate(): Promise<void> {
    const address = addressKey(RequestContexts.current()?.clientIp);
    await this.throttle.limit(
      { kind: 'public', subject: '', address },
      this.config.limits.publicRequestsPerMinute,
      60,
      'Too many requests from your address to the public documents; try again in a minute.',
    );
  }

  async agency(agencyCode: string): Promise<PublicAgencyView & { id: string }> {
    const rows = await this.db.query<{ id: string; code: string; name: string; level: string; parent_code: string | null }[]>(
      `SELECT a.id, a.code, a.name, a.level, p.code AS parent_code FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id WHERE lower(a.code) = lower($1)`,
      [agencyCode],
    );
    if (!rows.length) throw Errors.notFound('Agency');
    const a = rows[0];
    return { id: a.id, code: a.code, name: a.name, level: a.level, parentCode: a.parent_code };
  }

  private baseSql(): string {
    return `SELECT d.id AS document_id, d.code, d.code_key, d.title, d.type, d.tthc_code, p.code AS procedure_code,
                   r.id AS revision_id, r.number, r.effective_at
              FROM documents d
              JOIN revisions r ON r.document_id = d.id AND r.state = 'effective'
              LEFT JOIN documents p ON p.id = d.procedure_id
             WHERE d.agency_id = $1 AND ${PUBLIC_FILTER}`;
  }

  async list(agencyCode: string, q: PublicDocumentQuery): Promise<Page<PublicDocumentView>> {
    const agency = await this.agency(agencyCode);
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2);
    const params: unknown[] = [agency.id];
    let sql = this.baseSql();
    if (q.type) {
      params.push(q.type);
      sql += ` AND d.type = $${params.length}`;
    }
    if (q.procedureCode) {
      params.push(codeKey(q.procedureCode));
      sql += ` AND p.code_key = $${params.length}`;
    }
    // As in the register: code, title, content and files, of the revision in force only.
    const search = this.search.condition(q.q, (v) => {
      params.push(v);
      return `$${params.length}`;
    }, { kind: 'none' }, ['r.agency_id = $1']);
    if (search) sql += ` AND ${search}`;
    if (after) {
      params.push(after[0], after[1]);
      sql += ` AND (d.code_key, d.id) > ($${params.length - 1}::text, $${params.length}::uuid)`;
    }
    params.push(limit + 1);
    sql += ` ORDER BY d.code_key, d.id LIMIT $${params.length}`;
    const rows = await this.db.query<Row[]>(sql, params);
    const views = await this.views(agency.code, rows);
    const matches = q.q ? await this.search.matches(rows.slice(0, limit).map((r) => ({ id: r.document_id, code: r.code, title: r.title })), q.q, { kind: 'none' }) : null;
    return toPage(rows, limit, (r) => [r.code_key, r.document_id], (r) => ({ ...views.get(r.document_id)!, ...(matches ? { matches: matches.get(r.document_id) ?? [] } : {}) }));
  }

  private async find(agencyCode: string, code: string): Promise<{ agencyCode: string; row: Row }> {
    const agency = await this.agency(agencyCode);
    const rows = await this.db.query<Row[]>(`${this.baseSql()} AND d.code_key = $2`, [agency.id, codeKey(code)]);
    // Unknown, not public, withdrawn, or without a revision in force: all simply not found.
    if (!rows.length) throw Errors.notFound('Document');
    return { agencyCode: agency.code, row: rows[0] };
  }

  async get(agencyCode: string, code: string): Promise<PublicDocumentView> {
    const { agencyCode: canonical, row } = await this.find(agencyCode, code);
    return (await this.views(canonical, [row])).get(row.document_id)!;
  }

  async download(agencyCode: string, code: string, variant: 'controlled' | 'source', req: Request, res: Response): Promise<void> {
    const { row } = await this.find(agencyCode, code);
    const found = await this.revisions.findWithDocument(row.revision_id);
    if (!found || found.revision.state !== 'effective') throw Errors.notFound('Document');
    const { revision } = found;
    await this.files.serveEffective(req, res, revision, found.document, variant, () => this.countDownload(revision.id, revision.agencyId, variant));
  }

  /** One more anonymous download of the revision's variant today (Vietnam time). */
  private async countDownload(revisionId: string, agencyId: string, variant: 'controlled' | 'source'): Promise<void> {
    await this.db.query(
      `INSERT INTO public_download_counts (revision_id, agency_id, variant, day, downloads)
       VALUES ($1, $2, $3, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 1)
       ON CONFLICT (revision_id, variant, day) DO UPDATE SET downloads = public_download_counts.downloads + 1`,
      [revisionId, agencyId, variant],
    );
  }

  /** GET /documents/{id}/public-downloads: the counts per revision, variant and day, newest first (those who may read its history). */
  async downloadCounts(p: Principal, documentId: string): Promise<PublicDownloadCountView[]> {
    const doc = await this.documents.findById(documentId);
    if (!doc) throw Errors.notFound('Document');
    await this.access.assertReadHistory(p, doc.agencyId);
    const rows = await this.db.query<{ revision_id: string; number: number; variant: string; day: string; downloads: string }[]>(
      `SELECT c.revision_id, r.number, c.variant, to_char(c.day, 'YYYY-MM-DD') AS day, c.downloads
         FROM public_download_counts c JOIN revisions r ON r.id = c.revision_id
        WHERE r.document_id = $1 ORDER BY c.day DESC, r.number DESC, c.variant LIMIT 1000`,
      [documentId],
    );
    return rows.map((r) => ({ revisionId: r.revision_id, revisionNumber: r.number, variant: r.variant, day: r.day, downloads: Number(r.downloads) }));
  }

  private async views(agencyCode: string, rows: Row[]): Promise<Map<string, PublicDocumentView>> {
    const files = rows.length
      ? await this.db.query<{ revision_id: string; role: string; filename: string; media_type: string; size: string; sha256: string }[]>(
          `SELECT revision_id, role, filename, media_type, size, sha256 FROM revision_files WHERE revision_id = ANY($1::uuid[]) ORDER BY role DESC, created_at, id`,
          [rows.map((r) => r.revision_id)],
        )
      : [];
    const out = new Map<string, PublicDocumentView>();
    for (const r of rows) {
      const own = files.filter((f) => f.revision_id === r.revision_id);
      const base = `/api/v1/public/agencies/${encodeURIComponent(agencyCode)}/documents/${encodeURIComponent(r.code)}/file`;
      out.set(r.document_id, {
        code: r.code,
        title: r.title,
        type: r.type,
        tthcCode: r.tthc_code,
        procedureCode: r.procedure_code,
        revisionNumber: r.number,
        effectiveAt: new Date(r.effective_at).toISOString(),
        files: own.map((f) => ({ role: f.role, filename: f.filename, mediaType: f.media_type, size: Number(f.size), sha256: f.sha256 })),
        controlledCopyUrl: `${base}?variant=controlled`,
        sourceUrl: own.some((f) => f.role === 'source') ? `${base}?variant=source` : null,
      });
    }
    return out;
  }
}


