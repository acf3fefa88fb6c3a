/**
 * The input of the controlled-copy renderer: everything printed on a revision's PDF, resolved and
 * independent of the ORM. The job that renders a revision builds one of these from the database
 * (documents, revisions, sign-offs, legal registry, files) and hands it to `renderRevisionPdf`.
 *
 * Dates: a calendar date is `'YYYY-MM-DD'`; an instant is an ISO 8601 string with offset or a `Date`
 * (printed as the calendar date in Vietnam, UTC+07:00). Text should be NFC (the renderer normalises
 * again).
 */
import type { DateInput, Duration } from '../common/vn-format.js';
import type { DocumentType, RevisionState } from '../documents/document-types.js';

export type { DateInput, Duration };

/**
 * Version of the page layout. Part of the render job key (`render_<revisionId>_<state>_<layout>`):
 * bump it whenever the printed output for the same model changes, so existing renditions are
 * re-rendered. Recorded in the PDF's Info dictionary as /EisoLayoutVersion.
 */
export const LAYOUT_VERSION = 1;

/** States and types are the documents' vocabulary (plain constants, no ORM). */
export type { DocumentType, RevisionState };

/** A calendar date `'YYYY-MM-DD'`, or an instant (ISO string with offset, or Date). */

/** One agency of the lineage printed in the Decree 30 header block. */
export interface RenditionAgency {
  /** Full name, e.g. "Sở Khoa học và Công nghệ" (printed upper case). */
  name: string;
  /** Short name for narrow places (the page header), e.g. "Sở KH&CN". Optional. */
  shortName?: string;
}

export interface RenditionDocument {
  type: DocumentType;
  code: string;
  title: string;
  /** National TTHC code of the administrative procedure, e.g. "1.001193". */
  tthcCode?: string | null;
}

export interface RenditionRevision {
  /** Lần ban hành (1, 2, ...). */
  number: number;
  state: RevisionState;
  issuedOn?: DateInput | null;
  effectiveFrom?: DateInput | null;
  changeSummary?: string | null;
  /** SHA-256 (hex) of the revision's canonical serialisation; stored in the PDF metadata. */
  digest: string;
  /**
   * When the revision entered its current state. Used as the PDF creation date so that identical
   * inputs give identical bytes. Falls back to the latest sign-off, the effective date, the issue
   * date, then 2000-01-01.
   */
  stateChangedAt?: DateInput | null;
}

export type SignOffMeaning = 'drafted' | 'checked' | 'approved';

export interface RenditionSignOff {
  meaning: SignOffMeaning;
  fullName: string;
  /** Position, e.g. "PHÓ GIÁM ĐỐC", "Thư ký ISO". */
  title?: string | null;
  /** Signing capacity under Decree 30, e.g. "KT. GIÁM ĐỐC" (a deputy signing for the head). */
  capacity?: string | null;
  signedAt: DateInput;
  /** False when the sign-off no longer holds (e.g. its signature failed verification). */
  valid: boolean;
}

/** One row of the revision tracking page (Trang theo dõi sửa đổi). */
export interface RenditionHistoryEntry {
  number: number;
  date?: DateInput | null;
  /** Mục/Trang changed, e.g. "Mục 5.4, bước 3". */
  section?: string | null;
  changeSummary?: string | null;
}


/** A legal basis with the legal registry data already resolved. */
export interface RenditionLegalBasis {
  /** e.g. "61/2018/NĐ-CP" or "TCVN ISO 9001:2015". */
  number: string;
  /** e.g. "Nghị định", "Thông tư", "Quyết định", "Tiêu chuẩn". */
  type?: string | null;
  /** e.g. "Chính phủ", "Bộ Khoa học và Công nghệ". */
  issuer?: string | null;
  title?: string | null;
  issuedOn?: DateInput | null;
  /** Articles cited, e.g. "Điều 5, Điều 6". */
  articles?: string | null;
  /** Registry status; anything but in_force is printed next to the citation. */
  status?: 'in_force' | 'amended' | 'replaced' | 'repealed' | 'partially_repealed' | 'expired' | null;
}

export interface ProcedureStep {
  no: number | string;
  action: string;
  responsible: string;
  duration?: Duration | null;
  formCodes?: string[] | null;
  output?: string | null;
}

export interface ProcedureContent {
  type: 'procedure';
  purpose: string;
  scope: string;
  definitions: { term: string; meaning: string }[];
  legalBases: RenditionLegalBasis[];
  statutoryTimeLimit?: Duration | null;
  /** Free text ("Không") or an amount in đồng. */
  fee?: string | number | null;
  dossier: { name: string; copies?: number | string | null }[];
  steps: ProcedureStep[];
  records: { name: string; keeper: string; retention: string }[];
  /** Forms of the procedure (documents of type form); when absent, the step form codes are listed. */
  forms?: { code: string; title?: string | null }[] | null;
}

export interface QualityPolicyContent {
  type: 'quality_policy';
  text: string;
}

export interface QualityObjective {
  no: number | string;
  objective: string;
  indicator: string;
  target: string;
  method: string;
  responsibleUnit: string;
  deadline: string;
  actions: string;
}

export interface QualityObjectivesContent {
  type: 'quality_objectives';
  year: number;
  objectives: QualityObjective[];
}

/** Structured content; `null` for file-based documents (form, manual, decision, other). */
export type RenditionContent = ProcedureContent | QualityPolicyContent | QualityObjectivesContent;

export interface RenditionAttachment {
  filename: string;
  mediaType: string;
  sha256: string;
  size: number;
  /** `source` for the revision's source file when it is not a PDF; `attachment` otherwise. */
  role?: 'source' | 'attachment';
}

/**
 * The source PDF's bytes, or a loader for them. A loader that rejects makes `renderRevisionPdf`
 * reject (a storage outage must be retried, not rendered around); bytes that are not a readable
 * PDF give a rendition without those pages and a warning.
 */
export type SourcePdf = Uint8Array | (() => Promise<Uint8Array>);

export interface RenditionModel {
  /** Agency lineage, outermost first: e.g. [UBND tỉnh Kon Tum, Sở Khoa học và Công nghệ]. The
   *  last entry is the issuing agency; the one before it is printed above it (Decree 30). */
  agencies: RenditionAgency[];
  document: RenditionDocument;
  revision: RenditionRevision;
  signOffs: RenditionSignOff[];
  /** Earlier revisions (and optionally this one) for the revision tracking page. */
  history: RenditionHistoryEntry[];
  content: RenditionContent | null;
  sourcePdf?: SourcePdf | null;
  attachments: RenditionAttachment[];
  /** Must equal LAYOUT_VERSION; a model built for another layout is refused. */
  layoutVersion: number;
}

export interface RenditionResult {
  bytes: Uint8Array;
  pageCount: number;
  /** Problems that did not stop the rendering (malformed source PDF, invalid sign-off...). */
  warnings: string[];
}

/**
 * Identity of the render job of a revision in a state with the current layout (ARCHITECTURE.md:
 * "render_<revisionId>_<state>_<layout>"): repeated requests for the same stamp share it.
 */
export function renditionJobId(revisionId: string, state: RevisionState, layoutVersion: number = LAYOUT_VERSION): string {
  return `render_${revisionId}_${state}_${layoutVersion}`;
}
