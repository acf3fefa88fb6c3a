/**
 * The walk of the text arm over many agencies states WORDED, the predicate of the partial index
 * document_search_worded_idx (migration DocumentSearchWordedOrder). PostgreSQL uses a partial index
 * only when the query implies its predicate: if the two drift apart, the walk silently goes back to
 * every document's row. This fails then (the plan of the walk's shape, index scans forced).
 */
import { WORDED } from '../../src/documents/document-search.js';
import { createTestApp, TestApp } from '../support/app.js';

describe('the worded walk', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('the walk in code order with WORDED is planned on document_search_worded_idx', async () => {
    const plan = await t.db.transaction(async () => {
      await t.db.query(`SET LOCAL enable_seqscan = off`);
      await t.db.query(`SET LOCAL enable_bitmapscan = off`);
      await t.db.query(`SET LOCAL enable_sort = off`);
      return t.db.query<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT s.document_id, s.code_key FROM document_search s
          WHERE ${WORDED} AND (s.in_force @@ plainto_tsquery('vn_unaccent', 'quy trinh') OR s.open @@ plainto_tsquery('vn_unaccent', 'quy trinh'))
          ORDER BY s.code_key, s.document_id LIMIT 51`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('document_search_worded_idx');
  });
});
