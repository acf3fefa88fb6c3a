import { Injectable } from '@nestjs/common';
import { AgencyFactsProvider, AgencyFactsSource, FactsPeriod } from '../agency-facts/agency-facts-source.js';
import type { FactKey, FactValue } from '../agency-facts/fact-keys.js';
import { Database } from '../database/database.js';
import { AnnouncementsService } from './announcements.service.js';

/**
 * The announcement figures of every agency asked: announced by the end of the period and the date of
 * the latest announcement (one query), and whether a re-announcement is due now (scopeChangesOf:
 * one query for the last announcements, one for the register's changes — only when it is wanted).
 */
@Injectable()
@AgencyFactsProvider()
export class AnnouncementFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['announced', 'announcedOn', 'reannouncementDue'];

  constructor(
    private readonly db: Database,
    private readonly announcements: AnnouncementsService,
  ) {}

  async figures(agencyIds: readonly string[], period: FactsPeriod, wanted?: ReadonlySet<FactKey>): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    const out = new Map<string, Partial<Record<FactKey, FactValue>>>();
    if (!agencyIds.length) return out;
    const rows = await this.db.query<{ agency_id: string; announced_on: string }[]>(
      `SELECT DISTINCT ON (agency_id) agency_id, to_char(signed_on, 'YYYY-MM-DD') AS announced_on
         FROM announcements WHERE agency_id = ANY($1::uuid[]) AND signed_at < $2
        ORDER BY agency_id, signed_at DESC, id DESC`,
      [[...agencyIds], period.to],
    );
    for (const r of rows) out.set(r.agency_id, { announced: 1, announcedOn: r.announced_on, reannouncementDue: 0 });
    if (wanted && !wanted.has('reannouncementDue')) return out;
    const due = await this.announcements.scopeChangesOf(rows.map((r) => r.agency_id));
    for (const [agencyId, s] of due) out.get(agencyId)!.reannouncementDue = s.reannouncementDue ? 1 : 0;
    return out;
  }
}
