import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const AGENCY_LEVELS = ['province', 'department', 'district', 'commune', 'unit'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];

/** Which levels an agency of each level may sit under (null: top level). */
export const ALLOWED_PARENTS: Record<AgencyLevel, (AgencyLevel | null)[]> = {
  province: [null],
  department: ['province'],
  district: ['province'],
  // Since 07/2025 communes sit directly under the province; older district-level trees remain valid.
  commune: ['province', 'district'],
  // Units (phòng, ban, public service units) belong to any agency, including other units.
  unit: ['province', 'department', 'district', 'commune', 'unit'],
};

@Entity('agencies')
export class Agency {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  level: AgencyLevel;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  /** Materialised path of ids from the root: "/root/…/self/". Subtree = path LIKE prefix%. */
  @Column({ type: 'text' })
  path: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The roles a user holds in one agency. */
@Entity('memberships')
export class Membership {
  @Column({ name: 'agency_id', type: 'uuid', primary: true })
  agencyId: string;

  @Column({ name: 'user_id', type: 'uuid', primary: true })
  userId: string;

  @Column({ type: 'text', array: true })
  roles: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A head of agency's delegation letting a deputy approve "KT." within a time window. */
@Entity('delegations')
export class Delegation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'from_user_id', type: 'uuid' })
  fromUserId: string;

  @Column({ name: 'to_user_id', type: 'uuid' })
  toUserId: string;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom: Date;

  @Column({ name: 'valid_to', type: 'timestamptz' })
  validTo: Date;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_by', type: 'uuid', nullable: true })
  revokedBy: string | null;
}
