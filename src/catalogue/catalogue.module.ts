import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { CatalogueCoreModule } from './catalogue-core.module.js';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueFacts } from './catalogue-facts.js';
import { CatalogueService } from './catalogue.service.js';

/**
 * The TTHC catalogue: import, browsing, the TTHC each agency handles and its coverage by
 * procedures in force, the tthc_changed flags of an import, and the figures tthcHandled / tthcCovered.
 */
@Module({ imports: [DocumentsModule, CatalogueCoreModule], controllers: [CatalogueController], providers: [CatalogueService, CatalogueFacts], exports: [CatalogueService] })
export class CatalogueModule {}
