import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation, SESSION_CODES } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { RecordPaperResponses, RecordPapers } from '../record-papers/index.js';
import {
  AddFindingRequest,
  ApproveInternalAuditRequest,
  AuditReportView,
  CreateInternalAuditRequest,
  FindingView,
  InternalAuditListQuery,
  InternalAuditPage,
  InternalAuditView,
  ReportFormatQuery,
  ReportInternalAuditRequest,
} from './internal-audits.dto.js';
import { AUDIT_REPORT_PAPER, InternalAuditsService } from './internal-audits.service.js';
import { FINDING_KINDS } from './internal-audit-types.js';

@ApiTags('internal-audits')
@ApiBearerAuth()
@Controller('internal-audits')
export class InternalAuditsController {
  constructor(
    private readonly audits: InternalAuditsService,
    private readonly papers: RecordPapers,
  ) {}

  @Post()
  @Operation(
    'createInternalAudit',
    'Plan an internal audit (→ planned)',
    'internal_audit.plan on the agency (ISO secretary, auditor). Every auditor, the lead included, holds the auditor role in the agency or an agency above it (422 auditor_not_qualified); ' +
      'the scope names documents of the agency.',
  )
  @ApiCreatedResponse({ type: InternalAuditView })
  @ApiProblems(400, 401, 403, 404, 'auditor_not_qualified', 'document_not_in_agency')
  create(@CurrentUser() p: Principal, @Body() body: CreateInternalAuditRequest): Promise<InternalAuditView> {
    return this.audits.create(p, body);
  }

  @Get()
  @Operation('listInternalAudits', 'Internal audits', 'Newest first; the agencies where the caller reads audits, and the audits the caller is an auditor of.')
  @ApiOkResponse({ type: InternalAuditPage })
  @ApiProblems(400, 401)
  list(@CurrentUser() p: Principal, @Query() q: InternalAuditListQuery): Promise<InternalAuditPage> {
    return this.audits.list(p, q);
  }

  @Get(':id')
  @Operation('getInternalAudit', 'An internal audit with its team and findings', 'internal_audit.read on its agency (all roles but staff; supervisors of an ancestor), or an auditor of its team.')
  @ApiOkResponse({ type: InternalAuditView })
  @ApiProblems(401, 404)
  get(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<InternalAuditView> {
    return this.audits.get(p, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Operation(
    'approveInternalAudit',
    'Approve the audit plan (planned → approved)',
    'The head of the agency, or a deputy inside an active delegation ("KT."), never whoever planned it nor one of its auditors; re-authenticates with the password.',
  )
  @ApiOkResponse({ type: InternalAuditView })
  @ApiProblems(...SESSION_CODES, 'invalid_password', 400, 403, 'approver_required', 'delegation_required', 'separation_of_duties', 404, 'audit_not_planned', 429)
  approve(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: ApproveInternalAuditRequest): Promise<InternalAuditView> {
    return this.audits.approve(p, id, body);
  }

  @Post(':id/start')
  @HttpCode(200)
  @Operation('startInternalAudit', 'Start the audit (approved → in_progress)', 'The lead auditor.')
  @ApiOkResponse({ type: InternalAuditView })
  @ApiProblems(401, 'not_lead_auditor', 404, 'audit_not_approved')
  start(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<InternalAuditView> {
    return this.audits.start(p, id);
  }

  @Post(':id/findings')
  @Operation(
    'addAuditFinding',
    'Record a finding',
    `An auditor of this audit while it is in progress; \`kind\` ∈ ${FINDING_KINDS.join(', ')}; the clause is one of ISO 9001:2015. A nonconformity finding opens a nonconformity ` +
      '(`nonconformityId`) in the same transaction. Impartiality: a finding against a document whose effective revision the auditor drafted, checked or approved is 422 auditor_impartiality.',
  )
  @ApiCreatedResponse({ type: FindingView })
  @ApiProblems(400, 401, 'not_audit_team', 404, 'audit_not_in_progress', 'auditor_impartiality', 'document_not_in_agency')
  addFinding(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: AddFindingRequest): Promise<FindingView> {
    return this.audits.addFinding(p, id, body);
  }

  @Post(':id/report')
  @HttpCode(200)
  @Operation(
    'reportInternalAudit',
    'Sign the audit report (in_progress → reported)',
    'The lead auditor, with the password. Needs at least one finding, or `noFindings: true` (422 audit_report_empty). The audit closes by itself when every nonconformity it opened is closed ' +
      '(at once when none is open).',
  )
  @ApiOkResponse({ type: InternalAuditView })
  @ApiProblems(...SESSION_CODES, 'invalid_password', 400, 'not_lead_auditor', 404, 'audit_not_in_progress', 'audit_report_empty', 429)
  report(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: ReportInternalAuditRequest): Promise<InternalAuditView> {
    return this.audits.report(p, id, body);
  }

  @Get(':id/report')
  @Operation(
    'getInternalAuditReport',
    'The audit report, as JSON or PDF (controlled-copy layout, rendered by the queue)',
    'Readers of the audit. The PDF prints the agency header, scope, criteria, dates, team, the findings by clause, the summary, the conclusion and the signatures; ' +
      'final once reported. 202 with Retry-After while it is rendered.',
  )
  @RecordPaperResponses({ filename: '"Báo cáo đánh giá nội bộ năm <year>.pdf"', jsonType: AuditReportView })
  @ApiProblems(400, 401, 404, 503)
  async getReport(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: ReportFormatQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    const audit = await this.audits.readable(p, id);
    if (q.format === 'pdf') return this.papers.respond(req, res, AUDIT_REPORT_PAPER, id);
    res.json(await this.audits.reportView(audit));
  }
}
