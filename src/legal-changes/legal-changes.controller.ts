import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import {
  CitationPage,
  CitationQuery,
  CreateLegalChangeRequest,
  LegalChangeAccepted,
  LegalChangePage,
  LegalChangeQuery,
  LegalChangeRetryResult,
  LegalChangeView,
} from './legal-changes.dto.js';
import { LegalChangesService } from './legal-changes.service.js';
import { LegalCitationsService } from './legal-citations.service.js';

const POST_CHANGE_DESCRIPTION =
  'System administrator and supervisors (403 legal_registry_read_only otherwise). In one transaction: records the registry relation ' +
  '(the document\'s status follows: amended, replaced, repealed; a relation already recorded through /legal-relations is adopted when no change was posted for it), ' +
  'the change, its queued fan-out job (outbox: nothing is lost when Redis is down) and the audit event; answers 202 with the changeId. ' +
  'The job then, for every document of every agency whose effective or open revision cites the document: flags it legal_basis_changed ' +
  '(due LEGAL_CHANGE_DUE_DAYS after the effective date, or after posting when that is later), opens a draft from the effective revision or updates the open draft ' +
  '(legalBases rewritten: replaced → the current replacement, chains followed; amended → the amending act added beside it; repealed → removed, outcome needs_attention), ' +
  'requests its rendition and records the outcome. Revisions already in the workflow are not changed (needs_attention, reasonCode revision_in_workflow). ' +
  'byLegalDocumentId is required for amended and replaced (400). 409 legal_change_exists when the same change was already posted; ' +
  'the registry\'s rules apply (409 legal_document_ended, 409 legal_relation_exists, 422 legal_relation_invalid / legal_relation_cycle).';

@ApiTags('legal')
@ApiBearerAuth()
@Controller()
export class LegalChangesController {
  constructor(
    private readonly changes: LegalChangesService,
    private readonly citations: LegalCitationsService,
  ) {}

  @Get('legal-documents/:id/citations')
  @Operation(
    'listLegalCitations',
    'Documents whose effective or open revision cites a legal document',
    'One item per citing revision, by agency and code, with the cited articles. Effective revisions are listed where you may read documents, ' +
      'open revisions (draft … approved) where you may read drafts; supervisors see their subtree; the system administrator sees every agency.',
  )
  @ApiOkResponse({ type: CitationPage })
  @ApiProblems(401, 404)
  listCitations(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: CitationQuery): Promise<CitationPage> {
    return this.citations.list(p, id, q);
  }

  @Post('legal-documents/:id/changes')
  @HttpCode(202)
  @Operation('postLegalChange', 'Record that a legal document was amended, replaced or repealed, and regenerate the documents citing it', POST_CHANGE_DESCRIPTION)
  @ApiAcceptedResponse({ type: LegalChangeAccepted })
  @ApiProblems(401, 403, 404, 409, 422)
  post(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: CreateLegalChangeRequest): Promise<LegalChangeAccepted> {
    return this.changes.post(p, id, body);
  }

  @Get('legal-documents/:id/changes')
  @Operation(
    'listLegalChanges',
    'The changes posted for a legal document, newest first',
    'Every signed-in user; the counts cover the agencies where you may read drafts (supervisors: their subtree; the system administrator: all).',
  )
  @ApiOkResponse({ type: LegalChangePage })
  @ApiProblems(401, 404)
  list(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: PageQuery): Promise<LegalChangePage> {
    return this.changes.listForDocument(p, id, q);
  }

  @Get('legal-changes/:changeId')
  @Operation(
    'getLegalChange',
    'Progress of a legal change: status, counts and the per-document items',
    'Every signed-in user sees the change and its status. The counts (total, processed = done or failed, failed; `visible` repeats them) and the items ' +
      'cover the agencies where you may read drafts (supervisors: their subtree; the system administrator: all), ordered by agency and code; ' +
      'filter with status, outcome, agencyId.',
  )
  @ApiOkResponse({ type: LegalChangeView })
  @ApiProblems(401, 404)
  get(@CurrentUser() p: Principal, @IdParam('changeId') changeId: string, @Query() q: LegalChangeQuery): Promise<LegalChangeView> {
    return this.changes.get(p, changeId, q);
  }

  @Post('legal-changes/:changeId/retry')
  @HttpCode(202)
  @Operation(
    'retryLegalChange',
    'Queue the failed items of a legal change again',
    'System administrator and supervisors. Failed items, and items that waited for a revision in the workflow (reasonCode revision_in_workflow), ' +
      'go back to pending; their batches are queued under new job ids (next round). 409 legal_change_nothing_to_retry when there are none.',
  )
  @ApiAcceptedResponse({ type: LegalChangeRetryResult })
  @ApiProblems(401, 403, 404, 409)
  retry(@CurrentUser() p: Principal, @IdParam('changeId') changeId: string): Promise<LegalChangeRetryResult> {
    return this.changes.retry(p, changeId);
  }
}
