import { Body, Controller, Delete, Get, Headers, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { cutAfterResponse } from '../common/body-limits.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { REPR_DIGEST_HEADER } from '../storage/digest-header.js';
import { isCutUpload } from '../storage/upload-spool.js';
import { ApiFileResponses } from './documents.controller.js';
import { RevisionView, UpdateRevisionRequest, UploadFileQuery, UploadedFileView } from './documents.dto.js';
import { RevisionFilesService } from './revision-files.service.js';
import { RevisionsService } from './revisions.service.js';

@ApiTags('revisions')
@ApiBearerAuth()
@Controller('revisions')
export class RevisionsController {
  constructor(
    private readonly revisions: RevisionsService,
    private readonly files: RevisionFilesService,
  ) {}

  @Get(':id')
  @Operation('getRevision', 'A revision with its content and files', 'Revisions other than the effective one need document.readDrafts (404 otherwise).')
  @ApiOkResponse({ type: RevisionView, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems(401, 404)
  async get(@CurrentUser() p: Principal, @IdParam('id') id: string, @Res({ passthrough: true }) res: Response): Promise<RevisionView> {
    const view = await this.revisions.get(p, id);
    res.setHeader('ETag', view.etag);
    return view;
  }

  @Patch(':id')
  @Operation('updateRevision', 'Edit a draft: content (replaced whole) and/or change summary', 'Requires If-Match with the ETag: 428 when missing, 412 when stale. Shape errors are 400.')
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from GET /revisions/{id}.' })
  @ApiOkResponse({ type: RevisionView, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiProblems(401, 403, 404, 'revision_not_draft', 412, 428)
  async update(
    @CurrentUser() p: Principal,
    @IdParam('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateRevisionRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RevisionView> {
    const view = await this.revisions.update(p, id, ifMatch, body);
    res.setHeader('ETag', view.etag);
    return view;
  }

  @Post(':id/files')
  @Operation(
    'uploadRevisionFile',
    'Upload a file to a draft (multipart part `file`)',
    'Streams to object storage while hashing; the type is decided by the content (pdf, docx, xlsx, odt, ods, doc, xls, png, jpeg; else 415); ' +
      'MAX_UPLOAD_SIZE limits the size (413). Identical bytes are stored once. One source file per revision.',
  )
  @ApiConsumes('multipart/form-data')
  @ApiHeader({
    name: REPR_DIGEST_HEADER,
    required: false,
    description:
      'The SHA-256 of the file\'s bytes (not of the multipart body), RFC 9530: `sha-256=:<base64>:`. Optional; with S3 storage it saves the server-side copy after the upload. ' +
      'Bytes that do not have this digest are a 400 (validation_failed) and nothing is stored; a malformed sha-256 member is a 400 before the body is read. ' +
      'With the header, a large file (8 MiB or more) is stored under its digest as it arrives, so it must be the last part of the body, which ends as multipart bodies do (closing boundary, CRLF): ' +
      'otherwise the upload is a 400 naming `file` and nothing is stored (send other fields before the file, or leave the header out).',
  })
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: UploadedFileView })
  @ApiProblems(401, 403, 404, 'malformed_multipart', 'request_aborted', 'revision_not_draft', 'source_file_exists', 413, 415)
  async upload(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: UploadFileQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UploadedFileView> {
    try {
      const view = await this.files.upload(p, id, q.role ?? 'attachment', req);
      res.setHeader('Location', `/api/v1/revisions/${id}/files/${view.id}`);
      return view;
    } catch (err) {
      if (isCutUpload(err) || !req.complete) cutAfterResponse(req, res);
      throw err;
    }
  }

  @Get(':id/files/:fileId')
  @Operation('downloadRevisionFile', 'Download a file of a revision (streamed; ETag, If-None-Match, Range)')
  @ApiFileResponses()
  @ApiProblems(401, 404, 'range_not_satisfiable')
  async download(@CurrentUser() p: Principal, @IdParam('id') id: string, @IdParam('fileId') fileId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.files.download(p, id, fileId, req, res);
  }

  @Delete(':id/files/:fileId')
  @HttpCode(204)
  @Operation('deleteRevisionFile', 'Remove a file from a draft')
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(401, 403, 404, 'revision_not_draft')
  async remove(@CurrentUser() p: Principal, @IdParam('id') id: string, @IdParam('fileId') fileId: string): Promise<void> {
    await this.files.remove(p, id, fileId);
  }
}
