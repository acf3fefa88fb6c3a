import { ApiSchema } from '@nestjs/swagger';
import { ClosedSchema } from '../common/openapi.js';
import { Integer, ListOf, ListOfText, Nested, OneOf, PositiveNumber, Text, Uuid } from '../common/fields.js';
import { DOCUMENT_CODE_PATTERN, DOCUMENT_TYPES, DURATION_UNITS, type DocumentType, type DurationUnit } from './document-types.js';

/**
 * Revision `content` by document type: one declaration per type. Each class is at once the
 * TypeScript type of the content, its validation on save (400 with field paths such as
 * `content.steps[2].duration.value`; src/documents/content-validator.ts runs it) and its OpenAPI
 * schema. Every member is optional: drafts are saved partial; the completeness rules (422 at
 * submit) are in content-validator.ts. A new document type: add its class here and its entry in
 * CONTENT_CLASSES.
 */

@ClosedSchema()
@ApiSchema({ description: 'A time: a working day (and a day, as step tables count them) is 8 working hours.' })
export class Duration {
  @PositiveNumber(100_000, { example: 2 }) value?: number;
  @OneOf(DURATION_UNITS, { example: 'working_days' }) unit?: DurationUnit;
}

@ClosedSchema()
export class Definition {
  @Text(500, { example: 'TTHC' }) term?: string;
  @Text(5000, { example: 'Thủ tục hành chính' }) meaning?: string;
}

@ClosedSchema()
@ApiSchema({ description: 'A legal document of the registry the procedure is based on (căn cứ pháp lý); stored as a citation.' })
export class LegalBasis {
  @Uuid({ description: 'A document of the legal registry (GET /legal-documents); each cited once.' }) legalDocumentId?: string;
  @Text(500, { example: 'Điều 5, Điều 6' }) articles?: string;
}

@ClosedSchema()
export class DossierItem {
  @Text(2000, { example: 'Đơn đề nghị cấp giấy phép (BM.01/QT-01)' }) name?: string;
  @Integer(1, 100, { example: 1 }) copies?: number;
}

@ClosedSchema()
export class ProcedureStep {
  @Integer(1, 1000, { description: 'Step number, unique in the procedure.', example: 1 }) no?: number;
  @Text(5000, { example: 'Tiếp nhận hồ sơ' }) action?: string;
  @Text(1000, { example: 'Bộ phận một cửa' }) responsible?: string;
  @Nested(() => Duration) duration?: Duration;
  @ListOfText(50, 64, { pattern: DOCUMENT_CODE_PATTERN, patternMessage: 'must be a document code (letters, digits, ".", "-", "/")', description: 'Codes of the forms used in the step.' })
  formCodes?: string[];
  @Text(2000, { example: 'Phiếu tiếp nhận' }) output?: string;
}

@ClosedSchema()
export class ProcedureRecord {
  @Text(1000, { example: 'Hồ sơ cấp phép' }) name?: string;
  @Text(500, { example: 'Bộ phận một cửa' }) keeper?: string;
  @Text(500, { example: '5 năm' }) retention?: string;
}

@ClosedSchema()
@ApiSchema({
  description:
    'Content of a `procedure` (quy trình). To submit: purpose, scope, at least one step each with action, responsible and duration, unique step numbers, ' +
    'complete definitions, dossier items and records; the steps together may not take longer than the statutory time limit.',
})
export class ProcedureContent {
  @Text(20_000, { description: '1. Mục đích' }) purpose?: string;
  @Text(20_000, { description: '2. Phạm vi' }) scope?: string;
  @ListOf(() => Definition, 200, { description: '3. Định nghĩa, từ viết tắt' }) definitions?: Definition[];
  @ListOf(() => LegalBasis, 100, { description: '4. Căn cứ pháp lý' }) legalBases?: LegalBasis[];
  @Nested(() => Duration, { description: 'Thời hạn giải quyết.' }) statutoryTimeLimit?: Duration;
  @Text(2000, { description: 'Phí, lệ phí.' }) fee?: string;
  @ListOf(() => DossierItem, 200, { description: 'Thành phần hồ sơ.' }) dossier?: DossierItem[];
  @ListOf(() => ProcedureStep, 200, { description: '5. Nội dung quy trình' }) steps?: ProcedureStep[];
  @ListOf(() => ProcedureRecord, 200, { description: '6. Hồ sơ cần lưu' }) records?: ProcedureRecord[];
}

@ClosedSchema()
@ApiSchema({ description: 'Content of the `quality_policy` (chính sách chất lượng). To submit: the text.' })
export class QualityPolicyContent {
  @Text(50_000) text?: string;
}

@ClosedSchema()
export class QualityObjective {
  @Integer(1, 1000, { example: 1 }) no?: number;
  @Text(2000, { example: 'Giải quyết hồ sơ đúng hạn' }) objective?: string;
  @Text(2000, { example: 'Tỷ lệ hồ sơ giải quyết đúng hạn' }) indicator?: string;
  @Text(1000, { example: '≥ 98%' }) target?: string;
  @Text(2000) method?: string;
  @Text(500) responsibleUnit?: string;
  @Text(200, { example: '31/12/2026' }) deadline?: string;
  @Text(5000) actions?: string;
}

@ClosedSchema()
@ApiSchema({ description: "Content of `quality_objectives` (mục tiêu chất lượng) of a year. To submit: the document's year and objectives each with indicator and target." })
export class QualityObjectivesContent {
  @Integer(2000, 2100, { description: "The document's year." }) year?: number;
  @ListOf(() => QualityObjective, 200) objectives?: QualityObjective[];
}

@ClosedSchema()
@ApiSchema({ description: 'Content of the file-based types (`form`, `manual`, `decision`, `other`): a source file (role=source) carries the substance; required to submit.' })
export class FileBasedContent {
  @Text(5000) description?: string;
}

/** The content class of each document type. */
export const CONTENT_CLASSES = {
  procedure: ProcedureContent,
  quality_policy: QualityPolicyContent,
  quality_objectives: QualityObjectivesContent,
  form: FileBasedContent,
  manual: FileBasedContent,
  decision: FileBasedContent,
  other: FileBasedContent,
} satisfies Record<DocumentType, new () => object>;

export type ContentOf<T extends DocumentType> = InstanceType<(typeof CONTENT_CLASSES)[T]>;
export type RevisionContent = ContentOf<DocumentType>;

/** Each content class once (for the OpenAPI document), in the order of DOCUMENT_TYPES. */
export const CONTENT_SCHEMAS: (new () => object)[] = [...new Set(DOCUMENT_TYPES.map((t) => CONTENT_CLASSES[t]))];
