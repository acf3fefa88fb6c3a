import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Principal } from '../access/principal.js';
import { AuditService, FieldChanges } from '../audit/audit.service.js';
import { DomainError, Errors } from '../common/errors.js';
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

  /** Revisions by id (one array parameter, whatever the number of ids). */
  private byIds(ids: readonly string[]): Promise<Revision[]> {
    return this.db.repo(Revision).createQueryBuilder('r').where('r.id = ANY(:ids::uuid[])', { ids: [...ids] }).getMany();
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

  /** The open revision of each document that has one (one query). */
  async openOfMany(documentIds: readonly string[]): Promise<Map<string, Revision>> {
    if (!documentIds.length) return new Map();
    const rows = await this.db
      .repo(Revision)
      .createQueryBuilder('r')
      .where('r.document_id = ANY(:ids::uuid[]) AND r.state = ANY(:open::text[])', { ids: [...documentIds], open: OPEN_STATES })
      .getMany();
    return new Map(rows.map((r) => [r.documentId, r]));
  }

  /** The documents' rows FOR UPDATE in id order (the lock order of a set of documents); missing ids are left out. */
  async lockDocuments(ids: readonly string[]): Promise<Document[]> {
    if (!ids.length) return [];
    return this.db.repo(Document).createQueryBuilder('d').where('d.id = ANY(:ids::uuid[])', { ids: [...ids] }).orderBy('d.id').setLock('pessimistic_write').getMany();
  }

  /**
   * For a set of documents whose rows the caller holds FOR UPDATE: each one's open and effective
   * revision (rows FOR UPDATE) and, for a document with neither, its latest revision. One query,
   * two when some document has neither.
   */
  async currentRevisionsOf(documentIds: readonly string[]): Promise<Map<string, { open: Revision | null; effective: Revision | null; latest: Revision | null }>> {
    const out = new Map<string, { open: Revision | null; effective: Revision | null; latest: Revision | null }>();
    if (!documentIds.length) return out;
    for (const id of documentIds) out.set(id, { open: null, effective: null, latest: null });
    const rows = await this.db
      .repo(Revision)
      .createQueryBuilder('r')
      .where('r.document_id = ANY(:ids::uuid[]) AND r.state = ANY(:states::text[])', { ids: [...documentIds], states: [...OPEN_STATES, 'effective'] })
      .orderBy('r.id')
      .setLock('pessimistic_write')
      .getMany();
    for (const r of rows) {
      const entry = out.get(r.documentId)!;
      if (r.state === 'effective') entry.effective = r;
      else entry.open = r;
    }
    const bare = documentIds.filter((id) => !out.get(id)!.open && !out.get(id)!.effective);
    if (bare.length) {
      const latest = await this.db
        .repo(Revision)
        .createQueryBuilder('r')
        .distinctOn(['r.document_id'])
        .where('r.document_id = ANY(:ids::uuid[])', { ids: bare })
        .orderBy('r.document_id')
        .addOrderBy('r.created_at', 'DESC')
        .addOrderBy('r.id', 'DESC')
        .getMany();
      for (const r of latest) out.get(r.documentId)!.latest = r;
    }
    return out;
  }

  /** The people who authored revisions of each document, the most recent first (one query). */
  async authorsOf(documentIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!documentIds.length) return out;
    const rows = await this.db.query<{ document_id: string; author_id: string }[]>(
      `SELECT document_id, author_id FROM revisions WHERE document_id = ANY($1::uuid[])
        GROUP BY document_id, author_id ORDER BY document_id, max(created_at) DESC, author_id`,
      [documentIds],
    );
    for (const r of rows) out.set(r.document_id, [...(out.get(r.document_id) ?? []), r.author_id]);
    return out;
  }

  /** The number the document's next revision to take effect will get. */
  async nextNumber(documentId: string): Promise<number> {
    return (await this.views.nextNumbers([documentId])).get(documentId) ?? 1;
  }

  /** When the revision last entered `state` (from its recorded transitions), or null. */
  async stateEnteredAt(revisionId: string, state: string): Promise<Date | null> {
    const [row] = await this.db.query<{ at: Date | null }[]>(`SELECT max(at) AS at FROM revision_transitions WHERE revision_id = $1 AND to_state = $2`, [revisionId, state]);
    return row?.at ?? null;
  }

  /** The document's numbered revisions before `beforeNumber` (not `exceptId`): number, dates and change summary, oldest first. */
  async earlierIssues(documentId: string, beforeNumber: number, exceptId: string): Promise<{ number: number; effectiveAt: Date | null; approvedAt: Date | null; changeSummary: string | null }[]> {
    const rows = await this.db.query<{ number: number; effective_at: Date | null; approved_at: Date | null; change_summary: string | null }[]>(
      `SELECT number, effective_at, approved_at, change_summary FROM revisions
        WHERE document_id = $1 AND number IS NOT NULL AND number < $2 AND id <> $3 ORDER BY number`,
      [documentId, beforeNumber, exceptId],
    );
    return rows.map((r) => ({ number: r.number, effectiveAt: r.effective_at, approvedAt: r.approved_at, changeSummary: r.change_summary }));
  }

  /** Titles of the agency's form documents by code key (the forms a procedure's steps name). */
  async formTitles(agencyId: string, codeKeys: readonly string[]): Promise<Map<string, string>> {
    if (!codeKeys.length) return new Map();
    const rows = await this.db.query<{ code_key: string; title: string }[]>(
      `SELECT code_key, title FROM documents WHERE agency_id = $1 AND type = 'form' AND code_key = ANY($2::text[])`,
      [agencyId, codeKeys],
    );
    return new Map(rows.map((r) => [r.code_key, r.title]));
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
   * A draft's files changed (added or removed): its version, hence its ETag, moves on, so a client
   * revalidating with If-None-Match sees the new file list (the caller holds the revision lock).
   */
  async bumpVersion(revisionId: string): Promise<void> {
    await this.db.query('UPDATE revisions SET version = version + 1, updated_at = now() WHERE id = $1', [revisionId]);
  }

  /**
   * The content each new draft starts with: the given content validated as on save (its 400 error
   * otherwise), else the base revision's, else the type's default. One query for the whole set.
   */
  async draftContents(entries: readonly { doc: Document; draft: NewDraft; base: Revision | null }[]): Promise<(Record<string, unknown> | DomainError)[]> {
    const given = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.draft.content !== undefined);
    const validated = await this.validator.validateManyForSave(given.map(({ e }) => ({ type: e.doc.type, content: e.draft.content, year: e.doc.year })));
    const out: (Record<string, unknown> | DomainError)[] = entries.map((e) => (e.base ? e.base.content : this.validator.defaultContent(e.doc.type, e.doc.year)));
    given.forEach(({ i }, k) => (out[i] = validated[k]));
    return out;
  }

  /**
   * Inserts the rows of new drafts with their content (from `draftContents`), citations and the
   * file rows of their base (no bytes copied), with one statement per table. Only
   * RevisionLifecycle.createMany calls this: it checks the move and records the creation
   * (transition, audit event, rendition request).
   */
  async insertDrafts(
    entries: readonly { doc: Document; draft: NewDraft; base: Revision | null; content: Record<string, unknown> }[],
  ): Promise<{ revision: Revision; copiedFiles: number }[]> {
    if (!entries.length) return [];
    const rows = entries.map((e) => ({
      id: randomUUID(),
      document_id: e.doc.id,
      agency_id: e.doc.agencyId,
      content: e.content,
      change_summary: e.draft.changeSummary?.trim() ? e.draft.changeSummary : null,
      author_id: e.draft.authorId,
      based_on_revision_id: e.base?.id ?? null,
    }));
    await this.db.query(
      `INSERT INTO revisions (id, document_id, agency_id, state, content, change_summary, author_id, based_on_revision_id, number)
       SELECT v.id, v.document_id, v.agency_id, 'draft', v.content, v.change_summary, v.author_id, v.based_on_revision_id, NULL
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, document_id uuid, agency_id uuid, content jsonb, change_summary text, author_id uuid, based_on_revision_id uuid)`,
      [JSON.stringify(rows)],
    );
    const withBase = rows.filter((r) => r.based_on_revision_id);
    const copied = withBase.length
      ? await this.db.query<{ revision_id: string }[]>(
          `INSERT INTO revision_files (revision_id, agency_id, role, filename, media_type, size, sha256, created_by)
           SELECT m.id, f.agency_id, f.role, f.filename, f.media_type, f.size, f.sha256, f.created_by
             FROM unnest($1::uuid[], $2::uuid[]) AS m(id, base_id) JOIN revision_files f ON f.revision_id = m.base_id
            ORDER BY m.id, f.created_at, f.id RETURNING revision_id`,
          [withBase.map((r) => r.id), withBase.map((r) => r.based_on_revision_id)],
        )
      : [];
    const copiedPer = new Map<string, number>();
    for (const c of copied) copiedPer.set(c.revision_id, (copiedPer.get(c.revision_id) ?? 0) + 1);
    const saved = new Map((await this.byIds(rows.map((r) => r.id))).map((r) => [r.id, r]));
    const revisions = rows.map((r) => saved.get(r.id)!);
    await this.syncCitations(revisions.map((revision, i) => ({ revision, document: entries[i].doc })));
    return revisions.map((revision) => ({ revision, copiedFiles: copiedPer.get(revision.id) ?? 0 }));
  }

  /**
   * Saves new content and/or change summary on a draft (the caller holds the revision lock):
   * validates (400), replaces the citations, bumps the version (ETag), records `revision.updated`
   * with the changed fields and requests the rendition. A save that changes nothing changes nothing.
   */
  async applyContent(revision: Revision, document: Document, patch: ContentPatch): Promise<Revision> {
    const [saved] = await this.applyContents([{ revision, document, patch }]);
    if (saved instanceof DomainError) throw saved;
    return saved;
  }

  /**
   * `applyContent` for a set of drafts (the caller holds their locks), with one statement per
   * table: each entry's saved revision, or the error that refused it (409 not a draft, 400 content).
   * `rendition: 'on_demand'` requests no rendition: the first read of the draft's copy asks for it
   * (a regeneration's drafts, which nobody may ever read).
   */
  async applyContents(
    entries: readonly { revision: Revision; document: Document; patch: ContentPatch }[],
    opts: { rendition?: 'eager' | 'on_demand' } = {},
  ): Promise<(Revision | DomainError)[]> {
    const out: (Revision | DomainError)[] = entries.map((e) =>
      e.revision.state === 'draft' ? e.revision : Errors.conflict('revision_not_draft', `Only drafts can be edited; this revision is ${e.revision.state}.`, { state: e.revision.state }),
    );
    const drafts = entries.map((e, i) => ({ ...e, i })).filter(({ i }) => !(out[i] instanceof DomainError));
    const withContent = drafts.filter((d) => d.patch.content !== undefined);
    const validated = await this.validator.validateManyForSave(withContent.map((d) => ({ type: d.document.type, content: d.patch.content, year: d.document.year })));
    const contentOf = new Map(withContent.map((d, k) => [d.i, validated[k]]));
    const updates: { i: number; entry: (typeof drafts)[number]; next: ContentPatch; changes: FieldChanges }[] = [];
    for (const d of drafts) {
      const next: ContentPatch = { content: d.revision.content, changeSummary: d.revision.changeSummary };
      const content = contentOf.get(d.i);
      if (content instanceof DomainError) {
        out[d.i] = content;
        continue;
      }
      if (content) next.content = content;
      if (d.patch.changeSummary !== undefined) next.changeSummary = d.patch.changeSummary?.trim() ? d.patch.changeSummary : null;
      const changes = revisionChanges({ content: d.revision.content, changeSummary: d.revision.changeSummary }, next);
      if (Object.keys(changes).length) updates.push({ i: d.i, entry: d, next, changes });
    }
    if (!updates.length) return out;
    await this.db.query(
      `UPDATE revisions r SET content = v.content, change_summary = v.change_summary, version = r.version + 1, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, content jsonb, change_summary text) WHERE r.id = v.id`,
      [JSON.stringify(updates.map((u) => ({ id: u.entry.revision.id, content: u.next.content, change_summary: u.next.changeSummary })))],
    );
    const saved = new Map((await this.byIds(updates.map((u) => u.entry.revision.id))).map((r) => [r.id, r]));
    for (const u of updates) out[u.i] = saved.get(u.entry.revision.id)!;
    await this.syncCitations(
      updates.filter((u) => 'content.legalBases' in u.changes).map((u) => ({ revision: saved.get(u.entry.revision.id)!, document: u.entry.document })),
    );
    if (opts.rendition !== 'on_demand') for (const u of updates) await this.renditions.request(u.entry.revision.id);
    await this.audit.recordMany(
      updates.map((u) => ({
        action: 'revision.updated',
        entityType: 'revision',
        entityId: u.entry.revision.id,
        agencyId: u.entry.revision.agencyId,
        changes: { documentId: u.entry.document.id, version: saved.get(u.entry.revision.id)!.version, ...u.changes },
      })),
    );
    return out;
  }

  /** Replaces the revisions' citation rows with those of their content.legalBases (one statement per table). */
  private async syncCitations(entries: readonly { revision: Revision; document: Document }[]): Promise<void> {
    if (!entries.length) return;
    await this.db.query('DELETE FROM revision_citations WHERE revision_id = ANY($1::uuid[])', [entries.map((e) => e.revision.id)]);
    const rows = entries.flatMap(({ revision, document }) =>
      this.validator.citations(document.type, revision.content).map((r) => ({ revision_id: revision.id, position: r.position, legal_document_id: r.legalDocumentId, articles: r.articles })),
    );
    if (!rows.length) return;
    await this.db.query(
      `INSERT INTO revision_citations (revision_id, position, legal_document_id, articles)
       SELECT c.revision_id, c.position, c.legal_document_id, c.articles
         FROM jsonb_to_recordset($1::jsonb) AS c(revision_id uuid, position int, legal_document_id uuid, articles text)`,
      [JSON.stringify(rows)],
    );
  }
}
