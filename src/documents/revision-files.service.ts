import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { RenditionDelivery } from '../renditions/rendition-delivery.js';
import { RenditionRequests } from '../renditions/rendition-requests.js';
import { REPR_DIGEST_HEADER, reprDigestSha256 } from '../storage/digest-header.js';
import { sanitizeFilename, serveObject, withExtensionOf } from '../storage/http-files.js';
import { sniffFile } from '../storage/media-sniffer.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { spoolDirectory, spoolMultipartFile, tooLargeAndCut } from '../storage/upload-spool.js';
import { FileTexts } from '../search/file-texts.service.js';
import { ContentStore, LocalContent, PutOutcome } from './content-store.js';
import { DocumentAccess } from './document-access.js';
import { Document, Revision, RevisionFile } from './document.entities.js';
import type { FileRole } from './document-types.js';
import type { UploadedFileView } from './documents.dto.js';
import { DocumentsService } from './documents.service.js';
import { RevisionsService } from './revisions.service.js';

/** Room for the multipart framing around the file when comparing Content-Length with the limit. */
export const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

const ACCEPTED = 'PDF, DOCX, XLSX, ODT, ODS, DOC, XLS, PNG or JPEG';

/**
 * Files of revisions: streaming uploads into the content-addressed store (type decided by the
 * bytes, size limited, deduplicated, never orphaned), downloads with ETag / 304 / Range, removal
 * from drafts, and the source file of the current revision.
 */
