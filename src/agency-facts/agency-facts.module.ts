import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AgencyFactsService } from './agency-facts.service.js';

/**
 * The agency figures (src/agency-facts/fact-keys.ts): a registry of the AgencyFactsSources of
 * every module. It imports no feature module and has no table of its own.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [AgencyFactsService],
  exports: [AgencyFactsService],
})
export class AgencyFactsModule {}
