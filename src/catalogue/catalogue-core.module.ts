import { Module } from '@nestjs/common';
import { LegalModule } from '../legal/legal.module.js';
import { TthcDrafts } from './tthc-drafts.js';

/**
 * The part of the TTHC catalogue the documents register needs (a new procedure's first draft from
 * the catalogue), without the catalogue's own dependency on documents (flags, procedures).
 */
@Module({ imports: [LegalModule], providers: [TthcDrafts], exports: [TthcDrafts] })
export class CatalogueCoreModule {}
