import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a revision that takes effect resolves a document flag. A "legal basis changed" flag
 * raised by a legal change is resolved only by a revision that no longer cites the replaced or
 * repealed act, or that cites the amending act (or no longer the amended one). Other flags (and
 * legal flags without a source) are resolved by any new effective revision.
 */
export class FlagResolution1795300910000 implements MigrationInterface {
  name = 'FlagResolution1795300910000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION flag_resolved_by(flag_kind text, flag_source uuid, rev uuid) RETURNS boolean
      LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN flag_kind = 'legal_basis_changed' AND flag_source IS NOT NULL THEN coalesce((
            SELECT CASE c.kind
                     WHEN 'amended' THEN
                       EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.by_legal_document_id)
                       OR NOT EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.legal_document_id)
                     ELSE
                       NOT EXISTS (SELECT 1 FROM revision_citations rc WHERE rc.revision_id = rev AND rc.legal_document_id = c.legal_document_id)
                   END
              FROM legal_changes c WHERE c.id = flag_source), true)
          ELSE true
        END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS flag_resolved_by(text, uuid, uuid)`);
  }
}
