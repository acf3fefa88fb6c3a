export { NonconformitiesModule } from './nonconformities.module.js';
export { NonconformitiesService, type OpenNonconformityInput } from './nonconformities.service.js';
export { NonconformitySourceWatcher, type NonconformitySourceWatcherHandler } from './nonconformity-sources.js';
export { NONCONFORMITY_SEVERITIES, NONCONFORMITY_SOURCES, NONCONFORMITY_STATES, nonconformityCode, type NonconformitySeverity, type NonconformitySource, type NonconformityState } from './nonconformity-types.js';
export type { NonconformitySummary, NonconformitySummaryItem } from './nonconformities.dto.js';
