import type { RevisionState } from '../documents/document-types.js';

/**
 * Every job the system runs: its payload type (JobPayloads), its queue and how it is retried
 * (JOBS). The two lists have the same keys (the compiler checks it); `JobQueue.enqueue(name, data)`
 * and `@OnJob(name)` handlers are typed from JobPayloads, so a wrong payload or handler parameter
 * fails the build. The job registry refuses to start when a job has no handler. A new job: add its
 * payload type here, its spec to JOBS, a handler with @OnJob.
 */
export const QUEUES = ['render', 'legal', 'mail', 'workflow', 'maintenance'] as const;
export type QueueName = (typeof QUEUES)[number];

export interface JobSpec {
  queue: QueueName;
  /** Attempts before the job is failed for good (default 5), spent by errors other than dependency outages. */
  attempts?: number;
  /** First retry delay (default 2 s), doubling for each attempt and each outage retry. */
  backoffMs?: number;
  /**
   * How long a dependency outage (PostgreSQL, Redis, S3, SMTP down) is retried without spending
   * attempts (default 1 h; 0 for periodic jobs, whose next run is the retry). See retry-policy.ts.
   */
  outageRetryMs?: number;
  /** Longest delay between two outage retries (default 60 s). */
  outageMaxDelayMs?: number;
  /** Repeat every N ms as a scheduled job (registered at start-up by the worker). */
  everyMs?: number;
  /**
   * Remove the job from Redis as soon as it completes, so the same jobId can be queued again at
   * once (work keyed by a domain identity that recurs, e.g. a draft's rendition after a save).
   */
  removeOnComplete?: boolean;
}

/** Periodic jobs (JOBS entries with `everyMs`) are started by the scheduler with an empty payload. */
export type NoPayload = Record<string, never>;

/**
 * What each job receives. Payloads travel as JSON through the outbox (jsonb) and Redis: strings,
 * numbers, booleans, arrays and plain objects only (no Date, no class instances).
 */
export interface JobPayloads {
  'identity.purge-expired-sessions': NoPayload;
  'mail.notification': { notificationId: string };
  'documents.sweep-orphan-objects': NoPayload;
  'documents.scrub-objects': NoPayload;
  'workflow.make-effective': { revisionId: string };
  'workflow.sweep-due-effective': NoPayload;
  'workflow.flag-overdue-reviews': NoPayload;
  'legal.change.fanout': { changeId: string };
  'legal.change.batch': { changeId: string; batch: number };
  'legal.change.sweep': NoPayload;
  'render.revision': {
    revisionId: string;
    state: RevisionState;
    layoutVersion: number;
    /** The request's round (0, then +1 each time a failed request is asked again). */
    round: number;
  };
  'render.resend-lost': NoPayload;
  'render.record-paper': {
    /** The paper kind (`@RecordPaperKind`), e.g. `internal_audit.report`. */
    kind: string;
    entityId: string;
    /** Digest of the printed model the job renders. */
    digest: string;
    layoutVersion: number;
    /** 0, then +1 each time a failed or moot request is asked again (a new job id). */
    round: number;
  };
  'render.record-paper-resend-lost': NoPayload;
  'distribution.remind-readers': NoPayload;
  'search.extract-text': { sha256: string };
  'search.extract-resend': NoPayload;
  'nonconformities.notify-overdue-actions': NoPayload;
  'supervision.report-reminders': NoPayload;
}

