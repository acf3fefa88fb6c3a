import { Body, Controller, Get, Headers, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation, SESSION_CODES } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import {
  AddCorrectiveActionRequest,
  CompleteCorrectiveActionRequest,
  CorrectiveActionView,
  CreateNonconformityRequest,
  NonconformityListQuery,
  NonconformityPage,
  NonconformityView,
  UpdateNonconformityRequest,
  VerifyNonconformityRequest,
} from './nonconformities.dto.js';
import { NonconformitiesService } from './nonconformities.service.js';

@ApiTags('nonconformities')
@ApiBearerAuth()
@Controller('nonconformities')
export class NonconformitiesController {
  constructor(private readonly ncs: NonconformitiesService) {}

  @Post()
  @Operation(
    'createNonconformity',
    'Raise a nonconformity (→ open)',
    'nonconformity.write on the agency (head, deputy, ISO secretary, drafter). Audit findings and inspection findings open theirs through their own operations.',
  )
  @ApiCreatedResponse({ type: NonconformityView })
  @ApiProblems(400, 401, 403, 404, 'document_not_in_agency')
  async create(@CurrentUser() p: Principal, @Body() body: CreateNonconformityRequest, @Res({ passthrough: true }) res: Response): Promise<NonconformityView> {
    const view = await this.ncs.create(p, body);
    res.setHeader('ETag', view.etag);
    return view;
  }

  @Get()
  @Operation('listNonconformities', 'The nonconformity register', 'Newest first; filters by agency, state, source, severity, document and overdue (an open corrective action past its due date).')
  @ApiOkResponse({ type: NonconformityPage })
  @ApiProblems(400, 401)
  list(@CurrentUser() p: Principal, @Query() q: NonconformityListQuery): Promise<NonconformityPage> {
    return this.ncs.list(p, q);
  }

  @Get(':id')
  @Operation('getNonconformity', 'A nonconformity with its corrective actions and verifications', 'nonconformity.read on its agency, or responsible for one of its actions.')
  @ApiOkResponse({ type: NonconformityView, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems(401, 404)
  async get(@CurrentUser() p: Principal, @IdParam('id') id: string, @Res({ passthrough: true }) res: Response): Promise<NonconformityView> {
    const view = await this.ncs.get(p, id);
    res.setHeader('ETag', view.etag);
    return view;
  }

  @Patch(':id')
  @Operation('updateNonconformity', 'State the correction and the root cause', 'Until closed; requires If-Match (428 when missing, 412 when stale). The root cause cannot be removed once actions are planned.')
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from GET /nonconformities/{id}.' })
  @ApiOkResponse({ type: NonconformityView, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403, 404, 'nonconformity_closed', 412, 428, 'root_cause_required')
  async update(
    @CurrentUser() p: Principal,
    @IdParam('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateNonconformityRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<NonconformityView> {
    const view = await this.ncs.update(p, id, ifMatch, body);
    res.setHeader('ETag', view.etag);
    return view;
  }

  @Post(':id/actions')
  @Operation(
    'addCorrectiveAction',
    'Plan a corrective action (→ action_planned)',
    'nonconformity.write. Needs the root cause (422 root_cause_required); the responsible person is an active member of the agency; the due date is today or later; ' +
      'a `documentId` names the document the action changes.',
  )
  @ApiCreatedResponse({ type: CorrectiveActionView })
  @ApiProblems(400, 401, 403, 404, 'nonconformity_closed', 'root_cause_required', 'responsible_not_member', 'due_date_past', 'document_not_in_agency')
  addAction(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: AddCorrectiveActionRequest): Promise<CorrectiveActionView> {
    return this.ncs.addAction(p, id, body);
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Operation(
    'verifyNonconformity',
    'Verify the effectiveness of the corrective actions (→ closed, or back to action_planned)',
    'An auditor or ISO secretary of the agency responsible for none of its actions (403 separation_of_duties), with the password; only when every action is complete. ' +
      'Closing the last open nonconformity of an internal audit closes the audit.',
  )
  @ApiOkResponse({ type: NonconformityView })
  @ApiProblems(...SESSION_CODES, 'invalid_password', 400, 403, 'separation_of_duties', 404, 'nonconformity_not_awaiting_verification', 429)
  verify(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: VerifyNonconformityRequest): Promise<NonconformityView> {
    return this.ncs.verify(p, id, body);
  }
}

@ApiTags('nonconformities')
@ApiBearerAuth()
@Controller('corrective-actions')
export class CorrectiveActionsController {
  constructor(private readonly ncs: NonconformitiesService) {}

  @Post(':id/complete')
  @HttpCode(200)
  @Operation(
    'completeCorrectiveAction',
    'Record that a corrective action is done',
    'The person responsible for it. An action naming a document completes only once a revision of that document approved after the action was raised is effective ' +
      '(422 action_document_not_revised, naming the document). When every action is complete the nonconformity awaits verification.',
  )
  @ApiOkResponse({ type: NonconformityView })
  @ApiProblems(400, 401, 'not_action_responsible', 404, 'action_complete', 'nonconformity_closed', 'action_document_not_revised')
  complete(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: CompleteCorrectiveActionRequest): Promise<NonconformityView> {
    return this.ncs.completeAction(p, id, body);
  }
}
