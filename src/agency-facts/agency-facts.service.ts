import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { providersMarked } from '../common/discovery.js';
import { AGENCY_FACTS_SOURCE, AgencyFactsSource, FactsPeriod } from './agency-facts-source.js';
import { AgencyFacts, FACT_KEY_NAMES, FactKey, isFactKey } from './fact-keys.js';

/** Figures without a value are 0 (counts and flags) or null (dates). */
const NULL_WHEN_MISSING: ReadonlySet<FactKey> = new Set<FactKey>(['announcedOn']);

/**
 * The agency figures of every module (sources found at start-up by @AgencyFactsProvider): used by
 * the periodic report (frozen at submission), the management review's inputs and the province
 * overview. Refuses to start when a source supplies a key not in FACT_KEYS, two sources supply a
 * key, or a key has no source — so a figure always has exactly one owner.
 */
@Injectable()
export class AgencyFactsService implements OnModuleInit {
  private readonly logger = new Logger('AgencyFacts');
  private readonly sources: AgencyFactsSource[] = [];
  /** Every key must have a source. */
  private strict = true;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    this.register(providersMarked<boolean>(this.discovery, this.reflector, AGENCY_FACTS_SOURCE).map(({ name, instance }) => ({ name, source: instance as AgencyFactsSource })));
  }

  /** Checks and takes the sources (also for unit tests). `requireAll: false` allows missing keys. */
  register(found: { name: string; source: AgencyFactsSource }[], requireAll = this.strict): void {
    const owner = new Map<FactKey, string>();
    for (const { name, source } of found) {
      if (!Array.isArray(source.keys) || typeof source.figures !== 'function') {
        throw new Error(`@AgencyFactsProvider on ${name}: the class is not an AgencyFactsSource (keys, figures)`);
      }
      for (const key of source.keys) {
        if (!isFactKey(key)) throw new Error(`Agency facts source ${name} supplies '${key}', which is not in FACT_KEYS (src/agency-facts/fact-keys.ts)`);
        if (owner.has(key)) throw new Error(`Agency fact '${key}' is supplied by ${owner.get(key)} and ${name}`);
        owner.set(key, name);
      }
    }
    const missing = FACT_KEY_NAMES.filter((k) => !owner.has(k));
    if (missing.length && requireAll) throw new Error(`Refusing to start: no agency facts source supplies ${missing.join(', ')}`);
    if (missing.length) this.logger.warn(`no source yet for ${missing.join(', ')}`);
    this.sources.splice(0, this.sources.length, ...found.map((f) => f.source));
  }

  /** The keys some source supplies. */
  keys(): FactKey[] {
    return FACT_KEY_NAMES.filter((k) => this.sources.some((s) => s.keys.includes(k)));
  }

  /** Every figure for every agency of `agencyIds` (all sources in parallel, one call each). */
  async collect(agencyIds: readonly string[], period: FactsPeriod): Promise<Map<string, AgencyFacts>> {
    const out = new Map<string, AgencyFacts>();
    for (const id of agencyIds) out.set(id, Object.fromEntries(this.keys().map((k) => [k, NULL_WHEN_MISSING.has(k) ? null : 0])) as AgencyFacts);
    if (agencyIds.length === 0) return out;
    const parts = await Promise.all(this.sources.map(async (s) => ({ s, rows: await s.figures(agencyIds, period) })));
    for (const { s, rows } of parts) {
      for (const [agencyId, row] of rows) {
        const target = out.get(agencyId);
        if (!target) continue;
        for (const k of s.keys) if (row[k] !== undefined) target[k] = row[k];
      }
    }
    return out;
  }
}
