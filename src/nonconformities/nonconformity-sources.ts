import { Injectable, OnModuleInit, SetMetadata } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { providersMarked } from '../common/discovery.js';
import { NONCONFORMITY_SOURCES, type NonconformitySource } from './nonconformity-types.js';

/** Metadata key of @NonconformitySourceWatcher. */
export const NONCONFORMITY_SOURCE_WATCHER = 'eiso:nonconformity-source-watcher';

/**
 * A module that opens nonconformities for its own objects (an internal audit, an inspection) and
 * must learn when all of them are closed. `onSourceClosed(sourceId, manager)` is called inside the
 * transaction that closes the last open nonconformity whose `source` is the watcher's and whose
 * `sourceRef.id` is `sourceId`; `manager` is that transaction's (the Database's unit of work joins
 * it too). Throwing rolls the closing back.
 */
export interface NonconformitySourceWatcherHandler {
  onSourceClosed(sourceId: string, manager: EntityManager): Promise<void>;
}

/** Marks a provider as the watcher of one nonconformity source (one watcher per source). */
export const NonconformitySourceWatcher = (source: NonconformitySource): ClassDecorator => SetMetadata(NONCONFORMITY_SOURCE_WATCHER, source);

/** The watchers of every module, found at start-up. */
@Injectable()
export class NonconformitySourceWatchers implements OnModuleInit {
  private readonly bySource = new Map<NonconformitySource, NonconformitySourceWatcherHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const owner = new Map<string, string>();
    for (const { name, instance, value } of providersMarked<NonconformitySource>(this.discovery, this.reflector, NONCONFORMITY_SOURCE_WATCHER)) {
      if (!NONCONFORMITY_SOURCES.includes(value)) throw new Error(`@NonconformitySourceWatcher('${value}') on ${name}: not a nonconformity source`);
      const handler = instance as NonconformitySourceWatcherHandler;
      if (typeof handler.onSourceClosed !== 'function') throw new Error(`@NonconformitySourceWatcher on ${name}: the class has no onSourceClosed(sourceId, manager)`);
      if (owner.has(value)) throw new Error(`Nonconformity source '${value}' is watched by ${owner.get(value)} and ${name}`);
      owner.set(value, name);
      this.bySource.set(value, handler);
    }
  }

  watcherOf(source: NonconformitySource): NonconformitySourceWatcherHandler | undefined {
    return this.bySource.get(source);
  }
}
