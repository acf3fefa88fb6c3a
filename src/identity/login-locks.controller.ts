import { Controller, Delete, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { CurrentUser } from './auth.decorators.js';
import { LoginLockList, LoginLockQuery, LoginLocksCleared } from './identity.dto.js';
import { LoginLocksService } from './login-locks.service.js';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('admin/login-locks')
export class LoginLocksController {
  constructor(private readonly locks: LoginLocksService) {}

  @Get()
  @Operation(
    'listLoginLocks',
    'Sign-in and re-confirmation throttles: failures counted and locks (system administrator)',
    'Filter by username and/or client address; locked ones first, at most 500.',
  )
  @ApiOkResponse({ type: LoginLockList })
  @ApiProblems(401, 403)
  async list(@CurrentUser() p: Principal, @Query() q: LoginLockQuery): Promise<LoginLockList> {
    return { items: await this.locks.list(p, q) };
  }

  @Delete()
  @Operation(
    'clearLoginLocks',
    'Clear the failures and locks of a username and/or a client address (system administrator)',
    'A username clears its sign-in counters from every address (or from `address` only) and its password re-confirmation lock; an address alone clears ' +
      'its own counter and its per-username ones. Recorded as the audit event auth.locks_cleared.',
  )
  @ApiOkResponse({ type: LoginLocksCleared })
  @ApiProblems(401, 403)
  async clear(@CurrentUser() p: Principal, @Query() q: LoginLockQuery): Promise<LoginLocksCleared> {
    return { cleared: await this.locks.clear(p, q) };
  }
}
