import { Global, Module } from '@nestjs/common';
import { ApprovalRights } from './approval-rights.js';

/**
 * Approval rights (who may approve in an agency, in which capacity), for every record that is
 * approved by the head or a deputy under a delegation. Global like AccessModule, on which it builds.
 */
@Global()
@Module({ providers: [ApprovalRights], exports: [ApprovalRights] })
export class ApprovalModule {}
