import { Injectable } from '@nestjs/common';
import { AnnouncementsService } from '../announcements/announcements.service.js';
import { Database } from '../database/database.js';
import { DocumentRegister } from '../documents/document-register.js';
import { InternalAuditsService } from '../internal-audits/index.js';
import { LegalChangeSummaries } from '../legal-changes/legal-change-summaries.js';
import { NonconformitiesService } from '../nonconformities/index.js';
import { ObjectivesEvaluationService } from '../objectives-evaluation/objectives-evaluation.service.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import type { PreviousDecisionView, ReviewInputsView } from './management-reviews.dto.js';
import { decisionViewOf, DECISION_SQL, type DecisionRow } from './review-decisions.js';

/** The year of a review as an interval of instants: 1 January to 1 January in Vietnam (UTC+07:00). */
export function yearRange(year: number): { from: Date; to: Date } {
  return { from: new Date(Date.UTC(year, 0, 1) - 7 * 3600_000), to: new Date(Date.UTC(year + 1, 0, 1) - 7 * 3600_000) };
}

/**
 * The inputs of a management review (§9.3.2) as the system knows them now, each from its owner
 * module: the decisions of earlier reviews and their status, the objectives and their latest
 * evaluation, the year's internal audits and their findings by kind, the nonconformities, the legal
 * changes that reached the agency and their open drafts, the documents overdue for periodic review
 * and the announcement status.
 */
@Injectable()
export class ReviewInputs {
  constructor(
    private readonly db: Database,
    private readonly objectives: ObjectivesEvaluationService,
    private readonly audits: InternalAuditsService,
    private readonly nonconformities: NonconformitiesService,
    private readonly legalChanges: LegalChangeSummaries,
    private readonly register: DocumentRegister,
    private readonly announcements: AnnouncementsService,
    private readonly agencies: AgenciesService,
  ) {}

  async collect(review: { id: string | null; agencyId: string; year: number }, at: Date = new Date()): Promise<ReviewInputsView> {
    const range = yearRange(review.year);
    const upTo = { from: range.from, to: at < range.to ? at : range.to };
    // Sequential on purpose: inside a transaction every query shares one connection.
    const previous = await this.previousDecisions(review.agencyId, review.id);
    const units = await this.agencies.unitsOf(review.agencyId);
    const agency = await this.agencies.findById(review.agencyId);
    const names = new Map([[review.agencyId, agency?.name ?? ''], ...units.map((u) => [u.id, u.name] as [string, string])]);
    const objectives = await this.objectives.objectivesWithResults([review.agencyId, ...units.map((u) => u.id)], review.year);
    const audits = await this.audits.summaryForYear(review.agencyId, review.year);
    const ncs = await this.nonconformities.summary(review.agencyId, upTo);
    const legal = await this.legalChanges.forAgency(review.agencyId, upTo);
    const due = await this.register.overdueForReview(review.agencyId, at);
    const announcement = await this.announcements.statusOf(review.agencyId);
    const objectiveItems = objectives.map(({ inForce, latest }) => ({
      documentId: inForce.documentId,
      code: inForce.code,
      title: inForce.title,
      agencyName: names.get(inForce.agencyId) ?? '',
      scope: (inForce.agencyId === review.agencyId ? 'agency' : 'unit') as 'agency' | 'unit',
      total: inForce.objectives.length,
      latestEvaluation: latest ? { period: latest.period, achievedCount: latest.achieved_count, total: latest.total } : null,
    }));
    return {
      collectedAt: at.toISOString(),
      previousDecisions: previous,
      objectives: {
        count: objectiveItems.length,
        objectives: objectiveItems.reduce((n, o) => n + o.total, 0),
        met: objectiveItems.reduce((n, o) => n + (o.latestEvaluation?.achievedCount ?? 0), 0),
        items: objectiveItems,
      },
      audits: { count: audits.audits.length, held: audits.held, findings: audits.findings, items: audits.audits },
      nonconformities: { count: ncs.items.length, open: ncs.open, overdue: ncs.overdue, closed: ncs.closed, items: ncs.items },
      legalChanges: { count: legal.changes.length, openDrafts: legal.openDrafts, items: legal.changes },
      documentsDue: { count: due.length, items: due },
      announcement: {
        announced: announcement.latest !== null,
        decisionNumber: announcement.latest?.decisionNumber ?? null,
        signedOn: announcement.latest?.signedOn ?? null,
        kind: announcement.latest?.kind ?? null,
        scope: announcement.latest?.scope.length ?? 0,
        added: announcement.scopeChangedSince.added.length,
        withdrawn: announcement.scopeChangedSince.withdrawn.length,
        reannouncementDue: announcement.scopeChangedSince.reannouncementDue,
      },
    };
  }

  /** Every decision of the agency's latest approved review (other than `exceptId`), and every earlier decision still open. */
  private async previousDecisions(agencyId: string, exceptId: string | null): Promise<ReviewInputsView['previousDecisions']> {
    const [prev] = await this.db.query<{ id: string }[]>(
      `SELECT id FROM management_reviews WHERE agency_id = $1 AND state = 'approved' AND id IS DISTINCT FROM $2 ORDER BY held_on DESC, approved_at DESC LIMIT 1`,
      [agencyId, exceptId],
    );
    const rows = await this.db.query<(DecisionRow & { review_year: number; review_held_on: string })[]>(
      `${DECISION_SQL}
        WHERE r.agency_id = $1 AND r.state = 'approved' AND r.id IS DISTINCT FROM $2 AND (r.id = $3 OR c.decision_id IS NULL)
        ORDER BY r.held_on, d.no`,
      [agencyId, exceptId, prev?.id ?? null],
    );
    const items: PreviousDecisionView[] = rows.map((r) => ({ ...decisionViewOf(r), reviewYear: Number(r.review_year), reviewHeldOn: r.review_held_on }));
    return {
      count: items.length,
      open: items.filter((i) => i.status === 'open').length,
      overdue: items.filter((i) => i.overdue).length,
      previousReviewId: prev?.id ?? null,
      items,
    };
  }
}
