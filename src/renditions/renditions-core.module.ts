import { Module } from '@nestjs/common';
import { RenditionDelivery } from './rendition-delivery.js';
import { RenditionRequests } from './rendition-requests.js';

/**
 * The part of renditions that documents and the workflow build on: requesting a render
 * (RenditionRequests) and serving controlled copies (RenditionDelivery). Depends only on global
 * infrastructure (database, queue, storage, audit), so DocumentsModule and WorkflowModule can
 * import it; the render job, the model builder and the HTTP endpoint live in RenditionsModule,
 * which imports documents.
 */
@Module({
  providers: [RenditionRequests, RenditionDelivery],
  exports: [RenditionRequests, RenditionDelivery],
})
export class RenditionsCoreModule {}
