import { Module } from '@nestjs/common';
import { FileTexts } from './file-texts.service.js';

/** Text extraction of stored files (queued when a file is attached); used by the documents register. */
@Module({ providers: [FileTexts], exports: [FileTexts] })
export class SearchCoreModule {}
