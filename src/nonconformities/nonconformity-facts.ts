import { Injectable } from '@nestjs/common';
import { AgencyFactsProvider, type AgencyFactsSource, type FactKey, type FactValue, type FactsPeriod } from '../agency-facts/index.js';
import { Database } from '../database/database.js';

/**
 * The nonconformity figures of every agency for a period, in one query: open at its end, closed in
 * it, and — as of its end, or now for a period not over — nonconformities with an overdue action and
 * the overdue actions themselves (open after their due date, Vietnam time).
 */
@Injectable()
@AgencyFactsProvider()
export class NonconformityFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['nonconformitiesOpen', 'nonconformitiesClosed', 'nonconformitiesOverdue', 'actionsOverdue'];

  constructor(private readonly db: Database) {}

  async figures(agencyIds: readonly string[], period: FactsPeriod): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    // The late actions are counted per nonconformity once, then joined: never a scan of them per
    // nonconformity or per agency.
    const rows = await this.db.query<{ agency_id: string; open: number; closed: number; overdue: number; actions: number }[]>(
      `WITH ref AS (SELECT least($3::timestamptz, now()) AS at, (least($3::timestamptz, now()) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day),
            late AS (
              SELECT a.nonconformity_id, count(*)::int AS actions
                FROM corrective_actions a, ref
               WHERE a.agency_id = ANY($1::uuid[]) AND a.created_at < ref.at AND a.due_on < ref.day
                 AND (a.completed_at IS NULL OR a.completed_at >= ref.at)
               GROUP BY a.nonconformity_id)
       SELECT n.agency_id,
              count(*) FILTER (WHERE n.created_at < $3 AND (n.closed_at IS NULL OR n.closed_at >= $3))::int AS open,
              count(*) FILTER (WHERE n.closed_at >= $2 AND n.closed_at < $3)::int AS closed,
              count(*) FILTER (WHERE (n.closed_at IS NULL OR n.closed_at >= ref.at) AND l.actions IS NOT NULL)::int AS overdue,
              coalesce(sum(l.actions), 0)::int AS actions
         FROM nonconformities n CROSS JOIN ref LEFT JOIN late l ON l.nonconformity_id = n.id
        WHERE n.agency_id = ANY($1::uuid[])
        GROUP BY n.agency_id`,
      [[...agencyIds], period.from, period.to],
    );
    return new Map(rows.map((r) => [r.agency_id, { nonconformitiesOpen: r.open, nonconformitiesClosed: r.closed, nonconformitiesOverdue: r.overdue, actionsOverdue: r.actions }]));
  }
}
