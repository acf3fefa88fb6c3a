import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation, SESSION_CODES } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { DocumentDetailView, RevisionView } from '../documents/documents.dto.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { WithdrawalService } from './withdrawal.service.js';
import {
  ApproveRevisionRequest,
  ReturnRevisionRequest,
  ReviewRevisionRequest,
  SignOffList,
  WithdrawDocumentRequest,
} from './workflow.dto.js';
import { WorkflowService } from './workflow.service.js';

@ApiTags('workflow')
@ApiBearerAuth()
@Controller('revisions')
export class RevisionWorkflowController {
  constructor(private readonly workflow: WorkflowService) {}

  @Post(':id/submit')
  @HttpCode(200)
  @Operation(
    'submitRevision',
    'Submit a draft for checking (draft → in_review)',
    "The revision's author or an ISO secretary of the agency. Runs the content rules of the document type (422 with the failed rules in `errors` and " +
      '`rules`; file-based types need a source file). Records the "drafted" sign-off. Only a draft of a document that was not withdrawn.',
  )
  @ApiOkResponse({ type: RevisionView })
  @ApiProblems(401, 404, 'not_revision_author', 'revision_not_draft', 'document_withdrawn', 'revision_incomplete')
  submit(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<RevisionView> {
    return this.workflow.submit(p, id);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Operation(
    'reviewRevision',
    'Check a revision: approve it for approval (→ pending_approval) or return it (→ draft)',
    'An ISO secretary who is not the author. `approve` records the "checked" sign-off over the revision digest; `return` needs a comment (400). ' +
      'Only a revision in review.',
  )
  @ApiOkResponse({ type: RevisionView })
  @ApiProblems(401, 404, 'separation_of_duties', 'revision_not_in_review', 'document_withdrawn')
  review(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: ReviewRevisionRequest): Promise<RevisionView> {
    return this.workflow.review(p, id, body);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Operation(
    'approveRevision',
    'Approve a revision (→ effective at once, or approved until its effective date)',
    'The head of the agency, or a deputy inside an active delegation from the head (the sign-off records "KT." and both names); ' +
      'never the author nor a checker of the revision. Re-authenticates with the password: when wrong nothing changes (429 after repeated failures). ' +
      'Needs a valid "checked" sign-off for the current digest, and a revision pending approval. Taking effect supersedes the previous effective revision.',
  )
  @ApiOkResponse({ type: RevisionView })
  @ApiProblems(...SESSION_CODES, 'invalid_password', 404, 'approver_required', 'delegation_required', 'separation_of_duties', 'check_stale', 'revision_not_pending_approval', 'document_withdrawn', 429)
  approve(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: ApproveRevisionRequest): Promise<RevisionView> {
    return this.workflow.approve(p, id, body);
  }

  @Post(':id/return')
  @HttpCode(200)
  @Operation(
    'returnRevision',
    'Return a revision waiting for approval to its author (pending_approval → draft)',
    'The same people as approve (head, or deputy under a delegation; not the author nor a checker). The comment is required and kept in the history. ' +
      'Only a revision pending approval.',
  )
  @ApiOkResponse({ type: RevisionView })
  @ApiProblems(401, 404, 'approver_required', 'delegation_required', 'separation_of_duties', 'revision_not_pending_approval')
  returnToDraft(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: ReturnRevisionRequest): Promise<RevisionView> {
    return this.workflow.returnToDraft(p, id, body);
  }

  @Get(':id/sign-offs')
  @Operation(
    'listRevisionSignOffs',
    'Sign-offs of a revision with their validity',
    'drafted / checked / approved, oldest first. A sign-off is valid only while its digest equals the revision\'s current digest and the revision was not ' +
      'returned to draft after it. Needs document.readDrafts (document.read for the effective revision).',
  )
  @ApiOkResponse({ type: SignOffList })
  @ApiProblems(401, 404)
  signOffs(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<SignOffList> {
    return this.workflow.signOffList(p, id);
  }
}

@ApiTags('workflow')
@ApiBearerAuth()
@Controller('documents')
export class DocumentWithdrawalController {
  constructor(private readonly withdrawal: WithdrawalService) {}

  @Post(':id/withdraw')
  @HttpCode(200)
  @Operation(
    'withdrawDocument',
    'Withdraw a document: it becomes obsolete',
    'The head of the agency, or a deputy inside an active delegation; re-authenticates with the password (when wrong nothing changes). ' +
      'The effective revision (and an approved one waiting for its date) become obsolete; the current routes no longer return the document. ' +
      'Refused while a revision is in review or pending approval, and when already withdrawn. A draft stays but can no longer be submitted.',
  )
  @ApiOkResponse({ type: DocumentDetailView })
  @ApiProblems(...SESSION_CODES, 'invalid_password', 404, 'approver_required', 'delegation_required', 'revision_in_workflow', 'document_withdrawn', 429)
  withdraw(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: WithdrawDocumentRequest): Promise<DocumentDetailView> {
    return this.withdrawal.withdraw(p, id, body);
  }
}
