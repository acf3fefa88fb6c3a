import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser, Public } from '../identity/auth.decorators.js';
import { PublicDocumentsService } from '../public/public-documents.service.js';
import { AgencyObjectivesView, CreateEvaluationRequest, EvaluationList, EvaluationView, ObjectivesYearQuery, PublicObjectivesView } from './objectives-evaluation.dto.js';
import { currentYearVn, ObjectivesEvaluationService } from './objectives-evaluation.service.js';

@ApiTags('quality records')
@ApiBearerAuth()
@Controller('documents/:id/evaluations')
export class ObjectiveEvaluationsController {
  constructor(private readonly evaluations: ObjectivesEvaluationService) {}

  @Post()
  @Operation(
    'createObjectivesEvaluation',
    'Evaluate the quality objectives for a period',
    'The ISO secretary or the head. The document is `quality_objectives` with an effective revision; every objective of that revision gets one result ' +
      '(unknown numbers and missing objectives are 422), the period is of the objectives\' year, and each period is evaluated once (409; a correction names ' +
      'the evaluation it corrects with a reason). Recorded for good: the database refuses any change.',
  )
  @ApiCreatedResponse({ type: EvaluationView })
  @ApiProblems(400, 401, 403, 404, 'evaluation_exists', 'evaluation_already_corrected', 'objectives_not_in_force', 'objective_unknown', 'evaluation_incomplete', 'evaluation_period_invalid', 'evaluation_correction_invalid')
  create(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: CreateEvaluationRequest): Promise<EvaluationView> {
    return this.evaluations.record(p, id, body);
  }

  @Get()
  @Operation('listObjectivesEvaluations', 'Evaluations of a quality objectives document, newest first', 'Any reader of the agency\'s documents. A corrected evaluation is listed with `current: false`.')
  @ApiOkResponse({ type: EvaluationList })
  @ApiProblems(401, 404)
  list(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<EvaluationList> {
    return this.evaluations.list(p, id);
  }
}

@ApiTags('quality records')
@ApiBearerAuth()
@Controller('agencies/:id/objectives')
export class AgencyObjectivesController {
  constructor(private readonly evaluations: ObjectivesEvaluationService) {}

  @Get()
  @Operation(
    'getAgencyObjectives',
    "The agency's quality objectives in force for a year and its units', with their latest evaluation",
    "The agency's own objectives document, then those of its units (child agencies of level `unit`), each with the latest current evaluation and the year's result.",
  )
  @ApiOkResponse({ type: AgencyObjectivesView })
  @ApiProblems(400, 401, 404)
  get(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: ObjectivesYearQuery): Promise<AgencyObjectivesView> {
    return this.evaluations.agencyView(p, id, q.year);
  }
}

@ApiTags('public')
@Public()
@Controller('public/agencies/:agencyCode/objectives')
export class PublicObjectivesController {
  constructor(
    private readonly evaluations: ObjectivesEvaluationService,
    private readonly publicDocuments: PublicDocumentsService,
  ) {}

  @Get()
  @Operation(
    'getPublicObjectives',
    'The quality objectives in force and, once the year is evaluated, their results (no sign-in)',
    'What the agency posts publicly (niêm yết công khai): its objectives of the year and its units\'; `actual` and `achieved` appear once the whole year is evaluated.',
  )
  @ApiParam({ name: 'agencyCode', example: 'UBND-XA-TANLAP' })
  @ApiOkResponse({ type: PublicObjectivesView })
  @ApiProblems(400, 404, 429)
  async get(@Param('agencyCode') agencyCode: string, @Query() q: ObjectivesYearQuery): Promise<PublicObjectivesView> {
    await this.publicDocuments.limitRate();
    const agency = await this.publicDocuments.agency(agencyCode);
    return this.evaluations.publicView(agency, q.year ?? currentYearVn());
  }
}