@Injectable()
export class RevisionFilesService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly access: DocumentAccess,
    private readonly revisions: RevisionsService,
    private readonly documents: DocumentsService,
    private readonly store: ContentStore,
    private readonly storage: ObjectStorage,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly renditions: RenditionRequests,
    private readonly controlledCopies: RenditionDelivery,
    private readonly fileTexts: FileTexts,
  ) {}

  private assertDraft(revision: Revision): void {
    if (revision.state !== 'draft') {
      throw Errors.conflict('revision_not_draft', `Files can only be changed on a draft; this revision is ${revision.state}.`, { state: revision.state });
    }
  }

  private async assertDraftWithRoom(revision: Revision, role: FileRole): Promise<void> {
    this.assertDraft(revision);
    if (role === 'source') {
      const existing = await this.db.query<{ id: string }[]>(`SELECT id FROM revision_files WHERE revision_id = $1 AND role = 'source'`, [revision.id]);
      if (existing.length) {
        throw Errors.conflict('source_file_exists', 'The revision already has a source file; remove it first to upload another.', { fileId: existing[0].id });
      }
    }
  }

  /**
   * POST /revisions/{id}/files. Checks come before the body is read (413 on Content-Length, 404,
   * 403, 409); the body streams to a temporary file while hashing (and, with S3, to a staged
   * object at the same time); the type is sniffed (415); the bytes enter the store unless already
   * there, never telling whether another agency holds them (local: the spooled file is linked into place; S3: the staged object is copied to its
   * content key); the record is written in one transaction with its audit event. If the record
   * fails, an object this request created is removed again.
   *
   * A client that announces the file's SHA-256 (`Repr-Digest: sha-256=:…:`) saves the copy: with
   * S3 the body is staged under its content key at once (when nothing is stored there), and that
   * PUT completes only if the bytes have the announced hash. Bytes that do not are a 400 and leave
   * nothing stored or recorded.
   */
  async upload(p: Principal, revisionId: string, role: FileRole, req: Request): Promise<UploadedFileView> {
    const max = this.config.limits.uploadBytes;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max + MULTIPART_OVERHEAD_BYTES) throw tooLargeAndCut(max);

    const revision = await this.revisions.findById(revisionId);
    if (!revision) throw Errors.notFound('Revision');
    await this.access.assertReadRevision(p, revision);
    await this.access.assertWrite(p, revision.agencyId, 'Revision', { hidden: revision.state !== 'effective' });
    await this.assertDraftWithRoom(revision, role);

    const announced = reprDigestSha256(req.headers['repr-digest']);
    const plan = announced ? await this.store.planUpload(announced, { forAgency: revision.agencyId }) : null;
    // Until the record is written, an object staged under the announced content key is this request's to discard.
    let staged: string | null = plan?.stageKey ? plan.sha256 : null;
    try {
      const spooled = await spoolMultipartFile(req, {
        tmpDir: spoolDirectory(this.config.dataDir),
        maxFileBytes: max,
        storage: this.storage,
        announced: plan ? { sha256: plan.sha256, stageKey: plan.stageKey } : undefined,
      });
      try {
        if (spooled.size === 0) throw Errors.validation([{ field: 'file', message: 'is empty' }]);
        if (announced && spooled.sha256 !== announced) {
          throw Errors.validation([{ field: REPR_DIGEST_HEADER, message: `does not match the file received (its sha-256 is ${spooled.sha256})` }]);
        }
        // Staged while it arrived, only the file's first bytes are on disk: what sniffing needs beyond them is read from storage.
        const inStorage = spooled.headOnly && spooled.stagedKey ? { key: spooled.stagedKey, size: spooled.size, storage: this.storage } : undefined;
        const sniffed = await sniffFile(spooled.path, inStorage);
        if (!sniffed) throw Errors.unsupportedMediaType(`The file is not a ${ACCEPTED} file (its type is decided by its content, not its name).`);
        const content: LocalContent = {
          path: spooled.headOnly ? null : spooled.path,
          size: spooled.size,
          sha256: spooled.sha256,
          mediaType: sniffed.mediaType,
          stagedKey: spooled.stagedKey,
        };
        const filename = withExtensionOf(sanitizeFilename(spooled.clientFilename, `file.${sniffed.kind}`), sniffed.kind);
        const put = await this.store.put(content, { forAgency: revision.agencyId, plan });
        if (put.created) staged = null;
        try {
          return await this.record(p, revisionId, role, filename, content, put);
        } catch (err) {
          if (put.created) await this.store.discardIfUnregistered(content.sha256);
          throw err;
        }
      } finally {
        await spooled.dispose();
      }
    } finally {
      plan?.cancel();
      // Refused (413, 415, a digest mismatch) or aborted after staging began: what the cut PUT may have left.
      if (staged) await this.store.discardIfUnregistered(staged);
    }
  }

  private record(p: Principal, revisionId: string, role: FileRole, filename: string, content: LocalContent, put: PutOutcome): Promise<UploadedFileView> {
    return this.db.transaction(async () => {
      const revision = await this.revisions.lockRevision(revisionId);
      await this.assertDraftWithRoom(revision, role);
      await this.store.register(content, put);
      const file = await this.db.repo(RevisionFile).save(
        this.db.repo(RevisionFile).create({
          revisionId,
          agencyId: revision.agencyId,
          role,
          filename,
          mediaType: content.mediaType,
          size: content.size,
          sha256: content.sha256,
          createdBy: p.id,
        }),
      );
      await this.revisions.bumpVersion(revisionId);
      await this.audit.record({
        action: 'file.added',
        entityType: 'revision',
        entityId: revisionId,
        agencyId: revision.agencyId,
        changes: { documentId: revision.documentId, fileId: file.id, role, filename, mediaType: content.mediaType, size: content.size, sha256: content.sha256 },
      });
      await this.renditions.request(revisionId);
      await this.fileTexts.request(content.sha256, content.mediaType);
      return { id: file.id, filename, mediaType: content.mediaType, size: content.size, sha256: content.sha256, role, revisionId };
    });
  }

  /** GET /revisions/{id}/files/{fileId}. Downloads of effective revisions' files are audited. */
  async download(p: Principal, revisionId: string, fileId: string, req: Request, res: Response): Promise<void> {
    const revision = await this.revisions.findById(revisionId);
    if (!revision) throw Errors.notFound('Revision');
    await this.access.assertReadRevision(p, revision);
    const file = await this.db.repo(RevisionFile).findOneBy({ id: fileId, revisionId });
    if (!file) throw Errors.notFound('File');
    const document = await this.revisions.findDocument(revision.documentId);
    await this.serve(req, res, revision, document!, file, 'source');
  }

  /** DELETE /revisions/{id}/files/{fileId}: drafts only. The object stays while anything refers to it. */
  async remove(p: Principal, revisionId: string, fileId: string): Promise<void> {
    await this.db.transaction(async () => {
      const revision = await this.revisions.findById(revisionId);
      if (!revision) throw Errors.notFound('Revision');
      await this.access.assertReadRevision(p, revision);
      await this.access.assertWrite(p, revision.agencyId, 'Revision', { hidden: revision.state !== 'effective' });
      const locked = await this.revisions.lockRevision(revisionId);
      const file = await this.db.repo(RevisionFile).findOneBy({ id: fileId, revisionId });
      if (!file) throw Errors.notFound('File');
      this.assertDraft(locked);
      await this.db.repo(RevisionFile).delete({ id: file.id });
      await this.revisions.bumpVersion(revisionId);
      await this.audit.record({
        action: 'file.removed',
        entityType: 'revision',
        entityId: revisionId,
        agencyId: revision.agencyId,
        changes: { documentId: revision.documentId, fileId: file.id, role: file.role, filename: file.filename, sha256: file.sha256, size: Number(file.size) },
      });
      await this.renditions.request(revisionId);
    });
  }

  /**
   * GET /documents/{id}/current/file: the effective revision's controlled copy (RenditionDelivery:
   * 200 when rendered, 202 while it is being rendered, 503 `rendition_failed`) or its source file.
   */
  async currentFile(p: Principal, documentId: string, variant: 'controlled' | 'source', req: Request, res: Response): Promise<void> {
    const { document, revision } = await this.documents.resolveCurrent(p, await this.documents.findById(documentId));
    await this.serveEffective(req, res, revision, document, variant);
  }

  /**
   * Serves an effective revision (the caller has checked it may be read): its controlled copy, or
   * its source file (404 `source_file_missing` without one). Each delivery is a `file.downloaded`
   * audit event, unless `countDelivery` records it instead (anonymous downloads are counted, not
   * audited one by one).
   */
  async serveEffective(
    req: Request,
    res: Response,
    revision: Revision,
    document: Document,
    variant: 'controlled' | 'source',
    countDelivery?: () => Promise<void>,
  ): Promise<void> {
    if (variant === 'controlled') {
      const digest = await this.revisions.digest(revision);
      await this.controlledCopies.respond(req, res, { revision, document, number: revision.number!, digest, via: 'controlled', countDelivery });
      return;
    }
    const file = await this.db.repo(RevisionFile).findOneBy({ revisionId: revision.id, role: 'source' });
    if (!file) throw Errors.notFound('Source file', 'source_file_missing');
    await this.serve(req, res, revision, document, file, variant, countDelivery);
  }

  /** Streams a file of a revision; records `file.downloaded` for effective revisions (or calls `countDelivery`). */
  async serve(req: Request, res: Response, revision: Revision, document: Document, file: RevisionFile, variant: string, countDelivery?: () => Promise<void>): Promise<void> {
    await serveObject(
      req,
      res,
      this.storage,
      { key: this.store.keyOf(file.sha256), sha256: file.sha256, size: Number(file.size), mediaType: file.mediaType, filename: file.filename },
      {
        onDelivery:
          revision.state !== 'effective'
            ? undefined
            : countDelivery
              ? () => countDelivery()
              : ({ range }) =>
                this.db.transaction(() =>
                  this.audit.record({
                    action: 'file.downloaded',
                    entityType: 'revision',
                    entityId: revision.id,
                    agencyId: revision.agencyId,
                    changes: {
                      documentId: document.id,
                      documentCode: document.code,
                      revisionNumber: revision.number,
                      fileId: file.id,
                      filename: file.filename,
                      role: file.role,
                      sha256: file.sha256,
                      variant,
                      range: range ? `${range.start}-${range.end}` : null,
                    },
                  }),
                ),
      },
    );
  }
}
