import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The link trigger finds its chain's head (`ORDER BY seq DESC LIMIT 1`) with a plan PL/pgSQL
 * caches per connection. Planned while audit_events was a page or two (a fresh database, or a
 * connection opened before the table grew), that plan is a scan and sort of the whole table, kept
 * until the next ANALYZE: every event then reads every earlier one, and a bulk write of thousands
 * of events slows down quadratically. The function now plans without sequential or bitmap scans,
 * so the head is always read from the end of the (chain, seq) index, whatever the statistics say.
 * The chain itself (seq, prev_hash, hash) is computed exactly as before.
 */
export class AuditChainHeadLookup1795302520000 implements MigrationInterface {
  name = 'AuditChainHeadLookup1795302520000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION audit_events_link() SET enable_seqscan = off`);
    await q.query(`ALTER FUNCTION audit_events_link() SET enable_bitmapscan = off`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION audit_events_link() RESET enable_bitmapscan`);
    await q.query(`ALTER FUNCTION audit_events_link() RESET enable_seqscan`);
  }
}
