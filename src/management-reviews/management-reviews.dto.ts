import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsCalendarDate, OptionalYearQuery } from '../common/calendar-date.js';
import { Omittable } from '../common/validation.js';
import { PageQuery } from '../common/pagination.js';
import { RecordPaperStatusView } from '../record-papers/index.js';

export const DECISION_KINDS = ['improvement', 'qms_change', 'resources'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
export const REVIEW_STATES = ['draft', 'approved'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export class AttendeeInput {
  @ApiProperty({ maxLength: 200, example: 'Phạm Thị Thư' })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200)
  fullName: string;

  @ApiProperty({ maxLength: 300, example: 'Thư ký ISO, Chánh Văn phòng' })
  @IsString({ message: 'must be a string' })
  @MaxLength(300)
  title: string;
}

export class CreateManagementReviewRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'must be a UUID' }) agencyId: string;

  @ApiProperty({ minimum: 2000, maximum: 2200, example: 2026 })
  @IsInt({ message: 'must be an integer' })
  @Min(2000)
  @Max(2200)
  year: number;

  @ApiProperty({ format: 'date', example: '2026-12-10' }) @IsCalendarDate() heldOn: string;

  @ApiProperty({ format: 'uuid', description: 'The head, or a deputy (who signs "KT." under a delegation).' })
  @IsUUID('all', { message: 'must be a UUID' })
  chairUserId: string;

  @ApiProperty({ type: [AttendeeInput] })
  @IsArray({ message: 'must be an array' })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => AttendeeInput)
  attendees: AttendeeInput[];
}

export class UpdateManagementReviewRequest {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 20000, description: 'The minutes: what was discussed (diễn biến cuộc họp).' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(20000)
  minutes?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 10000, description: 'Feedback from citizens and organisations (§9.3.2 c 1).' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(10000)
  feedback?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 10000, description: 'Adequacy of resources (§9.3.2 d).' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(10000)
  resources?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 10000, description: 'Risks and opportunities (§9.3.2 e).' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(10000)
  risks?: string | null;

  @ApiPropertyOptional({ format: 'date' })
  @Omittable()
  @IsCalendarDate()
  heldOn?: string;

  @ApiPropertyOptional({ type: [AttendeeInput] })
  @Omittable()
  @IsArray({ message: 'must be an array' })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => AttendeeInput)
  attendees?: AttendeeInput[];
}

export class CreateDecisionRequest {
  @ApiProperty({ enum: DECISION_KINDS, description: 'Improvement, change to the QMS, or resources (§9.3.3).' })
  @IsIn(DECISION_KINDS, { message: `must be one of ${DECISION_KINDS.join(', ')}` })
  kind: DecisionKind;

  @ApiProperty({ maxLength: 4000 })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(4000)
  description: string;

  @ApiProperty({ format: 'uuid', description: 'A member of the agency.' })
  @IsUUID('all', { message: 'must be a UUID' })
  responsibleUserId: string;

  @ApiProperty({ format: 'date', description: 'Not in the past.' }) @IsCalendarDate() dueOn: string;
}

export class ApproveManagementReviewRequest {
  @ApiProperty({ format: 'password', description: "The chair's password (re-authentication)." })
  @IsString({ message: 'must be a string' })
  @MaxLength(200)
  password: string;
}

export class CompleteDecisionRequest {
  @ApiProperty({ maxLength: 4000, description: 'What was done (evidence).' })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(4000)
  note: string;
}

export class ManagementReviewListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'must be a UUID' }) agencyId?: string;
  @OptionalYearQuery()
  year?: number;
}

export class MinutesQuery {
  @ApiPropertyOptional({ enum: ['json', 'pdf'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'pdf'], { message: 'must be json or pdf' })
  format?: 'json' | 'pdf';
}

// ------------------------------------------------------------------ views

export class AttendeeView {
  @ApiProperty() fullName: string;
  @ApiProperty() title: string;
}

export class PersonView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
}

