import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { AfterQueryEvent, EntitySubscriberInterface } from 'typeorm';
import type { Grant } from '../access/principal.js';
import { appLogger } from '../common/logger.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';

/** The channel the database's cache triggers notify on (migration CacheInvalidation). */
export const CACHE_CHANNEL = 'eiso_cache';
/** How long a read waits for the notifications of this process's own writes before it bypasses the caches. */
const BARRIER_TIMEOUT_MS = 2_000;
/** Pause before the LISTEN connection is opened again after it was lost. */
const RECONNECT_MS = 1_000;

/** What one notification says: the ids of its kind that changed, or every one ('*'). */
export type Changed = readonly string[] | '*';

/**
 * Caches kept in this process and kept true by the database: the triggers of migration
 * CacheInvalidation notify `eiso_cache` with what changed (`u:`, `n:`, `d:` and ids) when the
 * transaction commits, and this listener, on a connection of its own, hands each notification to
 * the caches that registered for its kind.
 *
 * - Nothing is served from a cache unless the LISTEN connection is up (`usable`): when it is lost,
 *   every cache is emptied and bypassed until it is back (and emptied once more then: what changed
 *   meanwhile was not heard).
 * - A fill that began before an invalidation is not stored (`epoch`, `mayStore`): it may have read
 *   the row before the change.
 * - This process's own writes: a notification may arrive after the writer's next request. So
 *   every completed write of this process (an autocommit write, a COMMIT) is counted, and a read
 *   after one first waits for a barrier — a notification this listener sends itself, delivered after
 *   those of every transaction committed before it (PostgreSQL delivers in commit order): the
 *   writer always reads its own change. A read that cannot wait bypasses the caches.
 *
 * Started on the first use (processes that never read a cached value open no connection).
 */
@Injectable()
export class CacheInvalidation implements OnApplicationShutdown {
  private client: pg.Client | null = null;
  /** The last statement sent on `client` (barriers are sent one after another). */
  private sending: Promise<unknown> = Promise.resolve();
  private live = false;
  private starting = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  /** Moves on every invalidation, reset and connection change. */
  epoch = 0;
  private readonly handlers = new Map<string, ((changed: Changed) => void)[]>();
  private readonly resets: (() => void)[] = [];
  /** Writes of this process completed so far, and how many of them the barrier has caught up with. */
  private writes = 0;
  private synced = 0;
  private barrier: { target: number; done: Promise<boolean> } | null = null;
  /** Barriers sent and not heard back yet: called with true when heard, false when the connection went. */
  private readonly waiting = new Map<string, (heard: boolean) => void>();
  private readonly subscriber: EntitySubscriberInterface;

  constructor(
    private readonly db: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.subscriber = {
      afterQuery: (event: AfterQueryEvent) => {
        if (event.success) this.noteQuery(event.query, event.rawResults as { command?: string } | undefined, event.queryRunner?.isTransactionActive === true);
      },
    };
    db.dataSource.subscribers.push(this.subscriber);
  }

  /** A statement of this process completed: a write once it is committed (a COMMIT, an autocommit write). */
  private noteQuery(sql: string, raw: { command?: string } | undefined, inTransaction: boolean): void {
    const command = raw?.command;
    if (command === 'COMMIT') this.writes++;
    else if (inTransaction) return;
    else if (command === 'SELECT') {
      // A function or data-modifying CTE in an autocommit SELECT (rare); reads are the common case.
      if (/\b(insert|update|delete|merge|truncate)\b|_(rebuild|refresh|bump)\b/i.test(sql)) this.writes++;
    } else if (command !== 'SHOW' && command !== 'BEGIN' && command !== 'ROLLBACK') this.writes++;
  }

