import { Injectable } from '@nestjs/common';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { DocumentAccess } from '../documents/document-access.js';
import { Revision, RevisionFile } from '../documents/document.entities.js';
import { OPEN_STATES } from '../documents/document-types.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { digestOf, RevisionViews } from '../documents/views.js';
import { citedLegalIds, diffContent, diffFiles, FileRef, LegalRef } from './content-diff.js';
import type { DiffRevisionRef, RevisionDiffView } from './history.dto.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function fileRef(f: RevisionFile): FileRef {
  return { id: f.id, role: f.role, filename: f.filename, mediaType: f.mediaType, size: Number(f.size), sha256: f.sha256 };
}

/**
 * GET /revisions/{id}/diff?against=: what changed between two revisions of one document. The
 * caller must be allowed to read both (effective revisions: document.read; any other state:
 * document.readDrafts; 404 otherwise); two different documents are 422 `revisions_not_comparable`.
 */
@Injectable()
export class RevisionDiffService {
  constructor(
    private readonly db: Database,
    private readonly revisions: RevisionsService,
    private readonly views: RevisionViews,
    private readonly access: DocumentAccess,
  ) {}

  async diff(p: Principal, id: string, againstId: string): Promise<RevisionDiffView> {
    const current = await this.readable(p, id);
    const against = await this.readable(p, againstId);
    if (current.documentId !== against.documentId) {
      throw Errors.ruleViolated('revisions_not_comparable', 'Both revisions must belong to the same document.', [
        { field: 'against', message: 'is a revision of another document' },
      ]);
    }
    const document = (await this.revisions.findDocument(current.documentId))!;
    const files = await this.views.filesOf([current.id, against.id]);
    const next = (await this.views.nextNumbers([document.id])).get(document.id) ?? null;
    const legal = await this.legalRefs(citedLegalIds(current.content, against.content));
    const ref = (r: Revision): DiffRevisionRef => ({
      id: r.id,
      number: r.number ?? (OPEN_STATES.includes(r.state) ? next : null),
      numberAssigned: r.number !== null,
      state: r.state,
      changeSummary: r.changeSummary,
      digest: digestOf(r, files.get(r.id) ?? []),
      createdAt: r.createdAt.toISOString(),
      effectiveAt: iso(r.effectiveAt),
    });
    const revision = ref(current);
    const old = ref(against);
    const content = diffContent(document.type, against.content ?? {}, current.content ?? {}, legal);
    return {
      documentId: document.id,
      documentType: document.type,
      revision,
      against: old,
      identical: revision.digest === old.digest,
      changeSummary: (current.changeSummary ?? null) === (against.changeSummary ?? null) ? null : { old: against.changeSummary, new: current.changeSummary },
      content,
      files: diffFiles((files.get(against.id) ?? []).map(fileRef), (files.get(current.id) ?? []).map(fileRef)),
    };
  }

  private async readable(p: Principal, id: string): Promise<Revision> {
    const rev = await this.revisions.findById(id);
    if (!rev) throw Errors.notFound('Revision');
    await this.access.assertReadRevision(p, rev);
    return rev;
  }

  /** Numbers and titles of the cited legal documents (the registry is readable by every signed-in user). */
  private async legalRefs(ids: string[]): Promise<Map<string, LegalRef>> {
    if (!ids.length) return new Map();
    const rows = await this.db.query<{ id: string; number: string; title: string }[]>('SELECT id, number, title FROM legal_documents WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, { number: r.number, title: r.title }]));
  }
}
