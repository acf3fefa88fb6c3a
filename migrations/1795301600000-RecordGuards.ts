import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Immutability of quality records, in the database (docs/ARCHITECTURE.md "Quality records"): two
 * generic trigger functions that record tables attach with their own arguments.
 *
 * record_guard(state_column, frozen_states [, rule ...]) — BEFORE UPDATE OR DELETE, FOR EACH ROW.
 *   A row whose state is one of `frozen_states` (comma-separated) is never deleted and never updated,
 *   except as a rule allows. A rule is 'from->to: column, column': a row in state `from` may move to
 *   state `to` changing only the listed columns (the state column itself for a move); `*` matches any
 *   state. 'closed->closed: archived_at' lets one column of a closed row change.
 *     CREATE TRIGGER internal_audits_guard BEFORE UPDATE OR DELETE ON internal_audits FOR EACH ROW
 *       EXECUTE FUNCTION record_guard('state', 'reported,closed', 'reported->closed: closed_at, updated_at');
 *
 * record_child_guard(parent_table, fk_column, parent_state_column, frozen_states [, parent_key]) —
 *   BEFORE INSERT OR UPDATE OR DELETE, FOR EACH ROW. Refuses any change to a row whose parent (the
 *   row of `parent_table` whose `parent_key`, default id, equals the row's `fk_column`) is in a frozen
 *   state — for an UPDATE, the old and the new parent. The parent row is read FOR SHARE, so a
 *   concurrent freeze of the parent and a change of its children serialise. A NULL foreign key, or a
 *   parent that does not exist (yet, or any more: a cascade), is not checked.
 *     CREATE TRIGGER audit_findings_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_findings FOR EACH ROW
 *       EXECUTE FUNCTION record_child_guard('internal_audits', 'audit_id', 'state', 'reported,closed');
 *
 * Refusals raise SQLSTATE P0001 (mapped to 409 `immutable_record`); arguments that do not fit the
 * table raise 22023 / 42703 / 42P01 at the first change, so a wrong trigger is found by any test.
 * Identifiers given as arguments are quoted with format(%I) and the parent table is resolved with
 * to_regclass, never concatenated. Attach reject_change() BEFORE TRUNCATE as well.
 */
export class RecordGuards1795301600000 implements MigrationInterface {
  name = 'RecordGuards1795301600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        state_col text;
        frozen text[];
        old_row jsonb;
        new_row jsonb;
        old_state text;
        new_state text;
        rule text;
        head text;
        allowed text[];
      BEGIN
        IF TG_NARGS < 2 OR TG_LEVEL <> 'ROW' OR TG_WHEN <> 'BEFORE' OR TG_OP NOT IN ('UPDATE', 'DELETE') THEN
          RAISE EXCEPTION 'record_guard on %: attach it BEFORE UPDATE OR DELETE FOR EACH ROW with (state column, frozen states[, ''from->to: columns'' ...])', TG_TABLE_NAME
            USING ERRCODE = '22023';
        END IF;
        state_col := TG_ARGV[0];
        frozen := string_to_array(replace(TG_ARGV[1], ' ', ''), ',');
        old_row := to_jsonb(OLD);
        IF NOT old_row ? state_col THEN
          RAISE EXCEPTION 'record_guard on %: the table has no column %', TG_TABLE_NAME, state_col USING ERRCODE = '42703';
        END IF;
        old_state := old_row ->> state_col;
        IF old_state IS NULL OR NOT (old_state = ANY (frozen)) THEN
          RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION '% % is % and cannot be deleted', TG_TABLE_NAME, coalesce(old_row ->> 'id', ''), old_state USING ERRCODE = 'P0001';
        END IF;
        new_row := to_jsonb(NEW);
        new_state := new_row ->> state_col;
        FOR i IN 2 .. TG_NARGS - 1 LOOP
          rule := TG_ARGV[i];
          IF position('->' IN rule) = 0 OR position(':' IN rule) = 0 THEN
            RAISE EXCEPTION 'record_guard on %: rule "%" is not ''from->to: column, ...''', TG_TABLE_NAME, rule USING ERRCODE = '22023';
          END IF;
          head := split_part(rule, ':', 1);
          IF (trim(split_part(head, '->', 1)) IN ('*', old_state)) AND (trim(split_part(head, '->', 2)) IN ('*', new_state)) THEN
            SELECT coalesce(array_agg(trim(c)) FILTER (WHERE trim(c) <> ''), '{}') INTO allowed
              FROM unnest(string_to_array(substr(rule, position(':' IN rule) + 1), ',')) AS c;
            IF new_state IS DISTINCT FROM old_state THEN allowed := allowed || state_col; END IF;
            EXIT;
          END IF;
        END LOOP;
        IF allowed IS NULL THEN
          IF new_state IS DISTINCT FROM old_state THEN
            RAISE EXCEPTION '% % is % and cannot move to %', TG_TABLE_NAME, coalesce(old_row ->> 'id', ''), old_state, new_state USING ERRCODE = 'P0001';
          END IF;
          RAISE EXCEPTION '% % is % and cannot be changed', TG_TABLE_NAME, coalesce(old_row ->> 'id', ''), old_state USING ERRCODE = 'P0001';
        END IF;
        IF (new_row - allowed) IS DISTINCT FROM (old_row - allowed) THEN
          RAISE EXCEPTION '% % is %: only % may change (% -> %)', TG_TABLE_NAME, coalesce(old_row ->> 'id', ''), old_state,
            coalesce(nullif(array_to_string(allowed, ', '), ''), 'nothing'), old_state, new_state USING ERRCODE = 'P0001';
        END IF;
        RETURN NEW;
      END $$`);

    await q.query(`
      CREATE FUNCTION record_child_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        parent regclass;
        fk text;
        state_col text;
        frozen text[];
        key_col text;
        checked text := NULL;
        parent_id text;
        parent_state text;
        r record;
      BEGIN
        IF TG_NARGS NOT IN (4, 5) OR TG_LEVEL <> 'ROW' OR TG_WHEN <> 'BEFORE' THEN
          RAISE EXCEPTION 'record_child_guard on %: attach it BEFORE INSERT OR UPDATE OR DELETE FOR EACH ROW with (parent table, fk column, parent state column, frozen states[, parent key])', TG_TABLE_NAME
            USING ERRCODE = '22023';
        END IF;
        parent := to_regclass(TG_ARGV[0]);
        IF parent IS NULL THEN
          RAISE EXCEPTION 'record_child_guard on %: no table %', TG_TABLE_NAME, TG_ARGV[0] USING ERRCODE = '42P01';
        END IF;
        fk := TG_ARGV[1];
        state_col := TG_ARGV[2];
        frozen := string_to_array(replace(TG_ARGV[3], ' ', ''), ',');
        key_col := coalesce(TG_ARGV[4], 'id');
        FOR k IN 1 .. 2 LOOP
          IF k = 1 THEN
            CONTINUE WHEN TG_OP = 'INSERT';
            r := OLD;
          ELSE
            CONTINUE WHEN TG_OP = 'DELETE';
            r := NEW;
          END IF;
          IF NOT to_jsonb(r) ? fk THEN
            RAISE EXCEPTION 'record_child_guard on %: the table has no column %', TG_TABLE_NAME, fk USING ERRCODE = '42703';
          END IF;
          parent_id := to_jsonb(r) ->> fk;
          CONTINUE WHEN parent_id IS NULL OR parent_id IS NOT DISTINCT FROM checked;
          checked := parent_id;
          EXECUTE format('SELECT p.%I::text FROM %s p WHERE p.%I = ($1).%I FOR SHARE', state_col, parent, key_col, fk) INTO parent_state USING r;
          IF parent_state = ANY (frozen) THEN
            RAISE EXCEPTION '% on % refused: % % is %', TG_OP, TG_TABLE_NAME, parent, parent_id, parent_state USING ERRCODE = 'P0001';
          END IF;
        END LOOP;
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS record_child_guard()`);
    await q.query(`DROP FUNCTION IF EXISTS record_guard()`);
  }
}
