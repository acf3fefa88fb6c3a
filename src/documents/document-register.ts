import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { OPEN_STATES } from './document-types.js';

/** One objective of a quality_objectives revision (its content, as approved). */
export interface ObjectiveLine {
  no: number;
  objective: string;
  indicator: string | null;
  target: string | null;
  responsibleUnit: string | null;
}

/** The effective revision of a quality_objectives document. */
export interface ObjectivesInForce {
  agencyId: string;
  documentId: string;
  code: string;
  title: string;
  year: number;
  revisionId: string;
  number: number | null;
  effectiveAt: Date;
  objectives: ObjectiveLine[];
}

/** A procedure of the register as the announcement's scope and its changes name it. */
export interface ProcedureRef {
  documentId: string;
  code: string;
  title: string;
  tthcCode: string | null;
  /** The effective revision (procedures in force; null for a withdrawn one). */
  revisionId: string | null;
  /** When its first revision took effect. */
  firstEffectiveAt: Date | null;
  withdrawnAt: Date | null;
}

export interface ScopeChanges {
  added: ProcedureRef[];
  withdrawn: ProcedureRef[];
}

/** A document in force past its periodic review date. */
export interface ReviewDue {
  documentId: string;
  code: string;
  title: string;
  type: string;
  dueOn: string;
}

interface ObjectivesRow {
  agency_id: string;
  document_id: string;
  code: string;
  title: string;
  year: number;
  revision_id: string;
  number: number | null;
  effective_at: Date;
  content: { objectives?: { no: number; objective: string; indicator?: string; target?: string; responsibleUnit?: string }[] };
}

interface ProcedureRow {
  agency_id: string;
  document_id: string;
  code: string;
  title: string;
  tthc_code: string | null;
  revision_id: string | null;
  first_effective_at: Date | null;
  withdrawn_at: Date | null;
}

const toProcedure = (r: ProcedureRow): ProcedureRef => ({
  documentId: r.document_id,
  code: r.code,
  title: r.title,
  tthcCode: r.tthc_code,
  revisionId: r.revision_id,
  firstEffectiveAt: r.first_effective_at,
  withdrawnAt: r.withdrawn_at,
});

/**
 * What the register tells other modules about an agency's documents without them reading its tables:
 * the quality objectives in force, the procedures in force and how the set changed since an instant
 * (the announcement of conformity's scope), and the documents overdue for their periodic review. Every
 * method answers for many agencies in one query where its callers need that (agency figures).
 */
@Injectable()
export class DocumentRegister {
  constructor(private readonly db: Database) {}

  /** The effective revisions of the (not withdrawn) quality_objectives documents of `year` of these agencies. */
  async objectivesInForce(agencyIds: readonly string[], year: number): Promise<ObjectivesInForce[]> {
    if (!agencyIds.length) return [];
    const rows = await this.db.query<ObjectivesRow[]>(
      `SELECT d.agency_id, d.id AS document_id, d.code, d.title, d.year, r.id AS revision_id, r.number, r.effective_at, r.content
         FROM documents d JOIN revisions r ON r.document_id = d.id AND r.state = 'effective'
        WHERE d.agency_id = ANY($1::uuid[]) AND d.type = 'quality_objectives' AND d.withdrawn_at IS NULL AND d.year = $2
        ORDER BY d.agency_id, d.code_key`,
      [[...agencyIds], year],
    );
    return rows.map((r) => this.objectivesOf(r));
  }

  /** The effective revision of one quality_objectives document (null: not such a document, withdrawn, or none in force). */
  async objectivesOfDocument(documentId: string): Promise<ObjectivesInForce | null> {
    const [row] = await this.db.query<ObjectivesRow[]>(
      `SELECT d.agency_id, d.id AS document_id, d.code, d.title, d.year, r.id AS revision_id, r.number, r.effective_at, r.content
         FROM documents d JOIN revisions r ON r.document_id = d.id AND r.state = 'effective'
        WHERE d.id = $1 AND d.type = 'quality_objectives' AND d.withdrawn_at IS NULL`,
      [documentId],
    );
    return row ? this.objectivesOf(row) : null;
  }

  private objectivesOf(r: ObjectivesRow): ObjectivesInForce {
    return {
      agencyId: r.agency_id,
      documentId: r.document_id,
      code: r.code,
      title: r.title,
      year: Number(r.year),
      revisionId: r.revision_id,
      number: r.number === null ? null : Number(r.number),
      effectiveAt: r.effective_at,
      objectives: (r.content.objectives ?? []).map((o) => ({
        no: Number(o.no),
        objective: o.objective,
        indicator: o.indicator ?? null,
        target: o.target ?? null,
        responsibleUnit: o.responsibleUnit ?? null,
      })),
    };
  }

