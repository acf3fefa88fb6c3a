import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/** Who hears about reports and inspections: the agency's leaders and secretaries, and the supervisors above it. */
@Injectable()
export class SupervisionPeople {
  constructor(private readonly db: Database) {}

  /** Active members of the agency holding any of `roles`. */
  async members(agencyId: string, roles: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(
      `SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.agency_id = $1 AND m.roles && $2::text[] AND u.is_active ORDER BY m.user_id`,
      [agencyId, [...roles]],
    );
    return rows.map((r) => r.user_id);
  }

  /** Active supervisors of the agency's ancestors (and of the agency itself). */
  async supervisorsOf(agencyId: string): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(
      `SELECT DISTINCT m.user_id FROM agencies a
         JOIN agencies anc ON a.path LIKE anc.path || '%'
         JOIN memberships m ON m.agency_id = anc.id AND 'supervisor' = ANY(m.roles)
         JOIN users u ON u.id = m.user_id AND u.is_active
        WHERE a.id = $1 ORDER BY m.user_id`,
      [agencyId],
    );
    return rows.map((r) => r.user_id);
  }

  async signer(userId: string): Promise<{ fullName: string; title: string | null }> {
    const [row] = await this.db.query<{ full_name: string; title: string | null }[]>('SELECT full_name, title FROM users WHERE id = $1', [userId]);
    return { fullName: row?.full_name ?? '', title: row?.title ?? null };
  }
}
