import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';

/** The audit writer, available to every module. */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditCoreModule {}
