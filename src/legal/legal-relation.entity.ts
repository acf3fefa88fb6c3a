import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { LegalRelationKind } from './legal-types.js';

/**
 * One step of a legal document's history: the newer act `fromId` amends / replaces / repeals /
 * partially repeals the older act `toId` from `effectiveFrom`. Append-only. `fromId` is null only
 * for a repeal by an act not in the registry (or an expiry), explained in `note`.
 */
@Entity('legal_document_relations')
export class LegalRelation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'from_id', type: 'uuid', nullable: true })
  fromId: string | null;

  @Column({ type: 'text' })
  kind: LegalRelationKind;

  @Column({ name: 'to_id', type: 'uuid' })
  toId: string;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;
}
