import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The code order of the documents that hold any words (`document_search_worded_idx`): the text arm
 * of a search over many agencies walks it instead of every document's row (DocumentSearch.arms,
 * `WORDED`), so documents with no words in force and none open (no revision in force yet, forms
 * and records whose files carry no text) are never fetched and tested. They can match no word.
 * In the bench register 40,000 of the 100,000 documents have none, and `quy trinh`, whose hits
 * start after them in code order, walked all of them (30,000 rows, 10 ms). The predicate is the
 * one the walk states, so the planner can use the index. On writes: one more index entry for a
 * row that holds words (its vectors' updates are never HOT: the GIN indexes hold them).
 */
export class DocumentSearchWordedOrder1795302600000 implements MigrationInterface {
  name = 'DocumentSearchWordedOrder1795302600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX document_search_worded_idx ON document_search (code_key, document_id) WHERE length(in_force) > 0 OR length(open) > 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS document_search_worded_idx`);
  }
}
