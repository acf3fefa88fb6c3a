import { Foundation1795300000000 } from './1795300000000-Foundation.js';
import { LegalRegistry1795300050000 } from './1795300050000-LegalRegistry.js';
import { LegalRelations1795300060000 } from './1795300060000-LegalRelations.js';
import { Notifications1795300070000 } from './1795300070000-Notifications.js';
import { Documents1795300100000 } from './1795300100000-Documents.js';
import { DocumentSearchText1795300100100 } from './1795300100100-DocumentSearchText.js';
import { AuditQueries1795300300000 } from './1795300300000-AuditQueries.js';
import { Renditions1795300400000 } from './1795300400000-Renditions.js';
import { Workflow1795300500000 } from './1795300500000-Workflow.js';
import { LegalChanges1795300600000 } from './1795300600000-LegalChanges.js';
import { DocumentHistory1795300710000 } from './1795300710000-DocumentHistory.js';
import { OutboxNamespace1795300900000 } from './1795300900000-OutboxNamespace.js';
import { FlagResolution1795300910000 } from './1795300910000-FlagResolution.js';
import { ApprovalRights1795301000000 } from './1795301000000-ApprovalRights.js';
import { RevisionLifecycleGuard1795301010000 } from './1795301010000-RevisionLifecycleGuard.js';
import { SecurityHardening1795301300000 } from './1795301300000-SecurityHardening.js';
import { RetryPolicy1795301400000 } from './1795301400000-RetryPolicy.js';
import { RecordGuards1795301600000 } from './1795301600000-RecordGuards.js';
import { RecordPapers1795301610000 } from './1795301610000-RecordPapers.js';
import { JobPriority1795302000000 } from './1795302000000-JobPriority.js';
import { Nonconformities1795302100000 } from './1795302100000-Nonconformities.js';
import { InternalAudits1795302110000 } from './1795302110000-InternalAudits.js';
import { QualityCycleRecords1795302200000 } from './1795302200000-QualityCycleRecords.js';
import { TthcCatalogue1795302300000 } from './1795302300000-TthcCatalogue.js';
import { FileText1795302310000 } from './1795302310000-FileText.js';
import { Supervision1795302400000 } from './1795302400000-Supervision.js';
import { Inspections1795302400100 } from './1795302400100-Inspections.js';
import { DocumentSearchVectors1795302500000 } from './1795302500000-DocumentSearchVectors.js';
import { AgencyFactsIndexes1795302510000 } from './1795302510000-AgencyFactsIndexes.js';
import { AuditChainHeadLookup1795302520000 } from './1795302520000-AuditChainHeadLookup.js';
import { GrantsVersion1795302530000 } from './1795302530000-GrantsVersion.js';
import { CacheInvalidation1795302540000 } from './1795302540000-CacheInvalidation.js';
import { DocumentSearchOrder1795302550000 } from './1795302550000-DocumentSearchOrder.js';
import { SearchPendingLists1795302560000 } from './1795302560000-SearchPendingLists.js';
import { DocumentCodeSearchIndex1795302570000 } from './1795302570000-DocumentCodeSearchIndex.js';
import { AgencyCacheInsert1795302580000 } from './1795302580000-AgencyCacheInsert.js';
import { RevisionContentVector1795302590000 } from './1795302590000-RevisionContentVector.js';
import { DocumentSearchWordedOrder1795302600000 } from './1795302600000-DocumentSearchWordedOrder.js';

/** Every migration, in order. A new migration file is added here too (the app and CLI load this list). */
export const MIGRATIONS = [
  Foundation1795300000000,
  LegalRegistry1795300050000,
  LegalRelations1795300060000,
  Notifications1795300070000,
  Documents1795300100000,
  DocumentSearchText1795300100100,
  AuditQueries1795300300000,
  Renditions1795300400000,
  Workflow1795300500000,
  LegalChanges1795300600000,
  DocumentHistory1795300710000,
  OutboxNamespace1795300900000,
  FlagResolution1795300910000,
  ApprovalRights1795301000000,
  RevisionLifecycleGuard1795301010000,
  SecurityHardening1795301300000,
  RetryPolicy1795301400000,
  RecordGuards1795301600000,
  RecordPapers1795301610000,
  JobPriority1795302000000,
  Nonconformities1795302100000,
  InternalAudits1795302110000,
  QualityCycleRecords1795302200000,
  TthcCatalogue1795302300000,
  FileText1795302310000,
  Supervision1795302400000,
  Inspections1795302400100,
  DocumentSearchVectors1795302500000,
  AgencyFactsIndexes1795302510000,
  AuditChainHeadLookup1795302520000,
  GrantsVersion1795302530000,
  CacheInvalidation1795302540000,
  DocumentSearchOrder1795302550000,
  SearchPendingLists1795302560000,
  DocumentCodeSearchIndex1795302570000,
  AgencyCacheInsert1795302580000,
  RevisionContentVector1795302590000,
  DocumentSearchWordedOrder1795302600000,
];
