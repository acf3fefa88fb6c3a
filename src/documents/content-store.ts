import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { CONTENT_PREFIX, contentObjectKey, sha256OfContentKey } from '../storage/object-keys.js';
import { ObjectStorage } from '../storage/object-storage.js';

/** A file on local disk (or, staged while it arrived, in storage only), hashed, about to enter the store. */
export interface LocalContent {
  /** The whole file on local disk, or null when its bytes are only staged in storage (`stagedKey`). */
  path: string | null;
  size: number;
  sha256: string;
  mediaType: string;
  /** Storage already holds these bytes under this temporary key (a staged upload): copied, not sent again. */
  stagedKey?: string | null;
}

/**
 * What an upload whose client announced the file's SHA-256 (Repr-Digest) prepares before its body
 * arrives (ContentStore.planUpload).
 */
export interface UploadPlan {
  /** The announced hex SHA-256 (only a claim until the bytes are in). */
  sha256: string;
  /** The content key to stage the body under (nothing was stored there), or null. */
  stageKey: string | null;
  /**
   * Stored already, and not by the uploading agency: the stored bytes are read back and checked
   * while the body arrives (so a deduplicated upload takes about the time of one that is not).
   */
  storedCheck: Promise<boolean> | null;
  /** Stops a check still running (the upload failed). */
  cancel(): void;
}

/** Whether this request wrote the object to S3 (so it may remove it again if its record fails). */
export interface PutOutcome {
  key: string;
  created: boolean;
}

/** Unreferenced objects younger than this are left alone (an upload may be about to record them). */
export const ORPHAN_MIN_AGE_MS = 3600_000;

export interface SweepResult {
  rowsRemoved: number;
  objectsRemoved: number;
  /** Leftovers of interrupted writes (staged uploads, temporary files of the local store). */
  incompleteRemoved?: number;
}

/** The first-level shards of the content keys (`objects/sha256/00/` … `ff/`), listed one by one. */
const CONTENT_SHARDS = Array.from({ length: 256 }, (_, i) => `${CONTENT_PREFIX}${i.toString(16).padStart(2, '0')}/`);

export interface ScrubResult {
  checked: number;
  bytes: number;
  mismatches: { sha256: string; found: string | null; problem: 'hash_mismatch' | 'missing' | 'size_mismatch' }[];
}

/**
 * The content-addressed object store: S3 objects keyed by their SHA-256 and the `stored_objects`
 * registry. Identical bytes are stored once. Every registration and every removal of an object
 * happens under a per-hash advisory lock with the registry row checked, so a concurrent upload of
 * the same bytes and the orphan sweeper can never lose each other's object.
 */
@Injectable()
export class ContentStore {
  private readonly logger = new Logger('ContentStore');

  constructor(
    private readonly db: Database,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
  ) {}

  keyOf(sha256: string): string {
    return contentObjectKey(sha256);
  }

  private lock(sha256: string): Promise<void> {
    return this.db.lock(`stored-object:${sha256}`);
  }

  /**
   * Stores the file unless an object with these bytes is already stored (dedup). Outside any
   * transaction. The file is handed over (the local store links it into place, no copy); bytes
   * already staged in S3 are copied there server side, not sent again. With `forAgency`, whether
   * the bytes were already stored must not show across agencies, neither in an answer nor in the
   * time taken: bytes the agency itself does not hold are read back from storage and checked (about
   * the time the upload would take) instead of being skipped at once; a stored object that fails
   * the check is replaced.
   */
  async put(file: LocalContent, opts: { forAgency?: string; plan?: UploadPlan | null } = {}): Promise<PutOutcome> {
    const key = contentObjectKey(file.sha256);
    // Staged under its content key, checked against its hash before the PUT completed: stored.
    if (file.stagedKey === key) return { key, created: true };
    const existing = await this.storage.stat(key);
    if (existing && existing.size === file.size) {
      const check = opts.plan?.sha256 === file.sha256 && opts.plan.storedCheck ? () => opts.plan!.storedCheck! : () => this.storedBytesMatch(key, file.sha256);
      if (!opts.forAgency || (await this.agencyHolds(opts.forAgency, file.sha256)) || (await check())) return { key, created: false };
      this.logger.warn({ msg: 'a stored object does not match its hash; replacing it with the uploaded bytes', sha256: file.sha256 });
    }
    if (file.stagedKey) await this.storage.copy(file.stagedKey, key, file.mediaType);
    else await this.putLocal(key, file);
    return { key, created: !existing || existing.size !== file.size };
  }

