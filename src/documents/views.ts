import { Injectable } from '@nestjs/common';
import type { EntityTarget } from 'typeorm';
import { Database } from '../database/database.js';
import { renditionStatusesOf } from '../renditions/rendition-status.view.js';
import { signOffViewsOf } from '../workflow/sign-off.view.js';
import { Document, DocumentFlag, Revision, RevisionFile, RevisionTransition } from './document.entities.js';
import { OPEN_STATES } from './document-types.js';
import type { DocumentView, FileView, FlagView, RevisionSummaryView, RevisionView, TransitionView } from './documents.dto.js';
import { revisionDigest } from './revision-digest.js';

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** The fields a revision's full view and its summary have in common. */
type RevisionSummaryFields = Omit<RevisionSummaryView, 'transitions'>;

export function revisionEtag(rev: Pick<Revision, 'id' | 'version'>): string {
  return `"${rev.id}:${rev.version}"`;
}

export function toDocumentView(d: Document): DocumentView {
  return {
    id: d.id,
    agencyId: d.agencyId,
    type: d.type,
    code: d.code,
    title: d.title,
    procedureId: d.procedureId,
    tthcCode: d.tthcCode,
    reviewIntervalMonths: d.reviewIntervalMonths,
    year: d.year,
    withdrawnAt: iso(d.withdrawnAt),
    withdrawnReason: d.withdrawnReason,
    createdBy: d.createdBy,
    createdAt: iso(d.createdAt)!,
    updatedAt: iso(d.updatedAt)!,
  };
}

export function toFileView(f: RevisionFile): FileView {
  return {
    id: f.id,
    role: f.role,
    filename: f.filename,
    mediaType: f.mediaType,
    size: Number(f.size),
    sha256: f.sha256,
    createdBy: f.createdBy,
    createdAt: iso(f.createdAt)!,
  };
}

export function toFlagView(f: DocumentFlag): FlagView {
  return { id: f.id, kind: f.kind, reason: f.reason, dueOn: f.dueOn, sourceId: f.sourceId, raisedAt: iso(f.raisedAt)! };
}

/** The digest of a revision with its files (see revision-digest.ts). */
export function digestOf(rev: Pick<Revision, 'content' | 'changeSummary'>, files: Pick<RevisionFile, 'role' | 'sha256' | 'filename'>[]): string {
  return revisionDigest({ content: rev.content, changeSummary: rev.changeSummary, files });
}

/** Builds revision views in batches: files, author names and the numbers open revisions will get. */
@Injectable()
export class RevisionViews {
  constructor(private readonly db: Database) {}

  /** Rows of a per-revision table for each of `revisionIds` (every id present), in one query, ordered by `orderBy` then id. */
  private async byRevision<T extends { id: string; revisionId: string }>(entity: EntityTarget<T>, orderBy: string, revisionIds: string[]): Promise<Map<string, T[]>> {
    const out = new Map<string, T[]>(revisionIds.map((id) => [id, []]));
    if (!revisionIds.length) return out;
    const rows = await this.db
      .repo(entity)
      .createQueryBuilder('x')
      .where('x.revision_id IN (:...ids)', { ids: revisionIds })
      .orderBy(`x.${orderBy}`, 'ASC')
      .addOrderBy('x.id', 'ASC')
      .getMany();
    for (const r of rows) out.get(r.revisionId)!.push(r);
    return out;
  }

  /** The files of revisions in one query, oldest first. */
  filesOf(revisionIds: string[]): Promise<Map<string, RevisionFile[]>> {
    return this.byRevision(RevisionFile, 'created_at', revisionIds);
  }

  /** The state histories of revisions in one query, oldest first. */
  async transitionsOf(revisionIds: string[]): Promise<Map<string, TransitionView[]>> {
    const rows = await this.byRevision(RevisionTransition, 'at', revisionIds);
    return new Map(
      [...rows].map(([id, ts]) => [id, ts.map((t) => ({ from: t.fromState, to: t.toState, actorId: t.actorId, actorName: t.actorName, comment: t.comment, at: iso(t.at)! }))]),
    );
  }

