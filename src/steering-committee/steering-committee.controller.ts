import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { SetSteeringCommitteeRequest, SteeringCommitteeAnswer, SteeringCommitteeHistoryQuery, SteeringCommitteeView } from './steering-committee.dto.js';
import { SteeringCommitteeService } from './steering-committee.service.js';

@ApiTags('quality records')
@ApiBearerAuth()
@Controller('agencies/:id/steering-committee')
export class SteeringCommitteeController {
  constructor(private readonly committees: SteeringCommitteeService) {}

  @Put()
  @Operation(
    'setSteeringCommittee',
    'Record a new composition of the ISO steering committee (kiện toàn Ban chỉ đạo ISO)',
    'The ISO secretary or the head. From a decision (Decree 30 number of a quyết định, signing date not in the future), with exactly one head; a member linked ' +
      'to a user is a member of the agency (422). The previous composition is kept in the history, unchanged.',
  )
  @ApiOkResponse({ type: SteeringCommitteeView })
  @ApiProblems(400, 401, 403, 404, 'member_required')
  set(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: SetSteeringCommitteeRequest): Promise<SteeringCommitteeView> {
    return this.committees.set(p, id, body);
  }

  @Get()
  @Operation('getSteeringCommittee', 'The steering committee in force (and with ?history=true the earlier compositions)', 'Any reader of the agency.')
  @ApiOkResponse({ type: SteeringCommitteeAnswer })
  @ApiProblems(400, 401, 404)
  get(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: SteeringCommitteeHistoryQuery): Promise<SteeringCommitteeAnswer> {
    return this.committees.get(p, id, q.history === 'true');
  }
}