  /**
   * Before the body of an upload that announced its hash: when nothing is stored under it and the
   * driver stages uploads, the body can be staged under its content key (no copy afterwards; the
   * staged PUT completes only with bytes of that hash). When it is stored already and the agency
   * does not hold it, the check of the stored bytes that `put` would make after the body starts now.
   */
  async planUpload(sha256: string, opts: { forAgency?: string } = {}): Promise<UploadPlan> {
    const key = contentObjectKey(sha256);
    const plan: UploadPlan = { sha256, stageKey: null, storedCheck: null, cancel: () => undefined };
    const existing = await this.storage.stat(key);
    if (!existing) {
      if (this.storage.stagesUploads) plan.stageKey = key;
      return plan;
    }
    if (opts.forAgency && !(await this.agencyHolds(opts.forAgency, sha256))) {
      let body: { destroy(): void } | null = null;
      let cancelled = false;
      plan.cancel = () => {
        cancelled = true;
        body?.destroy();
      };
      plan.storedCheck = this.storedBytesMatch(key, sha256, (b) => {
        body = b;
        if (cancelled) b.destroy();
      });
      plan.storedCheck.catch(() => undefined);
    }
    return plan;
  }

  private async agencyHolds(agencyId: string, sha256: string): Promise<boolean> {
    return (await this.db.query<unknown[]>('SELECT 1 FROM revision_files WHERE agency_id = $1 AND sha256 = $2 LIMIT 1', [agencyId, sha256])).length > 0;
  }

  private async storedBytesMatch(key: string, sha256: string, onBody?: (body: { destroy(): void }) => void): Promise<boolean> {
    const hash = createHash('sha256');
    const body = await this.storage.get(key);
    onBody?.(body);
    for await (const chunk of body) hash.update(chunk as Buffer);
    return hash.digest('hex') === sha256;
  }

  private putLocal(key: string, file: LocalContent): Promise<void> {
    // Staged in storage only, and gone from there: the client sends the file again.
    if (file.path === null) throw Errors.unavailable('Object storage', 'The object store lost the file while it was being stored; nothing was recorded. Try again shortly.');
    return this.storage.putFile(key, file.path, { size: file.size, sha256: file.sha256, contentType: file.mediaType }, { adopt: true });
  }

  /**
   * Registers the object in the caller's transaction, under the hash's lock, and re-checks that it
   * is in S3: between the PUT (or the dedup check) and this lock the sweeper may have removed it as
   * unregistered; it is then uploaded again from `file.path` (503 when the file was only staged). After this, until commit, nothing can
   * remove it (removals take the same lock and find the row).
   */
  async register(file: LocalContent, put: PutOutcome): Promise<void> {
    await this.lock(file.sha256);
    await this.db.query(`INSERT INTO stored_objects (sha256, size, media_type) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`, [
      file.sha256,
      file.size,
      file.mediaType,
    ]);
    if (!(await this.storage.stat(put.key))) {
      await this.putLocal(put.key, file);
      put.created = true;
    }
  }

  /**
   * After the record of an upload failed: removes the object this request created, unless the
   * registry knows it (another upload of the same bytes recorded it). Failures are left to the sweeper.
   */
  async discardIfUnregistered(sha256: string): Promise<void> {
    try {
      await this.db.transaction(async () => {
        await this.lock(sha256);
        const rows = await this.db.query<unknown[]>('SELECT 1 FROM stored_objects WHERE sha256 = $1', [sha256]);
        if (!rows.length) await this.storage.remove(contentObjectKey(sha256));
      });
    } catch (err) {
      this.logger.warn({ msg: 'could not remove the object of a failed upload; the sweeper will', sha256, err: (err as Error).message });
    }
  }

