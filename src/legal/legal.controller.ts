import { Body, Controller, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { LEGAL_STATUSES } from './legal-document.entity.js';
import {
  CreateLegalDocumentRequest,
  CreateLegalRelationRequest,
  LegalDocumentListQuery,
  LegalDocumentPage,
  LegalDocumentView,
  LegalHistoryView,
  LegalImportError,
  LegalImportRequest,
  LegalImportResult,
  LegalImportRow,
  LegalRelationListQuery,
  LegalRelationPage,
  LegalRelationView,
  UpdateLegalDocumentRequest,
} from './legal.dto.js';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, readImportBatch } from './legal-import-reader.js';
import { IMPORT_MAX_REPORTED_ERRORS, LegalImportService } from './legal-import.service.js';
import { LegalRegistryService } from './legal-registry.service.js';
import { LEGAL_RELATION_KINDS, LEGAL_STATUS_LABELS, LEGAL_TYPE_LABELS } from './legal-types.js';

class VocabularyEntry {
  @ApiProperty({ example: 'decision' }) code: string;
  @ApiProperty({ example: 'Quyết định' }) label: string;
}

class LegalVocabulary {
  @ApiProperty({ type: [VocabularyEntry] }) types: VocabularyEntry[];
  @ApiProperty({ type: [VocabularyEntry] }) statuses: VocabularyEntry[];
  @ApiProperty({ enum: LEGAL_RELATION_KINDS, isArray: true }) relationKinds: string[];
}

const CSV_EXAMPLE =
  'number,type,issuer,title,issuedOn,effectiveFrom,status\n' +
  '19/2014/QĐ-TTg,Quyết định,Thủ tướng Chính phủ,"Quyết định về việc áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2008",2014-03-05,2014-04-20,in_force\n';

const IMPORT_DESCRIPTION =
  `Validates every row (number format, type, dates, duplicates within the batch and against the registry) and imports all rows ` +
  `in one transaction, or none. Row errors: 422 \`legal_import_invalid\` with \`errors: [{row, line?, field, message}]\` ` +
  `(row = 1-based data row, the CSV header not counted; line = CSV line; at most ${IMPORT_MAX_REPORTED_ERRORS} listed, \`errorCount\` gives the total). ` +
  `A malformed body (not an array, bad CSV quoting, unknown or missing columns) is 400 \`import_malformed\`; non-UTF-8 CSV is 415. ` +
  `Bodies: application/json (\`{items}\` or an array, within JSON_BODY_LIMIT), text/csv (UTF-8, BOM optional, header row with the field names or ` +
  `the Vietnamese column titles "Số hiệu, Loại văn bản, Cơ quan ban hành, Trích yếu, Ngày ban hành, Ngày hiệu lực, Tình trạng"; "," ";" or tab), ` +
  `or multipart/form-data with a CSV or JSON \`file\`. Imports accept Vietnamese type and status names and dd/mm/yyyy dates. ` +
  `At most ${IMPORT_MAX_ROWS} rows and ${IMPORT_MAX_BYTES} bytes.`;

@ApiTags('legal')
@ApiBearerAuth()
@Controller()
export class LegalController {
  constructor(
    private readonly registry: LegalRegistryService,
    private readonly imports: LegalImportService,
  ) {}

  @Get('legal-document-types')
  @Operation('getLegalVocabulary', 'Legal document types, statuses and relation kinds, with their Vietnamese names')
  @ApiOkResponse({ type: LegalVocabulary })
  @ApiProblems(401)
  vocabulary(): LegalVocabulary {
    return {
      types: Object.entries(LEGAL_TYPE_LABELS).map(([code, label]) => ({ code, label })),
      statuses: LEGAL_STATUSES.map((code) => ({ code, label: LEGAL_STATUS_LABELS[code] })),
      relationKinds: [...LEGAL_RELATION_KINDS],
    };
  }

