export { AgencyFactsModule } from './agency-facts.module.js';
export { AgencyFactsService } from './agency-facts.service.js';
export { AgencyFactsProvider, type AgencyFactsSource, type FactsPeriod } from './agency-facts-source.js';
export { FACT_KEYS, FACT_KEY_NAMES, type AgencyFacts, type FactKey, type FactValue } from './fact-keys.js';
