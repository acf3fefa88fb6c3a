import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const LEGAL_STATUSES = ['in_force', 'amended', 'replaced', 'repealed', 'partially_repealed'] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

/** A legal normative document (văn bản quy phạm pháp luật) that procedures cite as their basis. */
@Entity('legal_documents')
export class LegalDocument {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** As written, NFC: "19/2014/QĐ-TTg". */
  @Column({ type: 'text' })
  number: string;

  /** Comparison key (accents, case and spaces folded): unique. Computed by the database (legal_number_key()). */
  @Column({ name: 'number_key', type: 'text' })
  numberKey: string;

  /** A code of LEGAL_TYPE_LABELS (legal-types.ts): law, decree, decision, circular, ... */
  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  issuer: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'issued_on', type: 'date' })
  issuedOn: string;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom: string;

  @Column({ type: 'text' })
  status: LegalStatus;

  /** The bulk import that created it (audit event `legal_document.imported`), if any. */
  @Column({ name: 'import_id', type: 'uuid', nullable: true })
  importId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
