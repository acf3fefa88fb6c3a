import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { REVISION_STATES } from '../documents/document-types.js';
import { PASSWORD_MAX } from '../identity/passwords.js';
import { SignOffView } from './sign-off.view.js';

export { SignOffView };

export const REVIEW_DECISIONS = ['approve', 'return'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const COMMENT_MAX = 4000;

export class ReviewRevisionRequest {
  @ApiProperty({ enum: REVIEW_DECISIONS, description: '`approve`: in_review → pending_approval (a "checked" sign-off); `return`: back to draft (comment required).' })
  @IsIn(REVIEW_DECISIONS)
  decision: ReviewDecision;

  @ApiPropertyOptional({ maxLength: COMMENT_MAX, description: 'Required to return; kept in the revision history.' })
  @IsOptional()
  @IsString()
  @MaxLength(COMMENT_MAX)
  comment?: string;
}

export class ApproveRevisionRequest {
  @ApiProperty({ format: 'password', description: "The approver's password (re-authentication for the signature); wrong: 401 and nothing changes." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00+07:00',
    description:
      'When the revision takes effect. Absent or not in the future: at once (→ effective). In the future: → approved, taking effect at that instant. ' +
      'A date without time (2026-01-01) means 00:00 Vietnam time. At most 5 years ahead.',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date or date-time' })
  effectiveFrom?: string;
}

export class ReturnRevisionRequest {
  @ApiProperty({ maxLength: COMMENT_MAX, description: 'Why it is returned; kept in the revision history and sent to the author.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(COMMENT_MAX)
  comment: string;
}

export class WithdrawDocumentRequest {
  @ApiProperty({ maxLength: COMMENT_MAX, example: 'Thủ tục hành chính đã bị bãi bỏ theo Quyết định số 15/QĐ-UBND.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(COMMENT_MAX)
  reason: string;

  @ApiProperty({ format: 'password', description: "The withdrawing head's password (re-authentication); wrong: 401 and nothing changes." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class SignOffList {
  @ApiProperty({ format: 'uuid' }) revisionId: string;
  @ApiProperty({ enum: REVISION_STATES }) state: string;
  @ApiProperty({ description: "The revision's current digest; sign-offs with another digest are stale." }) digest: string;
  @ApiProperty({ type: [SignOffView], description: 'Oldest first.' }) items: SignOffView[];
}
