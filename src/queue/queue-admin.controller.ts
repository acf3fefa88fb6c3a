import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { Database } from '../database/database.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { Queues, withTimeout } from './job-queue.js';
import { QUEUES, QueueName } from './jobs.js';
import { FailedJobView, OutageRetryView, QueuesStatusView, QueueView, RetryFailedQuery, RetryFailedResult } from './queue-admin.dto.js';
import { outageOf } from './retry-policy.js';

function assertAdmin(p: Principal): void {
  if (!p.isAdmin) throw Errors.forbidden('Only the system administrator manages the job queues.');
}

/** Operators' view of queued work: depths, the outbox backlog, recent failures, and a retry. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin/queues')
export class QueueAdminController {
  constructor(
    private readonly queues: Queues,
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Operation('getQueueStatus', 'Job queues and the outbox: depths, backlog, recent failures (system administrator)')
  @ApiOkResponse({ type: QueuesStatusView })
  @ApiProblems(401, 403)
  async status(@CurrentUser() p: Principal): Promise<QueuesStatusView> {
    assertAdmin(p);
    // Each queue answers within the Redis timeout, or is reported unreachable (counts null).
    const queues = await Promise.all(
      this.queues.all().map(async ([name, q]): Promise<QueueView> => {
        try {
          const [c, failed, delayed] = await withTimeout(Promise.all([q.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'), q.getFailed(0, 9), q.getJobs(['delayed', 'wait', 'prioritized'], 0, 99)]));
          return {
            name,
            counts: { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 },
            recentFailures: failed.map(
              (j): FailedJobView => ({
                name: j.name,
                jobId: j.id ?? '',
                failedReason: j.failedReason ?? '',
                attemptsMade: j.attemptsMade,
                data: j.data as Record<string, unknown>,
                failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
              }),
            ),
            waitingForDependency: delayed.flatMap((j): OutageRetryView[] => {
              const o = outageOf(j.progress);
              return o ? [{ name: j.name, jobId: j.id ?? '', dependency: o.dependency, since: o.since, retries: o.retries, lastError: o.lastError, nextAttemptAt: o.nextAttemptAt, givesUpAt: o.givesUpAt }] : [];
            }),
          };
        } catch {
          return { name, counts: null, recentFailures: [], waitingForDependency: [] };
        }
      }),
    );
    const [o] = await this.db.query<{ pending: number; dispatched: number; oldest: Date | null; last_error: string | null }[]>(
      `SELECT count(*) FILTER (WHERE dispatched_at IS NULL)::int AS pending,
              count(*) FILTER (WHERE dispatched_at IS NOT NULL)::int AS dispatched,
              min(created_at) FILTER (WHERE dispatched_at IS NULL) AS oldest,
              (SELECT last_error FROM job_outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT 1) AS last_error
         FROM job_outbox`,
    );
    return {
      queues,
      outbox: { pending: o.pending, dispatched: o.dispatched, oldestPendingAt: o.oldest ? new Date(o.oldest).toISOString() : null, lastError: o.last_error },
    };
  }

  @Post(':queue/failed/retry')
  @HttpCode(200)
  @Operation('retryFailedJobs', 'Run the jobs of a queue that failed for good again (system administrator)')
  @ApiParam({ name: 'queue', enum: QUEUES })
  @ApiOkResponse({ type: RetryFailedResult })
  @ApiProblems(401, 403, 404)
  async retry(@CurrentUser() p: Principal, @Param('queue') name: string, @Query() q: RetryFailedQuery): Promise<RetryFailedResult> {
    assertAdmin(p);
    if (!(QUEUES as readonly string[]).includes(name)) throw Errors.notFound('Queue');
    const failed = await withTimeout(this.queues.get(name as QueueName).getFailed(0, (q.limit ?? 100) - 1)).catch(() => {
      throw Errors.unavailable('Redis');
    });
    // Redis may go away half-way: the event records the jobs actually sent back.
    const retried: string[] = [];
    let interrupted = false;
    for (const job of failed) {
      try {
        await withTimeout(job.retry('failed'));
        retried.push(job.id!);
      } catch {
        interrupted = true;
        break;
      }
    }
    await this.db.transaction(() =>
      this.audit.record({ action: 'queue.failed_retried', entityType: 'queue', entityId: null, agencyId: null, changes: { queue: name, retried: retried.length, jobIds: retried } }),
    );
    if (interrupted) throw Errors.unavailable('Redis');
    return { retried: retried.length };
  }
}
