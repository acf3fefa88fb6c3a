import { Injectable } from '@nestjs/common';
import { Principal } from '../access/principal.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { Errors, FieldError } from '../common/errors.js';
import { Cursor, pageLimit, toPage } from '../common/pagination.js';
import { escapeLike } from '../common/text.js';
import { DocumentSearch, MatchRow, ReadableRevisions, SearchBase, searchTerms, SMALL_SCOPE, TextScope } from './document-search.js';
import { Database } from '../database/database.js';
import { DocumentAccess } from './document-access.js';
import { DocumentFlags } from './document-flags.service.js';
import { assertNotWithdrawn } from './document-rules.js';
import { Document, Revision } from './document.entities.js';
import { DocumentType, OPEN_STATES, RevisionState, codeKey } from './document-types.js';
import type {
  CreateDocumentRequest,
  CurrentRevisionView,
  DocumentDetailView,
  DocumentListItem,
  DocumentListQuery,
  DocumentPage,
  OpenDraftRequest,
  RevisionView,
  UpdateDocumentRequest,
} from './documents.dto.js';
import { RevisionLifecycle } from './revision-lifecycle.js';
import { RevisionsService } from './revisions.service.js';
import { RenditionRequests } from '../renditions/rendition-requests.js';
import { RevisionViews, revisionViewJsonSql, toDocumentView, toFlagView } from './views.js';
import { TthcDrafts } from '../catalogue/tthc-drafts.js';
import { ContentValidator } from './content-validator.js';
import { bodyEtag, CurrentEntry, CurrentViewCache } from './current-cache.js';

interface DocumentRow {
  id: string;
  agency_id: string;
  type: DocumentType;
  code: string;
  code_key: string;
  title: string;
  procedure_id: string | null;
  tthc_code: string | null;
  review_interval_months: number;
  year: number | null;
  withdrawn_at: Date | null;
  withdrawn_reason: string | null;
  withdrawn_by: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  e_id: string | null;
  e_number: number | null;
  e_effective_at: Date | null;
  o_id: string | null;
  o_state: RevisionState | null;
  o_number: number | null;
}

