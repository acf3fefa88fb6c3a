import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { QueuedPdfResponses } from '../common/queued-files.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { RenditionPendingView } from './rendition-delivery.js';
import { RenditionsService } from './renditions.service.js';

/** The controlled-copy PDF of a revision, rendered by the render queue (never in the request). */
const RENDITION_RESPONSES = QueuedPdfResponses({
  pendingType: RenditionPendingView,
  filename: '"<code> - Lần <n> - <stamp>.pdf"',
  ok: 'The controlled copy (streamed).',
});

@ApiTags('revisions')
@ApiBearerAuth()
@Controller('revisions')
export class RenditionsController {
  constructor(private readonly renditions: RenditionsService) {}

  @Get(':id/rendition')
  @Operation(
    'getRevisionRendition',
    "The controlled-copy PDF of a revision in its current state (202 with Retry-After while it is rendered)",
    'The PDF stamped for the revision as it is now (state watermark, layout version, content digest): 200 when rendered, with ETag (its SHA-256), ' +
      'If-None-Match → 304 and Range → 206; 202 `{status: pending, attempts, error?}` with Retry-After while it is queued, rendering or being retried ' +
      '(a read that finds nothing queued asks for it); 503 with the error once every attempt failed (asked again on the first read ' +
      'after a 10-minute cool-down, see Retry-After). The effective revision needs document.read, any other state document.readDrafts (404 otherwise). ' +
      'Downloads of the effective revision are recorded (file.downloaded).',
  )
  @RENDITION_RESPONSES
  @ApiProblems(401, 404, 'range_not_satisfiable', 'rendition_failed')
  async get(@CurrentUser() p: Principal, @IdParam('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renditions.respond(p, id, req, res);
  }
}
