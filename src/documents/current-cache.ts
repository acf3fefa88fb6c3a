import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CacheInvalidation, KeyedIndex } from '../identity/live-caches.js';

/**
 * A document's current version as answered: its agency (for the access check of each request)
 * and, when it has an effective revision, the JSON body and its ETag, ready to send.
 */
export interface CurrentEntry {
  id: string;
  agencyId: string;
  codeKey: string;
  /** Null when the document has no effective revision. */
  body: Buffer | null;
  etag: string | null;
}

/** The ETag of a body: its SHA-256 (base64url, 162 bits), quoted. */
export function bodyEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Documents kept (the maps are emptied when full). */
const CURRENT_KEPT = 20_000;

/**
 * The current versions built by this process, by document id and by agency and code key. A
 * document's entry goes as soon as the database says the document, one of its revisions or what
 * hangs on them changed (`d:` notifications, migration CacheInvalidation), everything on a change
 * of a person's name (`n:`), and nothing is served while the listener is down (CacheInvalidation).
 * Access is not part of an entry: each request checks it against its principal's grants.
 */
@Injectable()
export class CurrentViewCache {
  private readonly byId = new Map<string, CurrentEntry>();
  private readonly byCode = new Map<string, string>();

  constructor(readonly live: CacheInvalidation) {
    live.onDocuments((id) => this.forget(id), () => this.clear());
    live.on('n', () => this.clear());
  }

  static codeIndex(agencyId: string, codeKey: string): string {
    return `${agencyId}\n${codeKey}`;
  }

  /** The entry of a document (by id, or by agency and code key), when it may be served now. */
  get(by: { id: string } | { agencyId: string; codeKey: string }): CurrentEntry | undefined {
    const id = 'id' in by ? by.id : this.byCode.get(CurrentViewCache.codeIndex(by.agencyId, by.codeKey));
    if (id === undefined) return undefined;
    const hit = this.byId.get(id);
    return hit && this.live.usable ? hit : undefined;
  }

  /** Keeps `entry` unless something was invalidated since `epoch` (taken before it was read). */
  set(entry: CurrentEntry, epoch: number): void {
    if (!this.live.mayStore(epoch)) return;
    if (this.byId.size >= CURRENT_KEPT) this.clear();
    this.forget(entry.id);
    this.byId.set(entry.id, entry);
    this.byCode.set(CurrentViewCache.codeIndex(entry.agencyId, entry.codeKey), entry.id);
  }

  private forget(id: string): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    const key = CurrentViewCache.codeIndex(old.agencyId, old.codeKey);
    if (this.byCode.get(key) === id) this.byCode.delete(key);
  }

  private clear(): void {
    this.byId.clear();
    this.byCode.clear();
  }
}

/** A public document as answered without sign-in: the body, and the documents it shows (itself, its procedure). */
export interface PublicEntry {
  documentId: string;
  procedureId: string | null;
  body: Buffer;
}

/**
 * The public documents answered by this process (GET /public/agencies/{code}/documents/{code}), by
 * the agency code and code key asked for. An entry goes when its document or its procedure (whose
 * code it shows) changes (`d:`), all of them when an agency changes (`a:`: codes find them), and
 * nothing is served while the listener is down.
 */
@Injectable()
export class PublicViewCache {
  /** Answers by `key(agencyCode, codeKey)`, forgotten by the documents they show. */
  private readonly answers = new KeyedIndex<PublicEntry>(CURRENT_KEPT);

  constructor(readonly live: CacheInvalidation) {
    live.onDocuments((documentId) => this.answers.forgetOwner(documentId), () => this.answers.clear());
    live.on('a', () => this.answers.clear());
  }

  static key(agencyCode: string, codeKey: string): string {
    return `${agencyCode}\n${codeKey}`;
  }

  get(key: string): PublicEntry | undefined {
    const hit = this.answers.get(key);
    return hit && this.live.usable ? hit : undefined;
  }

  set(key: string, entry: PublicEntry, epoch: number): void {
    if (!this.live.mayStore(epoch)) return;
    this.answers.set(key, entry, [entry.documentId, entry.procedureId]);
  }
}
