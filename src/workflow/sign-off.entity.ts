import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const SIGN_OFF_MEANINGS = ['drafted', 'checked', 'approved'] as const;
export type SignOffMeaning = (typeof SIGN_OFF_MEANINGS)[number];

export const SIGNING_ROLES = ['drafter', 'iso_secretary', 'head', 'deputy'] as const;
export type SigningRole = (typeof SIGNING_ROLES)[number];

/** Signing for the head under a delegation (ký thay). */
export const CAPACITY_ON_BEHALF = 'KT.';

/**
 * A signature on one exact revision: who (name and job title at signing), in which role and
 * capacity, what it means (drafted, checked, approved) and the SHA-256 of the revision it vouches
 * for. Immutable (database trigger); valid only while the revision's digest is unchanged.
 */
@Entity('sign_offs')
export class SignOff {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'revision_id', type: 'uuid' })
  revisionId: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'full_name', type: 'text' })
  fullName: string;

  /** Job title at signing (users.title), e.g. "Phó Giám đốc". */
  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'text' })
  role: SigningRole;

  @Column({ type: 'text' })
  meaning: SignOffMeaning;

  /** "KT." for a deputy signing for the head; null otherwise. */
  @Column({ type: 'text', nullable: true })
  capacity: string | null;

  @Column({ name: 'on_behalf_of_user_id', type: 'uuid', nullable: true })
  onBehalfOfUserId: string | null;

  @Column({ name: 'on_behalf_of_name', type: 'text', nullable: true })
  onBehalfOfName: string | null;

  @Column({ name: 'on_behalf_of_title', type: 'text', nullable: true })
  onBehalfOfTitle: string | null;

  @Column({ name: 'delegation_id', type: 'uuid', nullable: true })
  delegationId: string | null;

  /** RevisionsService.digest(revision) at signing. */
  @Column({ type: 'text' })
  digest: string;

  @Column({ name: 'signed_at', type: 'timestamptz', insert: false, update: false })
  signedAt: Date;
}
