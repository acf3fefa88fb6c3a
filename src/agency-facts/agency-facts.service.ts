import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { providersMarked } from '../common/discovery.js';
import { AGENCY_FACTS_SOURCE, AgencyFactsSource, FactsPeriod } from './agency-facts-source.js';
import { AgencyFacts, FACT_KEY_NAMES, FactKey, isFactKey } from './fact-keys.js';

/** Figures without a value are 0 (counts and flags) or null (dates). */
const NULL_WHEN_MISSING: ReadonlySet<FactKey> = new Set<FactKey>(['announcedOn']);
/** A source answering slower than this is logged as a warning (the province overview's budget is 300 ms in all). */
const SLOW_SOURCE_MS = 250;

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
  private supplied: FactKey[] = [];
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
    this.supplied = FACT_KEY_NAMES.filter((k) => owner.has(k));
  }

  /** The keys some source supplies. */
  keys(): FactKey[] {
    return this.supplied;
  }

  /**
   * The figures `keys` (default: every key) for every agency of `agencyIds`: only the sources that
   * supply one of them are asked, all in parallel, one call each, told which of their keys are wanted.
   * A source slower than SLOW_SOURCE_MS is logged (at debug level every source's time), so the slow
   * one of a slow overview is named.
   */
  async collect(agencyIds: readonly string[], period: FactsPeriod, keys?: readonly FactKey[]): Promise<Map<string, AgencyFacts>> {
    const asked = keys ? this.keys().filter((k) => keys.includes(k)) : this.keys();
    const empty = Object.fromEntries(asked.map((k) => [k, NULL_WHEN_MISSING.has(k) ? null : 0])) as AgencyFacts;
    const out = new Map<string, AgencyFacts>();
    for (const id of agencyIds) out.set(id, { ...empty });
    if (agencyIds.length === 0 || asked.length === 0) return out;
    const askedSet = new Set(asked);
    const parts = await Promise.all(
      this.sources.flatMap((s) => {
        const wanted = new Set(s.keys.filter((k) => askedSet.has(k)));
        if (!wanted.size) return [];
        return [this.timed(s, () => s.figures(agencyIds, period, wanted), agencyIds.length).then((rows) => ({ wanted, rows }))];
      }),
    );
    for (const { wanted, rows } of parts) {
      for (const [agencyId, row] of rows) {
        const target = out.get(agencyId);
        if (!target) continue;
        for (const k of wanted) if (row[k] !== undefined) target[k] = row[k];
      }
    }
    return out;
  }

  private async timed<T>(source: AgencyFactsSource, fn: () => Promise<T>, agencies: number): Promise<T> {
    const t0 = performance.now();
    const result = await fn();
    const ms = Math.round(performance.now() - t0);
    const name = source.constructor.name;
    if (ms >= SLOW_SOURCE_MS) this.logger.warn(`slow agency facts source ${name}: ${ms} ms for ${agencies} agencies`);
    else this.logger.debug(`agency facts source ${name}: ${ms} ms for ${agencies} agencies`);
    return result;
  }
}
