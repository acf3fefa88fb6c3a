import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { providersMarked } from '../common/discovery.js';
import { PAPER_KIND_PATTERN, RECORD_PAPER_KIND, RecordPaperProvider } from './record-paper-kind.js';

/** The providers of every paper kind, found at start-up (classes marked @RecordPaperKind). */
@Injectable()
export class RecordPaperKinds implements OnModuleInit {
  private readonly logger = new Logger('RecordPaperKinds');
  private readonly providers = new Map<string, RecordPaperProvider>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const { name, instance, value: kind } of providersMarked<string>(this.discovery, this.reflector, RECORD_PAPER_KIND)) {
      if (!PAPER_KIND_PATTERN.test(kind) || kind.length > 64) throw new Error(`@RecordPaperKind('${kind}') on ${name}: a kind is like internal_audit.report`);
      if (typeof (instance as RecordPaperProvider).build !== 'function') throw new Error(`@RecordPaperKind('${kind}') on ${name}: the class has no build(entityId)`);
      if (this.providers.has(kind)) throw new Error(`Record paper kind '${kind}' has two providers`);
      this.providers.set(kind, instance as RecordPaperProvider);
    }
    this.logger.debug(`${this.providers.size} record paper kinds registered`);
  }

  /** The provider of `kind`; an unknown kind is a programming error. */
  get(kind: string): RecordPaperProvider {
    const provider = this.providers.get(kind);
    if (!provider) throw new Error(`No provider of record paper kind '${kind}' (mark one with @RecordPaperKind)`);
    return provider;
  }

  kinds(): string[] {
    return [...this.providers.keys()].sort();
  }
}
