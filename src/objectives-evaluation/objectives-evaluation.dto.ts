import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { OptionalYearQuery } from '../common/calendar-date.js';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

/** `YYYY-Q1`…`YYYY-Q4`, `YYYY-H1` or `YYYY`. */
export const PERIOD_PATTERN = /^[0-9]{4}(-(Q[1-4]|H1))?$/;

export class EvaluationResultInput {
  @ApiProperty({ description: "The objective's number (`no`) in the revision in force.", minimum: 1, maximum: 1000 })
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(1000)
  no: number;

  @ApiProperty({ description: 'The measured value, as written (e.g. "98,5% hồ sơ đúng hạn").', maxLength: 500 })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(500)
  actual: string;

  @ApiProperty({ description: 'Whether the target was met.' })
  @IsBoolean({ message: 'must be true or false' })
  achieved: boolean;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(2000)
  note?: string;
}

export class CreateEvaluationRequest {
  @ApiProperty({ description: '`YYYY-Q1`…`YYYY-Q4`, `YYYY-H1` or `YYYY` (the whole year); the year must be the objectives\' year.', example: '2026-H1', pattern: PERIOD_PATTERN.source })
  @IsString({ message: 'must be a string' })
  @Matches(PERIOD_PATTERN, { message: 'must be YYYY-Q1…YYYY-Q4, YYYY-H1 or YYYY' })
  period: string;

  @ApiProperty({ type: [EvaluationResultInput], description: 'One result per objective of the revision in force.' })
  @IsArray({ message: 'must be an array' })
  @ArrayMinSize(1, { message: 'must have at least one result' })
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => EvaluationResultInput)
  results: EvaluationResultInput[];

  @ApiPropertyOptional({ format: 'uuid', description: 'The evaluation of the same period this one corrects (it stays, marked as corrected).' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  correctsId?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Why the earlier evaluation is corrected (required with correctsId).' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(2000)
  reason?: string;
}

export class EvaluationResultView {
  @ApiProperty() no: number;
  @ApiProperty({ description: 'The objective as the revision states it.' }) objective: string;
  @ApiProperty({ type: String, nullable: true }) target: string | null;
  @ApiProperty() actual: string;
  @ApiProperty() achieved: boolean;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}

export class EvaluationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ example: '2026-H1' }) period: string;
  @ApiProperty({ format: 'uuid', description: 'The revision in force that was evaluated.' }) revisionId: string;
  @ApiProperty({ type: [EvaluationResultView] }) results: EvaluationResultView[];
  @ApiProperty() achievedCount: number;
  @ApiProperty() total: number;
  @ApiProperty({ format: 'uuid' }) evaluatedBy: string;
  @ApiProperty() evaluatedByName: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'The evaluation this one corrects.' }) correctsId: string | null;
  @ApiProperty({ type: String, nullable: true }) correctionReason: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'The evaluation that corrects this one (then this one is no longer current).' }) correctedById: string | null;
  @ApiProperty({ description: 'The evaluation of its period that counts (not corrected).' }) current: boolean;
}

export class EvaluationList {
  @ApiProperty({ type: [EvaluationView], description: 'Newest first.' }) items: EvaluationView[];
}

export class ObjectiveView {
  @ApiProperty() no: number;
  @ApiProperty() objective: string;
  @ApiProperty({ type: String, nullable: true }) indicator: string | null;
  @ApiProperty({ type: String, nullable: true }) target: string | null;
  @ApiProperty({ type: String, nullable: true }) responsibleUnit: string | null;
}

export class EvaluationSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() period: string;
  @ApiProperty() achievedCount: number;
  @ApiProperty() total: number;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class ObjectivesDocumentView {
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() agencyName: string;
  @ApiProperty({ description: "`agency` for the agency's own objectives, `unit` for a unit's." }) scope: 'agency' | 'unit';
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty() year: number;
  @ApiProperty({ format: 'uuid' }) revisionId: string;
  @ApiProperty({ type: Number, nullable: true }) revisionNumber: number | null;
  @ApiProperty({ type: [ObjectiveView] }) objectives: ObjectiveView[];
  @ApiProperty({ type: EvaluationSummaryView, nullable: true, description: 'The latest current evaluation.' }) latestEvaluation: EvaluationSummaryView | null;
  @ApiProperty({ type: EvaluationView, nullable: true, description: 'The current evaluation of the whole year, once recorded.' }) yearResult: EvaluationView | null;
}

export class AgencyObjectivesView {
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() year: number;
  @ApiProperty({ type: [ObjectivesDocumentView], description: "The agency's objectives in force, then its units' (child agencies of level unit)." })
  items: ObjectivesDocumentView[];
}

export class ObjectivesYearQuery {
  @OptionalYearQuery('Default: the current year (Vietnam).')
  year?: number;
}

export class PublicObjectiveResultView {
  @ApiProperty() no: number;
  @ApiProperty() objective: string;
  @ApiProperty({ type: String, nullable: true }) indicator: string | null;
  @ApiProperty({ type: String, nullable: true }) target: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The measured value of the year, once evaluated.' }) actual: string | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Met or not, once the year is evaluated.' }) achieved: boolean | null;
}

export class PublicObjectivesDocumentView {
  @ApiProperty() agencyName: string;
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty() year: number;
  @ApiProperty({ type: [PublicObjectiveResultView] }) objectives: PublicObjectiveResultView[];
  @ApiProperty({ description: 'The year has a recorded evaluation (its results are shown).' }) evaluated: boolean;
  @ApiProperty({ type: Number, nullable: true }) achievedCount: number | null;
}

export class PublicObjectivesView {
  @ApiProperty() agencyCode: string;
  @ApiProperty() year: number;
  @ApiProperty({ type: [PublicObjectivesDocumentView] }) items: PublicObjectivesDocumentView[];
}
