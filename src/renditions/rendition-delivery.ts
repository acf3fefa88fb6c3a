import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { decideOnRead, PENDING_RETRY_AFTER_SECONDS, renderFailed, sendPending } from '../common/queued-files.js';
import { Database } from '../database/database.js';
import type { RevisionState } from '../documents/document-types.js';
import { LAYOUT_VERSION, watermarkFor } from '../rendering/index.js';
import { serveObject } from '../storage/http-files.js';
import { contentObjectKey } from '../storage/object-keys.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { Rendition } from './rendition.entities.js';
import { RenditionRequests, type RenditionRequestRow } from './rendition-requests.js';
import { RenditionRetryView, retryView } from './rendition-status.view.js';

/** The body of a 202 while a rendition is pending. */
export class RenditionPendingView {
  @ApiProperty({ enum: ['pending'] }) status: 'pending';
  @ApiProperty({ format: 'uuid' }) revisionId: string;
  @ApiProperty({ description: 'The state the copy is stamped for.' }) state: string;
  @ApiProperty() layoutVersion: number;
  @ApiProperty({ description: 'The revision digest being rendered.' }) digest: string;
  @ApiProperty({ description: 'Failed attempts so far (retried with backoff).' }) attempts: number;
  @ApiProperty({ nullable: true, type: String, description: 'The last error while it is being retried.' }) error: string | null;
  @ApiProperty({ type: RenditionRetryView, nullable: true, description: 'While a failed render is retried: why (a dependency outage, or an error) and when.' })
  retry: RenditionRetryView | null;
  @ApiProperty({ description: 'Same as the Retry-After header.' }) retryAfterSeconds: number;
}

/** What a revision's controlled copy is, for the revision as it is now. */
export type RenditionAvailability =
  | { kind: 'ready'; rendition: Rendition }
  | { kind: 'pending'; request: RenditionRequestRow | null }
  | { kind: 'failed'; request: RenditionRequestRow; retryAfterSeconds: number };

/** The revision (and document) a controlled copy is served for. */
export interface RenditionSubject {
  revision: { id: string; agencyId: string; state: RevisionState; number: number | null };
  document: { id: string; code: string };
  /** The number printed (the projected one for open revisions). */
  number: number;
  /** The revision's current digest. */
  digest: string;
  /** How it was asked for, recorded with the download: `controlled` (current file) or `rendition`. */
  via: 'controlled' | 'rendition';
  /** Records the delivery instead of a `file.downloaded` audit event (anonymous downloads are counted). */
  countDelivery?: () => Promise<void>;
}

/** "QT-01 - Lần 2 - BẢN CÓ KIỂM SOÁT.pdf" (a "/" of a code becomes "_"). */
export function renditionFilename(code: string, number: number, state: RevisionState): string {
  return `${code.replace(/[/\\]/g, '_')} - Lần ${number} - ${watermarkFor(state)}.pdf`;
}

/**
 * Serves controlled copies: the PDF when the rendition of the revision's current state, layout and
 * digest is ready (ETag = its SHA-256, 304, Range, Content-Disposition with code and revision);
 * 202 with Retry-After while it is pending, requesting it when nothing is queued for it (first
 * read, layout bump, lost job); 503 `rendition_failed` with the error after every attempt failed,
 * asked again on the first read after a cool-down. Never renders in the request.
 */
@Injectable()
export class RenditionDelivery {
  constructor(
    private readonly db: Database,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    private readonly requests: RenditionRequests,
  ) {}

  find(revisionId: string, state: RevisionState, digest: string): Promise<Rendition | null> {
    return this.db.repo(Rendition).findOneBy({ revisionId, state, layoutVersion: LAYOUT_VERSION, digest });
  }

  /** Ready, pending or failed; requests the rendition when nothing is on its way. */
  async availability(revision: { id: string; state: RevisionState }, digest: string): Promise<RenditionAvailability> {
    const ready = await this.find(revision.id, revision.state, digest);
    if (ready) return { kind: 'ready', rendition: ready };
    const request = await this.requests.find(revision.id, revision.state);
    const next = decideOnRead(request);
    if (next.kind === 'failed') return { kind: 'failed', request: request!, retryAfterSeconds: next.retryAfterSeconds };
    if (next.kind === 'request') {
      await this.requests.request(revision.id, 'interactive');
      return { kind: 'pending', request: await this.requests.find(revision.id, revision.state) };
    }
    return { kind: 'pending', request };
  }

  /** Answers a GET for the controlled copy of `s.revision` (see the class comment). */
  async respond(req: Request, res: Response, s: RenditionSubject): Promise<void> {
    const a = await this.availability(s.revision, s.digest);
    if (a.kind === 'failed') throw renderFailed('rendition_failed', 'The controlled copy', a.request, a.retryAfterSeconds);
    if (a.kind === 'pending') {
      const body: RenditionPendingView = {
        status: 'pending',
        revisionId: s.revision.id,
        state: s.revision.state,
        layoutVersion: LAYOUT_VERSION,
        digest: s.digest,
        attempts: a.request?.attempts ?? 0,
        error: a.request?.lastError ?? null,
        retry: retryView(a.request),
        retryAfterSeconds: PENDING_RETRY_AFTER_SECONDS,
      };
      sendPending(res, body);
      return;
    }
    await this.serve(req, res, s, a.rendition);
  }

  private async serve(req: Request, res: Response, s: RenditionSubject, r: Rendition): Promise<void> {
    const filename = renditionFilename(s.document.code, s.number, r.state);
    await serveObject(
      req,
      res,
      this.storage,
      { key: contentObjectKey(r.sha256), sha256: r.sha256, size: Number(r.size), mediaType: 'application/pdf', filename },
      {
        onDelivery:
          s.revision.state !== 'effective'
            ? undefined
            : s.countDelivery
              ? s.countDelivery
              : ({ range }) =>
                this.db.transaction(() =>
                  this.audit.record({
                    action: 'file.downloaded',
                    entityType: 'revision',
                    entityId: s.revision.id,
                    agencyId: s.revision.agencyId,
                    changes: {
                      documentId: s.document.id,
                      documentCode: s.document.code,
                      revisionNumber: s.number,
                      renditionId: r.id,
                      filename,
                      sha256: r.sha256,
                      variant: 'controlled',
                      via: s.via,
                      layoutVersion: r.layoutVersion,
                      range: range ? `${range.start}-${range.end}` : null,
                    },
                  }),
                ),
      },
    );
  }
}
