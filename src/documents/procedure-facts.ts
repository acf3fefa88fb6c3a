import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { durationHours } from './content-validator.js';
import type { Duration, ProcedureContent } from './revision-content.js';
import type { RevisionState } from './document-types.js';

/** A procedure carrying a TTHC code, with what other modules need to know of it. */
export interface TthcProcedure {
  documentId: string;
  agencyId: string;
  code: string;
  title: string;
  /** The TTHC code as written on the document (base or instance form). */
  tthcCode: string;
  /** Its base code ("1.001612"). */
  tthcBase: string;
  /** The effective revision, if any. */
  effectiveRevisionId: string | null;
  /** The open revision's state (draft … approved), if any. */
  openState: RevisionState | null;
  /** Total of the effective (else the latest) revision's step durations, in hours; null without steps. */
  stepHours: number | null;
}

interface Row {
  id: string;
  agency_id: string;
  code: string;
  title: string;
  tthc_code: string;
  e_id: string | null;
  o_state: RevisionState | null;
  content: ProcedureContent | null;
}

/**
 * What the documents register tells other modules about procedures linked to national TTHC codes
 * (the catalogue's coverage and its change flags): non-withdrawn procedures by TTHC base code or by
 * agency, with their effective revision, their open revision's state and the total of their steps.
 */
@Injectable()
export class ProcedureFacts {
  constructor(private readonly db: Database) {}

  /** Procedures whose TTHC code has one of these base codes. */
  async byTthc(baseCodes: readonly string[]): Promise<TthcProcedure[]> {
    if (!baseCodes.length) return [];
    return this.query(`substring(d.tthc_code from 1 for 8) = ANY($1::text[])`, [baseCodes]);
  }

  /** Procedures with a TTHC code in these agencies. */
  async ofAgencies(agencyIds: readonly string[]): Promise<TthcProcedure[]> {
    if (!agencyIds.length) return [];
    return this.query(`d.agency_id = ANY($1::uuid[])`, [agencyIds]);
  }

  /**
   * SQL relation for the catalogue's queries: the (agency_id, code) pairs of the TTHC base codes of
   * procedures in force (an effective revision, not withdrawn) in the agencies of the SQL uuid[]
   * expression `agencyIdsSql` — a pair may repeat, so ask `(agency, code) IN (...)`. What the
   * coverage counts, in the catalogue's own query without reading the procedures; the documents'
   * tables stay here.
   */
  coveredTthcSql(agencyIdsSql: string): string {
    return `SELECT d.agency_id, substring(d.tthc_code from 1 for 8) AS code FROM documents d
             WHERE d.agency_id = ANY(${agencyIdsSql}) AND d.type = 'procedure' AND d.tthc_code IS NOT NULL AND d.withdrawn_at IS NULL
               AND EXISTS (SELECT 1 FROM revisions e WHERE e.document_id = d.id AND e.state = 'effective')`;
  }

  private async query(where: string, params: unknown[]): Promise<TthcProcedure[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT d.id, d.agency_id, d.code, d.title, d.tthc_code, e.id AS e_id, o.state AS o_state, coalesce(e.content, o.content) AS content
         FROM documents d
         LEFT JOIN revisions e ON e.document_id = d.id AND e.state = 'effective'
         LEFT JOIN revisions o ON o.document_id = d.id AND o.state IN ('draft', 'in_review', 'pending_approval', 'approved')
        WHERE d.type = 'procedure' AND d.tthc_code IS NOT NULL AND d.withdrawn_at IS NULL AND ${where}
        ORDER BY d.agency_id, d.code_key, d.id`,
      params,
    );
    return rows.map((r) => ({
      documentId: r.id,
      agencyId: r.agency_id,
      code: r.code,
      title: r.title,
      tthcCode: r.tthc_code,
      tthcBase: r.tthc_code.slice(0, 8),
      effectiveRevisionId: r.e_id,
      openState: r.o_state,
      stepHours: stepHours(r.content),
    }));
  }
}

function stepHours(content: ProcedureContent | null): number | null {
  const steps = content?.steps ?? [];
  if (!steps.length) return null;
  let total = 0;
  for (const s of steps) {
    const d = s.duration as Duration | undefined;
    if (d && typeof d.value === 'number' && d.unit) total += durationHours(d as Required<Duration>);
  }
  return total;
}
