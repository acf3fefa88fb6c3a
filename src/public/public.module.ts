import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { RenditionsCoreModule } from '../renditions/renditions-core.module.js';
import { PublicController } from './public.controller.js';
import { PublicDocumentsService } from './public-documents.service.js';

@Module({ imports: [DocumentsModule, RenditionsCoreModule], controllers: [PublicController], providers: [PublicDocumentsService] })
export class PublicModule {}
