/**
 * Database.queryPrepared: a named prepared statement per text, kept by each pooled connection.
 * The same text runs again and again on the same connections (past the fifth run, when PostgreSQL
 * switches to its generic plan) and gives the values' answers; two texts never share a name; a
 * failing statement is a QueryFailedError like any other (so the one filter maps it), and the
 * logger that reports it reads the text out of the query config it is given.
 */
import { QueryFailedError } from 'typeorm';
import { queryCounter } from '../../src/database/typeorm-logger.js';
import { createTestApp, TestApp } from '../support/app.js';

describe('Database.queryPrepared', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('runs the same text with other values, many times, on every connection, and counts each run', async () => {
    const sql = `SELECT x * 2 AS doubled FROM unnest($1::int[]) x ORDER BY x`;
    const before = queryCounter.total;
    for (let i = 0; i < 12; i++) {
      // Two at once: two pooled connections prepare the statement, each under the same name.
      const [a, b] = await Promise.all([t.db.queryPrepared<{ doubled: number }[]>(sql, [[i, i + 1]]), t.db.queryPrepared<{ doubled: number }[]>(sql, [[i + 5]])]);
      expect(a.map((r) => r.doubled)).toEqual([2 * i, 2 * i + 2]);
      expect(b.map((r) => r.doubled)).toEqual([2 * i + 10]);
    }
    expect(queryCounter.total - before).toBeGreaterThanOrEqual(24);
  });

  it('two texts are two statements', async () => {
    expect(await t.db.queryPrepared<{ v: string }[]>(`SELECT $1::text AS v`, ['một'])).toEqual([{ v: 'một' }]);
    expect(await t.db.queryPrepared<{ v: string }[]>(`SELECT upper($1::text) AS v`, ['một'])).toEqual([{ v: 'MỘT' }]);
    expect(await t.db.queryPrepared<{ v: string }[]>(`SELECT $1::text AS v`, ['hai'])).toEqual([{ v: 'hai' }]);
  });

  it('a failing statement is a QueryFailedError with the driver error, and the connection stays usable', async () => {
    const err = await t.db.queryPrepared(`SELECT 1 / $1::int AS v`, [0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22012');
    expect(await t.db.queryPrepared<{ v: number }[]>(`SELECT 1 / $1::int AS v`, [1])).toEqual([{ v: 1 }]);
  });

  it('inside a transaction it runs on the transaction’s connection (it sees the transaction’s writes)', async () => {
    const seen = await t.db
      .transaction(async () => {
        await t.db.query(`CREATE TEMP TABLE prepared_probe (v int) ON COMMIT DROP`);
        await t.db.query(`INSERT INTO prepared_probe VALUES (7)`);
        return t.db.queryPrepared<{ v: number }[]>(`SELECT v FROM prepared_probe WHERE v = $1::int`, [7]);
      });
    expect(seen).toEqual([{ v: 7 }]);
  });
});
