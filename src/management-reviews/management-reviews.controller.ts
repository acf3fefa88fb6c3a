import { Body, Controller, Get, Headers, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation, SESSION_CODES } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { RecordPaperResponses, RecordPapers } from '../record-papers/index.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import {
  ApproveManagementReviewRequest,
  CompleteDecisionRequest,
  CreateDecisionRequest,
  CreateManagementReviewRequest,
  DecisionView,
  ManagementReviewListQuery,
  ManagementReviewPage,
  ManagementReviewView,
  MinutesQuery,
  MinutesView,
  UpdateManagementReviewRequest,
} from './management-reviews.dto.js';
import { ManagementReviewsService, MINUTES_KIND } from './management-reviews.service.js';

@ApiTags('quality records')
@ApiBearerAuth()
@Controller('management-reviews')
export class ManagementReviewsController {
  constructor(
    private readonly reviews: ManagementReviewsService,
    private readonly papers: RecordPapers,
    private readonly agencies: AgenciesService,
  ) {}

  @Post()
  @Operation(
    'createManagementReview',
    'Open a management review (§9.3) with its inputs collected from the system',
    'The ISO secretary, a drafter or the head prepares it. The chair is the head or a deputy of the agency (422); the meeting date is in the review\'s year; ' +
      'one draft per agency at a time (409). The inputs — previous decisions, objectives, internal audits, nonconformities, legal changes, documents due ' +
      'for review, the announcement — are collected now and refreshed while the review is a draft.',
  )
  @ApiCreatedResponse({ type: ManagementReviewView })
  @ApiProblems(400, 401, 403, 404, 'management_review_draft_open', 'chair_not_approver')
  create(@CurrentUser() p: Principal, @Body() body: CreateManagementReviewRequest): Promise<ManagementReviewView> {
    return this.reviews.create(p, body);
  }

  @Get()
  @Operation('listManagementReviews', 'Management reviews of the agencies you may read, newest meeting first', 'Filter by `agencyId` and `year`.')
  @ApiOkResponse({ type: ManagementReviewPage })
  @ApiProblems(400, 401, 404)
  list(@CurrentUser() p: Principal, @Query() q: ManagementReviewListQuery): Promise<ManagementReviewPage> {
    return this.reviews.list(p, q);
  }

  @Get(':id')
  @Operation('getManagementReview', 'A management review with its inputs and decisions', 'A draft shows the inputs as the system has them now; an approved review the inputs it was approved with.')
  @ApiOkResponse({ type: ManagementReviewView, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems(401, 404)
  async get(@CurrentUser() p: Principal, @IdParam('id') id: string, @Res({ passthrough: true }) res: Response): Promise<ManagementReviewView> {
    const view = await this.reviews.get(p, id);
    res.setHeader('ETag', view.etag);
    return view;
  }

  @Patch(':id')
  @Operation('updateManagementReview', 'Edit a draft review: minutes, free-text inputs, date, attendees', 'Requires If-Match with the ETag (428, 412). Only while the review is a draft (409).')
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from GET /management-reviews/{id}.' })
  @ApiOkResponse({ type: ManagementReviewView, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403, 404, 'management_review_not_draft', 412, 428)
  async update(
    @CurrentUser() p: Principal,
    @IdParam('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateManagementReviewRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ManagementReviewView> {
    const view = await this.reviews.update(p, id, ifMatch, body);
    res.setHeader('ETag', view.etag);
    return view;
  }

  @Post(':id/decisions')
  @Operation('createManagementReviewDecision', 'Add a decision (§9.3.3 output) to a draft review', 'Improvement, change to the QMS or resources, with a responsible member of the agency (422) and a due date not in the past (422).')
  @ApiCreatedResponse({ type: DecisionView })
  @ApiProblems(400, 401, 403, 404, 'management_review_not_draft', 'responsible_not_member', 'due_date_past')
  addDecision(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: CreateDecisionRequest): Promise<DecisionView> {
    return this.reviews.addDecision(p, id, body);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Operation(
    'approveManagementReview',
    'Approve the review: the chair signs the minutes (→ approved)',
    'The chair only (403 `not_review_chair`), as head or as a deputy inside an active delegation ("KT."), re-authenticating with the password. ' +
      'The inputs are collected one last time and frozen with the review and its decisions; the responsible people are notified.',
  )
  @ApiOkResponse({ type: ManagementReviewView })
  @ApiProblems(400, ...SESSION_CODES, 'invalid_password', 403, 'approver_required', 'delegation_required', 'not_review_chair', 404, 'management_review_not_draft', 429)
  approve(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: ApproveManagementReviewRequest): Promise<ManagementReviewView> {
    return this.reviews.approve(p, id, body);
  }

  @Get(':id/minutes')
  @Operation('getManagementReviewMinutes', 'The minutes (biên bản họp xem xét của lãnh đạo) as JSON or PDF', 'The PDF is rendered by the queue in the controlled-copy layout: 200, or 202 with Retry-After.')
  @RecordPaperResponses({ filename: '"Biên bản họp xem xét của lãnh đạo năm <year>.pdf"', jsonType: MinutesView })
  @ApiProblems(400, 401, 404, 503)
  async minutes(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: MinutesQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    const review = await this.reviews.getStored(p, id);
    if (q.format === 'pdf') return this.papers.respond(req, res, MINUTES_KIND, id);
    const agency = await this.agencies.findById(review.agencyId);
    const body: MinutesView = { review, agencyName: agency?.name ?? '', pdf: await this.papers.status(MINUTES_KIND, id) };
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(body);
  }
}

@ApiTags('quality records')
@ApiBearerAuth()
@Controller('management-review-decisions')
export class ManagementReviewDecisionsController {
  constructor(private readonly reviews: ManagementReviewsService) {}

  @Post(':id/complete')
  @HttpCode(200)
  @Operation('completeManagementReviewDecision', 'Report a decision of an approved review done', 'The responsible person or the ISO secretary; once (409); only after the review is approved (409).')
  @ApiOkResponse({ type: DecisionView })
  @ApiProblems(400, 401, 'not_decision_responsible', 404, 'management_review_not_approved', 'decision_completed')
  complete(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: CompleteDecisionRequest): Promise<DecisionView> {
    return this.reviews.completeDecision(p, id, body);
  }
}


