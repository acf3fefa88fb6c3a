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
import { assertNotWithdrawn } from './document-rules.js';
import { Document, Revision, RevisionFile } from './document.entities.js';
import { OPEN_STATES } from './document-types.js';
import type { OpenDraftRequest, RevisionSummaryView, RevisionView, UpdateRevisionRequest } from './documents.dto.js';
import { canonicalJson } from './revision-digest.js';
import { RevisionTransitions, TransitionActor } from './revision-transitions.service.js';
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

export interface Lifecycle extends TransitionActor {
  /** When it happens (default now). */
  at?: Date;
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
 * Revisions of controlled documents: drafts (open, edit with If-Match), their files and citations,
 * and the lifecycle moves the workflow builds on (`makeEffective`, `makeObsolete`). Methods taking
 * a Principal check access; the others are for other services and check nothing but state.
 */
@Injectable()
export class RevisionsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly access: DocumentAccess,
    private readonly validator: ContentValidator,
    private readonly transitions: RevisionTransitions,
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

  /** POST /documents/{id}/revisions: a draft copied from the effective revision. */
  async openDraftFor(p: Principal, documentId: string, req: OpenDraftRequest): Promise<RevisionView> {
    return this.db.transaction(async () => {
      const doc = await this.findDocument(documentId);
      if (!doc) throw Errors.notFound('Document');
      await this.access.assertReadDocument(p, doc);
      await this.access.assertWrite(p, doc.agencyId, 'Document');
      const rev = await this.openDraftFrom(doc.id, { authorId: p.id, content: req.content, changeSummary: req.changeSummary });
      return this.views.one(rev);
    });
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
   * Opens a new draft of a document: copies content, citations and file rows (not bytes) from the
   * effective revision (or, without one, the latest revision). 409 `revision_open` when an open
   * revision exists, 409 `document_withdrawn` for withdrawn documents. Runs in (or opens) a
   * transaction and locks the document row.
   */
  async openDraftFrom(documentId: string, draft: NewDraft): Promise<Revision> {
    return this.db.transaction(async () => {
      const doc = await this.lockDocument(documentId);
      assertNotWithdrawn(doc);
      const open = await this.openOf(doc.id);
      if (open) {
        throw Errors.conflict('revision_open', `The document already has an open revision (${open.state}); finish or return it first.`, {
          openRevisionId: open.id,
          openRevisionState: open.state,
        });
      }
      const base =
        (await this.effectiveOf(doc.id)) ??
        (await this.db.repo(Revision).findOne({ where: { documentId: doc.id }, order: { createdAt: 'DESC', id: 'DESC' } }));
      return this.createDraft(doc, draft, base);
    });
  }

  /**
   * Inserts a draft revision of `doc` (the caller holds the document lock and has checked that no
   * revision is open): content validated, citations stored, files copied from `base`, the creation
   * recorded as a transition and an audit event.
   */
  async createDraft(doc: Document, draft: NewDraft, base: Revision | null): Promise<Revision> {
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
    await this.transitions.record(inserted.id, null, 'draft');
    await this.renditions.request(inserted.id);
    await this.audit.record({
      action: 'revision.created',
      entityType: 'revision',
      entityId: inserted.id,
      agencyId: doc.agencyId,
      changes: {
        documentId: doc.id,
        basedOnRevisionId: base?.id ?? null,
        copiedFiles: copied.length,
        changeSummary: inserted.changeSummary,
      },
    });
    return (await this.findById(inserted.id))!;
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

  /**
   * One lifecycle move of a frozen revision (the caller holds its lock): its state and the move's
   * timestamp (and, taking effect, its number), the transition, a rendition for the new state and
   * the `revision.<state>` audit event, all in the caller's transaction.
   */
  private async moveLifecycle(revision: Revision, to: 'effective' | 'superseded' | 'obsolete', at: Date, actor: TransitionActor, changes: Record<string, unknown>, number?: number): Promise<void> {
    const stamp = { effective: 'effective_at', superseded: 'superseded_at', obsolete: 'obsolete_at' }[to];
    const numbered = number !== undefined;
    await this.db.query(`UPDATE revisions SET state = $2, ${stamp} = $3${numbered ? ', number = $4' : ''}, version = version + 1, updated_at = now() WHERE id = $1`, [
      revision.id,
      to,
      at,
      ...(numbered ? [number] : []),
    ]);
    await this.transitions.record(revision.id, revision.state, to, actor);
    await this.renditions.request(revision.id);
    await this.audit.record({
      action: `revision.${to}`,
      entityType: 'revision',
      entityId: revision.id,
      agencyId: revision.agencyId,
      changes: { ...changes, state: { old: revision.state, new: to } },
    });
  }

  /**
   * approved → effective: the document's current effective revision (if any) becomes superseded,
   * this one gets the next number (lần ban hành) and takes effect. For the workflow (approval
   * with an effective date that has come) and its due-date sweep. 409 unless approved.
   */
  async makeEffective(revisionId: string, opts: Lifecycle = {}): Promise<{ revision: Revision; superseded: Revision | null }> {
    return this.db.transaction(async () => {
      const found = await this.findWithDocument(revisionId, { lock: true });
      if (!found) throw Errors.notFound('Revision');
      const { revision, document } = found;
      if (revision.state !== 'approved') {
        throw Errors.conflict('revision_not_approved', `Only an approved revision can take effect; this one is ${revision.state}.`, { state: revision.state });
      }
      assertNotWithdrawn(document);
      const at = opts.at ?? new Date();
      const current = await this.db.repo(Revision).findOne({ where: { documentId: document.id, state: 'effective' }, lock: { mode: 'pessimistic_write' } });
      if (current) await this.moveLifecycle(current, 'superseded', at, opts, { documentId: document.id, number: current.number, supersededBy: revision.id });
      const number = await this.nextNumber(document.id);
      await this.moveLifecycle(revision, 'effective', at, opts, { documentId: document.id, number, supersedes: current?.id ?? null, effectiveAt: at.toISOString() }, number);
      return { revision: (await this.findById(revision.id))!, superseded: current ? (await this.findById(current.id))! : null };
    });
  }

  /**
   * effective | approved → obsolete (withdrawal of the document, or an approved revision cancelled
   * before its date). For the workflow; 409 from any other state.
   */
  async makeObsolete(revisionId: string, opts: Lifecycle = {}): Promise<Revision> {
    return this.db.transaction(async () => {
      const found = await this.findWithDocument(revisionId, { lock: true });
      if (!found) throw Errors.notFound('Revision');
      const { revision, document } = found;
      if (revision.state !== 'effective' && revision.state !== 'approved') {
        throw Errors.conflict('revision_not_obsoletable', `Only an effective or approved revision can be made obsolete; this one is ${revision.state}.`, { state: revision.state });
      }
      await this.moveLifecycle(revision, 'obsolete', opts.at ?? new Date(), opts, { documentId: document.id, number: revision.number, comment: opts.comment ?? null });
      return (await this.findById(revision.id))!;
    });
  }
}