  /**
   * Removes what nothing refers to, older than `minAgeMs`: registry rows no file or rendition
   * references (and their objects), then objects under the content prefix the registry does not
   * know (left by a crash, or by a database going away, between upload and record), then what
   * interrupted writes left in storage. Any table with a foreign key to stored_objects protects
   * its objects: the delete fails for them and they are kept.
   */
  async sweepOrphans(opts: { minAgeMs?: number; limit?: number } = {}): Promise<SweepResult> {
    const rows = await this.sweepUnreferencedRows(opts);
    const objects = await this.sweepUnregisteredObjects(opts);
    const incompleteRemoved = await this.storage.sweepIncomplete(new Date(Date.now() - (opts.minAgeMs ?? ORPHAN_MIN_AGE_MS)));
    const result = { rowsRemoved: rows.rowsRemoved, objectsRemoved: rows.objectsRemoved + objects.objectsRemoved, incompleteRemoved };
    if (result.objectsRemoved || incompleteRemoved) this.logger.log({ msg: 'swept unreferenced objects', ...result });
    return result;
  }

  /**
   * Registry rows no file refers to, older than `minAgeMs`, with their objects. Objects of
   * renditions and record papers are not even candidates (their foreign key would refuse the delete anyway, but a
   * batch of them would hold up the sweep).
   */
  async sweepUnreferencedRows(opts: { minAgeMs?: number; limit?: number } = {}): Promise<SweepResult> {
    const minAgeMs = opts.minAgeMs ?? ORPHAN_MIN_AGE_MS;
    const limit = opts.limit ?? 1000;
    const result: SweepResult = { rowsRemoved: 0, objectsRemoved: 0 };
    const candidates = await this.db.query<{ sha256: string }[]>(
      `SELECT s.sha256 FROM stored_objects s
        WHERE s.created_at < now() - make_interval(secs => $1::float8 / 1000)
          AND NOT EXISTS (SELECT 1 FROM revision_files f WHERE f.sha256 = s.sha256)
          AND NOT EXISTS (SELECT 1 FROM renditions r WHERE r.sha256 = s.sha256)
          AND NOT EXISTS (SELECT 1 FROM record_papers p WHERE p.sha256 = s.sha256)
        ORDER BY s.created_at LIMIT $2`,
      [minAgeMs, limit],
    );
    for (const { sha256 } of candidates) {
      try {
        const removed = await this.db.transaction(async () => {
          await this.lock(sha256);
          await this.db.query('SAVEPOINT sweep_row');
          try {
            const rows = await this.db.query<unknown[]>(
              `DELETE FROM stored_objects s WHERE s.sha256 = $1 AND NOT EXISTS (SELECT 1 FROM revision_files f WHERE f.sha256 = s.sha256) RETURNING 1`,
              [sha256],
            );
            if (!rows.length) return false;
          } catch (err) {
            if ((err as { driverError?: { code?: string } }).driverError?.code === '23503') {
              await this.db.query('ROLLBACK TO SAVEPOINT sweep_row');
              return false;
            }
            throw err;
          }
          await this.storage.remove(contentObjectKey(sha256));
          return true;
        });
        if (removed) {
          result.rowsRemoved++;
          result.objectsRemoved++;
        }
      } catch (err) {
        this.logger.warn({ msg: 'sweeping an unreferenced object failed', sha256, err: (err as Error).message });
      }
    }
    return result;
  }

  /**
   * Objects under the content prefix the registry does not know, last modified more than
   * `minAgeMs` ago. Listed shard by shard (`objects/sha256/00/` … `ff/`): each listing stays small,
   * and the sweep never depends on a server's paging of one huge listing.
   */
  async sweepUnregisteredObjects(opts: { minAgeMs?: number; limit?: number } = {}): Promise<SweepResult> {
    const minAgeMs = opts.minAgeMs ?? ORPHAN_MIN_AGE_MS;
    const limit = opts.limit ?? 1000;
    const result: SweepResult = { rowsRemoved: 0, objectsRemoved: 0 };
    const cutoff = Date.now() - minAgeMs;
    let batch: string[] = [];
    const flush = async () => {
      const known = await this.db.query<{ sha256: string }[]>('SELECT sha256 FROM stored_objects WHERE sha256 = ANY($1::text[])', [batch]);
      const knownSet = new Set(known.map((k) => k.sha256));
      for (const sha256 of batch.filter((h) => !knownSet.has(h))) {
        const removed = await this.db.transaction(async () => {
          await this.lock(sha256);
          const rows = await this.db.query<unknown[]>('SELECT 1 FROM stored_objects WHERE sha256 = $1', [sha256]);
          if (rows.length) return false;
          await this.storage.remove(contentObjectKey(sha256));
          return true;
        });
        if (removed) result.objectsRemoved++;
      }
      batch = [];
    };
    shards: for (const shard of CONTENT_SHARDS) {
      for await (const obj of this.storage.list(shard)) {
        const sha256 = sha256OfContentKey(obj.key);
        if (!sha256 || obj.lastModified.getTime() > cutoff) continue;
        batch.push(sha256);
        if (batch.length >= 500) await flush();
        if (result.objectsRemoved >= limit) break shards;
      }
    }
    if (batch.length) await flush();
    return result;
  }

