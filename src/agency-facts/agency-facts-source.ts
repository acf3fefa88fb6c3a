import { SetMetadata } from '@nestjs/common';
import type { FactKey, FactValue } from './fact-keys.js';

/** Metadata key of @AgencyFactsProvider. */
export const AGENCY_FACTS_SOURCE = 'eiso:agency-facts-source';

/** The period figures are asked for: [from, to) in UTC, and its year (for "of the year" figures). */
export interface FactsPeriod {
  year: number;
  from: Date;
  to: Date;
}

/**
 * A module's contribution to the agency figures. `figures` answers for every agency of `agencyIds`
 * at once — one query (or a few) over the module's own tables, never a loop of per-agency queries,
 * restricted to those agencies in SQL — and returns a row per agency it knows about (agencies it has
 * nothing for may be left out: the registry fills 0). A source queries only its own module's tables.
 * `wanted` is the subset of its keys the caller asked for (always at least one): a source may skip
 * the work of the others (their values are then ignored). Mark the class @AgencyFactsProvider() and
 * list it in its module's providers; declare its keys in FACT_KEYS.
 */
export interface AgencyFactsSource {
  readonly keys: readonly FactKey[];
  figures(agencyIds: readonly string[], period: FactsPeriod, wanted: ReadonlySet<FactKey>): Promise<Map<string, Partial<Record<FactKey, FactValue>>>>;
}

/** Registers a provider class as an AgencyFactsSource (found at start-up by AgencyFactsService). */
export const AgencyFactsProvider = (): ClassDecorator => SetMetadata(AGENCY_FACTS_SOURCE, true);
