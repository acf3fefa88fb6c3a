import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';
import { RefusalRecord } from './refusal-record.js';

/** The audit writer (and the record of refused requests), available to every module. */
@Global()
@Module({ providers: [AuditService, RefusalRecord], exports: [AuditService, RefusalRecord] })
export class AuditCoreModule {}