function rowToDocument(r: DocumentRow): Document {
  return Object.assign(new Document(), {
    id: r.id,
    agencyId: r.agency_id,
    type: r.type,
    code: r.code,
    codeKey: r.code_key,
    title: r.title,
    procedureId: r.procedure_id,
    tthcCode: r.tthc_code,
    reviewIntervalMonths: r.review_interval_months,
    year: r.year,
    withdrawnAt: r.withdrawn_at,
    withdrawnReason: r.withdrawn_reason,
    withdrawnBy: r.withdrawn_by,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}

export { searchTerms } from './document-search.js';

/**
 * The register of controlled documents: create (with the first draft), list and search, a
 * document with its current revision, open draft and flags, and the current (effective) revision
 * by id or by code.
 */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly access: DocumentAccess,
    private readonly revisions: RevisionsService,
    private readonly lifecycle: RevisionLifecycle,
    private readonly views: RevisionViews,
    private readonly flags: DocumentFlags,
    private readonly renditions: RenditionRequests,
    private readonly tthcDrafts: TthcDrafts,
    private readonly validator: ContentValidator,
    private readonly search: DocumentSearch,
    private readonly currentCache: CurrentViewCache,
  ) {}

  findById(id: string): Promise<Document | null> {
    return this.db.repo(Document).findOneBy({ id });
  }

  /** A document of an agency by code (case-insensitive after NFC). */
  findByCode(agencyId: string, code: string): Promise<Document | null> {
    return this.db.repo(Document).findOneBy({ agencyId, codeKey: codeKey(code) });
  }

  // ---------------------------------------------------------------- create

  private requestErrors(req: CreateDocumentRequest): FieldError[] {
    const errors: FieldError[] = [];
    if (req.type === 'form' && !req.procedureId) errors.push({ field: 'procedureId', message: 'is required for a form (the procedure it belongs to)' });
    if (req.type !== 'form' && req.procedureId) errors.push({ field: 'procedureId', message: 'is only for forms' });
    if (req.type !== 'procedure' && req.tthcCode) errors.push({ field: 'tthcCode', message: 'is only for procedures' });
    if (req.type === 'quality_objectives' && req.year === undefined) errors.push({ field: 'year', message: 'is required for quality objectives' });
    if (req.type !== 'quality_objectives' && req.year !== undefined) errors.push({ field: 'year', message: 'is only for quality objectives' });
    return errors;
  }

  /** A document and its first draft (revision 1), in one transaction. */
  async create(p: Principal, req: CreateDocumentRequest): Promise<DocumentDetailView> {
    return this.db.transaction(async () => {
      await this.access.assertCreate(p, req.agencyId);
      const errors = this.requestErrors(req);
      if (errors.length) throw Errors.validation(errors);
      // One creation per agency at a time: code and singleton checks cannot race.
      await this.db.lock(`documents:${req.agencyId}`);
      const key = codeKey(req.code);
      const taken = await this.db.repo(Document).findOneBy({ agencyId: req.agencyId, codeKey: key });
      if (taken) throw Errors.conflict('document_code_taken', `The code "${req.code}" is already used by "${taken.code}" in this agency.`, { documentId: taken.id });
      if (req.type === 'form') await this.assertProcedure(req.agencyId, req.procedureId!);
      if (req.type === 'quality_policy') {
        const existing = await this.db.query<{ id: string }[]>(
          `SELECT id FROM documents WHERE agency_id = $1 AND type = 'quality_policy' AND withdrawn_at IS NULL`,
          [req.agencyId],
        );
        if (existing.length) {
          throw Errors.conflict('quality_policy_exists', 'The agency already has a quality policy; revise it (a new revision) instead.', { documentId: existing[0].id });
        }
      }
      if (req.type === 'quality_objectives') {
        const existing = await this.db.query<{ id: string }[]>(
          `SELECT id FROM documents WHERE agency_id = $1 AND type = 'quality_objectives' AND year = $2 AND withdrawn_at IS NULL`,
          [req.agencyId, req.year],
        );
        if (existing.length) throw Errors.conflict('quality_objectives_exist', `The agency already has quality objectives for ${req.year}.`, { documentId: existing[0].id });
      }
      const doc = await this.db.repo(Document).save(
        this.db.repo(Document).create({
          agencyId: req.agencyId,
          type: req.type,
          code: req.code,
          codeKey: key,
          title: req.title,
          procedureId: req.procedureId ?? null,
          tthcCode: req.tthcCode ?? null,
          reviewIntervalMonths: req.reviewIntervalMonths ?? 12,
          year: req.year ?? null,
          createdBy: p.id,
        }),
      );
      await this.audit.record({
        action: 'document.created',
        entityType: 'document',
        entityId: doc.id,
        agencyId: doc.agencyId,
        changes: diffFields(null, doc, ['type', 'code', 'title', 'procedureId', 'tthcCode', 'reviewIntervalMonths', 'year']),
      });
      // A procedure for a national TTHC starts from the catalogue: time limit, fee, legal bases.
      const prefill = req.type === 'procedure' && req.tthcCode && req.content === undefined ? await this.tthcDrafts.prefill(req.tthcCode) : null;
      const content = prefill?.found ? { ...this.validator.defaultContent('procedure'), ...prefill.content } : req.content;
      const draft = await this.lifecycle.create(doc, { authorId: p.id, content, changeSummary: req.changeSummary }, null, p);
      const view: DocumentDetailView = { ...toDocumentView(doc), currentRevision: null, openDraft: await this.views.one(draft), flags: [] };
      if (prefill) view.prefill = { tthcCode: prefill.tthcCode, found: prefill.found, fields: prefill.fields, unresolvedLegalBases: prefill.unresolvedLegalBases };
      return view;
    });
  }

  /** POST /documents/{id}/revisions: a new draft copied from the effective revision (409 `revision_open`, `document_withdrawn`). */
  async openDraft(p: Principal, documentId: string, req: OpenDraftRequest): Promise<RevisionView> {
    return this.db.transaction(async () => {
      const doc = await this.findById(documentId);
      if (!doc) throw Errors.notFound('Document');
      await this.access.assertReadDocument(p, doc);
      await this.access.assertWrite(p, doc.agencyId, 'Document');
      const draft = await this.lifecycle.openDraft(doc.id, { authorId: p.id, content: req.content, changeSummary: req.changeSummary }, p);
      return this.views.one(draft);
    });
  }

  /** A form's procedure: a procedure of the same agency, not withdrawn (422 otherwise, never revealing other agencies). */
  private async assertProcedure(agencyId: string, procedureId: string): Promise<void> {
    const rows = await this.db.query<{ agency_id: string; type: string; withdrawn_at: Date | null }[]>(
      'SELECT agency_id, type, withdrawn_at FROM documents WHERE id = $1',
      [procedureId],
    );
    const proc = rows[0];
    if (!proc || proc.agency_id !== agencyId || proc.type !== 'procedure') {
      throw Errors.ruleViolated('form_procedure_invalid', 'A form must belong to a procedure of the same agency.', [
        { field: 'procedureId', message: 'is not a procedure of this agency' },
      ]);
    }
    if (proc.withdrawn_at) {
      throw Errors.ruleViolated('form_procedure_invalid', 'The procedure has been withdrawn.', [{ field: 'procedureId', message: 'is withdrawn' }]);
    }
  }

  // ---------------------------------------------------------------- update

  /**
   * PATCH /documents/{id}: the review interval at any time; the title and TTHC code (printed on
   * every controlled copy) only while the document has never been submitted — afterwards they are
   * part of its controlled identification (409 `document_identity_controlled`).
   */
  async update(p: Principal, id: string, req: UpdateDocumentRequest): Promise<DocumentDetailView> {
    await this.db.transaction(async () => {
      const doc = await this.revisions.lockDocument(id);
      await this.access.assertReadDocument(p, doc);
      await this.access.assertWrite(p, doc.agencyId, 'Document');
      assertNotWithdrawn(doc);
      const before = { ...doc };
      const identity = (req.title !== undefined && req.title !== doc.title) || (req.tthcCode !== undefined && req.tthcCode !== doc.tthcCode);
      if (identity) {
        const [{ submitted }] = await this.db.query<{ submitted: boolean }[]>(
          `SELECT EXISTS (SELECT 1 FROM revisions WHERE document_id = $1 AND state <> 'draft')
               OR EXISTS (SELECT 1 FROM revision_transitions t JOIN revisions r ON r.id = t.revision_id WHERE r.document_id = $1 AND t.from_state IS NOT NULL) AS submitted`,
          [doc.id],
        );
        if (submitted) {
          throw Errors.conflict(
            'document_identity_controlled',
            'The title and TTHC code of a document that has been submitted are part of its controlled identification and can no longer be changed.',
          );
        }
        if (req.tthcCode !== undefined && req.tthcCode !== null && doc.type !== 'procedure') {
          throw Errors.validation([{ field: 'tthcCode', message: 'is only for procedures' }]);
        }
      }
      if (req.title !== undefined) doc.title = req.title;
      if (req.tthcCode !== undefined) doc.tthcCode = req.tthcCode;
      if (req.reviewIntervalMonths !== undefined) doc.reviewIntervalMonths = req.reviewIntervalMonths;
      const changes = diffFields(before, doc, ['title', 'tthcCode', 'reviewIntervalMonths']);
      if (!Object.keys(changes).length) return;
      await this.db.repo(Document).save(doc);
      await this.audit.record({ action: 'document.updated', entityType: 'document', entityId: doc.id, agencyId: doc.agencyId, changes });
      if (identity) {
        // The draft's copy prints the title: drop its rendition so the new request renders again.
        const open = await this.revisions.openOf(doc.id);
        if (open) {
          await this.db.query(`DELETE FROM renditions WHERE revision_id = $1 AND state = 'draft'`, [open.id]);
          await this.renditions.request(open.id);
        }
      }
    });
    return this.get(p, id);
  }

  // ---------------------------------------------------------------- list

  async list(p: Principal, q: DocumentListQuery): Promise<DocumentPage> {
    const readers = await this.access.scope(p, 'document.read');
    const drafts = await this.access.scope(p, 'document.readDrafts');
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2);
    const draftIds = drafts.all ? null : drafts.agencyIds;
    // Agencies where only documents with a revision in force are visible (read without readDrafts).
    const draftSet = new Set(draftIds);
    const readOnlyIds = drafts.all ? [] : readers.all ? null : readers.agencyIds.filter((id) => !draftSet.has(id));
    if (draftIds && !draftIds.length && readOnlyIds && !readOnlyIds.length) return { items: [], nextCursor: null };
    // Titles and codes, the content and the files of the revisions the caller may read (DocumentSearch):
    // the page's ids come from the search's two arms, each walking the order or looking up its index.
    // The text arm's scope is on document_search: the words in force of every agency the caller reads,
    // the open revision's where they may read drafts; matching them implies the document is visible.
    const readAll = readers.all || drafts.all;
    const terms = searchTerms(q.q);
    const textAgencies = [...new Set([...(readers.all ? [] : readers.agencyIds), ...(draftIds ?? [])])];
    const few = !!q.agencyId || (!readAll && textAgencies.length <= SMALL_SCOPE);
    /** Where the caller reads drafts: the agencies' placeholder (null: none or every one), and as a condition on `d`. */
    const draftsOf = ($: (v: unknown) => string) => {
      const draftParam = draftIds?.length ? $(draftIds) : null;
      return { draftParam, inDrafts: !draftIds ? 'true' : draftParam ? `d.agency_id = ANY(${draftParam}::uuid[])` : 'false' };
    };
    /** The list's conditions and the search's rows, with the placeholders of the statement they are for. */
    const conditions = ($: (v: unknown) => string) => {
      const { draftParam, inDrafts } = draftsOf($);
      const readOnlyParam = readOnlyIds?.length ? $(readOnlyIds) : null;
      // OFFSET 0: probed for each row walked (an index lookup), never planned as a hashed scan of every revision in force.
      const hasEffective = `EXISTS (SELECT 1 FROM revisions e WHERE e.document_id = d.id AND e.state = 'effective' OFFSET 0)`;
      const visibleArms: string[] = [];
      if (inDrafts !== 'false') visibleArms.push(inDrafts);
      if (!readOnlyIds) visibleArms.push(hasEffective);
      else if (readOnlyParam) visibleArms.push(`(d.agency_id = ANY(${readOnlyParam}::uuid[]) AND ${hasEffective})`);
      const visible = visibleArms.includes('true') ? null : visibleArms.length === 1 ? visibleArms[0] : `(${visibleArms.join(' OR ')})`;
      const where: string[] = [];
      if (q.agencyId) where.push(`d.agency_id = ${$(q.agencyId)}`);
      if (q.type) where.push(`d.type = ${$(q.type)}`);
      if (q.procedureId) where.push(`d.procedure_id = ${$(q.procedureId)}`);
      if (q.tthcCode) where.push(`(d.tthc_code = ${$(q.tthcCode)} OR d.tthc_code LIKE ${$(escapeLike(q.tthcCode) + '.%')})`);
      if (q.state === 'effective') where.push(hasEffective);
      else if (q.state) where.push(`${inDrafts} AND EXISTS (SELECT 1 FROM revisions r WHERE r.document_id = d.id AND r.state = ${$(q.state)})`);
      const cursor = after ? [$(String(after[0])), `${$(String(after[1]))}::uuid`] : null;
      const afterCursor = cursor ? `(d.code_key, d.id) > (${cursor[0]}, ${cursor[1]})` : null;
      const lim = $(limit + 1);
      const textScope: TextScope = {
        inForce: readAll || !terms.length ? true : $(textAgencies),
        open: draftIds ? draftParam : true,
      };
      const search: SearchBase = {
        select: 'd.id, d.code_key',
        from: 'documents d',
        where,
        titleWhere: visible ? [visible] : [],
        ...(afterCursor ? { titleAfter: afterCursor } : {}),
        textWhere: cursor ? [`(s.code_key, s.document_id) > (${cursor[0]}, ${cursor[1]})`] : [],
        order: 'd.code_key, d.id',
        outerOrder: 'code_key, id',
        limit: lim,
        few,
      };
      const listWhere = [...(visible ? [visible] : []), ...where, ...(afterCursor ? [afterCursor] : [])];
      return { inDrafts, lim, textScope, search, listWhere };
    };
    const params: unknown[] = [];
    const $ = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    let page: string;
    let inDrafts: string;
    let lim: string;
    const prepared = terms.length > 0 && !few;
    if (prepared) {
      // Over many agencies the search's two arms are two statements sent at once (DocumentSearch.candidates);
      // this statement reads the page out of their rows.
      const ids = (await this.search.candidates(q.q, (arm$) => {
        const arm = conditions(arm$);
        return { scope: arm.textScope, base: arm.search };
      }))!;
      if (!ids.length) return { items: [], nextCursor: null };
      ({ inDrafts } = draftsOf($));
      lim = $(limit + 1);
      page = `SELECT d.* FROM documents d WHERE d.id = ANY(${$(ids)}::uuid[]) ORDER BY d.code_key, d.id LIMIT ${lim}`;
    } else {
      const c = conditions($);
      ({ inDrafts, lim } = c);
      const searched = this.search.page(q.q, $, c.textScope, c.search);
      page = searched
        ? `SELECT d.* FROM documents d JOIN (${searched}) m ON m.id = d.id`
        : `SELECT d.* FROM documents d ${c.listWhere.length ? `WHERE ${c.listWhere.join(' AND ')}` : ''} ORDER BY d.code_key, d.id LIMIT ${lim}`;
    }
    // The page is chosen first; its current and open revisions are joined for those rows only. With
    // q, the same statement gives the page's content and file matches (snippets), for its first
    // `limit` rows: one round trip (after the candidates' two, over many agencies).
    // The revisions whose content and files may match are the page's own (its revision in force, and
    // the open one, joined only where the caller reads drafts): no agency list for the planner again.
    const pageRevisions: ReadableRevisions = { kind: 'listed', sql: `(SELECT array_agg(x) FROM page, unnest(ARRAY[page.e_id, page.o_id]) x WHERE x IS NOT NULL)::uuid[]` };
    const matchesSql = !terms.length ? null : this.search.matchesSql(terms, $, pageRevisions, `(SELECT array_agg(id) FROM (SELECT id FROM page ORDER BY code_key, id LIMIT ${$(limit)}) x)::uuid[]`);
    // The statement of the candidates' page is prepared: reading a page by ids plans the same for
    // any ids, and planning it is most of its cost (1.2 of 2.5 ms). The others plan for their values.
    const read = (sql: string, values: unknown[]) => (prepared ? this.db.queryPrepared<T>(sql, values) : this.db.query<T>(sql, values));
    type T = (DocumentRow & { search_matches?: MatchRow[] | null })[];
    const rows = await read(
      `WITH page AS MATERIALIZED (
       SELECT d.id, d.agency_id, d.type, d.code, d.code_key, d.title, d.procedure_id, d.tthc_code, d.review_interval_months, d.year,
              d.withdrawn_at, d.withdrawn_reason, d.withdrawn_by, d.created_by, d.created_at, d.updated_at,
              e.id AS e_id, e.number AS e_number, e.effective_at AS e_effective_at,
              o.id AS o_id, o.state AS o_state,
              CASE WHEN o.id IS NULL THEN NULL ELSE (SELECT coalesce(max(x.number), 0) + 1 FROM revisions x WHERE x.document_id = d.id) END AS o_number
         FROM (${page}) d
         LEFT JOIN revisions e ON e.document_id = d.id AND e.state = 'effective'
         LEFT JOIN revisions o ON o.document_id = d.id AND o.state = ANY(${$(OPEN_STATES)}::text[]) AND ${inDrafts})
       ${matchesSql ? `, m AS MATERIALIZED (${matchesSql})` : ''}
       SELECT page.*${matchesSql ? `, (SELECT json_agg(m) FROM m WHERE m.document_id = page.id) AS search_matches` : ''}
         FROM page ORDER BY page.code_key, page.id`,
      params,
    );
    const matches = q.q ? this.search.collect(rows.slice(0, limit), terms, rows.flatMap((r) => r.search_matches ?? [])) : null;
    return toPage(rows, limit, (r) => [r.code_key, r.id], (r): DocumentListItem => ({
      ...toDocumentView(rowToDocument(r)),
      currentRevision: r.e_id ? { id: r.e_id, number: r.e_number, state: 'effective', effectiveAt: r.e_effective_at ? new Date(r.e_effective_at).toISOString() : null } : null,
      openRevision: r.o_id ? { id: r.o_id, number: r.o_number === null ? null : Number(r.o_number), state: r.o_state!, effectiveAt: null } : null,
      ...(matches ? { matches: matches.get(r.id) ?? [] } : {}),
    }));
  }

  // ---------------------------------------------------------------- read

  async get(p: Principal, id: string): Promise<DocumentDetailView> {
    const doc = await this.findById(id);
    if (!doc) throw Errors.notFound('Document');
    const { drafts } = await this.access.assertReadDocument(p, doc);
    // Sequential on purpose: inside a transaction all queries share one connection.
    const current = await this.revisions.effectiveOf(doc.id);
    const open = drafts ? await this.revisions.openOf(doc.id) : null;
    const flags = await this.flags.listActive(doc.id);
    const currentView = current ? await this.views.one(current) : null;
    const openView = open ? await this.views.one(open) : null;
    return { ...toDocumentView(doc), currentRevision: currentView, openDraft: openView, flags: flags.map(toFlagView) };
  }

  /**
   * The effective revision of a visible document. 404 when there is none: `no_effective_revision`
   * for those who may see drafts, a plain `not_found` for the others (nothing about drafts leaks).
   */
  async resolveCurrent(p: Principal, doc: Document | null): Promise<{ document: Document; revision: Revision }> {
    if (!doc) throw Errors.notFound('Document');
    await this.access.assertReadRevision(p, { agencyId: doc.agencyId, state: 'effective' }, 'Document');
    const revision = await this.revisions.effectiveOf(doc.id);
    if (!revision) {
      if (await this.access.canReadDrafts(p, doc.agencyId)) throw Errors.notFound('Effective revision', 'no_effective_revision');
      throw Errors.notFound('Document');
    }
    return { document: doc, revision };
  }

  async current(p: Principal, id: string): Promise<CurrentRevisionView> {
    return JSON.parse((await this.currentBody(p, { id })).body.toString('utf8')) as CurrentRevisionView;
  }

  async currentByCode(p: Principal, agencyId: string, code: string): Promise<CurrentRevisionView> {
    return JSON.parse((await this.currentBody(p, { agencyId, code })).body.toString('utf8')) as CurrentRevisionView;
  }

  /**
   * The current version of a visible document (by id, or by agency and code) as the JSON body to
   * send and its ETag (the body's hash: If-None-Match → 304). Kept per document by CurrentViewCache
   * until the database says it changed: a request with a kept version and a kept principal sends no
   * query. The access check is made on every request, against the principal's grants.
   */
  async currentBody(p: Principal, by: { id: string } | { agencyId: string; code: string }): Promise<{ body: Buffer; etag: string }> {
    const key = 'id' in by ? by : { agencyId: by.agencyId, codeKey: codeKey(by.code) };
    const live = this.currentCache.live;
    let entry: CurrentEntry | null | undefined = this.currentCache.get(key);
    if (!entry && !live.usable && (await live.ready())) entry = this.currentCache.get(key);
    if (!entry) {
      if (!('id' in by)) {
        // Unknown codes are not kept: the agency's access is checked first (404 for strangers).
        entry = await this.readCurrent(key);
        if (!entry) await this.access.assertReadRevision(p, { agencyId: by.agencyId, state: 'effective' }, 'Document');
      } else entry = await this.readCurrent(key);
      if (!entry) throw Errors.notFound('Document');
    }
    await this.access.assertReadRevision(p, { agencyId: entry.agencyId, state: 'effective' }, 'Document');
    if (!entry.body) {
      if (await this.access.canReadDrafts(p, entry.agencyId)) throw Errors.notFound('Effective revision', 'no_effective_revision');
      throw Errors.notFound('Document');
    }
    return { body: entry.body, etag: entry.etag! };
  }

  /**
   * In one indexed query: the document, its effective revision and everything the view shows
   * (`revisionViewJsonSql`: files, author, sign-offs, rendition status), built into the body; kept
   * unless something changed while it was read.
   */
  private async readCurrent(by: { id: string } | { agencyId: string; codeKey: string }): Promise<CurrentEntry | null> {
    const epoch = this.currentCache.live.epoch;
    const byId = 'id' in by;
    const [row] = await this.db.query<{ id: string; agency_id: string; code_key: string; document: Record<string, unknown>; revision: unknown }[]>(
      `SELECT d.id, d.agency_id, d.code_key, to_json(d) AS document, CASE WHEN r.id IS NOT NULL THEN ${revisionViewJsonSql('r')} END AS revision
         FROM documents d LEFT JOIN revisions r ON r.document_id = d.id AND r.state = 'effective'
        WHERE ${byId ? 'd.id = $1' : 'd.agency_id = $1 AND d.code_key = $2'}`,
      byId ? [by.id] : [by.agencyId, by.codeKey],
    );
    if (!row) return null;
    let body: Buffer | null = null;
    if (row.revision) {
      // to_json(d) has the columns as keys (dates as text, which the view's formatting takes).
      const view: CurrentRevisionView = { ...this.views.fromJson(row.revision), document: toDocumentView(rowToDocument(row.document as unknown as DocumentRow)) };
      body = Buffer.from(JSON.stringify(view), 'utf8');
    }
    const entry: CurrentEntry = { id: row.id, agencyId: row.agency_id, codeKey: row.code_key, body, etag: body ? bodyEtag(body) : null };
    this.currentCache.set(entry, epoch);
    return entry;
  }
}