export class DecisionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ description: 'Its number in the review (1, 2, ...).' }) no: number;
  @ApiProperty({ enum: DECISION_KINDS }) kind: DecisionKind;
  @ApiProperty() description: string;
  @ApiProperty({ type: PersonView }) responsible: PersonView;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ enum: ['open', 'done'] }) status: 'open' | 'done';
  @ApiProperty({ description: 'Open past its due date.' }) overdue: boolean;
  @ApiProperty({ type: String, nullable: true }) completionNote: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) completedAt: string | null;
}

export class PreviousDecisionView extends DecisionView {
  @ApiProperty({ description: 'The year of the review that took it.' }) reviewYear: number;
  @ApiProperty({ format: 'date' }) reviewHeldOn: string;
}

export class PreviousDecisionsInput {
  @ApiProperty({ description: 'Decisions listed: those of the previous review and every earlier one still open.' }) count: number;
  @ApiProperty() open: number;
  @ApiProperty() overdue: number;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) previousReviewId: string | null;
  @ApiProperty({ type: [PreviousDecisionView] }) items: PreviousDecisionView[];
}

export class ObjectivesEvaluationSummary {
  @ApiProperty() period: string;
  @ApiProperty() achievedCount: number;
  @ApiProperty() total: number;
}

export class ObjectivesInputItem {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty() agencyName: string;
  @ApiProperty({ enum: ['agency', 'unit'] }) scope: 'agency' | 'unit';
  @ApiProperty({ description: 'Objectives in the revision in force.' }) total: number;
  @ApiProperty({ type: ObjectivesEvaluationSummary, nullable: true }) latestEvaluation: ObjectivesEvaluationSummary | null;
}

export class ObjectivesInput {
  @ApiProperty() count: number;
  @ApiProperty({ description: 'Objectives of the documents listed.' }) objectives: number;
  @ApiProperty({ description: 'Met, by the latest evaluation of each document.' }) met: number;
  @ApiProperty({ type: [ObjectivesInputItem] }) items: ObjectivesInputItem[];
}

export class FindingsByKind {
  @ApiProperty() nonconformity: number;
  @ApiProperty() observation: number;
  @ApiProperty() opportunity: number;
  @ApiProperty() strength: number;
}

export class AuditInputItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() state: string;
  @ApiProperty({ format: 'date' }) plannedFrom: string;
  @ApiProperty({ format: 'date' }) plannedTo: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) reportedAt: string | null;
  @ApiProperty({ type: FindingsByKind }) findings: FindingsByKind;
  @ApiProperty() nonconformitiesOpen: number;
}

export class AuditsInput {
  @ApiProperty() count: number;
  @ApiProperty({ description: 'Audits held (started) in the year.' }) held: number;
  @ApiProperty({ type: FindingsByKind }) findings: FindingsByKind;
  @ApiProperty({ type: [AuditInputItem] }) items: AuditInputItem[];
}

export class NonconformityInputItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() source: string;
  @ApiProperty() severity: string;
  @ApiProperty() description: string;
  @ApiProperty() state: string;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) closedAt: string | null;
}

export class NonconformitiesInput {
  @ApiProperty() count: number;
  @ApiProperty() open: number;
  @ApiProperty() overdue: number;
  @ApiProperty() closed: number;
  @ApiProperty({ type: [NonconformityInputItem] }) items: NonconformityInputItem[];
}

export class LegalChangeInputItem {
  @ApiProperty({ format: 'uuid' }) changeId: string;
  @ApiProperty({ format: 'uuid' }) legalDocumentId: string;
  @ApiProperty({ example: '19/2014/QĐ-TTg' }) legalDocumentNumber: string;
  @ApiProperty({ enum: ['amended', 'replaced', 'repealed'] }) kind: string;
  @ApiProperty({ format: 'date' }) effectiveFrom: string;
  @ApiProperty({ description: "The agency's documents it reached." }) documents: number;
  @ApiProperty({ description: 'Of their drafts, those still open.' }) openDrafts: number;
}

