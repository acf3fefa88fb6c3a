import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { FILE_VARIANTS, SearchMatchView } from '../documents/documents.dto.js';

/** Documents anyone may download: forms, the quality policy and objectives, administrative procedures. */
export const PUBLIC_TYPES = ['form', 'procedure', 'quality_policy', 'quality_objectives'] as const;

export class PublicAgencyView {
  @ApiProperty({ example: 'UBND-XA-TANLAP' }) code: string;
  @ApiProperty({ example: 'Ủy ban nhân dân xã Tân Lập' }) name: string;
  @ApiProperty({ enum: ['province', 'department', 'district', 'commune', 'unit'] }) level: string;
  @ApiProperty({ nullable: true, type: String, description: 'Code of the parent agency' }) parentCode: string | null;
}

export class PublicFileView {
  @ApiProperty({ enum: ['source', 'attachment'] }) role: string;
  @ApiProperty({ example: 'Tờ khai đăng ký.docx' }) filename: string;
  @ApiProperty() mediaType: string;
  @ApiProperty() size: number;
  @ApiProperty({ description: 'SHA-256 of the bytes (also the download ETag)' }) sha256: string;
}

export class PublicDocumentView {
  @ApiProperty({ example: 'BM.01/QT-01' }) code: string;
  @ApiProperty({ example: 'Tờ khai đề nghị cấp giấy phép xây dựng' }) title: string;
  @ApiProperty({ enum: PUBLIC_TYPES }) type: string;
  @ApiProperty({ nullable: true, type: String, description: 'National TTHC code of the procedure' }) tthcCode: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'For a form: the code of its procedure' }) procedureCode: string | null;
  @ApiProperty({ description: 'Lần ban hành of the revision in force' }) revisionNumber: number;
  @ApiProperty({ format: 'date-time' }) effectiveAt: string;
  @ApiProperty({ type: [PublicFileView] }) files: PublicFileView[];
  @ApiProperty({ description: 'Where to download the controlled copy (stamped PDF)', example: '/api/v1/public/agencies/UBND-X/documents/BM.01%2FQT-01/file?variant=controlled' })
  controlledCopyUrl: string;
  @ApiProperty({ nullable: true, type: String, description: 'Where to download the source file (e.g. the fillable form)' })
  sourceUrl: string | null;
  @ApiPropertyOptional({ type: [SearchMatchView], description: 'With `q`: where the document matched (title, code, content or a file of the revision in force), with snippets.' })
  matches?: SearchMatchView[];
}

export class PublicDocumentPage {
  @ApiProperty({ type: [PublicDocumentView] }) items: PublicDocumentView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class PublicDocumentQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PUBLIC_TYPES }) @IsOptional() @IsIn(PUBLIC_TYPES) type?: (typeof PUBLIC_TYPES)[number];
  @ApiPropertyOptional({ description: 'Matches code and title, ignoring accents and case' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ description: 'Forms of this procedure (its code)' }) @IsOptional() @IsString() @MaxLength(64) procedureCode?: string;
}

export class PublicFileQuery {
  @ApiPropertyOptional({ enum: FILE_VARIANTS, default: 'controlled' })
  @IsOptional()
  @IsIn(FILE_VARIANTS)
  variant?: (typeof FILE_VARIANTS)[number];
}

export class PublicDownloadCountView {
  @ApiProperty({ format: 'uuid' }) revisionId: string;
  @ApiProperty({ description: 'Lần ban hành' }) revisionNumber: number;
  @ApiProperty({ enum: FILE_VARIANTS }) variant: string;
  @ApiProperty({ format: 'date', description: 'The day, in Vietnam time.' }) day: string;
  @ApiProperty({ description: 'Downloads without sign-in that day.' }) downloads: number;
}

export class PublicDownloadCounts {
  @ApiProperty({ type: [PublicDownloadCountView], description: 'Newest day first (at most 1,000 rows).' }) items: PublicDownloadCountView[];
}
