import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../common/pagination.js';

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'revision.to_approve' }) kind: string;
  @ApiProperty({ example: 'Chờ phê duyệt: QT-01 Quy trình cấp phép xây dựng (lần ban hành 2)' }) title: string;
  @ApiProperty() body: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) agencyId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'revision' }) entityType: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt: string | null;
  @ApiProperty({ enum: ['pending', 'sent', 'skipped', 'failed'], description: 'State of the e-mail copy' }) emailStatus: string;
}

export class NotificationPage {
  @ApiProperty({ type: [NotificationView] }) items: NotificationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiProperty({ description: 'Unread notifications in total' }) unreadCount: number;
}

export class NotificationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only unread ones' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unread?: 'true' | 'false';
}

export class MarkAllReadResult {
  @ApiProperty() updated: number;
}