  private async authorNames(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.db.query<{ id: string; full_name: string }[]>('SELECT id, full_name FROM users WHERE id = ANY($1::uuid[])', [[...new Set(ids)]]);
    return new Map(rows.map((r) => [r.id, r.full_name]));
  }

  /** The number each document's next revision will get (max assigned + 1). */
  async nextNumbers(documentIds: string[]): Promise<Map<string, number>> {
    const ids = [...new Set(documentIds)];
    if (!ids.length) return new Map();
    const rows = await this.db.query<{ document_id: string; next: number }[]>(
      `SELECT d.id AS document_id, coalesce(max(r.number), 0) + 1 AS next
         FROM unnest($1::uuid[]) AS d(id) LEFT JOIN revisions r ON r.document_id = d.id
        GROUP BY d.id`,
      [ids],
    );
    return new Map(rows.map((r) => [r.document_id, Number(r.next)]));
  }

  /**
   * What the full view and the summary of a revision share, built in batches: files, author
   * names, the numbers open revisions will get, digests and sign-offs.
   */
  private async shared(revs: Revision[]): Promise<Map<string, RevisionSummaryFields>> {
    const open = revs.filter((r) => r.number === null && OPEN_STATES.includes(r.state));
    // Sequential: inside a transaction every query goes through the one connection.
    const files = await this.filesOf(revs.map((r) => r.id));
    const names = await this.authorNames(revs.map((r) => r.authorId));
    const next = await this.nextNumbers(open.map((r) => r.documentId));
    const digests = new Map(revs.map((r) => [r.id, digestOf(r, files.get(r.id) ?? [])]));
    const signOffs = await signOffViewsOf(this.db, revs.map((r) => ({ id: r.id, digest: digests.get(r.id)! })));
    return new Map(
      revs.map((r) => [
        r.id,
        {
          id: r.id,
          number: r.number !== null ? r.number : OPEN_STATES.includes(r.state) ? (next.get(r.documentId) ?? null) : null,
          numberAssigned: r.number !== null,
          state: r.state,
          changeSummary: r.changeSummary,
          authorId: r.authorId,
          authorName: names.get(r.authorId) ?? null,
          basedOnRevisionId: r.basedOnRevisionId,
          version: r.version,
          digest: digests.get(r.id)!,
          effectiveFrom: iso(r.effectiveFrom),
          approvedAt: iso(r.approvedAt),
          effectiveAt: iso(r.effectiveAt),
          supersededAt: iso(r.supersededAt),
          obsoleteAt: iso(r.obsoleteAt),
          createdAt: iso(r.createdAt)!,
          updatedAt: iso(r.updatedAt)!,
          files: (files.get(r.id) ?? []).map(toFileView),
          signOffs: signOffs.get(r.id) ?? [],
        },
      ]),
    );
  }

  async full(revs: Revision[]): Promise<RevisionView[]> {
    const shared = await this.shared(revs);
    const renditions = await renditionStatusesOf(this.db, revs.map((r) => ({ id: r.id, state: r.state, digest: shared.get(r.id)!.digest })));
    return revs.map((r) => ({
      ...shared.get(r.id)!,
      documentId: r.documentId,
      agencyId: r.agencyId,
      content: r.content,
      etag: revisionEtag(r),
      rendition: renditions.get(r.id)!,
    }));
  }

  async one(rev: Revision): Promise<RevisionView> {
    return (await this.full([rev]))[0];
  }

  async summaries(revs: Revision[]): Promise<RevisionSummaryView[]> {
    const shared = await this.shared(revs);
    const transitions = await this.transitionsOf(revs.map((r) => r.id));
    return revs.map((r) => ({ ...shared.get(r.id)!, transitions: transitions.get(r.id) ?? [] }));
  }
}
