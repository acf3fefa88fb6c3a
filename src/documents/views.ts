import { Injectable } from '@nestjs/common';
import type { EntityTarget } from 'typeorm';
import { Database } from '../database/database.js';
import { renditionStatusesOf, renditionStatusFromJson, renditionStatusJsonSql } from '../renditions/rendition-status.view.js';
import { signOffRecordsJsonSql, signOffViewsFromJson, signOffViewsOf, type SignOffView } from '../workflow/sign-off.view.js';
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

/** The summary fields of a revision from what was read about it (one builder for every way of reading it). */
function summaryFields(r: Revision, files: RevisionFile[], authorName: string | null, next: number | null, digest: string, signOffs: SignOffView[]): RevisionSummaryFields {
  return {
    id: r.id,
    number: r.number !== null ? r.number : OPEN_STATES.includes(r.state) ? next : null,
    numberAssigned: r.number !== null,
    state: r.state,
    changeSummary: r.changeSummary,
    authorId: r.authorId,
    authorName,
    basedOnRevisionId: r.basedOnRevisionId,
    version: r.version,
    digest,
    effectiveFrom: iso(r.effectiveFrom),
    approvedAt: iso(r.approvedAt),
    effectiveAt: iso(r.effectiveAt),
    supersededAt: iso(r.supersededAt),
    obsoleteAt: iso(r.obsoleteAt),
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
    files: files.map(toFileView),
    signOffs,
  };
}

/** snake_case keys of a row read as JSON (`to_json(row)`) → the entity's property names. */
function camelRow<T>(row: Record<string, unknown>, into: T): T {
  const out = into as Record<string, unknown>;
  for (const [k, v] of Object.entries(row)) out[k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())] = v;
  return into;
}

/**
 * SQL (for a query over `revisions` aliased `rev`): everything the full view of the revision shows
 * besides the revision row, as one JSON value — its files, its author's name, its sign-offs and
 * its rendition status; `RevisionViews.fromJson` builds the view. For a caller that reads a
 * revision and its view in one query (the current version). Not for open revisions (their next
 * number is not in it).
 */
export function revisionViewJsonSql(rev: string): string {
  return `json_build_object(
    'revision', to_json(${rev}),
    'files', (SELECT coalesce(json_agg(to_json(f) ORDER BY f.created_at, f.id), '[]'::json) FROM revision_files f WHERE f.revision_id = ${rev}.id),
    'authorName', (SELECT u.full_name FROM users u WHERE u.id = ${rev}.author_id),
    'signOffs', ${signOffRecordsJsonSql(`${rev}.id`)},
    'rendition', ${renditionStatusJsonSql(rev)})`;
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
        summaryFields(r, files.get(r.id) ?? [], names.get(r.authorId) ?? null, next.get(r.documentId) ?? null, digests.get(r.id)!, signOffs.get(r.id) ?? []),
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

  /** The full view of a revision from the value of `revisionViewJsonSql` (no query). */
  fromJson(value: unknown): RevisionView {
    const v = value as { revision: Record<string, unknown>; files: Record<string, unknown>[]; authorName: string | null; signOffs: unknown; rendition: unknown };
    const r = camelRow(v.revision, new Revision());
    const files = v.files.map((f) => {
      const file = camelRow(f, new RevisionFile());
      file.size = Number(file.size);
      return file;
    });
    const digest = digestOf(r, files);
    return {
      ...summaryFields(r, files, v.authorName, null, digest, signOffViewsFromJson(v.signOffs, digest)),
      documentId: r.documentId,
      agencyId: r.agencyId,
      content: r.content,
      etag: revisionEtag(r),
      rendition: renditionStatusFromJson({ id: r.id, state: r.state, digest }, v.rendition),
    };
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
