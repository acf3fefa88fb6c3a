import { Injectable } from '@nestjs/common';
import type { Signer } from '../approval/approval-rights.js';
import { Errors } from '../common/errors.js';
import { People } from '../identity/people.js';
import type { SigningRole } from './sign-off.entity.js';

/**
 * The people of the workflow: who signs in which capacity, and who checks next (the agency's ISO
 * secretaries). Who may approve is ApprovalRights' (src/approval), for the approval itself, the
 * work list and the notices alike. Who someone is and what roles they hold is the People
 * directory's (src/identity/people.ts).
 */
@Injectable()
export class WorkflowPeople {
  constructor(private readonly people: People) {}

  async signer(userId: string): Promise<Signer> {
    const person = await this.people.person(userId);
    if (!person) throw Errors.notFound('User');
    return { id: person.id, fullName: person.fullName, title: person.title };
  }

  /** The role a drafted sign-off carries: drafter when the author holds it, else iso_secretary. */
  async drafterRole(userId: string, agencyId: string): Promise<SigningRole> {
    const roles = await this.people.rolesOf(userId, agencyId);
    return !roles.includes('drafter') && roles.includes('iso_secretary') ? 'iso_secretary' : 'drafter';
  }

  /** Active members of the agency holding the ISO secretary role. */
  async secretaries(agencyId: string): Promise<string[]> {
    return this.people.members(agencyId, ['iso_secretary']);
  }
}