  /** `handler` receives the ids of every `kind:` notification. */
  on(kind: string, handler: (changed: Changed) => void): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), handler]);
  }

  /** `reset` empties a cache (connection lost or back). */
  onReset(reset: () => void): void {
    this.resets.push(reset);
  }

  /**
   * A cache keyed by ids of `kind`: `forget` receives each id of a `kind:` notification; `clear`
   * empties the cache on `kind:*` (a statement changed more ids than a notification carries) and
   * on every reset.
   */
  onKeys(kind: string, forget: (id: string) => void, clear: () => void): void {
    this.on(kind, (changed) => {
      if (changed === '*') return clear();
      for (const id of changed) forget(id);
    });
    this.onReset(clear);
  }

  /** A cache of documents' answers: `d:` notifications (document ids), as `onKeys`. */
  onDocuments(forget: (documentId: string) => void, clear: () => void): void {
    this.onKeys('d', forget, clear);
  }

  /** Whether cached values may be served now, without waiting. */
  get usable(): boolean {
    if (!this.live) {
      this.start();
      return false;
    }
    return this.synced >= this.writes;
  }

  /** Whether cached values may be served for this request: waits for the notifications of this process's own writes. */
  async ready(): Promise<boolean> {
    if (this.usable) return true;
    if (!this.live) return false;
    const target = this.writes;
    while (this.live && this.synced < target) {
      const b = this.barrier && this.barrier.target >= target ? this.barrier : this.sendBarrier(target);
      if (!(await b.done)) return false;
    }
    return this.live;
  }

  /** The backend pid of the LISTEN connection while it is up (for tests that cut it). */
  get listenerPid(): number | null {
    return this.live ? ((this.client as unknown as { processID?: number } | null)?.processID ?? null) : null;
  }

  /** A fill that read its value after `epoch` was taken may store it. */
  mayStore(epoch: number): boolean {
    return this.live && epoch === this.epoch;
  }

  private sendBarrier(target: number): { target: number; done: Promise<boolean> } {
    const token = randomUUID();
    const client = this.client!;
    const b = {
      target,
      done: new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.waiting.delete(token);
          resolve(false);
        }, BARRIER_TIMEOUT_MS);
        this.waiting.set(token, (heard) => {
          clearTimeout(timer);
          if (heard && this.synced < target) this.synced = target;
          resolve(heard);
        });
        // One statement at a time on the listener's connection (pg queues a second one, deprecated).
        const sent = this.sending.then(() => client.query(`SELECT pg_notify($1, $2)`, [CACHE_CHANNEL, `b:${token}`]));
        this.sending = sent.catch(() => undefined);
        sent.catch(() => {
          clearTimeout(timer);
          this.waiting.delete(token);
          resolve(false);
        });
      }),
    };
    b.done.finally(() => {
      if (this.barrier === b) this.barrier = null;
    });
    this.barrier = b;
    return b;
  }

  private start(): void {
    if (this.starting || this.live || this.closed || this.retry) return;
    this.starting = true;
    const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'eiso-cache-listener' });
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      this.drop();
      if (!this.closed) {
        if (err) appLogger.write('warn', 'cache listener lost: caches bypassed until it is back', { err });
        this.retry = setTimeout(() => {
          this.retry = null;
          this.start();
        }, RECONNECT_MS);
        this.retry.unref();
      }
      client.end().catch(() => undefined);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => this.receive(n.payload ?? ''));
    this.client = client;
    this.sending = Promise.resolve();
    client
      .connect()
      .then(() => client.query(`LISTEN ${CACHE_CHANNEL}`))
      .then(() => {
        this.starting = false;
        if (this.client !== client || this.closed) return;
        // Anything kept before was not watched: start empty.
        this.resetAll();
        this.synced = this.writes;
        this.live = true;
      })
      .catch((err) => {
        this.starting = false;
        lost(err);
      });
  }

  /** The connection is gone: nothing cached may be served (until it is back and the caches emptied). */
  private drop(): void {
    this.live = false;
    this.starting = false;
    this.resetAll();
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const done of waiting) done(false);
  }

  private resetAll(): void {
    this.epoch++;
    for (const r of this.resets) r();
  }

  private receive(payload: string): void {
    const colon = payload.indexOf(':');
    const kind = payload.slice(0, colon);
    const rest = payload.slice(colon + 1);
    if (kind === 'b') {
      const done = this.waiting.get(rest);
      if (done) {
        this.waiting.delete(rest);
        done(true);
      }
      return;
    }
    this.epoch++;
    const handlers = this.handlers.get(kind);
    if (!handlers) return;
    const changed: Changed = rest === '*' ? '*' : rest.split(',');
    for (const h of handlers) h(changed);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.drop();
    const i = this.db.dataSource.subscribers.indexOf(this.subscriber);
    if (i >= 0) this.db.dataSource.subscribers.splice(i, 1);
    await client?.end().catch(() => undefined);
  }
}

