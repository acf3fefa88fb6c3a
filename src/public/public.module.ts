import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { PublicController } from './public.controller.js';
import { PublicDocumentsService } from './public-documents.service.js';

@Module({ imports: [DocumentsModule], controllers: [PublicController], providers: [PublicDocumentsService] })
export class PublicModule {}
