/** What feature modules use to give their records a PDF (docs/ARCHITECTURE.md "How a record gets its PDF"). */
export { RecordPaperKind } from './record-paper-kind.js';
export type { RecordPaper, RecordPaperProvider } from './record-paper-kind.js';
export { RecordPapers, recordPaperJobId } from './record-papers.service.js';
export type { RecordPaperJobData } from './record-papers.service.js';
export { RecordPaperPendingView, RecordPaperResponses, RecordPaperStatusView, RECORD_PAPER_STATUSES } from './record-paper.views.js';
export type { RecordPaperStatus } from './record-paper.views.js';
export { RecordPapersModule } from './record-papers.module.js';
