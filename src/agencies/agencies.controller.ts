import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { PageQuery, pageLimit } from '../common/pagination.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import {
  AgencyListQuery,
  AgencyPage,
  AgencyView,
  CreateAgencyRequest,
  CreateDelegationRequest,
  DelegationList,
  DelegationView,
  MemberPage,
  MemberView,
  SetMemberRolesRequest,
  UpdateAgencyRequest,
} from './agencies.dto.js';
import { AgenciesService } from './agencies.service.js';

@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Post()
  @Operation('createAgency', 'Create an agency', 'Top-level provinces: system administrator. Below: administrators of the parent agency. Levels must fit the hierarchy.')
  @ApiCreatedResponse({ type: AgencyView })
  @ApiProblems(401, 403, 404, 409, 422)
  create(@CurrentUser() p: Principal, @Body() body: CreateAgencyRequest): Promise<AgencyView> {
    return this.agencies.create(p, body);
  }

  @Get()
  @Operation('listAgencies', 'Agencies you can see (members: theirs; supervisors: their subtree)')
  @ApiOkResponse({ type: AgencyPage })
  @ApiProblems(401)
  list(@CurrentUser() p: Principal, @Query() q: AgencyListQuery): Promise<AgencyPage> {
    return this.agencies.list(p, q);
  }

  @Get(':id')
  @Operation('getAgency', 'An agency')
  @ApiOkResponse({ type: AgencyView })
  @ApiProblems(401, 404)
  get(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<AgencyView> {
    return this.agencies.get(p, id);
  }

  @Patch(':id')
  @Operation('updateAgency', 'Rename, recode or move an agency', 'Moving (parentId) is for the system administrator; a move under its own subtree is refused (422).')
  @ApiOkResponse({ type: AgencyView })
  @ApiProblems(401, 403, 404, 409, 422)
  update(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: UpdateAgencyRequest): Promise<AgencyView> {
    return this.agencies.update(p, id, body);
  }

  @Get(':id/members')
  @Operation('listMembers', 'Members of an agency with their roles')
  @ApiOkResponse({ type: MemberPage })
  @ApiProblems(401, 404)
  members(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: PageQuery): Promise<MemberPage> {
    return this.agencies.listMembers(p, id, pageLimit(q), q.cursor);
  }

  @Put(':id/members/:userId')
  @Operation('setMemberRoles', "Set a user's roles in an agency (creates the membership if needed)")
  @ApiOkResponse({ type: MemberView, description: 'Roles replaced' })
  @ApiCreatedResponse({ type: MemberView, description: 'Membership created' })
  @ApiProblems(401, 403, 404, 422)
  async setMember(
    @CurrentUser() p: Principal,
    @IdParam('id') id: string,
    @IdParam('userId') userId: string,
    @Body() body: SetMemberRolesRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MemberView> {
    const { member, created } = await this.agencies.setMemberRoles(p, id, userId, body.roles);
    res.status(created ? 201 : 200);
    return member;
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @Operation('removeMember', 'Remove a user from an agency')
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(401, 403, 404)
  removeMember(@CurrentUser() p: Principal, @IdParam('id') id: string, @IdParam('userId') userId: string): Promise<void> {
    return this.agencies.removeMember(p, id, userId);
  }

  @Post(':id/delegations')
  @Operation('createDelegation', 'Delegate the head\'s approval to a deputy ("KT.") for a time window')
  @ApiCreatedResponse({ type: DelegationView })
  @ApiProblems(401, 403, 404, 422)
  createDelegation(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: CreateDelegationRequest): Promise<DelegationView> {
    return this.agencies.createDelegation(p, id, body);
  }

  @Get(':id/delegations')
  @Operation('listDelegations', "An agency's delegations, newest first")
  @ApiOkResponse({ type: DelegationList })
  @ApiProblems(401, 404)
  async listDelegations(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<DelegationList> {
    return { items: await this.agencies.listDelegations(p, id) };
  }

  @Delete(':id/delegations/:delegationId')
  @Operation('revokeDelegation', 'Revoke a delegation (the head who gave it, or an agency administrator)')
  @ApiOkResponse({ type: DelegationView })
  @ApiProblems(401, 403, 404, 409)
  revokeDelegation(@CurrentUser() p: Principal, @IdParam('id') id: string, @IdParam('delegationId') delegationId: string): Promise<DelegationView> {
    return this.agencies.revokeDelegation(p, id, delegationId);
  }
}
