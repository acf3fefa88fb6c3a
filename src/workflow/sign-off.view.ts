import { ApiProperty } from '@nestjs/swagger';
import type { Database } from '../database/database.js';
import { SIGN_OFF_MEANINGS, SIGNING_ROLES, SignOff, SignOffMeaning, SigningRole } from './sign-off.entity.js';

/*
 * Sign-offs as clients see them, with their validity. Kept free of document imports so the
 * documents' revision views can include sign-offs without an import cycle.
 */

export type SignOffInvalidity = 'content_changed' | 'returned';

export class SignOffView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) revisionId: string;
  @ApiProperty({ enum: SIGN_OFF_MEANINGS, description: 'drafted (Soạn thảo), checked (Kiểm tra / xem xét), approved (Phê duyệt).' }) meaning: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) fullName: string;
  @ApiProperty({ nullable: true, type: String, example: 'Phó Giám đốc', description: 'Job title at signing.' }) title: string | null;
  @ApiProperty({ enum: SIGNING_ROLES }) role: string;
  @ApiProperty({ nullable: true, type: String, example: 'KT.', description: '"KT." when a deputy signs for the head under a delegation.' }) capacity: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'KT.: the head signed for.' }) onBehalfOfUserId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Trần Văn Bình' }) onBehalfOfName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Giám đốc' }) onBehalfOfTitle: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) delegationId: string | null;
  @ApiProperty({ description: 'SHA-256 of the revision as signed.' }) digest: string;
  @ApiProperty({ format: 'date-time' }) signedAt: string;
  @ApiProperty({ description: "True only while the digest equals the revision's current digest and the revision was not returned to draft after it." })
  valid: boolean;
  @ApiProperty({ nullable: true, type: String, enum: ['content_changed', 'returned'], description: 'Why the sign-off no longer holds.' })
  invalidReason: SignOffInvalidity | null;
}

/** A stored sign-off and whether it was signed after the revision's last return to draft. */
export interface SignOffRecord extends SignOff {
  inRound: boolean;
}

/**
 * Why a sign-off no longer holds: the revision changed since (digest), or it was returned to
 * draft after it (a new round of checking and approval began). Null while it holds.
 */
export function signOffInvalidity(s: { digest: string; inRound: boolean }, currentDigest: string): SignOffInvalidity | null {
  if (s.digest !== currentDigest) return 'content_changed';
  if (!s.inRound) return 'returned';
  return null;
}

export function toSignOffView(s: SignOffRecord, currentDigest: string): SignOffView {
  const invalidReason = signOffInvalidity(s, currentDigest);
  return {
    id: s.id,
    revisionId: s.revisionId,
    meaning: s.meaning,
    userId: s.userId,
    fullName: s.fullName,
    title: s.title,
    role: s.role,
    capacity: s.capacity,
    onBehalfOfUserId: s.onBehalfOfUserId,
    onBehalfOfName: s.onBehalfOfName,
    onBehalfOfTitle: s.onBehalfOfTitle,
    delegationId: s.delegationId,
    digest: s.digest,
    signedAt: new Date(s.signedAt).toISOString(),
    valid: invalidReason === null,
    invalidReason,
  };
}

/** A sign_offs row (with `in_round`) as a record; from a query or from `signOffRecordsJsonSql` (dates as text there). */
function toSignOffRecord(r: Record<string, unknown>): SignOffRecord {
  return Object.assign(new SignOff(), {
    id: r.id as string,
    revisionId: r.revision_id as string,
    agencyId: r.agency_id as string,
    userId: r.user_id as string,
    fullName: r.full_name as string,
    title: r.title as string | null,
    role: r.role as SigningRole,
    meaning: r.meaning as SignOffMeaning,
    capacity: r.capacity as string | null,
    onBehalfOfUserId: r.on_behalf_of_user_id as string | null,
    onBehalfOfName: r.on_behalf_of_name as string | null,
    onBehalfOfTitle: r.on_behalf_of_title as string | null,
    delegationId: r.delegation_id as string | null,
    digest: r.digest as string,
    signedAt: new Date(r.signed_at as Date | string),
    inRound: r.in_round === true,
  });
}

const IN_ROUND_SQL = `s.signed_at > coalesce(
              (SELECT max(t.at) FROM revision_transitions t WHERE t.revision_id = s.revision_id AND t.to_state = 'draft'),
              '-infinity'::timestamptz)`;

/**
 * SQL: the sign-offs of the revision `revisionId` (an SQL expression) as a JSON array, oldest
 * first, for a caller that reads a revision with everything its view shows in one query;
 * `signOffViewsFromJson` makes the views.
 */
export function signOffRecordsJsonSql(revisionId: string): string {
  return `(SELECT coalesce(json_agg(to_jsonb(s) || jsonb_build_object('in_round', ${IN_ROUND_SQL}) ORDER BY s.signed_at, s.id), '[]'::json)
             FROM sign_offs s WHERE s.revision_id = ${revisionId})`;
}

/** The views of the value of `signOffRecordsJsonSql`, against the revision's current digest. */
export function signOffViewsFromJson(value: unknown, currentDigest: string): SignOffView[] {
  return (value as Record<string, unknown>[]).map((r) => toSignOffView(toSignOffRecord(r), currentDigest));
}

/** Sign-offs of the revisions in one query, oldest first, each with whether it is in the current round. */
export async function loadSignOffRecords(db: Database, revisionIds: string[]): Promise<SignOffRecord[]> {
  if (!revisionIds.length) return [];
  const rows = await db.query<Record<string, unknown>[]>(
    `SELECT s.*, ${IN_ROUND_SQL} AS in_round
       FROM sign_offs s WHERE s.revision_id = ANY($1::uuid[])
      ORDER BY s.signed_at, s.id`,
    [revisionIds],
  );
  return rows.map(toSignOffRecord);
}

/** Sign-off views per revision (each against its current digest), for batches of revision views. */
export async function signOffViewsOf(db: Database, revisions: { id: string; digest: string }[]): Promise<Map<string, SignOffView[]>> {
  const out = new Map<string, SignOffView[]>(revisions.map((r) => [r.id, []]));
  const digests = new Map(revisions.map((r) => [r.id, r.digest]));
  for (const s of await loadSignOffRecords(db, revisions.map((r) => r.id))) out.get(s.revisionId)!.push(toSignOffView(s, digests.get(s.revisionId)!));
  return out;
}
