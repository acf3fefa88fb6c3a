import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The GIN indexes that searches read on every request keep a short pending list. GIN adds new
 * entries to an unsorted pending list (fastupdate), merged into the index by VACUUM (autovacuum)
 * or by the insert that finds the list over `gin_pending_list_limit` (4 MB by default); every scan
 * reads the whole list. At 4 MB that is ~44,000 entries, 30–40 ms added to each search of the
 * register until the next merge (measured on the register bench before its VACUUM: 2 ms → 37 ms
 * per index scan). At 256 kB a scan reads at most a few thousand entries and the merges stay small
 * (each pays for what it merges, as before).
 */
const INDEXES = ['document_search_in_force_idx', 'document_search_open_idx', 'documents_search_idx'];

export class SearchPendingLists1795302560000 implements MigrationInterface {
  name = 'SearchPendingLists1795302560000';

  async up(q: QueryRunner): Promise<void> {
    for (const index of INDEXES) await q.query(`ALTER INDEX ${index} SET (gin_pending_list_limit = 256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of INDEXES) await q.query(`ALTER INDEX ${index} RESET (gin_pending_list_limit)`);
  }
}
