import { Injectable } from '@nestjs/common';
import { AgencyFactsProvider, AgencyFactsSource, FactKey, FactValue } from '../agency-facts/index.js';
import { DistributionService } from './distribution.service.js';

/** acknowledgementsRequired / acknowledgementsDone for every agency at once. */
@Injectable()
@AgencyFactsProvider()
export class DistributionFacts implements AgencyFactsSource {
  readonly keys: readonly FactKey[] = ['acknowledgementsRequired', 'acknowledgementsDone'];

  constructor(private readonly distribution: DistributionService) {}

  async figures(agencyIds: readonly string[]): Promise<Map<string, Partial<Record<FactKey, FactValue>>>> {
    const counts = await this.distribution.counts(agencyIds);
    return new Map([...counts].map(([id, c]) => [id, { acknowledgementsRequired: c.required, acknowledgementsDone: c.done }]));
  }
}
