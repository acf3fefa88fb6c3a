import { Injectable } from '@nestjs/common';
import { AgencyFactsProvider, AgencyFactsSource, FactKey, FactValue } from '../agency-facts/index.js';
import { CatalogueService } from './catalogue.service.js';

/** tthcHandled / tthcCovered for every agency at once (the catalogue's query and the register's). */
@Injectable()
@AgencyFactsProvider()
export class CatalogueFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['tthcHandled', 'tthcCovered'];

  constructor(private readonly catalogue: CatalogueService) {}

  async figures(agencyIds: readonly string[]): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    const counts = await this.catalogue.coverageCounts(agencyIds);
    return new Map([...counts].map(([id, c]) => [id, { tthcHandled: c.handled, tthcCovered: c.covered }]));
  }
}
