import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NonconformitySourceWatcher, NonconformitySourceWatcherHandler } from '../nonconformities/nonconformity-sources.js';
import { InternalAuditsService } from './internal-audits.service.js';

/** An audit closes by itself when the last nonconformity it opened is closed. */
@Injectable()
@NonconformitySourceWatcher('internal_audit')
export class InternalAuditClosing implements NonconformitySourceWatcherHandler {
  constructor(private readonly audits: InternalAuditsService) {}

  onSourceClosed(auditId: string, manager: EntityManager): Promise<void> {
    return this.audits.closeIfDone(auditId, manager);
  }
}