/** A signed-in session as the guard needs it: the user, their grants, when the session ends. */
export interface CachedPrincipal {
  userId: string;
  username: string;
  fullName: string;
  isAdmin: boolean;
  grants: readonly Grant[];
  /** The session's expires_at (ms). */
  expiresAt: number;
}

/**
 * Cached values by key, with a reverse index from owners (a user, a document) to the keys of the
 * values that show them, so that everything an owner's change makes untrue goes at once. Emptied
 * when it holds `limit` values. A value overwritten or deleted leaves its owners' index too.
 */
export class KeyedIndex<V> {
  private readonly values = new Map<string, { value: V; owners: readonly string[] }>();
  private readonly byOwner = new Map<string, Set<string>>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.values.get(key)?.value;
  }

  /** Keeps `value` under `key`, to be forgotten with any of its `owners` (null ones are skipped). */
  set(key: string, value: V, owners: readonly (string | null | undefined)[]): void {
    this.delete(key);
    if (this.values.size >= this.limit) this.clear();
    const kept = owners.filter((o): o is string => !!o);
    this.values.set(key, { value, owners: kept });
    for (const owner of kept) {
      let keys = this.byOwner.get(owner);
      if (!keys) this.byOwner.set(owner, (keys = new Set()));
      keys.add(key);
    }
  }

  /** Drops the value of `key` and its owners' index entries. */
  delete(key: string): void {
    const kept = this.values.get(key);
    if (!kept) return;
    this.values.delete(key);
    for (const owner of kept.owners) {
      const keys = this.byOwner.get(owner);
      keys?.delete(key);
      if (keys && !keys.size) this.byOwner.delete(owner);
    }
  }

  /** Drops every value kept for `owner`. */
  forgetOwner(owner: string): void {
    for (const k of [...(this.byOwner.get(owner) ?? [])]) this.delete(k);
  }

  /** How many owners the reverse index holds (for tests: it never outgrows the values it indexes). */
  get owners(): number {
    return this.byOwner.size;
  }

  clear(): void {
    this.values.clear();
    this.byOwner.clear();
  }
}

/** Sessions kept (the map is emptied when full). */
const PRINCIPALS_KEPT = 10_000;

/**
 * The principal of each live session (by session id), so that a request with a known token needs
 * no query. Emptied for a user on every change of their sessions, account or grants (`u:`
 * notifications); the session's expiry is checked at each use.
 */
@Injectable()
export class PrincipalCache {
  /** Principals by session id, forgotten by user id. */
  private readonly sessions = new KeyedIndex<CachedPrincipal>(PRINCIPALS_KEPT);

  constructor(readonly live: CacheInvalidation) {
    live.onKeys('u', (userId) => this.sessions.forgetOwner(userId), () => this.sessions.clear());
  }

  /** The cached principal of a session, when it may be served now. */
  get(sessionId: string, userId: string): CachedPrincipal | undefined {
    const hit = this.sessions.get(sessionId);
    if (!hit || hit.userId !== userId || !this.live.usable) return undefined;
    if (hit.expiresAt <= Date.now()) {
      this.sessions.delete(sessionId);
      return undefined;
    }
    return hit;
  }

  /** Keeps `value` for the session unless something was invalidated since `epoch` (taken before it was read). */
  set(sessionId: string, value: CachedPrincipal, epoch: number): void {
    if (!this.live.mayStore(epoch)) return;
    this.sessions.set(sessionId, value, [value.userId]);
  }
}