export class LegalChangesInput {
  @ApiProperty({ description: 'Changes recorded in the year that reached the agency.' }) count: number;
  @ApiProperty({ description: 'Drafts made by legal changes still open today.' }) openDrafts: number;
  @ApiProperty({ type: [LegalChangeInputItem] }) items: LegalChangeInputItem[];
}

export class DocumentDueItem {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty() type: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
}

export class DocumentsDueInput {
  @ApiProperty() count: number;
  @ApiProperty({ type: [DocumentDueItem] }) items: DocumentDueItem[];
}

export class AnnouncementInput {
  @ApiProperty() announced: boolean;
  @ApiProperty({ type: String, nullable: true, example: '15/QĐ-UBND' }) decisionNumber: string | null;
  @ApiProperty({ format: 'date', type: String, nullable: true }) signedOn: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['initial', 're_announcement'] }) kind: string | null;
  @ApiProperty({ description: 'Procedures in the scope of the latest announcement.' }) scope: number;
  @ApiProperty({ description: 'Procedures that took effect since.' }) added: number;
  @ApiProperty({ description: 'Procedures withdrawn since.' }) withdrawn: number;
  @ApiProperty() reannouncementDue: boolean;
}

export class ReviewInputsView {
  @ApiProperty({ format: 'date-time', description: 'When the system collected them.' }) collectedAt: string;
  @ApiProperty({ type: PreviousDecisionsInput }) previousDecisions: PreviousDecisionsInput;
  @ApiProperty({ type: ObjectivesInput }) objectives: ObjectivesInput;
  @ApiProperty({ type: AuditsInput }) audits: AuditsInput;
  @ApiProperty({ type: NonconformitiesInput }) nonconformities: NonconformitiesInput;
  @ApiProperty({ type: LegalChangesInput }) legalChanges: LegalChangesInput;
  @ApiProperty({ type: DocumentsDueInput }) documentsDue: DocumentsDueInput;
  @ApiProperty({ type: AnnouncementInput }) announcement: AnnouncementInput;
}

export class ManagementReviewView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() year: number;
  @ApiProperty({ format: 'date' }) heldOn: string;
  @ApiProperty({ type: PersonView }) chair: PersonView;
  @ApiProperty({ type: [AttendeeView] }) attendees: AttendeeView[];
  @ApiProperty({ enum: REVIEW_STATES }) state: ReviewState;
  @ApiProperty({ type: ReviewInputsView, description: 'Collected from the system: fresh on every read of a draft, as approved once approved.' }) inputs: ReviewInputsView;
  @ApiProperty({ type: String, nullable: true }) minutes: string | null;
  @ApiProperty({ type: String, nullable: true }) feedback: string | null;
  @ApiProperty({ type: String, nullable: true }) resources: string | null;
  @ApiProperty({ type: String, nullable: true }) risks: string | null;
  @ApiProperty({ type: [DecisionView] }) decisions: DecisionView[];
  @ApiProperty({ type: PersonView, nullable: true }) approvedBy: PersonView | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) approvedAt: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['head', 'deputy'] }) capacity: 'head' | 'deputy' | null;
  @ApiProperty({ type: PersonView, nullable: true, description: 'The head a deputy signed for ("KT.").' }) onBehalfOf: PersonView | null;
  @ApiProperty({ description: 'For If-Match.' }) etag: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ManagementReviewListItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() year: number;
  @ApiProperty({ format: 'date' }) heldOn: string;
  @ApiProperty({ enum: REVIEW_STATES }) state: ReviewState;
  @ApiProperty({ type: PersonView }) chair: PersonView;
  @ApiProperty() decisions: number;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) approvedAt: string | null;
}

export class ManagementReviewPage {
  @ApiProperty({ type: [ManagementReviewListItem], description: 'Newest meeting first.' }) items: ManagementReviewListItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class MinutesView {
  @ApiProperty({ type: ManagementReviewView }) review: ManagementReviewView;
  @ApiProperty() agencyName: string;
  @ApiProperty({ type: RecordPaperStatusView, nullable: true, description: 'The PDF (?format=pdf) as the queue has it.' }) pdf: RecordPaperStatusView | null;
}
