import { Module } from '@nestjs/common';
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module.js';
import { SearchCoreModule } from '../search/search-core.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { RenditionsCoreModule } from '../renditions/renditions-core.module.js';
import { ContentStore } from './content-store.js';
import { ContentValidator } from './content-validator.js';
import { CurrentViewCache, PublicViewCache } from './current-cache.js';
import { DocumentAccess } from './document-access.js';
import { DocumentFacts } from './document-facts.js';
import { DocumentFlags } from './document-flags.service.js';
import { PublicRegister } from './public-register.js';
import { DocumentSearch } from './document-search.js';
import { AgencyDocumentsController, DocumentsController } from './documents.controller.js';
import { DocumentRegister } from './document-register.js';
import { DocumentsService } from './documents.service.js';
import { ObjectMaintenance } from './object-maintenance.js';
import { ProcedureFacts } from './procedure-facts.js';
import { RevisionFilesService } from './revision-files.service.js';
import { RevisionLifecycle } from './revision-lifecycle.js';
import { RevisionTransitions } from './revision-transitions.service.js';
import { RevisionsController } from './revisions.controller.js';
import { RevisionsService } from './revisions.service.js';
import { RevisionViews } from './views.js';

/**
 * Controlled documents: the register, revisions, files in object storage, current versions, and
 * the revision lifecycle (RevisionLifecycle: every state change of a revision and the withdrawal
 * of a document). Exports the services later features build on (workflow, renditions, legal
 * changes, history).
 */
@Module({
  imports: [RenditionsCoreModule, IdentityModule, CatalogueCoreModule, SearchCoreModule],
  controllers: [DocumentsController, AgencyDocumentsController, RevisionsController],
  providers: [
    DocumentAccess,
    ContentValidator,
    CurrentViewCache,
    PublicViewCache,
    RevisionViews,
    RevisionTransitions,
    DocumentFlags,
    ContentStore,
    RevisionsService,
    RevisionLifecycle,
    DocumentsService,
    RevisionFilesService,
    ObjectMaintenance,
    ProcedureFacts,
    DocumentSearch,
    DocumentFacts,
    DocumentRegister,
    PublicRegister,
  ],
  exports: [DocumentAccess, ContentValidator, RevisionViews, RevisionTransitions, DocumentFlags, ContentStore, RevisionsService, RevisionLifecycle, DocumentsService, RevisionFilesService, DocumentRegister, ProcedureFacts, DocumentSearch, PublicRegister, PublicViewCache],
})
export class DocumentsModule {}
