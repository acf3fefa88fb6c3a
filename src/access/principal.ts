import type { Role } from './roles.js';

/** A membership as the access layer sees it: the agency's path lets subtree roles reach descendants. */
export interface Grant {
  agencyId: string;
  agencyPath: string;
  roles: Role[];
}

/** The signed-in user of a request. Grants are loaded once per request by AccessService. */
export class Principal {
  grants?: Grant[];
  constructor(
    readonly id: string,
    readonly username: string,
    readonly fullName: string,
    readonly isAdmin: boolean,
    readonly sessionId: string,
  ) {}
}
