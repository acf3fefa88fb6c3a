import { Global, Module } from '@nestjs/common';
import { Mailer } from './mailer.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';

/** Notifications are raised by many features (workflow, legal changes, reviews): global. */
@Global()
@Module({ controllers: [NotificationsController], providers: [Mailer, NotificationsService], exports: [NotificationsService] })
export class NotificationsModule {}