  /** Streams an object through SHA-256. */
  async hashStored(sha256: string): Promise<{ sha256: string; size: number } | null> {
    const key = contentObjectKey(sha256);
    if (!(await this.storage.stat(key))) return null;
    const hash = createHash('sha256');
    let size = 0;
    const body = await this.storage.get(key);
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest('hex'), size };
  }

  /**
   * Re-hashes stored objects (least recently verified first, within a budget) and reports every
   * object whose bytes no longer match its name or that is missing: logged as an error, recorded as a
   * `storage.scrub_mismatch` audit event and marked on the registry row (mismatch_at).
   */
  async scrub(opts: { maxObjects?: number; maxBytes?: number; only?: string[] } = {}): Promise<ScrubResult> {
    const maxObjects = opts.maxObjects ?? 500;
    const maxBytes = opts.maxBytes ?? 2 * 1024 ** 3;
    type Row = { sha256: string; size: string; mismatch_at: Date | null; mismatch_sha256: string | null };
    const rows = opts.only
      ? await this.db.query<Row[]>('SELECT sha256, size, mismatch_at, mismatch_sha256 FROM stored_objects WHERE sha256 = ANY($1::text[])', [opts.only])
      : await this.db.query<Row[]>('SELECT sha256, size, mismatch_at, mismatch_sha256 FROM stored_objects ORDER BY verified_at NULLS FIRST, sha256 LIMIT $1', [maxObjects]);
    const result: ScrubResult = { checked: 0, bytes: 0, mismatches: [] };
    for (const row of rows) {
      if (result.checked > 0 && result.bytes + Number(row.size) > maxBytes) break;
      const found = await this.hashStored(row.sha256);
      result.checked++;
      result.bytes += found?.size ?? 0;
      const problem = !found ? 'missing' : found.sha256 !== row.sha256 ? 'hash_mismatch' : found.size !== Number(row.size) ? 'size_mismatch' : null;
      await this.db.transaction(async () => {
        if (!problem) {
          await this.db.query('UPDATE stored_objects SET verified_at = now(), mismatch_at = NULL, mismatch_sha256 = NULL WHERE sha256 = $1', [row.sha256]);
          return;
        }
        result.mismatches.push({ sha256: row.sha256, found: found?.sha256 ?? null, problem });
        this.logger.error({ msg: 'stored object failed its integrity check', sha256: row.sha256, problem, foundSha256: found?.sha256 ?? null, foundSize: found?.size ?? null });
        const known = row.mismatch_at !== null && row.mismatch_sha256 === (found?.sha256 ?? null);
        await this.db.query('UPDATE stored_objects SET verified_at = now(), mismatch_at = coalesce(mismatch_at, now()), mismatch_sha256 = $2 WHERE sha256 = $1', [
          row.sha256,
          found?.sha256 ?? null,
        ]);
        // Reported once per distinct finding; later runs only log it again.
        if (known) return;
        const refs = await this.db.query<{ revision_id: string; agency_id: string; id: string }[]>(
          'SELECT id, revision_id, agency_id FROM revision_files WHERE sha256 = $1',
          [row.sha256],
        );
        await this.audit.record({
          action: 'storage.scrub_mismatch',
          entityType: 'stored_object',
          entityId: null,
          agencyId: null,
          actorId: null,
          actorName: 'scrub job',
          changes: {
            sha256: row.sha256,
            key: contentObjectKey(row.sha256),
            problem,
            expectedSize: Number(row.size),
            foundSha256: found?.sha256 ?? null,
            foundSize: found?.size ?? null,
            files: refs.map((r) => ({ fileId: r.id, revisionId: r.revision_id, agencyId: r.agency_id })),
          },
        });
      });
    }
    return result;
  }
}
