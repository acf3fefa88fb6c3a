import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The database's guard of the revision lifecycle. The transition table itself is data in
 * src/documents/revision-moves.ts (RevisionLifecycle applies it); this trigger holds the same
 * (from, to) pairs, so no writer — a bug, a script, a console — can move a revision any other way.
 * test/documents/lifecycle-table.spec.ts checks that the two agree on every pair.
 *
 * - A revision is created as a draft (INSERT in any other state is refused).
 * - Its state changes only along the table: draft→in_review, in_review→pending_approval|draft,
 *   pending_approval→approved|draft, approved→effective|obsolete, effective→superseded|obsolete.
 * - Frozen revisions (approved and later) keep everything but their state and the move's stamps,
 *   and cannot be deleted (as before).
 */
export class RevisionLifecycleGuard1795301010000 implements MigrationInterface {
  name = 'RevisionLifecycleGuard1795301010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(guardFunction(LIFECYCLE_CHECKS));
    await q.query(`DROP TRIGGER revisions_guard ON revisions`);
    await q.query(`CREATE TRIGGER revisions_guard BEFORE INSERT OR UPDATE OR DELETE ON revisions FOR EACH ROW EXECUTE FUNCTION revisions_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER revisions_guard ON revisions`);
    await q.query(guardFunction(''));
    await q.query(`CREATE TRIGGER revisions_guard BEFORE UPDATE OR DELETE ON revisions FOR EACH ROW EXECUTE FUNCTION revisions_guard()`);
  }
}

/** What this migration adds to the guard: creation as a draft, state changes only along the table's pairs. */
const LIFECYCLE_CHECKS = `
        IF TG_OP = 'INSERT' THEN
          IF NEW.state IS DISTINCT FROM 'draft' THEN
            RAISE EXCEPTION 'revision % refused: a revision is created as a draft, not %', NEW.id, NEW.state USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.state IS DISTINCT FROM OLD.state AND NOT ((OLD.state || '>' || NEW.state) = ANY (moves)) THEN
          RAISE EXCEPTION 'revision % cannot move from % to % (the lifecycle allows %)', OLD.id, OLD.state, NEW.state, array_to_string(moves, ', ')
            USING ERRCODE = 'P0001';
        END IF;`;

/** revisions_guard with `checks` first, then the rules of frozen revisions (as the Documents migration created them). */
function guardFunction(checks: string): string {
  return `
      CREATE OR REPLACE FUNCTION revisions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        frozen constant text[] := ARRAY['approved', 'effective', 'superseded', 'obsolete'];
        moves constant text[] := ARRAY[
          'draft>in_review', 'in_review>pending_approval', 'in_review>draft', 'pending_approval>approved', 'pending_approval>draft',
          'approved>effective', 'approved>obsolete', 'effective>superseded', 'effective>obsolete'];
        allowed text[];
      BEGIN${checks}
        IF TG_OP = 'DELETE' THEN
          IF OLD.state = ANY (frozen) THEN
            RAISE EXCEPTION 'revision % is % and cannot be deleted', OLD.id, OLD.state USING ERRCODE = 'P0001';
          END IF;
          RETURN OLD;
        END IF;
        IF NOT (OLD.state = ANY (frozen)) THEN
          RETURN NEW;
        END IF;
        IF OLD.state = 'approved' AND NEW.state = 'effective' THEN
          allowed := ARRAY['state', 'effective_at', 'number', 'updated_at', 'version'];
        ELSIF OLD.state = 'effective' AND NEW.state = 'superseded' THEN
          allowed := ARRAY['state', 'superseded_at', 'updated_at', 'version'];
        ELSIF OLD.state IN ('effective', 'approved') AND NEW.state = 'obsolete' THEN
          allowed := ARRAY['state', 'obsolete_at', 'updated_at', 'version'];
        ELSE
          RAISE EXCEPTION 'revision % is % and cannot be changed (only approved→effective, effective→superseded|obsolete, approved→obsolete are allowed; got %→%)',
            OLD.id, OLD.state, OLD.state, NEW.state USING ERRCODE = 'P0001';
        END IF;
        IF (to_jsonb(NEW) - allowed) IS DISTINCT FROM (to_jsonb(OLD) - allowed) THEN
          RAISE EXCEPTION 'revision % is %: only its state and lifecycle timestamps may change', OLD.id, OLD.state USING ERRCODE = 'P0001';
        END IF;
        RETURN NEW;
      END $$`;
}
