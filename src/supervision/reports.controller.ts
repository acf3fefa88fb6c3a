import { Body, Controller, Get, Headers, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { RecordPaperResponses, RecordPapers } from '../record-papers/index.js';
import { OverviewQuery, OverviewView } from './overview.dto.js';
import { sendOverviewCsv, sendOverviewXlsx } from './overview-export.js';
import { OverviewService } from './overview.service.js';
import { vnDate } from './reporting-periods.js';
import {
  OpenReportRequest,
  PeriodicReportFormatQuery,
  ReportingPeriodView,
  ReportList,
  ReportListQuery,
  ReportView,
  ReturnReportRequest,
  SubmitReportRequest,
  UpdateReportRequest,
  YearQuery,
} from './reports.dto.js';
import { REPORT_PAPER, ReportsService } from './reports.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly overviewService: OverviewService,
    private readonly papers: RecordPapers,
  ) {}

  @Get('reporting-periods')
  @Operation(
    'listReportingPeriods',
    'The reporting periods of a year with their due dates',
    'YYYY-H1 due 15/6, YYYY due 15/12, YYYY-Qn due the 20th of the quarter\'s last month: the defaults; a province sets its own with REPORT_DUE_HALF_YEAR, REPORT_DUE_YEAR and REPORT_DUE_QUARTER_DAY.',
  )
  @ApiOkResponse({ type: [ReportingPeriodView] })
  @ApiProblems(401)
  periods(@Query() q: YearQuery): ReportingPeriodView[] {
    return this.reports.periods(q.year ?? Number(vnDate(new Date()).slice(0, 4)));
  }

  @Post('agencies/:id/reports')
  @Operation('openReport', 'Open the periodic report of an agency for a period', 'head, deputy or ISO secretary of the agency; one per agency and period (409), once the period has started (422). The figures are computed from the system.')
  @ApiCreatedResponse({ type: ReportView, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems(401, 403, 404, 'report_exists', 'report_period_not_started')
  async open(@CurrentUser() p: Principal, @IdParam('id') agencyId: string, @Body() body: OpenReportRequest, @Res({ passthrough: true }) res: Response): Promise<ReportView> {
    const view = await this.reports.open(p, agencyId, body);
    res.setHeader('ETag', view.etag);
    res.setHeader('Location', `/api/v1/reports/${view.id}`);
    return view;
  }

  @Get('reports')
  @Operation('listReports', 'The periodic reports of an agency', 'Members with report.read and supervisors of an ancestor; 404 otherwise.')
  @ApiOkResponse({ type: ReportList })
  @ApiProblems(401, 403, 404)
  list(@CurrentUser() p: Principal, @Query() q: ReportListQuery): Promise<ReportList> {
    return this.reports.list(p, q.agencyId, q.year);
  }

  @Get('reports/:id')
  @Operation('getReport', 'A periodic report (JSON, or the PDF in the Decree 30 layout)', 'Figures are live while draft or returned and frozen once submitted; every submitted version is kept.')
  @RecordPaperResponses({ filename: '"Báo cáo HTQLCL <kỳ> - <cơ quan>.pdf"', jsonType: ReportView })
  @ApiProblems(401, 404, 'record_paper_failed')
  async get(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: PeriodicReportFormatQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (q.format === 'pdf') {
      await this.reports.visible(p, id);
      await this.papers.respond(req, res, REPORT_PAPER, id);
      return;
    }
    const view = await this.reports.get(p, id);
    res.setHeader('ETag', view.etag);
    res.status(200).json(view);
  }

  @Patch('reports/:id')
  @Operation('updateReport', 'Edit the free text of a report (results, difficulties, proposals) and its place', 'While draft or returned (409 once submitted); requires If-Match (428, 412).')
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from GET /reports/{id}.' })
  @ApiOkResponse({ type: ReportView, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems(401, 403, 404, 'report_not_editable', 412, 428)
  async update(
    @CurrentUser() p: Principal,
    @IdParam('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateReportRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportView> {
    const view = await this.reports.update(p, id, ifMatch, body);
    res.setHeader('ETag', view.etag);
    return view;
  }

  @Post('reports/:id/submit')
  @HttpCode(200)
  @Operation(
    'submitReport',
    'Sign and submit a report to the Sở KH&CN',
    'The head, or a deputy under an active delegation ("KT."), with the password. The figures are computed and frozen in a new version; `late` when submitted after dueOn (Vietnam time).',
  )
  @ApiOkResponse({ type: ReportView })
  @ApiProblems(401, 403, 404, 'invalid_password', 'delegation_required', 'approver_required', 'report_not_editable', 429)
  submit(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: SubmitReportRequest): Promise<ReportView> {
    return this.reports.submit(p, id, body.password);
  }

  @Post('reports/:id/return')
  @HttpCode(200)
  @Operation('returnReport', 'Return a submitted report with a comment', 'A supervisor of the agency or an ancestor; the submitted version keeps the comment; the agency edits and submits again (a new version).')
  @ApiOkResponse({ type: ReportView })
  @ApiProblems(401, 403, 404, 'report_not_submitted')
  returnReport(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: ReturnReportRequest): Promise<ReportView> {
    return this.reports.return(p, id, body.comment);
  }

  @Get('supervision/overview')
  @Operation(
    'getSupervisionOverview',
    'The province overview: one row per agency of the subtree, totals per level against the rollout targets',
    'Supervisors of the agency or an ancestor (403 for other members, 404 for strangers). format=csv (UTF-8 with BOM) or xlsx (streamed) carry the same rows.',
  )
  @ApiOkResponse({ type: OverviewView })
  @ApiProduces('application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiProblems(401, 403, 404)
  async overview(@CurrentUser() p: Principal, @Query() q: OverviewQuery, @Res() res: Response): Promise<void> {
    const o = await this.overviewService.overview(p, q.agencyId, q.year);
    if (q.format === 'csv') return sendOverviewCsv(res, o);
    if (q.format === 'xlsx') return sendOverviewXlsx(res, o);
    res.status(200).json(o);
  }
}
