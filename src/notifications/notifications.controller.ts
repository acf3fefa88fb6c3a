import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { MarkAllReadResult, NotificationPage, NotificationQuery, NotificationView } from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Operation('listMyNotifications', 'Your notifications, newest first, with the unread count')
  @ApiOkResponse({ type: NotificationPage })
  @ApiProblems(401)
  list(@CurrentUser() p: Principal, @Query() q: NotificationQuery): Promise<NotificationPage> {
    return this.notifications.list(p, q);
  }

  @Post('read-all')
  @HttpCode(200)
  @Operation('markAllNotificationsRead', 'Mark all your notifications read')
  @ApiOkResponse({ type: MarkAllReadResult })
  @ApiProblems(401)
  async readAll(@CurrentUser() p: Principal): Promise<MarkAllReadResult> {
    return { updated: await this.notifications.markAllRead(p) };
  }

  @Post(':id/read')
  @HttpCode(200)
  @Operation('markNotificationRead', 'Mark one of your notifications read')
  @ApiOkResponse({ type: NotificationView })
  @ApiProblems(401, 404)
  read(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<NotificationView> {
    return this.notifications.markRead(p, id);
  }
}
