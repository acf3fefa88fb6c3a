import { Injectable } from '@nestjs/common';
import { Principal } from '../access/principal.js';
import { AuditService, FieldChanges } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Cursor, Page, PageQuery, pageLimit, toPage } from '../common/pagination.js';
import { Database } from '../database/database.js';
import { RenditionRequests } from '../renditions/rendition-requests.js';
import { etagListMatches } from '../storage/http-files.js';
import { ContentValidator, FailedRule } from './content-validator.js';
import { DocumentAccess } from './document-access.js';
import { Document, Revision, RevisionFile } from './document.entities.js';
import { OPEN_STATES } from './document-types.js';
import type { RevisionSummaryView, RevisionView, UpdateRevisionRequest } from './documents.dto.js';
import { canonicalJson } from './revision-digest.js';
import { RevisionViews, digestOf, revisionEtag } from './views.js';

export interface NewDraft {
  authorId: string;
  /** Replaces the content copied from the base revision (validated as on save). */
  content?: Record<string, unknown>;
  changeSummary?: string | null;
}

export interface ContentPatch {
  content?: Record<string, unknown>;
  changeSummary?: string | null;
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** `{ 'content.steps': {old, new}, changeSummary: {old, new} }` for what a save changed. */
function revisionChanges(before: ContentPatch, after: ContentPatch): FieldChanges {
  const changes: FieldChanges = {};
  const b = before.content ?? {};
  const a = after.content ?? {};
  for (const k of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
    if (!same(b[k], a[k])) changes[`content.${k}`] = { old: b[k] ?? null, new: a[k] ?? null };
  }
  if (!same(before.changeSummary, after.changeSummary)) changes.changeSummary = { old: before.changeSummary ?? null, new: after.changeSummary ?? null };
  return changes;
}

/**
 * Revisions of controlled documents: finders and row locks, views, digests, completeness, and the
 * content of drafts (edit with If-Match, citations). Their state never changes here: every move is
 * RevisionLifecycle's (revision-lifecycle.ts). Methods taking a Principal check access; the others
 * are for other services and check nothing but state.
 */
@Injectable()
export class RevisionsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly access: DocumentAccess,
    private readonly validator: ContentValidator,
    private readonly views: RevisionViews,
    private readonly renditions: RenditionRequests,
  ) {}

  // ---------------------------------------------------------------- finders (no access checks)

  findById(id: string): Promise<Revision | null> {
    return this.db.repo(Revision).findOneBy({ id });
  }

  findDocument(id: string): Promise<Document | null> {
    return this.db.repo(Document).findOneBy({ id });
  }

  /** The revision and its document; with `lock`, both rows FOR UPDATE (document first, the lock order everywhere). */
  async findWithDocument(id: string, opts: { lock?: boolean } = {}): Promise<{ revision: Revision; document: Document } | null> {
    const head = await this.db.query<{ document_id: string }[]>('SELECT document_id FROM revisions WHERE id = $1', [id]);
    if (!head.length) return null;
    if (opts.lock) {
      const document = await this.lockDocument(head[0].document_id);
      const revision = await this.lockRevision(id);
      return { revision, document };
    }
    const revision = await this.findById(id);
    const document = await this.findDocument(head[0].document_id);
    return revision && document ? { revision, document } : null;
  }

  /** The document row FOR UPDATE (inside a transaction); 404 when missing. */
  async lockDocument(id: string): Promise<Document> {
    const d = await this.db.repo(Document).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!d) throw Errors.notFound('Document');
    return d;
  }

  /** The revision row FOR UPDATE (inside a transaction); 404 when missing. */
  async lockRevision(id: string): Promise<Revision> {
    const r = await this.db.repo(Revision).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!r) throw Errors.notFound('Revision');
    return r;
  }

  effectiveOf(documentId: string): Promise<Revision | null> {
    return this.db.repo(Revision).findOneBy({ documentId, state: 'effective' });
  }

  /** The document's latest revision (by creation), whatever its state. */
  latestOf(documentId: string): Promise<Revision | null> {
    return this.db.repo(Revision).findOne({ where: { documentId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** The open revision (draft, in_review, pending_approval or approved), if any. */
  async openOf(documentId: string): Promise<Revision | null> {
    return this.db
      .repo(Revision)
      .createQueryBuilder('r')
      .where('r.document_id = :documentId AND r.state IN (:...open)', { documentId, open: OPEN_STATES })
      .getOne();
  }

  /** The number the document's next revision to take effect will get. */
  async nextNumber(documentId: string): Promise<number> {
    return (await this.views.nextNumbers([documentId])).get(documentId) ?? 1;
  }

  async files(revisionId: string): Promise<RevisionFile[]> {
    return (await this.views.filesOf([revisionId])).get(revisionId) ?? [];
  }

  /** SHA-256 of the revision's canonical content, change summary and files (see revision-digest.ts). */
  async digest(revision: Revision): Promise<string> {
    return digestOf(revision, await this.files(revision.id));
  }

  /** The view of a revision (content, files, digest, projected number). */
  view(revision: Revision): Promise<RevisionView> {
    return this.views.one(revision);
  }

  /** Completeness rules the revision fails (for submit: 422 when not empty). */
  async completeness(revision: Revision, document: Document): Promise<FailedRule[]> {
    const number = revision.number ?? (await this.nextNumber(document.id));
    return this.validator.completeness(document.type, revision.content, await this.files(revision.id), {
      changeSummary: revision.changeSummary,
      number,
      year: document.year,
    });
  }

  /** Throws 422 `revision_incomplete` with every failed rule. */
  async assertComplete(revision: Revision, document: Document): Promise<void> {
    const number = revision.number ?? (await this.nextNumber(document.id));
    this.validator.assertComplete(document.type, revision.content, await this.files(revision.id), {
      changeSummary: revision.changeSummary,
      number,
      year: document.year,
    });
  }

  // ---------------------------------------------------------------- HTTP operations

  async get(p: Principal, id: string): Promise<RevisionView> {
    const rev = await this.findById(id);
    if (!rev) throw Errors.notFound('Revision');
    await this.access.assertReadRevision(p, rev);
    return this.views.one(rev);
  }

  /** The document's revisions, newest first (readDrafts: it is history). */
  async list(p: Principal, documentId: string, q: PageQuery): Promise<Page<RevisionSummaryView>> {
    const doc = await this.findDocument(documentId);
    if (!doc) throw Errors.notFound('Document');
    await this.access.assertReadDocument(p, doc);
    await this.access.assertReadHistory(p, doc.agencyId);
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 2);
    const qb = this.db.repo(Revision).createQueryBuilder('r').where('r.document_id = :documentId', { documentId });
    if (after) qb.andWhere('(r.created_at, r.id) < (:c0::timestamptz, :c1::uuid)', { c0: after[0], c1: after[1] });
    const rows = await qb.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').limit(limit + 1).getMany();
    const page = toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id], (r) => r);
    return { items: await this.views.summaries(page.items), nextCursor: page.nextCursor };
  }

  /** PATCH /revisions/{id}: drafts only, with If-Match (428 missing, 412 stale). */
  async update(p: Principal, id: string, ifMatch: string | undefined, req: UpdateRevisionRequest): Promise<RevisionView> {
    return this.db.transaction(async () => {
      const found = await this.findWithDocument(id, { lock: true });
      if (!found) throw Errors.notFound('Revision');
      const { revision, document } = found;
      await this.access.assertReadRevision(p, revision);
      await this.access.assertWrite(p, revision.agencyId, 'Revision', { hidden: revision.state !== 'effective' });
      if (!ifMatch) throw Errors.preconditionRequired();
      if (!etagListMatches(ifMatch, revisionEtag(revision))) throw Errors.preconditionFailed();
      const saved = await this.applyContent(revision, document, req);
      return this.views.one(saved);
    });
  }

  // ---------------------------------------------------------------- building blocks for other services

  /**
   * Inserts the row of a new draft of `doc` with its content (validated), citations and the file
   * rows of `base` (no bytes copied). Only RevisionLifecycle.create calls this: it checks the move
   * and records the creation (transition, audit event, rendition request).
   */
  async insertDraft(doc: Document, draft: NewDraft, base: Revision | null): Promise<{ revision: Revision; copiedFiles: number }> {
    const content =
      draft.content !== undefined
        ? await this.validator.validateForSave(doc.type, draft.content, { year: doc.year })
        : base
          ? base.content
          : this.validator.defaultContent(doc.type, doc.year);
    const inserted = await this.db.repo(Revision).save(
      this.db.repo(Revision).create({
        documentId: doc.id,
        agencyId: doc.agencyId,
        state: 'draft',
        content,
        changeSummary: draft.changeSummary?.trim() ? draft.changeSummary : null,
        authorId: draft.authorId,
        basedOnRevisionId: base?.id ?? null,
        number: null,
      }),
    );
    const copied = base
      ? await this.db.query<{ id: string }[]>(
          `INSERT INTO revision_files (revision_id, agency_id, role, filename, media_type, size, sha256, created_by)
           SELECT $1, agency_id, role, filename, media_type, size, sha256, created_by FROM revision_files WHERE revision_id = $2
           ORDER BY created_at, id RETURNING id`,
          [inserted.id, base.id],
        )
      : [];
    await this.syncCitations(inserted, doc);
    return { revision: (await this.findById(inserted.id))!, copiedFiles: copied.length };
  }

  /**
   * Saves new content and/or change summary on a draft (the caller holds the revision lock):
   * validates (400), replaces the citations, bumps the version (ETag), records `revision.updated`
   * with the changed fields. A save that changes nothing changes nothing.
   */
  async applyContent(revision: Revision, document: Document, patch: ContentPatch): Promise<Revision> {
    if (revision.state !== 'draft') throw Errors.conflict('revision_not_draft', `Only drafts can be edited; this revision is ${revision.state}.`, { state: revision.state });
    const next: ContentPatch = { content: revision.content, changeSummary: revision.changeSummary };
    if (patch.content !== undefined) next.content = await this.validator.validateForSave(document.type, patch.content, { year: document.year });
    if (patch.changeSummary !== undefined) next.changeSummary = patch.changeSummary?.trim() ? patch.changeSummary : null;
    const changes = revisionChanges({ content: revision.content, changeSummary: revision.changeSummary }, next);
    if (!Object.keys(changes).length) return revision;
    await this.db.query(`UPDATE revisions SET content = $2, change_summary = $3, version = version + 1, updated_at = now() WHERE id = $1`, [
      revision.id,
      next.content,
      next.changeSummary,
    ]);
    const saved = (await this.findById(revision.id))!;
    if (Object.keys(changes).some((k) => k === 'content.legalBases')) await this.syncCitations(saved, document);
    await this.renditions.request(revision.id);
    await this.audit.record({
      action: 'revision.updated',
      entityType: 'revision',
      entityId: revision.id,
      agencyId: revision.agencyId,
      changes: { documentId: document.id, version: saved.version, ...changes },
    });
    return saved;
  }

  /** Replaces the revision's citation rows with those of its content.legalBases. */
  private async syncCitations(revision: Revision, document: Document): Promise<void> {
    await this.db.query('DELETE FROM revision_citations WHERE revision_id = $1', [revision.id]);
    const rows = this.validator.citations(document.type, revision.content);
    if (!rows.length) return;
    await this.db.query(
      `INSERT INTO revision_citations (revision_id, position, legal_document_id, articles)
       SELECT $1, c.position, c.legal_document_id, c.articles
         FROM jsonb_to_recordset($2::jsonb) AS c(position int, legal_document_id uuid, articles text)`,
      [revision.id, JSON.stringify(rows.map((r) => ({ position: r.position, legal_document_id: r.legalDocumentId, articles: r.articles })))],
    );
  }
}