export const JOBS = {
  /** Deletes refresh tokens and sessions that expired more than a week ago. */
  'identity.purge-expired-sessions': { queue: 'maintenance', attempts: 3, everyMs: 6 * 3600_000 },
  /** Sends the e-mail copy of a notification (SMTP_URL). */
  'mail.notification': { queue: 'mail', attempts: 6 },
  /** Removes stored objects nothing refers to, older than an hour (documents/content-store.ts). */
  'documents.sweep-orphan-objects': { queue: 'maintenance', attempts: 3, everyMs: 30 * 60_000 },
  /** Re-hashes stored objects (least recently verified first, bounded) and reports mismatches. */
  'documents.scrub-objects': { queue: 'maintenance', attempts: 2, everyMs: 3600_000 },
  /** Makes one approved revision effective at its effective date (jobId effective_<revisionId>). */
  'workflow.make-effective': { queue: 'workflow', attempts: 5 },
  /** Makes every approved revision whose effective date has passed effective (catches lost jobs). */
  'workflow.sweep-due-effective': { queue: 'workflow', attempts: 1, everyMs: 60_000 },
  /** Flags documents whose periodic review is overdue (review_overdue) and tells the ISO secretaries. */
  'workflow.flag-overdue-reviews': { queue: 'workflow', attempts: 2, everyMs: 3600_000 },
  /** Finds every document citing a changed legal document and queues its batches (jobId legal-change_<changeId>[_a<round>]). */
  'legal.change.fanout': { queue: 'legal', attempts: 5 },
  /** Regenerates one batch of a legal change's documents (jobId legal-change_<changeId>_b<n>[_a<round>]). */
  'legal.change.batch': { queue: 'legal', attempts: 4 },
  /** Re-queues legal changes stuck in pending/running whose jobs were lost. */
  'legal.change.sweep': { queue: 'legal', attempts: 1, everyMs: 5 * 60_000 },
  /** Renders a revision's controlled-copy PDF (jobId render_<revisionId>_<state>_<layout>[_r<round>]; src/renditions). */
  'render.revision': { queue: 'render', attempts: 5, removeOnComplete: true },
  /** Queues again render requests still pending whose job was lost (src/renditions). */
  'render.resend-lost': { queue: 'maintenance', attempts: 2, everyMs: 5 * 60_000 },
  /** Renders a quality record's PDF (jobId paper_<kind>_<entityId>_<digest>_<layout>[_r<round>]; src/record-papers). */
  'render.record-paper': { queue: 'render', attempts: 5, removeOnComplete: true },
  /** Queues again record paper requests still pending whose job was lost (src/record-papers). */
  'render.record-paper-resend-lost': { queue: 'maintenance', attempts: 2, everyMs: 5 * 60_000 },
  /** Reminds once those who have not acknowledged a revision in force after 7 days (src/distribution). */
  'distribution.remind-readers': { queue: 'workflow', attempts: 2, everyMs: 3600_000 },
  /** Extracts the text of a stored file for search (jobId extract_<sha256>[_r<round>]; src/search). */
  'search.extract-text': { queue: 'render', attempts: 3 },
  /** Queues again text extractions still pending whose job was lost (src/search). */
  'search.extract-resend': { queue: 'maintenance', attempts: 2, everyMs: 10 * 60_000 },
  /** Tells the responsible person and the ISO secretaries, once, that a corrective action is past its due date (src/nonconformities). */
  'nonconformities.notify-overdue-actions': { queue: 'workflow', attempts: 2, everyMs: 3600_000 },
  /** Reminds agencies of reports due in 7 days and in 1 day, once each (src/supervision/report-reminders.ts). */
  'supervision.report-reminders': { queue: 'workflow', attempts: 2, everyMs: 3600_000 },
} satisfies { [N in keyof JobPayloads]: JobSpec };

export type JobName = keyof JobPayloads;
export type JobPayload<N extends JobName> = JobPayloads[N];

/** One job with its payload, as a discriminated union (immich's JobItem). */
export type JobItem = { [N in JobName]: { name: N; data: JobPayloads[N] } }[JobName];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** Fails to compile when a payload type holds something JSON cannot carry. */
type AssertJson<T extends { [N in JobName]: Json }> = T;
type _PayloadsAreJson = AssertJson<{ [N in JobName]: JobPayloads[N] }>;

export function jobSpec(name: string): JobSpec | undefined {
  return (JOBS as Record<string, JobSpec>)[name];
}

/** BullMQ job ids may not contain ':' nor be integers. */
export function safeJobId(...parts: string[]): string {
  return parts.join('_').replace(/:/g, '-');
}
