import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { appLogger } from '../common/logger.js';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

interface TxState {
  manager: EntityManager;
  afterCommit: (() => void | Promise<void>)[];
}

/**
 * The unit of work. `transaction(fn)` runs fn in one PostgreSQL transaction; every repository
 * reads `db.manager`, which is the transaction's manager inside fn, so writes made by different
 * services (the change, its audit event, its queued jobs) commit or roll back together.
 * Nested calls join the outer transaction.
 */
@Injectable()
export class Database {
  private readonly als = new AsyncLocalStorage<TxState>();

  constructor(readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.als.getStore()?.manager ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.als.getStore() !== undefined;
  }

  repo<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.manager.getRepository(entity);
  }

  /**
   * Raw SQL in the current transaction (or on a pooled connection). Always resolves to the rows,
   * also for INSERT/UPDATE/DELETE ... RETURNING (TypeORM's own query() returns [rows, count] there).
   */
  async query<T = unknown>(sql: string, params?: unknown[]): Promise<T> {
    return (await this.execute(sql, params)).rows as T;
  }

  /**
   * Raw SQL as a named prepared statement of the connection it runs on: PostgreSQL plans it for its
   * first executions, then keeps one generic plan when that costs no more than the plans made for
   * the values (planning a large statement is a millisecond or more each time). Only for a
   * statement whose plan does not depend on its values (lookups by ids, not a search's choice of
   * index), whose text comes in a few shapes (each shape is kept by every pooled connection), and
   * whose result names its columns (a kept plan must not change its result's columns).
   */
  async queryPrepared<T = unknown>(sql: string, params: unknown[]): Promise<T> {
    const name = `p_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    // pg takes a query config where TypeORM passes the text; TypeORM still counts, logs and wraps errors.
    return (await this.execute({ name, text: sql } as unknown as string, params)).rows as T;
  }

  /** Raw SQL returning both the rows and the number of rows affected (UPDATE/DELETE counts). */
  async execute<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affected: number }> {
    const txRunner = this.als.getStore()?.manager.queryRunner;
    const runner = txRunner ?? this.dataSource.createQueryRunner();
    try {
      const res = await runner.query(sql, params, true);
      return { rows: res.records as R[], affected: res.affected ?? res.records?.length ?? 0 };
    } finally {
      if (!txRunner) await runner.release();
    }
  }

  async transaction<T>(fn: () => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    const outer = this.als.getStore();
    if (outer) return fn();
    const state: TxState = { manager: undefined as unknown as EntityManager, afterCommit: [] };
    const result = await this.dataSource.transaction(isolation, (manager) => {
      state.manager = manager;
      return this.als.run(state, fn);
    });
    for (const hook of state.afterCommit) {
      try {
        await hook();
      } catch (err) {
        appLogger.write('warn', 'after-commit hook failed', { err });
      }
    }
    return result;
  }

  /**
   * Runs fn inside the transaction of `manager` (an EntityManager another module handed over):
   * every `db.manager` / `db.query()` in fn uses it. When it is already the current transaction's
   * manager, fn simply joins. Otherwise after-commit hooks registered inside are not run (the
   * caller owns that transaction; queued jobs still leave through the outbox relay's next poll).
   */
  async using<T>(manager: EntityManager | undefined | null, fn: () => Promise<T>): Promise<T> {
    if (!manager || this.als.getStore()?.manager === manager) return fn();
    if (!manager.queryRunner?.isTransactionActive) throw new Error('Database.using() needs the manager of an open transaction');
    return this.als.run({ manager, afterCommit: [] }, fn);
  }

  /** Runs `hook` once the current transaction commits (immediately when not in one). Never on rollback. */
  afterCommit(hook: () => void | Promise<void>): void {
    const state = this.als.getStore();
    if (state) state.afterCommit.push(hook);
    else void Promise.resolve().then(hook).catch((err) => appLogger.write('warn', 'after-commit hook failed', { err }));
  }

  /** Transaction-scoped advisory lock on a string key (released at commit/rollback). */
  async lock(key: string): Promise<void> {
    if (!this.inTransaction) throw new Error('Database.lock() must be called inside a transaction');
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  }
}
