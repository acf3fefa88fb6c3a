import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NonconformitySourceWatcher, type NonconformitySourceWatcherHandler } from '../nonconformities/index.js';
import { InspectionsService } from './inspections.service.js';

/** Told by the nonconformities module when the last nonconformity an inspection opened is closed: the inspection closes if concluded. */
@Injectable()
@NonconformitySourceWatcher('inspection')
export class InspectionClosing implements NonconformitySourceWatcherHandler {
  constructor(private readonly inspections: InspectionsService) {}

  onSourceClosed(inspectionId: string, manager: EntityManager): Promise<void> {
    return this.inspections.closeIfDone(inspectionId, manager);
  }
}