  @Post('legal-documents')
  @Operation('createLegalDocument', 'Register a legal document', 'System administrator and supervisors. The number is unique ignoring case, accents and spaces (409 legal_number_taken).')
  @ApiCreatedResponse({ type: LegalDocumentView })
  @ApiProblems(401, 403, 409)
  create(@CurrentUser() p: Principal, @Body() body: CreateLegalDocumentRequest): Promise<LegalDocumentView> {
    return this.registry.create(p, body);
  }

  @Get('legal-documents')
  @Operation('listLegalDocuments', 'Search the legal registry', 'Every signed-in user. Newest issue date first.')
  @ApiOkResponse({ type: LegalDocumentPage })
  @ApiProblems(401)
  list(@Query() q: LegalDocumentListQuery): Promise<LegalDocumentPage> {
    return this.registry.list(q);
  }

  @Post('legal-documents/import')
  @HttpCode(201)
  @Operation('importLegalDocuments', 'Bulk-import legal documents from JSON or CSV (all rows or none)', IMPORT_DESCRIPTION)
  @ApiExtraModels(LegalImportRequest, LegalImportRow, LegalImportError)
  @ApiOperation({
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: { oneOf: [{ $ref: getSchemaPath(LegalImportRequest) }, { type: 'array', items: { $ref: getSchemaPath(LegalImportRow) } }] } },
        'text/csv': { schema: { type: 'string' }, example: CSV_EXAMPLE },
        'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'A .csv or .json file.' } } } },
      },
    },
  })
  @ApiCreatedResponse({ type: LegalImportResult })
  @ApiProblems(401, 403, 413, 415, 422)
  async import(@CurrentUser() p: Principal, @Req() req: Request): Promise<LegalImportResult> {
    // Refuse before reading a possibly large body.
    await this.registry.assertWriter(p);
    return this.imports.import(p, await readImportBatch(req));
  }

  @Get('legal-documents/:id')
  @Operation('getLegalDocument', 'A legal document')
  @ApiOkResponse({ type: LegalDocumentView })
  @ApiProblems(401, 404)
  get(@IdParam('id') id: string): Promise<LegalDocumentView> {
    return this.registry.get(id);
  }

  @Patch('legal-documents/:id')
  @Operation(
    'updateLegalDocument',
    'Correct a legal document',
    'System administrator and supervisors. Corrects number, type, issuer, title and dates. The status may be corrected only while no relation affects the document (422 legal_status_from_relations); ' +
      'amendments, replacements and repeals are recorded as relations. A correction never triggers regeneration of citing procedures.',
  )
  @ApiOkResponse({ type: LegalDocumentView })
  @ApiProblems(401, 403, 404, 409, 422)
  update(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: UpdateLegalDocumentRequest): Promise<LegalDocumentView> {
    return this.registry.update(p, id, body);
  }

  @Get('legal-documents/:id/relations')
  @Operation('listLegalRelations', "A legal document's direct relations (acts affecting it, and acts it affects), by effective date")
  @ApiOkResponse({ type: LegalRelationPage })
  @ApiProblems(401, 404)
  relations(@IdParam('id') id: string, @Query() q: LegalRelationListQuery): Promise<LegalRelationPage> {
    return this.registry.relations(id, q);
  }

  @Get('legal-documents/:id/history')
  @Operation('getLegalHistory', "A legal document's whole chain in both directions, and what citing it means today")
  @ApiOkResponse({ type: LegalHistoryView })
  @ApiProblems(401, 404)
  history(@IdParam('id') id: string): Promise<LegalHistoryView> {
    return this.registry.history(id);
  }

  @Post('legal-relations')
  @Operation(
    'createLegalRelation',
    'Record that a newer act amends, replaces, repeals or partially repeals an older one',
    'System administrator and supervisors. Sets the older act\'s status from its history (amended, replaced, repealed, partially_repealed). ' +
      'A document is replaced or repealed at most once, and nothing takes effect on it after that (409 legal_document_ended); dates must be in order (422).',
  )
  @ApiCreatedResponse({ type: LegalRelationView })
  @ApiProblems(401, 403, 404, 409, 422)
  createRelation(@CurrentUser() p: Principal, @Body() body: CreateLegalRelationRequest): Promise<LegalRelationView> {
    return this.registry.createRelation(p, body);
  }
}
