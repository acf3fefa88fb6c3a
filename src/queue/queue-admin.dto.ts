import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { QUEUES } from './jobs.js';

export class JobCountsView {
  @ApiProperty() waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty() failed: number;
  @ApiProperty() completed: number;
}

export class FailedJobView {
  @ApiProperty({ example: 'render.revision' }) name: string;
  @ApiProperty() jobId: string;
  @ApiProperty({ description: 'The last error' }) failedReason: string;
  @ApiProperty() attemptsMade: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) failedAt: string | null;
}

export class OutageRetryView {
  @ApiProperty({ example: 'render.revision' }) name: string;
  @ApiProperty() jobId: string;
  @ApiProperty({ enum: ['database', 'redis', 'storage', 'network'], description: 'The dependency the job waits for' }) dependency: string;
  @ApiProperty({ format: 'date-time', description: 'First failure of this outage' }) since: string;
  @ApiProperty({ description: 'Outage retries so far (no attempt is spent on them)' }) retries: number;
  @ApiProperty() lastError: string;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt: string;
  @ApiProperty({ format: 'date-time', description: 'If the dependency is still down then, failures count as attempts again' }) givesUpAt: string;
}

export class QueueView {
  @ApiProperty({ enum: QUEUES }) name: string;
  @ApiProperty({ type: JobCountsView, nullable: true, description: 'Null when Redis cannot be reached' }) counts: JobCountsView | null;
  @ApiProperty({ type: [FailedJobView], description: 'The most recent jobs that failed for good' }) recentFailures: FailedJobView[];
  @ApiProperty({ type: [OutageRetryView], description: 'Jobs waiting for a dependency to come back (among the first 100 delayed and waiting jobs)' })
  waitingForDependency: OutageRetryView[];
}

export class OutboxView {
  @ApiProperty({ description: 'Jobs written but not yet on a queue (Redis down, or just committed)' }) pending: number;
  @ApiProperty({ description: 'Jobs on a queue, not yet settled' }) dispatched: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) oldestPendingAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the oldest pending job was not sent' }) lastError: string | null;
}

export class QueuesStatusView {
  @ApiProperty({ type: [QueueView] }) queues: QueueView[];
  @ApiProperty({ type: OutboxView }) outbox: OutboxView;
}

export class RetryFailedQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class RetryFailedResult {
  @ApiProperty() retried: number;
}
