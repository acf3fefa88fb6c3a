import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { contentDisposition } from '../storage/http-files.js';
import { DocumentHistoryService, PDF_MAX_ENTRIES } from './document-history.service.js';
import { DocumentHistoryPage, DocumentHistoryQuery, RevisionDiffQuery, RevisionDiffView } from './history.dto.js';
import { RevisionDiffService } from './revision-diff.service.js';

@ApiTags('revisions')
@ApiBearerAuth()
@Controller('revisions')
export class RevisionDiffController {
  constructor(private readonly diffs: RevisionDiffService) {}

  @Get(':id/diff')
  @Operation(
    'diffRevisions',
    'What changed between two revisions of a document: fields, lists, legal bases, text lines and files',
    'Compares this revision (new) with `against` (old). Steps and objectives are matched by number, definitions by term, dossier and records by name; ' +
      'legal bases by legal document (with its number); text fields get a line diff; files are compared by SHA-256 (added, removed, unchanged, renamed, replaced). ' +
      'Both revisions must be readable (effective: document.read; other states: document.readDrafts; 404 otherwise); two revisions of different documents are not compared.',
  )
  @ApiOkResponse({ type: RevisionDiffView })
  @ApiProblems(401, 404, 'revisions_not_comparable')
  diff(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: RevisionDiffQuery): Promise<RevisionDiffView> {
    return this.diffs.diff(p, id, q.against.toLowerCase());
  }
}

@ApiTags('documents')
@ApiBearerAuth()
@Controller('documents')
export class DocumentHistoryController {
  constructor(private readonly history: DocumentHistoryService) {}

  @Get(':id/history')
  @Operation(
    'getDocumentHistory',
    "A document's whole timeline from the audit trail, as JSON pages, CSV or PDF",
    'Creation, drafts and edits, files added and removed, each workflow move with its sign-off, taking effect, supersession, flags, withdrawal and ' +
      'downloads of controlled files, oldest first, each with time, actor, action, revision number and details. ' +
      '`format=json` (default): pages of `limit` entries with `nextCursor`. `format=csv`: the whole timeline, UTF-8 with BOM, RFC 4180, streamed. ' +
      `\`format=pdf\`: a table made with the renditions' renderer and font; at most ${PDF_MAX_ENTRIES} entries (422 \`history_too_long\`: use CSV, downloads=exclude or from/to). ` +
      'Needs document.readDrafts and audit.read on the agency (403 for members who only read effective documents; 404 when the document is not visible).',
  )
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @ApiExtraModels(DocumentHistoryPage)
  @ApiOkResponse({
    description: 'JSON: a page of entries. CSV and PDF: the file, with Content-Disposition (RFC 6266/5987 file name).',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(DocumentHistoryPage) } },
      'text/csv': { schema: { type: 'string', description: 'UTF-8 with BOM, RFC 4180, header row; the columns of the JSON entries.' } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiProblems(401, 403, 404, 'history_too_long')
  async get(@CurrentUser() p: Principal, @IdParam('id') id: string, @Query() q: DocumentHistoryQuery, @Res() res: Response): Promise<void> {
    const format = q.format ?? 'json';
    if (format === 'csv') {
      await this.history.csv(p, id, q, res);
      return;
    }
    if (format === 'pdf') {
      const { bytes, filename } = await this.history.pdf(p, id, q);
      res.status(200);
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', contentDisposition(filename));
      res.setHeader('Cache-Control', 'no-store');
      res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return;
    }
    res.status(200).json(await this.history.page(p, id, q));
  }
}
