import type { Logger as OrmLogger } from 'typeorm';
import { appLogger } from '../common/logger.js';

const MAX_SQL = 500;
/** The statement's text, short (a prepared statement reaches the logger as its query config: Database.queryPrepared). */
const short = (query: string | { text: string }) => {
  const sql = typeof query === 'string' ? query : query.text;
  return (sql.length > MAX_SQL ? sql.slice(0, MAX_SQL) + '…' : sql).replace(/\s+/g, ' ');
};

/**
 * TypeORM's messages as structured JSON lines. Parameters are never logged (they carry password
 * hashes and personal data). A failed query is usually a refused write that becomes a 4xx (a
 * unique or trigger violation), so it is debug; the request log reports real failures.
 */
/** Queries sent by this process (TypeORM calls logQuery for every one): the `db_queries_total` metric. */
export const queryCounter = { total: 0 };

export class TypeOrmJsonLogger implements OrmLogger {
  logQuery(): void {
    // Queries are not logged, only counted.
    queryCounter.total++;
  }

  logQueryError(error: string | Error, query: string): void {
    appLogger.write('debug', 'query failed', { sql: short(query), error: typeof error === 'string' ? error : error.message });
  }

  logQuerySlow(time: number, query: string): void {
    appLogger.write('warn', 'slow query', { durationMs: time, sql: short(query) });
  }

  logSchemaBuild(message: string): void {
    // Also what `migration:show` prints: keep it visible.
    appLogger.write('info', message, { context: 'schema' });
  }

  logMigration(message: string): void {
    appLogger.write('info', message, { context: 'migration' });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    appLogger.write(level === 'warn' ? 'warn' : 'info', String(message), { context: 'typeorm' });
  }
}
