import { applyDecorators, Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { RenditionPendingView } from '../renditions/rendition-delivery.js';
import { DocumentsService } from './documents.service.js';
import {
  CREATE_DOCUMENT_BODY,
  CREATE_DOCUMENT_MODELS,
  CreateDocumentRequest,
  CurrentFileQuery,
  CurrentRevisionView,
  DocumentDetailView,
  DocumentListQuery,
  DocumentPage,
  OpenDraftRequest,
  RevisionPage,
  RevisionView,
  UpdateDocumentRequest,
} from './documents.dto.js';
import { CONTENT_SCHEMAS } from './revision-content.js';
import { RevisionFilesService } from './revision-files.service.js';
import { RevisionsService } from './revisions.service.js';

/** Response headers of a streamed file (documented once). */
const FILE_RESPONSE_HEADERS = {
  ETag: { description: 'The SHA-256 of the bytes, quoted.', schema: { type: 'string' } },
  'Content-Disposition': { description: 'attachment with an ASCII filename and the UTF-8 name in filename* (RFC 5987).', schema: { type: 'string' } },
  'Accept-Ranges': { description: 'bytes', schema: { type: 'string' } },
  'Content-Length': { schema: { type: 'integer' } },
};

/** The responses and request headers of a streamed file download (200, 206, 304; Range, If-None-Match). */
export function ApiFileResponses(): MethodDecorator {
  return applyDecorators(
    ApiProduces('application/octet-stream'),
    ApiOkResponse({ description: 'The file (streamed).', schema: { type: 'string', format: 'binary' }, headers: FILE_RESPONSE_HEADERS }),
    ApiResponse({ status: 206, description: 'One byte range (Range: bytes=a-b).', schema: { type: 'string', format: 'binary' }, headers: { ...FILE_RESPONSE_HEADERS, 'Content-Range': { schema: { type: 'string' } } } }),
    ApiResponse({ status: 304, description: 'If-None-Match matched the ETag.' }),
    ApiHeader({ name: 'Range', required: false, description: 'bytes=start-end (one range).' }),
    ApiHeader({ name: 'If-None-Match', required: false }),
  );
}

/** The ETag of a current version (Express answers 304 when If-None-Match matches it); clients revalidate each time. */
const CURRENT_HEADERS = {
  ETag: { description: 'Changes whenever the current version (document, effective revision, files, controlled copy) changes.', schema: { type: 'string' } },
};

/** Sends a current version's body as kept (no serialization per request); Express answers 304 when If-None-Match matches its ETag. */
function sendCurrent(res: Response, current: { body: Buffer; etag: string }): void {
  res.setHeader('ETag', current.etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.status(200).send(current.body);
}

@ApiTags('documents')
@ApiBearerAuth()
@ApiExtraModels(...CONTENT_SCHEMAS, ...CREATE_DOCUMENT_MODELS)
@Controller('documents')
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly revisions: RevisionsService,
    private readonly files: RevisionFilesService,
  ) {}

  @Post()
  @Operation(
    'createDocument',
    'Register a controlled document (with its first draft, revision 1)',
    'Needs document.write on the agency. `code` is unique per agency (case-insensitive after NFC). A form names a procedure of the same agency; ' +
      'a procedure may carry a TTHC code; one quality policy per agency; quality objectives per year. The body is discriminated by `type`: ' +
      'each document type has its content schema (shape errors are 400 with field paths such as `content.steps[2].duration.value`).',
  )
  @ApiBody({ schema: CREATE_DOCUMENT_BODY })
  @ApiCreatedResponse({ type: DocumentDetailView })
  @ApiProblems(401, 403, 404, 'document_code_taken', 'quality_policy_exists', 'quality_objectives_exist', 'form_procedure_invalid')
  async create(@CurrentUser() p: Principal, @Body() body: CreateDocumentRequest, @Res({ passthrough: true }) res: Response): Promise<DocumentDetailView> {
    const view = await this.documents.create(p, body);
    res.setHeader('Location', `/api/v1/documents/${view.id}`);
    return view;
  }

  @Get()
  @Operation(
    'listDocuments',
    'The register: documents you may see, filtered and searched',
    'Staff see documents with an effective revision; drafters, secretaries, heads, auditors and supervisors also see documents in preparation. ' +
      '`q` matches code and title ignoring accents and case. Ordered by code.',
  )
  @ApiOkResponse({ type: DocumentPage })
  @ApiProblems(401)
  list(@CurrentUser() p: Principal, @Query() q: DocumentListQuery): Promise<DocumentPage> {
    return this.documents.list(p, q);
  }

  @Get(':id')
  @Operation('getDocument', 'A document with its current revision, the open draft (if you may read drafts) and active flags')
  @ApiOkResponse({ type: DocumentDetailView })
  @ApiProblems(401, 404)
  get(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<DocumentDetailView> {
    return this.documents.get(p, id);
  }

  @Patch(':id')
  @Operation(
    'updateDocument',
    'Correct a document\'s metadata',
    'The review interval at any time; the title and TTHC code only until the document is first submitted.',
  )
  @ApiOkResponse({ type: DocumentDetailView })
  @ApiProblems(401, 403, 404, 'document_identity_controlled', 'document_withdrawn')
  update(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: UpdateDocumentRequest): Promise<DocumentDetailView> {
    return this.documents.update(p, id, body);
  }

  @Get(':id/current')
  @Operation('getCurrentRevision', 'The effective revision of a document (404 if none)')
  @ApiOkResponse({ type: CurrentRevisionView, headers: CURRENT_HEADERS })
  @ApiResponse({ status: 304, description: 'If-None-Match matched: the current version is unchanged.' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a previous answer: 304 while the current version is unchanged.' })
  @ApiProblems(401, 403, 'no_effective_revision')
  async current(@CurrentUser() p: Principal, @IdParam('id') id: string, @Res() res: Response): Promise<void> {
    sendCurrent(res, await this.documents.currentBody(p, { id }));
  }

  @Get(':id/current/file')
  @Operation(
    'getCurrentFile',
    'The file of the effective revision: variant=source (the source file) or controlled (the stamped controlled copy)',
    'variant=controlled (the default) is the PDF rendered by the render queue for the effective revision, as GET /revisions/{id}/rendition: ' +
      '202 `{status: pending}` with Retry-After while it is being rendered, 503 when every attempt failed. Downloads are recorded in the audit trail.',
  )
  @ApiFileResponses()
  @ApiResponse({ status: 202, description: 'variant=controlled: the controlled copy is being rendered; ask again after Retry-After seconds.', type: RenditionPendingView })
  @ApiProblems(401, 403, 404, 'no_effective_revision', 'source_file_missing', 'range_not_satisfiable', 'rendition_failed')
  async currentFile(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: CurrentFileQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.files.currentFile(p, id, q.variant ?? 'controlled', req, res);
  }

  @Post(':id/revisions')
  @Operation('openDraft', 'Open a new draft, copied from the effective revision (content and files, no bytes copied)', 'Refused while a revision is open.')
  @ApiCreatedResponse({ type: RevisionView, headers: { ETag: { description: 'Send it back in If-Match when editing.', schema: { type: 'string' } } } })
  @ApiProblems(401, 403, 404, 'revision_open', 'document_withdrawn')
  async openDraft(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: OpenDraftRequest, @Res({ passthrough: true }) res: Response): Promise<RevisionView> {
    const view = await this.documents.openDraft(p, id, body);
    res.setHeader('ETag', view.etag);
    res.setHeader('Location', `/api/v1/revisions/${view.id}`);
    return view;
  }

  @Get(':id/revisions')
  @Operation('listRevisions', "A document's revisions, newest first, with change summaries and file hashes", 'History: needs document.readDrafts.')
  @ApiOkResponse({ type: RevisionPage })
  @ApiProblems(401, 403, 404)
  listRevisions(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: PageQuery): Promise<RevisionPage> {
    return this.revisions.list(p, id, q);
  }
}

@ApiTags('documents')
@ApiBearerAuth()
@Controller('agencies/:agencyId/documents')
export class AgencyDocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get('by-code/:code/current')
  @HttpCode(200)
  @Operation('getCurrentRevisionByCode', "The effective revision of an agency's document found by code", 'Encode "/" in codes as %2F (BM.01%2FQT-01).')
  @ApiParam({ name: 'code', example: 'BM.01%2FQT-01' })
  @ApiOkResponse({ type: CurrentRevisionView, headers: CURRENT_HEADERS })
  @ApiResponse({ status: 304, description: 'If-None-Match matched: the current version is unchanged.' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a previous answer: 304 while the current version is unchanged.' })
  @ApiProblems(401, 403, 404)
  async byCode(@CurrentUser() p: Principal, @IdParam('agencyId') agencyId: string, @Param('code') code: string, @Res() res: Response): Promise<void> {
    sendCurrent(res, await this.documents.currentBody(p, { agencyId, code }));
  }
}
