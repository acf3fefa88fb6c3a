import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The registry of legal documents that procedures cite (later migrations add relations and changes). */
export class LegalRegistry1795300050000 implements MigrationInterface {
  name = 'LegalRegistry1795300050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL CHECK (length(number) BETWEEN 1 AND 100),
        number_key text NOT NULL,
        type text NOT NULL,
        issuer text NOT NULL,
        title text NOT NULL,
        issued_on date NOT NULL,
        effective_from date NOT NULL,
        status text NOT NULL CHECK (status IN ('in_force', 'amended', 'replaced', 'repealed', 'partially_repealed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX legal_documents_number_key ON legal_documents (number_key)`);
    await q.query(`CREATE INDEX legal_documents_search_idx ON legal_documents USING gin (search_fold(number || ' ' || title) gin_trgm_ops)`);
    await q.query(`CREATE INDEX legal_documents_status_idx ON legal_documents (status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS legal_documents`);
  }
}
