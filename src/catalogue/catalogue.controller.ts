import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { AgencyTthcView, DeclareTthcRequest, TthcCoverageView, TthcImportResult, TthcListQuery, TthcPage, TthcView } from './catalogue.dto.js';
import { CatalogueService, TTHC_IMPORT_MAX_REPORTED_ERRORS } from './catalogue.service.js';
import { TTHC_IMPORT_MAX_BYTES, TTHC_IMPORT_MAX_JSON_BYTES, TTHC_IMPORT_MAX_ROWS } from './tthc-import-reader.js';

const IMPORT_DESCRIPTION =
  `Admin or supervisor. A multipart \`file\`: CSV (UTF-8, "," ";" or tab), XLSX (first worksheet) or JSON (\`{items}\` or an array), as exported ` +
  `from the national public service portal. Column titles: the field names or the portal's Vietnamese titles (Mã thủ tục, Tên thủ tục, ` +
  `Lĩnh vực, Cấp thực hiện, Thời hạn giải quyết, Phí, lệ phí, Căn cứ pháp lý, Tình trạng); other columns are ignored and listed. ` +
  `Instance codes (1.001612.000.00.00.H01) count as their base code; time limits are parsed from their text ("05 ngày làm việc"). ` +
  `All rows or none: row errors are 422 \`tthc_import_invalid\` with \`errors: [{row, line?, field, message}]\` (at most ${TTHC_IMPORT_MAX_REPORTED_ERRORS}; ` +
  `\`errorCount\` gives the total). Existing entries are updated or reported unchanged; an entry whose time limit, fee or legal bases changed, ` +
  `or that is abolished, flags \`tthc_changed\` on every procedure with its code. At most ${TTHC_IMPORT_MAX_ROWS} rows and ${TTHC_IMPORT_MAX_BYTES} bytes ` +
  `(JSON ${TTHC_IMPORT_MAX_JSON_BYTES}); workbooks over the ZIP limits (entries, inflated size, ratio) are 413.`;

@ApiTags('tthc')
@ApiBearerAuth()
@Controller()
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Post('tthc/import')
  @HttpCode(201)
  @Operation('importTthcCatalogue', 'Import the TTHC catalogue from CSV, XLSX or JSON (all rows or none)', IMPORT_DESCRIPTION)
  @ApiOperation({
    requestBody: {
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'A .csv, .xlsx or .json file.' } } } } },
    },
  })
  @ApiCreatedResponse({ type: TthcImportResult })
  @ApiProblems(400, 401, 403, 413, 415, 'tthc_import_invalid')
  importCatalogue(@CurrentUser() p: Principal, @Req() req: Request): Promise<TthcImportResult> {
    return this.catalogue.importRequest(p, req);
  }

  @Get('tthc')
  @Operation('listTthc', 'Browse the TTHC catalogue', 'Every signed-in user. `q` matches code, name and field ignoring accents and case. Ordered by code.')
  @ApiOkResponse({ type: TthcPage })
  @ApiProblems(400, 401)
  list(@Query() q: TthcListQuery): Promise<TthcPage> {
    return this.catalogue.list(q);
  }

  @Get('tthc/:code')
  @Operation('getTthc', 'A TTHC of the catalogue', 'By base code or instance code.')
  @ApiOkResponse({ type: TthcView })
  @ApiProblems(401, 404)
  get(@Param('code') code: string): Promise<TthcView> {
    return this.catalogue.get(code);
  }

  @Get('agencies/:id/tthc')
  @Operation('getAgencyTthc', 'The TTHC an agency declares it handles')
  @ApiOkResponse({ type: AgencyTthcView })
  @ApiProblems(401, 403, 404)
  handled(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<AgencyTthcView> {
    return this.catalogue.handled(p, id);
  }

  @Put('agencies/:id/tthc')
  @Operation('declareAgencyTthc', 'Declare the TTHC an agency handles', 'System administrator, supervisors of an ancestor, the agency\'s ISO secretary. Replaces the list; codes not in the catalogue are 422 tthc_unknown.')
  @ApiOkResponse({ type: AgencyTthcView })
  @ApiProblems(400, 401, 403, 404, 'tthc_unknown')
  declare(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: DeclareTthcRequest): Promise<AgencyTthcView> {
    return this.catalogue.declare(p, id, body.codes);
  }

  @Get('agencies/:id/tthc-coverage')
  @Operation('getTthcCoverage', 'Which handled TTHC have a procedure in force', 'Members of the agency and supervisors of an ancestor. Uncovered TTHC first; abolished TTHC are not counted.')
  @ApiOkResponse({ type: TthcCoverageView })
  @ApiProblems(401, 403, 404)
  coverage(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<TthcCoverageView> {
    return this.catalogue.coverage(p, id);
  }
}
