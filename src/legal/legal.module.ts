import { Module } from '@nestjs/common';
import { LegalController } from './legal.controller.js';
import { LegalImportService } from './legal-import.service.js';
import { LegalRegistryService } from './legal-registry.service.js';

/** The legal registry: legal documents, their history (relations) and bulk import. */
@Module({ controllers: [LegalController], providers: [LegalRegistryService, LegalImportService], exports: [LegalRegistryService] })
export class LegalModule {}
