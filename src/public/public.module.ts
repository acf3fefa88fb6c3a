import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { PublicController, PublicDownloadCountsController } from './public.controller.js';
import { PublicDocumentsService } from './public-documents.service.js';

@Module({ imports: [DocumentsModule, IdentityModule, AgenciesModule], controllers: [PublicController, PublicDownloadCountsController], providers: [PublicDocumentsService], exports: [PublicDocumentsService] })
export class PublicModule {}
