import type { Me, Role } from '../api/types';

/** What the signed-in user may see in the interface (the API decides what they may do). */
export function rolesIn(user: Me | null | undefined, agencyId: string): Role[] {
  return user?.memberships.find((x) => x.agencyId === agencyId)?.roles ?? [];
}

export function hasRole(user: Me | null | undefined, roles: readonly Role[], agencyId?: string): boolean {
  if (!user) return false;
  return user.memberships.some((x) => (!agencyId || x.agencyId === agencyId) && x.roles.some((r) => roles.includes(r)));
}

/** Agencies where the user holds one of the roles. */
export function agenciesWith(user: Me | null | undefined, roles: readonly Role[]) {
  return (user?.memberships ?? []).filter((x) => x.roles.some((r) => roles.includes(r)));
}

export const DRAFTING_ROLES: readonly Role[] = ['drafter', 'iso_secretary'];
export const DRAFT_READERS: readonly Role[] = ['drafter', 'iso_secretary', 'head', 'deputy', 'auditor', 'supervisor'];
export const AUDIT_READERS: readonly Role[] = ['drafter', 'iso_secretary', 'head', 'deputy', 'auditor', 'supervisor'];
export const APPROVERS: readonly Role[] = ['head', 'deputy'];

export function isAdmin(user: Me | null | undefined): boolean {
  return !!user?.isAdmin;
}

/** Legal registry writers: the system administrator and supervisors. */
export function mayWriteLegal(user: Me | null | undefined): boolean {
  return isAdmin(user) || hasRole(user, ['supervisor']);
}
