import { Module } from '@nestjs/common';
import { AuditChainService } from './audit-chain.service.js';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditEventsService } from './audit-events.service.js';

/** Reading and verifying the audit trail. Writing is AuditCoreModule's AuditService (global). */
@Module({ controllers: [AuditEventsController], providers: [AuditEventsService, AuditChainService], exports: [AuditEventsService, AuditChainService] })
export class AuditModule {}