  /** The procedures of the agency in force now (an effective revision, not withdrawn), by code. */
  async proceduresInForce(agencyId: string, documentIds?: readonly string[]): Promise<ProcedureRef[]> {
    const rows = await this.db.query<ProcedureRow[]>(
      `SELECT d.agency_id, d.id AS document_id, d.code, d.title, d.tthc_code, r.id AS revision_id, d.withdrawn_at,
              (SELECT min(x.effective_at) FROM revisions x WHERE x.document_id = d.id) AS first_effective_at
         FROM documents d JOIN revisions r ON r.document_id = d.id AND r.state = 'effective'
        WHERE d.agency_id = $1 AND d.type = 'procedure' AND d.withdrawn_at IS NULL
          AND ($2::uuid[] IS NULL OR d.id = ANY($2::uuid[]))
        ORDER BY d.code_key`,
      [agencyId, documentIds ? [...documentIds] : null],
    );
    return rows.map(toProcedure);
  }

  /**
   * Per agency, the procedures whose first revision took effect after `since` and are still in force
   * (added), and those withdrawn after `since` that had been in force before it (withdrawn). One
   * query for every entry.
   */
  async proceduresChangedSince(entries: readonly { agencyId: string; since: Date }[]): Promise<Map<string, ScopeChanges>> {
    const out = new Map<string, ScopeChanges>(entries.map((e) => [e.agencyId, { added: [], withdrawn: [] }]));
    if (!entries.length) return out;
    const rows = await this.db.query<(ProcedureRow & { change: 'added' | 'withdrawn' })[]>(
      `WITH e AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) AS e(agency_id, since)),
            p AS (
              SELECT d.agency_id, d.id AS document_id, d.code, d.code_key, d.title, d.tthc_code, d.withdrawn_at, e.since,
                     (SELECT r.id FROM revisions r WHERE r.document_id = d.id AND r.state = 'effective') AS revision_id,
                     (SELECT min(x.effective_at) FROM revisions x WHERE x.document_id = d.id) AS first_effective_at
                FROM documents d JOIN e ON e.agency_id = d.agency_id
               WHERE d.type = 'procedure')
       SELECT agency_id, document_id, code, title, tthc_code, revision_id, first_effective_at, withdrawn_at,
              CASE WHEN withdrawn_at IS NULL THEN 'added' ELSE 'withdrawn' END AS change
         FROM p
        WHERE (withdrawn_at IS NULL AND revision_id IS NOT NULL AND first_effective_at > since)
           OR (withdrawn_at > since AND first_effective_at <= since)
        ORDER BY agency_id, code_key`,
      [entries.map((e) => e.agencyId), entries.map((e) => e.since)],
    );
    for (const r of rows) out.get(r.agency_id)?.[r.change].push(toProcedure(r));
    return out;
  }

  /** Documents in force of the agency whose periodic review date (effective + interval) is past `at`. */
  async overdueForReview(agencyId: string, at: Date = new Date()): Promise<ReviewDue[]> {
    const rows = await this.db.query<{ document_id: string; code: string; title: string; type: string; due_on: string }[]>(
      `SELECT d.id AS document_id, d.code, d.title, d.type,
              to_char((r.effective_at + make_interval(months => d.review_interval_months)) AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS due_on
         FROM documents d JOIN revisions r ON r.document_id = d.id AND r.state = 'effective'
        WHERE d.agency_id = $1 AND d.withdrawn_at IS NULL AND r.effective_at + make_interval(months => d.review_interval_months) <= $2
        ORDER BY due_on, d.code_key`,
      [agencyId, at],
    );
    return rows.map((r) => ({ documentId: r.document_id, code: r.code, title: r.title, type: r.type, dueOn: r.due_on }));
  }

  /** Of these revisions, the ones still open (draft, in review, pending approval, approved and waiting). */
  async openRevisionIds(revisionIds: readonly string[]): Promise<Set<string>> {
    if (!revisionIds.length) return new Set();
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM revisions WHERE id = ANY($1::uuid[]) AND state = ANY($2::text[])`, [[...revisionIds], [...OPEN_STATES]]);
    return new Set(rows.map((r) => r.id));
  }
}
