import { Global, Injectable, Module } from '@nestjs/common';
import { Database } from '../database/database.js';

/**
 * SQL: every user as other modules may see them — columns `id`, `full_name`, `title`, `email`,
 * `is_active` (never the password hash nor the sign-in state). For a module that lists its own rows
 * with their people's names in one statement: `JOIN (${peopleSql()}) u ON u.id = x.user_id` (a LEFT
 * JOIN for an optional person). PostgreSQL flattens the subquery: the plan is the plain join's.
 */
export function peopleSql(): string {
  return `SELECT u.id, u.full_name, u.title, u.email, u.is_active FROM users u`;
}

/**
 * SQL: the memberships of active users — columns `agency_id`, `user_id`, `roles` (text[]) — for a
 * module that picks people by role in one statement (e.g. an INSERT … SELECT of read requests):
 * `JOIN (${activeMembershipsSql()}) m ON m.agency_id = ANY(d.agency_ids) AND m.roles && d.roles`.
 */
export function activeMembershipsSql(): string {
  return `SELECT m.agency_id, m.user_id, m.roles FROM memberships m JOIN users u ON u.id = m.user_id AND u.is_active`;
}

/** A person as others show them (a signature, a list of names, a notice's address). */
export interface Person {
  id: string;
  fullName: string;
  title: string | null;
  email: string | null;
  isActive: boolean;
}

/**
 * The directory of people, for every module that must know who someone is or who holds a role:
 * names and titles, the members of an agency by role (active users only), the holders of a role on
 * an agency or above it, the roles of a user in an agency. The tables (users, memberships) belong to
 * the identity and agencies modules; other modules call these methods, or, when their own query must
 * join people in one statement, use `peopleSql` / `activeMembershipsSql` (see docs/ARCHITECTURE.md,
 * "Database"). Every method reads in batches: one query whatever the number of people.
 */
@Injectable()
export class People {
  constructor(private readonly db: Database) {}

  /** The person of this id, or null. */
  async person(userId: string): Promise<Person | null> {
    return (await this.persons([userId])).get(userId) ?? null;
  }

  /** The persons of these ids (unknown ids are absent), active or not. */
  async persons(userIds: readonly string[]): Promise<Map<string, Person>> {
    const ids = [...new Set(userIds.filter(Boolean))];
    if (!ids.length) return new Map();
    const rows = await this.db.query<{ id: string; full_name: string; title: string | null; email: string | null; is_active: boolean }[]>(
      `${peopleSql()} WHERE u.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, fullName: r.full_name, title: r.title, email: r.email, isActive: r.is_active }]));
  }

  /** Active members of the agency holding any of `roles`, by id. */
  async members(agencyId: string, roles: readonly string[]): Promise<string[]> {
    return (await this.membersOf([agencyId], roles)).get(agencyId) ?? [];
  }

  /** Active members of each of these agencies holding any of `roles`, by id (agencies without any are absent). */
  async membersOf(agencyIds: readonly string[], roles: readonly string[]): Promise<Map<string, string[]>> {
    if (!agencyIds.length || !roles.length) return new Map();
    const rows = await this.db.query<{ agency_id: string; user_ids: string[] }[]>(
      `SELECT m.agency_id, array_agg(m.user_id ORDER BY m.user_id) AS user_ids FROM (${activeMembershipsSql()}) m
        WHERE m.agency_id = ANY($1::uuid[]) AND m.roles && $2::text[]
        GROUP BY m.agency_id`,
      [[...agencyIds], [...roles]],
    );
    return new Map(rows.map((r) => [r.agency_id, r.user_ids]));
  }

  /** Active users holding `role` on the agency itself or on one of its ancestors (e.g. the supervisors who oversee it), by id. */
  async holdersOver(agencyId: string, role: string): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }[]>(
      `SELECT DISTINCT m.user_id FROM agencies t
         JOIN agencies a ON t.path LIKE a.path || '%'
         JOIN (${activeMembershipsSql()}) m ON m.agency_id = a.id AND $2 = ANY (m.roles)
        WHERE t.id = $1 ORDER BY m.user_id`,
      [agencyId, role],
    );
    return rows.map((r) => r.user_id);
  }

  /** Of these users, the active ones holding `role` on the agency or one of its ancestors (e.g. who may inspect it). */
  async holdersOverAmong(agencyId: string, role: string, userIds: readonly string[]): Promise<Person[]> {
    if (!userIds.length) return [];
    const rows = await this.db.query<{ id: string; full_name: string; title: string | null; email: string | null; is_active: boolean }[]>(
      `${peopleSql()}
        WHERE u.id = ANY($3::uuid[]) AND u.is_active
          AND EXISTS (SELECT 1 FROM memberships m JOIN agencies anc ON anc.id = m.agency_id JOIN agencies t ON t.id = $1
                       WHERE m.user_id = u.id AND $2 = ANY (m.roles) AND t.path LIKE anc.path || '%')`,
      [agencyId, role, [...userIds]],
    );
    return rows.map((r) => ({ id: r.id, fullName: r.full_name, title: r.title, email: r.email, isActive: r.is_active }));
  }

  /** Of these users, the ones who are members of the agency (any role, active or not). */
  async memberIds(agencyId: string, userIds: readonly string[]): Promise<string[]> {
    return [...(await this.rolesIn(agencyId, userIds)).keys()];
  }

  /** The roles each of these users holds in the agency itself (users without a membership are absent; active or not). */
  async rolesIn(agencyId: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
    if (!userIds.length) return new Map();
    const rows = await this.db.query<{ user_id: string; roles: string[] }[]>(`SELECT user_id, roles FROM memberships WHERE agency_id = $1 AND user_id = ANY($2::uuid[])`, [
      agencyId,
      userIds.map((u) => u.toLowerCase()),
    ]);
    return new Map(rows.map((r) => [r.user_id, r.roles]));
  }

  /** The roles the user holds in the agency itself (none without a membership). */
  async rolesOf(userId: string, agencyId: string): Promise<string[]> {
    return (await this.rolesIn(agencyId, [userId])).get(userId.toLowerCase()) ?? [];
  }
}

/** The People directory, for every module (global like AccessModule); IdentityModule imports and exports it. */
@Global()
@Module({ providers: [People], exports: [People] })
export class PeopleModule {}
