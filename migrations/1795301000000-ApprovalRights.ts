import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Who may approve" answered once, in the database, for everything that reads or enforces it:
 * the approval service (src/approval/approval-rights.ts), the approval work list, the notices to
 * approvers and the sign-off trigger all call these functions.
 *
 * - approver_capacities(agency, user, at): the capacities in which the user may approve in the
 *   agency at that instant, preferred first: as its head (an active user holding the head role),
 *   or as a deputy ("KT.") under each delegation from a current head of the agency that is not
 *   revoked and is valid at that instant (the deputy holds the deputy role and is active).
 *   No row: the user may not approve there.
 * - may_approve(agency, user, at): whether there is such a capacity (for work-list queries).
 * - revision_approval_exclusions(revision): who may never approve or return that revision
 *   although they hold a capacity (separation of duties): its author and whoever checked it.
 *
 * The sign-off trigger now also refuses an approval signed by someone without the capacity it
 * names (head, or deputy under that very delegation for that head), at the signing instant.
 */
export class ApprovalRights1795301000000 implements MigrationInterface {
  name = 'ApprovalRights1795301000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION approver_capacities(p_agency uuid, p_user uuid, p_at timestamptz)
      RETURNS TABLE (role text, delegation_id uuid, on_behalf_of uuid, valid_from timestamptz)
      LANGUAGE sql STABLE AS $$
        SELECT c.role, c.delegation_id, c.on_behalf_of, c.valid_from FROM (
          SELECT 'head'::text AS role, NULL::uuid AS delegation_id, NULL::uuid AS on_behalf_of, NULL::timestamptz AS valid_from
            FROM memberships m JOIN users u ON u.id = m.user_id AND u.is_active
           WHERE m.agency_id = p_agency AND m.user_id = p_user AND 'head' = ANY (m.roles)
          UNION ALL
          SELECT 'deputy', dl.id, dl.from_user_id, dl.valid_from
            FROM delegations dl
            JOIN memberships dm ON dm.agency_id = dl.agency_id AND dm.user_id = dl.to_user_id AND 'deputy' = ANY (dm.roles)
            JOIN memberships hm ON hm.agency_id = dl.agency_id AND hm.user_id = dl.from_user_id AND 'head' = ANY (hm.roles)
            JOIN users u ON u.id = dl.to_user_id AND u.is_active
           WHERE dl.agency_id = p_agency AND dl.to_user_id = p_user
             AND dl.revoked_at IS NULL AND dl.valid_from <= p_at AND dl.valid_to > p_at
        ) c
        ORDER BY (c.role = 'head') DESC, c.valid_from DESC, c.delegation_id
      $$`);
    await q.query(`
      CREATE FUNCTION may_approve(p_agency uuid, p_user uuid, p_at timestamptz) RETURNS boolean
      LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM approver_capacities(p_agency, p_user, p_at))
      $$`);
    await q.query(`
      CREATE FUNCTION revision_approval_exclusions(p_revision uuid) RETURNS TABLE (user_id uuid, reason text)
      LANGUAGE sql STABLE AS $$
        SELECT r.author_id, 'author'::text FROM revisions r WHERE r.id = p_revision
        UNION
        SELECT s.user_id, 'checker'::text FROM sign_offs s WHERE s.revision_id = p_revision AND s.meaning = 'checked'
      $$`);
    await q.query(SIGN_OFFS_GUARD);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(SIGN_OFFS_GUARD_BEFORE);
    await q.query(`DROP FUNCTION IF EXISTS revision_approval_exclusions(uuid)`);
    await q.query(`DROP FUNCTION IF EXISTS may_approve(uuid, uuid, timestamptz)`);
    await q.query(`DROP FUNCTION IF EXISTS approver_capacities(uuid, uuid, timestamptz)`);
  }
}

/** sign_offs_guard with the approval's `approvalChecks` (this migration's, or the Workflow migration's for down). */
function signOffsGuard(approvalChecks: string, authorCheck: string): string {
  return `
  CREATE OR REPLACE FUNCTION sign_offs_guard() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    rev record;
    round_start timestamptz;
    excluded text;
  BEGIN
    SELECT author_id, agency_id INTO rev FROM revisions WHERE id = NEW.revision_id;
    IF rev.agency_id IS DISTINCT FROM NEW.agency_id THEN
      RAISE EXCEPTION 'sign-off refused: revision % belongs to another agency', NEW.revision_id USING ERRCODE = 'P0001';
    END IF;${authorCheck}
    IF NEW.meaning = 'approved' THEN${approvalChecks}
      SELECT max(t.at) INTO round_start FROM revision_transitions t WHERE t.revision_id = NEW.revision_id AND t.to_state = 'draft';
      IF NOT EXISTS (
        SELECT 1 FROM sign_offs s
         WHERE s.revision_id = NEW.revision_id AND s.meaning = 'checked' AND s.digest = NEW.digest
           AND (round_start IS NULL OR s.signed_at > round_start)) THEN
        RAISE EXCEPTION 'sign-off refused: revision % has no valid check for digest %', NEW.revision_id, NEW.digest USING ERRCODE = 'P0001';
      END IF;
    END IF;
    RETURN NEW;
  END $$`;
}

const SIGN_OFFS_GUARD = signOffsGuard(
  `
      SELECT x.reason INTO excluded FROM revision_approval_exclusions(NEW.revision_id) x WHERE x.user_id = NEW.user_id ORDER BY x.reason LIMIT 1;
      IF excluded IS NOT NULL THEN
        RAISE EXCEPTION 'sign-off refused (separation of duties): the % of revision % cannot approve it', excluded, NEW.revision_id USING ERRCODE = 'P0001';
      END IF;
      IF NOT EXISTS (
        SELECT 1 FROM approver_capacities(NEW.agency_id, NEW.user_id, NEW.signed_at) c
         WHERE c.role = NEW.role AND c.delegation_id IS NOT DISTINCT FROM NEW.delegation_id
           AND c.on_behalf_of IS NOT DISTINCT FROM NEW.on_behalf_of_user_id) THEN
        RAISE EXCEPTION 'sign-off refused: user % may not approve in agency % as % (a head, or a deputy under an active delegation from a head)', NEW.user_id, NEW.agency_id, NEW.role
          USING ERRCODE = 'P0001';
      END IF;`,
  `
    IF NEW.meaning = 'checked' AND NEW.user_id = rev.author_id THEN
      RAISE EXCEPTION 'sign-off refused (separation of duties): the author of revision % cannot sign it as checked', NEW.revision_id USING ERRCODE = 'P0001';
    END IF;`,
);

/** The guard as the Workflow migration created it (for down). */
const SIGN_OFFS_GUARD_BEFORE = signOffsGuard(
  `
      IF EXISTS (SELECT 1 FROM sign_offs s WHERE s.revision_id = NEW.revision_id AND s.meaning = 'checked' AND s.user_id = NEW.user_id) THEN
        RAISE EXCEPTION 'sign-off refused (separation of duties): the checker of revision % cannot approve it', NEW.revision_id USING ERRCODE = 'P0001';
      END IF;`,
  `
    IF NEW.meaning IN ('checked', 'approved') AND NEW.user_id = rev.author_id THEN
      RAISE EXCEPTION 'sign-off refused (separation of duties): the author of revision % cannot sign it as %', NEW.revision_id, NEW.meaning USING ERRCODE = 'P0001';
    END IF;`,
);
