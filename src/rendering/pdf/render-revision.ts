/**
 * renderRevisionPdf: the controlled copy of one revision.
 *
 *   cover page (Decree 30 block, type, title, code, revision, dates, sign-off grid)
 *   revision tracking page (Trang theo dõi sửa đổi)
 *   structured content (procedure / quality policy / quality objectives)
 *   attached files with their SHA-256 (non-PDF sources and attachments)
 *   the source PDF's pages, copied, each with a header band added above its content
 *
 * Every page carries the header (agency, code, revision, effective date, Trang X/Y) and the state
 * watermark; numbering is a post-pass once all pages exist. The output is deterministic: same model,
 * same bytes (no clock, no random names), which makes content-addressed storage idempotent.
 */
import { PDFDocument, PDFPage } from 'pdf-lib';
import { LAYOUT_VERSION, RenditionModel, RenditionResult } from '../rendition-model.js';
import { embedFonts, TextCleaner } from './fonts.js';
import { FlowLayout } from './layout.js';
import { applyMetadata } from './metadata.js';
import { extendVisualTop, PageFrame } from './page-frame.js';
import {
  agencyBlockLines,
  attachmentsSection,
  coverPage,
  qualityObjectivesSection,
  qualityPolicySection,
  procedureSections,
  revisionTrackingPage,
  typeHeading,
} from './sections.js';
import { copySourcePages, describe, readSourcePdf, sourceUnreadable } from './source-pages.js';
import { drawBoxHeader, drawCompactHeader, drawFooter, drawWatermark, PageStamp, SOURCE_BAND_HEIGHT } from './stamps.js';
import { TextPainter } from './text.js';
import { formatDateShort, formatRevisionNumber, toInstant } from '../../common/vn-format.js';
import { documentTypeName, SIGN_OFF_HEADINGS, STATE_NAMES, watermarkFor } from './vn-format.js';

/** Margins of generated pages: the boxed header lives in the top margin, the footer in the bottom. */
const PAGE_MARGINS = { top: 100, right: 57, bottom: 62, left: 85 } as const;
const FOOTER_TOP = 46;
const FALLBACK_DATE = new Date(Date.UTC(2000, 0, 1));

const SOURCE_NOT_APPENDED =
  'Tệp nguồn PDF của lần ban hành này không đọc được nên không được ghép vào bản này; xem tệp nguồn trên hệ thống e-ISO.';

/**
 * Renders the controlled-copy PDF of a revision. Rejects only for a model that breaks its contract
 * (wrong layout version, digest not SHA-256 hex, bad date) or when the source loader rejects; a
 * malformed source PDF gives a rendition without its pages and a warning.
 */
export async function renderRevisionPdf(model: RenditionModel): Promise<RenditionResult> {
  assertModel(model);
  const source = model.sourcePdf ? await readSourcePdf(model.sourcePdf) : undefined;
  try {
    return await compose(model, source);
  } catch (err) {
    if (!source) throw err;
    // Objects copied from the source broke the output: render again without them.
    return compose(model, undefined, sourceUnreadable(describe(err)));
  }
}

function assertModel(model: RenditionModel): void {
  if (model.layoutVersion !== LAYOUT_VERSION) {
    throw new TypeError(`RenditionModel was built for layout ${model.layoutVersion}, the renderer is layout ${LAYOUT_VERSION}`);
  }
  if (!/^[0-9a-f]{64}$/i.test(model.revision.digest)) {
    throw new TypeError('RenditionModel.revision.digest must be a SHA-256 hex string');
  }
  if (model.agencies.length === 0) throw new TypeError('RenditionModel.agencies must name the issuing agency');
}

