import { Injectable } from '@nestjs/common';
import { OnJob } from '../queue/job-registry.js';
import { ContentStore, ScrubResult, SweepResult } from './content-store.js';

/** Scheduled care of the object store: the orphan sweeper and the integrity scrub (JOBS). */
@Injectable()
export class ObjectMaintenance {
  constructor(private readonly store: ContentStore) {}

  /** Every 30 minutes: removes unreferenced objects older than an hour. */
  @OnJob('documents.sweep-orphan-objects')
  sweep(): Promise<SweepResult> {
    return this.store.sweepOrphans();
  }

  /** Every hour: re-hashes the least recently verified objects (bounded budget) and reports mismatches. */
  @OnJob('documents.scrub-objects')
  scrub(): Promise<ScrubResult> {
    return this.store.scrub();
  }
}
