import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser, Public } from '../identity/auth.decorators.js';
import { RenditionPendingView } from '../renditions/rendition-delivery.js';
import { PublicDocumentsService } from './public-documents.service.js';
import { PublicAgencyView, PublicDocumentPage, PublicDocumentQuery, PublicDocumentView, PublicDownloadCounts, PublicFileQuery } from './public.dto.js';

/**
 * No sign-in: the current public documents of an agency, found by codes that can be printed on
 * paper and in the one-stop shop ("Bộ phận một cửa"): /public/agencies/{agencyCode}/documents/{code}.
 * A code with "/" (BM.01/QT-01) is sent URL-encoded (BM.01%2FQT-01).
 */
@ApiTags('public')
@Public()
@Controller('public/agencies/:agencyCode')
export class PublicController {
  constructor(private readonly documents: PublicDocumentsService) {}

  @Get()
  @Operation('getPublicAgency', 'An agency, by code (no sign-in)')
  @ApiParam({ name: 'agencyCode', example: 'UBND-XA-TANLAP' })
  @ApiOkResponse({ type: PublicAgencyView })
  @ApiProblems(404, 429)
  async agency(@Param('agencyCode') agencyCode: string): Promise<PublicAgencyView> {
    await this.documents.limitRate();
    const { id: _id, ...view } = await this.documents.agency(agencyCode);
    return view;
  }

  @Get('documents')
  @Operation('listPublicDocuments', "An agency's public documents in force: forms, procedures, quality policy and objectives (no sign-in)")
  @ApiParam({ name: 'agencyCode' })
  @ApiOkResponse({ type: PublicDocumentPage })
  @ApiProblems(404, 429)
  async list(@Param('agencyCode') agencyCode: string, @Query() q: PublicDocumentQuery): Promise<PublicDocumentPage> {
    await this.documents.limitRate();
    return this.documents.list(agencyCode, q);
  }

  @Get('documents/:code')
  @Operation('getPublicDocument', 'The revision in force of a public document, by code (no sign-in)')
  @ApiParam({ name: 'agencyCode' })
  @ApiParam({ name: 'code', example: 'BM.01%2FQT-01' })
  @ApiOkResponse({ type: PublicDocumentView })
  @ApiProblems(404, 429)
  async get(@Param('agencyCode') agencyCode: string, @Param('code') code: string, @Res() res: Response): Promise<void> {
    await this.documents.limitRate();
    // The body as kept (no serialization per request).
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.status(200).send(await this.documents.getBody(agencyCode, code));
  }

  @Get('documents/:code/file')
  @Operation(
    'downloadPublicDocument',
    'Download the controlled copy (stamped PDF) or the source file of a public document in force (no sign-in)',
    'Counted per revision, variant and day (GET /documents/{id}/public-downloads) rather than audited one by one; PUBLIC_REQUESTS_PER_MINUTE per client address (429).',
  )
  @ApiParam({ name: 'agencyCode' })
  @ApiParam({ name: 'code' })
  @ApiProduces('application/pdf', 'application/octet-stream')
  @ApiOkResponse({ description: 'The file (streamed; ETag, Range and If-None-Match supported)', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 202, description: 'The controlled copy is being rendered; retry after Retry-After seconds', type: RenditionPendingView })
  @ApiResponse({ status: 304, description: 'If-None-Match matched' })
  @ApiProblems(404, 429)
  async download(
    @Param('agencyCode') agencyCode: string,
    @Param('code') code: string,
    @Query() q: PublicFileQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.documents.limitRate();
    await this.documents.download(agencyCode, code, q.variant ?? 'controlled', req, res);
  }
}

/** For the agency: how often its public documents were taken without sign-in. */
@ApiTags('public')
@ApiBearerAuth()
@Controller('documents/:id/public-downloads')
export class PublicDownloadCountsController {
  constructor(private readonly documents: PublicDocumentsService) {}

  @Get()
  @Operation('getPublicDownloadCounts', 'Downloads of a document without sign-in, per revision, variant and day', 'For those who may read the document\'s history (403/404 otherwise).')
  @ApiOkResponse({ type: PublicDownloadCounts })
  @ApiProblems(401, 403, 404)
  async counts(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<PublicDownloadCounts> {
    return { items: await this.documents.downloadCounts(p, id) };
  }
}
