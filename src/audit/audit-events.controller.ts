import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { AuditChainService } from './audit-chain.service.js';
import { AllChainsVerification, AuditEventPage, AuditEventQuery, ChainVerification, VerifyChainQuery } from './audit-events.dto.js';
import { AuditEventsService } from './audit-events.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-events')
export class AuditEventsController {
  constructor(
    private readonly events: AuditEventsService,
    private readonly chains: AuditChainService,
  ) {}

  @Get()
  @Operation(
    'listAuditEvents',
    'The audit trail you may read, filtered by agency, entity, actor, action and time',
    'Holders of audit.read see their agencies\' events (supervisors: their subtree), drafts included; the system administrator also ' +
      'sees system events (logins, user accounts). Keyset-paginated by (occurredAt, id), newest first unless order=asc; `from` and `to` are inclusive. ' +
      'An agencyId outside your scope is 404; an agency where your roles do not include audit.read is 403; without any audit scope the list is empty.',
  )
  @ApiOkResponse({ type: AuditEventPage })
  @ApiProblems(401, 403, 404)
  list(@CurrentUser() p: Principal, @Query() q: AuditEventQuery): Promise<AuditEventPage> {
    return this.events.list(p, q);
  }

  @Get('verify')
  @Operation(
    'verifyAuditChain',
    'Recompute an agency\'s audit hash chain and report the first broken link',
    'Checks every event of the chain: its hash against its content, its prevHash against the previous event\'s hash, and that no seq is missing. ' +
      'Needs audit.read on the agency; the system administrator may verify any chain, and the system chain by omitting agencyId. ' +
      'Removal of the newest events cannot be seen from inside the chain: keep headSeq/headHash elsewhere and compare.',
  )
  @ApiOkResponse({ type: ChainVerification })
  @ApiProblems(401, 403, 404)
  verify(@CurrentUser() p: Principal, @Query() q: VerifyChainQuery): Promise<ChainVerification> {
    return this.chains.verify(p, q.agencyId?.toLowerCase());
  }

  @Get('verify-all')
  @Operation(
    'verifyAllAuditChains',
    'Recompute every audit hash chain (system administrator)',
    'One pass over all events (about a million per second); reports the first broken event of every broken chain.',
  )
  @ApiOkResponse({ type: AllChainsVerification })
  @ApiProblems(401, 403)
  verifyAll(@CurrentUser() p: Principal): Promise<AllChainsVerification> {
    return this.chains.verifyAll(p);
  }
}
