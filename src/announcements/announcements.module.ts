import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { AnnouncementFacts } from './announcement-facts.js';
import { AnnouncementsController } from './announcements.controller.js';
import { AnnouncementsService } from './announcements.service.js';

/**
 * Announcements of conformity and the re-announcement due when the procedures in force change
 * (`AnnouncementsService.scopeChangedSince`, for supervision), with the announcement figures of the agency facts.
 */
@Module({
  imports: [AgenciesModule, DocumentsModule, IdentityModule, NotificationsModule],
  controllers: [AnnouncementsController],
  providers: [AnnouncementsService, AnnouncementFacts],
  exports: [AnnouncementsService],
})
export class AnnouncementsModule {}
