import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { AcknowledgementsView, AcknowledgementView, DistributionRequest, DistributionView } from './distribution.dto.js';
import { DistributionService } from './distribution.service.js';

@ApiTags('distribution')
@ApiBearerAuth()
@Controller()
export class DistributionController {
  constructor(private readonly distribution: DistributionService) {}

  @Get('documents/:id/distribution')
  @Operation('getDistribution', 'Who must read a document')
  @ApiOkResponse({ type: DistributionView })
  @ApiProblems(401, 404)
  get(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<DistributionView> {
    return this.distribution.get(p, id);
  }

  @Put('documents/:id/distribution')
  @Operation(
    'setDistribution',
    'Set who must read a document',
    "The agency's ISO secretary. Members holding one of `roles` in one of `agencyIds` (the document's agency or agencies below it) are asked to read each revision that takes effect; " +
      'the revision in force asks the newly included at once.',
  )
  @ApiOkResponse({ type: DistributionView })
  @ApiProblems(400, 401, 403, 404, 409, 'distribution_invalid')
  set(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: DistributionRequest): Promise<DistributionView> {
    return this.distribution.set(p, id, body);
  }

  @Post('revisions/:id/acknowledge')
  @HttpCode(201)
  @Operation('acknowledgeRevision', 'Confirm having read the revision in force', 'Any reader of the revision; once per user and revision (409 already_acknowledged); only the revision in force (409 revision_not_in_force).')
  @ApiCreatedResponse({ type: AcknowledgementView })
  @ApiProblems(401, 404, 'revision_not_in_force', 'already_acknowledged')
  acknowledge(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<AcknowledgementView> {
    return this.distribution.acknowledge(p, id);
  }

  @Get('revisions/:id/acknowledgements')
  @Operation('listAcknowledgements', 'Who acknowledged a revision and who is missing', 'Those who may read drafts and history (ISO secretary, head, deputy, drafter, auditor, supervisors).')
  @ApiOkResponse({ type: AcknowledgementsView })
  @ApiProblems(401, 403, 404)
  list(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<AcknowledgementsView> {
    return this.distribution.acknowledgements(p, id);
  }
}