async function compose(model: RenditionModel, source: Uint8Array | undefined, sourceFailure?: string): Promise<RenditionResult> {
  const warnings: string[] = [];
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const cleaner = new TextCleaner(fonts);
  const painter = new TextPainter(fonts, cleaner);

  let sourcePages: PDFPage[] = [];
  let sourceNote: string | undefined;
  if (source) {
    const copied = await copySourcePages(doc, source);
    sourcePages = copied.pages;
    if (copied.warning) warnings.push(copied.warning);
  }
  if (sourceFailure) warnings.push(sourceFailure);
  if (warnings.some((w) => w.startsWith('source_pdf_unreadable'))) sourceNote = SOURCE_NOT_APPENDED;

  const layout = await FlowLayout.create({ doc, painter, margins: PAGE_MARGINS });
  coverPage(layout, model);
  layout.pageBreak();
  revisionTrackingPage(layout, model);
  layout.pageBreak();
  layContent(layout, model);
  attachmentsSection(layout, model.attachments, sourceNote);

  for (const page of sourcePages) {
    doc.addPage(page);
    extendVisualTop(page, SOURCE_BAND_HEIGHT);
  }

  stampPages(doc, layout, painter, model);
  warnings.push(...signOffWarnings(model));
  const unsupported = cleaner.warning();
  if (unsupported) warnings.push(unsupported);

  applyMetadata(doc, {
    title: `${model.document.code} - ${model.document.title}`,
    subject: `${documentTypeName(model.document.type)} ${model.document.code}, lần ban hành ${formatRevisionNumber(model.revision.number)} (${STATE_NAMES[model.revision.state]})`,
    author: model.agencies[model.agencies.length - 1].name,
    keywords: [model.document.code, `revision-${model.revision.number}`, model.revision.state, ...(model.document.tthcCode ? [model.document.tthcCode] : [])],
    creator: `e-ISO renderer, layout ${LAYOUT_VERSION}`,
    date: creationDate(model),
    custom: {
      EisoRevisionSha256: model.revision.digest.toLowerCase(),
      EisoRevisionState: model.revision.state,
      EisoLayoutVersion: String(LAYOUT_VERSION),
    },
  });
  const bytes = await doc.save();
  return { bytes, pageCount: doc.getPageCount(), warnings };
}

function layContent(layout: FlowLayout, model: RenditionModel): void {
  const c = model.content;
  if (!c) return;
  if (c.type === 'procedure') procedureSections(layout, c);
  else if (c.type === 'quality_policy') qualityPolicySection(layout, c);
  else qualityObjectivesSection(layout, c);
}

function stampPages(doc: PDFDocument, layout: FlowLayout, painter: TextPainter, model: RenditionModel): void {
  const stamp: PageStamp = {
    agencyLines: agencyBlockLines(model),
    typeName: typeHeading(model),
    title: model.document.title,
    code: model.document.code,
    revision: formatRevisionNumber(model.revision.number),
    effective: model.revision.effectiveFrom ? formatDateShort(model.revision.effectiveFrom) : '—',
    watermark: watermarkFor(model.revision.state),
  };
  const footer = `${model.document.code} · Lần ban hành ${stamp.revision} · ${STATE_NAMES[model.revision.state]} · SHA-256 ${model.revision.digest.toLowerCase()}`;
  const generated = new Set(layout.pages);
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    const frame = new PageFrame(page);
    if (generated.has(page)) {
      drawBoxHeader(painter, frame, stamp, i + 1, pages.length, PAGE_MARGINS);
      drawFooter(painter, frame, footer, { left: PAGE_MARGINS.left, right: PAGE_MARGINS.right, bottom: FOOTER_TOP });
    } else {
      drawCompactHeader(painter, frame, stamp, i + 1, pages.length);
    }
    drawWatermark(painter, frame, stamp.watermark);
  });
}

function signOffWarnings(model: RenditionModel): string[] {
  const out = model.signOffs
    .filter((s) => !s.valid)
    .map((s) => `sign_off_invalid: the ${SIGN_OFF_HEADINGS[s.meaning]} sign-off of ${s.fullName} is no longer valid`);
  const signedStates = ['approved', 'effective', 'superseded'];
  if (signedStates.includes(model.revision.state) && !model.signOffs.some((s) => s.meaning === 'approved')) {
    out.push(`sign_off_missing: a revision in state ${model.revision.state} has no approval sign-off`);
  }
  return out;
}

/** Creation date from the model (never the clock): see RenditionRevision.stateChangedAt. */
function creationDate(model: RenditionModel): Date {
  const r = model.revision;
  if (r.stateChangedAt) return toInstant(r.stateChangedAt);
  const signed = model.signOffs.map((s) => toInstant(s.signedAt).getTime());
  if (signed.length > 0) return new Date(Math.max(...signed));
  if (r.effectiveFrom) return toInstant(r.effectiveFrom);
  if (r.issuedOn) return toInstant(r.issuedOn);
  return FALLBACK_DATE;
}
