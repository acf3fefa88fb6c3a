import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { LegalRegistryService } from '../legal/legal-registry.service.js';
import { baseTthcCode } from './tthc-fields.js';

export interface TthcPrefill {
  tthcCode: string;
  found: boolean;
  /** Content members taken from the catalogue (statutoryTimeLimit, fee, legalBases). */
  content: Record<string, unknown>;
  fields: string[];
  /** Numbers of the catalogue's legal bases that the registry does not have. */
  unresolvedLegalBases: string[];
}

/**
 * What a new procedure's first draft takes from the catalogue: the statutory time limit, the fee
 * and the legal bases (the catalogue's numbers resolved in the legal registry; those not found are
 * listed and not cited). Used by the documents register when a procedure is created with a TTHC
 * code; depends on nothing of the documents module (no import cycle).
 */
@Injectable()
export class TthcDrafts {
  constructor(
    private readonly db: Database,
    private readonly legal: LegalRegistryService,
  ) {}

  async prefill(tthcCode: string): Promise<TthcPrefill> {
    const base = baseTthcCode(tthcCode);
    const rows = base
      ? await this.db.query<{ time_limit_value: string | null; time_limit_unit: string | null; fee: string | null; legal_basis_numbers: string[] }[]>(
          'SELECT time_limit_value, time_limit_unit, fee, legal_basis_numbers FROM tthc_procedures WHERE code = $1',
          [base],
        )
      : [];
    if (!rows.length) return { tthcCode, found: false, content: {}, fields: [], unresolvedLegalBases: [] };
    const t = rows[0];
    const content: Record<string, unknown> = {};
    if (t.time_limit_value !== null && t.time_limit_unit) content.statutoryTimeLimit = { value: Number(t.time_limit_value), unit: t.time_limit_unit };
    if (t.fee) content.fee = t.fee.slice(0, 2000);
    const legalBases: { legalDocumentId: string }[] = [];
    const unresolved: string[] = [];
    for (const number of t.legal_basis_numbers) {
      const found = await this.legal.findByNumber(number);
      if (!found) unresolved.push(number);
      else if (!legalBases.some((b) => b.legalDocumentId === found.id)) legalBases.push({ legalDocumentId: found.id });
    }
    if (legalBases.length) content.legalBases = legalBases;
    return { tthcCode, found: true, content, fields: Object.keys(content), unresolvedLegalBases: unresolved };
  }
}
