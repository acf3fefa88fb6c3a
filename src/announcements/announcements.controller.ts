import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation, SESSION_CODES } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { AnnouncementList, AnnouncementView, CreateAnnouncementRequest } from './announcements.dto.js';
import { AnnouncementsService } from './announcements.service.js';

@ApiTags('quality records')
@ApiBearerAuth()
@Controller('agencies/:id/announcements')
export class AnnouncementsController {
  constructor(private readonly announcements: AnnouncementsService) {}

  @Post()
  @Operation(
    'createAnnouncement',
    'Sign an announcement of conformity to TCVN ISO 9001:2015 (công bố / công bố lại)',
    'The head, or a deputy inside an active delegation ("KT."), re-authenticating with the password. The decision number follows Decree 30 (…/QĐ-…) ' +
      'and is unique in the agency; the scope is procedures of the agency in force (422 otherwise); `initial` once, then `re_announcement`. ' +
      "The agency's supervisors are notified (in the application and by e-mail). Signed for good: the database refuses any change.",
  )
  @ApiCreatedResponse({ type: AnnouncementView })
  @ApiProblems(400, ...SESSION_CODES, 'invalid_password', 403, 'approver_required', 'delegation_required', 404, 'initial_announcement_exists', 'decision_number_taken', 'announcement_scope_invalid', 'announcement_kind_invalid', 429)
  create(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: CreateAnnouncementRequest): Promise<AnnouncementView> {
    return this.announcements.sign(p, id, body);
  }

  @Get()
  @Operation(
    'listAnnouncements',
    "The agency's announcements, newest first, and what changed in scope since the last one",
    '`scopeChangedSince`: procedures that took effect or were withdrawn after the last announcement — a re-announcement is due when either is not empty.',
  )
  @ApiOkResponse({ type: AnnouncementList })
  @ApiProblems(401, 404)
  list(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<AnnouncementList> {
    return this.announcements.list(p, id);
  }
}
