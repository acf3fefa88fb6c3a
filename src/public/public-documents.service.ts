import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { RequestContexts } from '../common/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { Cursor, Page, pageLimit, toPage } from '../common/pagination.js';
import { Database } from '../database/database.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { DocumentAccess } from '../documents/document-access.js';
import { DocumentsService } from '../documents/documents.service.js';
import { DocumentSearch } from '../documents/document-search.js';
import { PublicRegister, type PublicFileRow, type PublicRow as Row } from '../documents/public-register.js';
import { RevisionFilesService } from '../documents/revision-files.service.js';
import { PublicViewCache } from '../documents/current-cache.js';
import { codeKey } from '../documents/document-types.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { addressKey, FailureThrottle } from '../identity/throttle.js';
import { PublicAgencyView, PublicDocumentQuery, PublicDocumentView, PublicDownloadCountView } from './public.dto.js';

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
    private readonly register: PublicRegister,
    private readonly agencies: AgenciesService,
    private readonly kept: PublicViewCache,
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
    const agency = await this.agencies.findByCode(agencyCode);
    if (!agency) throw Errors.notFound('Agency');
    return agency;
  }

  async list(agencyCode: string, q: PublicDocumentQuery): Promise<Page<PublicDocumentView>> {
    const agency = await this.agency(agencyCode);
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2);
    const rows = await this.register.list(agency.id, { type: q.type, procedureCode: q.procedureCode, q: q.q, after, limit: limit + 1 });
    const views = await this.views(agency.code, rows);
    const matches = q.q ? await this.search.matches(rows.slice(0, limit).map((r) => ({ id: r.document_id, code: r.code, title: r.title })), q.q, { kind: 'in_force' }) : null;
    return toPage(rows, limit, (r) => [r.code_key, r.document_id], (r) => ({ ...views.get(r.document_id)!, ...(matches ? { matches: matches.get(r.document_id) ?? [] } : {}) }));
  }

  /** The agency by code, its public document by code and that revision's files, in one query. */
  private async find(agencyCode: string, code: string): Promise<{ agencyCode: string; row: Row; files: PublicFileRow[] }> {
    const found = await this.register.findInAgency(this.agencies.byCodeSql('$1'), agencyCode, code);
    if (!found) throw Errors.notFound('Agency');
    // Unknown, not public, withdrawn, or without a revision in force: all simply not found.
    if (!found.row) throw Errors.notFound('Document');
    return { agencyCode: found.agencyCode, row: found.row, files: found.files };
  }

  async get(agencyCode: string, code: string): Promise<PublicDocumentView> {
    return JSON.parse((await this.getBody(agencyCode, code)).toString('utf8')) as PublicDocumentView;
  }

  /**
   * The public document's view as the JSON body to send, kept per agency code and code
   * (PublicViewCache) until the database says the document, its procedure or an agency changed:
   * a kept answer sends no query.
   */
  async getBody(agencyCode: string, code: string): Promise<Buffer> {
    const key = PublicViewCache.key(agencyCode, codeKey(code));
    const live = this.kept.live;
    let hit = this.kept.get(key);
    if (!hit && !live.usable && (await live.ready())) hit = this.kept.get(key);
    if (hit) return hit.body;
    const epoch = live.epoch;
    const { agencyCode: canonical, row, files } = await this.find(agencyCode, code);
    const body = Buffer.from(JSON.stringify(this.viewsWith(canonical, [row], files).get(row.document_id)!), 'utf8');
    this.kept.set(key, { documentId: row.document_id, procedureId: row.procedure_id, body }, epoch);
    return body;
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
    const numbers = await this.register.revisionNumbers(documentId);
    const rows = numbers.size
      ? await this.db.query<{ revision_id: string; variant: string; day: string; downloads: string }[]>(
          `SELECT c.revision_id, c.variant, to_char(c.day, 'YYYY-MM-DD') AS day, c.downloads
             FROM public_download_counts c WHERE c.revision_id = ANY($1::uuid[]) ORDER BY c.day DESC LIMIT 5000`,
          [[...numbers.keys()]],
        )
      : [];
    return rows
      .map((r) => ({ revisionId: r.revision_id, revisionNumber: numbers.get(r.revision_id)!, variant: r.variant, day: r.day, downloads: Number(r.downloads) }))
      .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : b.revisionNumber - a.revisionNumber || (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0)))
      .slice(0, 1000);
  }

  private async views(agencyCode: string, rows: Row[]): Promise<Map<string, PublicDocumentView>> {
    return this.viewsWith(agencyCode, rows, await this.register.files(rows.map((r) => r.revision_id)));
  }

  private viewsWith(agencyCode: string, rows: Row[], files: PublicFileRow[]): Map<string, PublicDocumentView> {
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


