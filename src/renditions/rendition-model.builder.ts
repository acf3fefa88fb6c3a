import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AgenciesService } from '../agencies/agencies.service.js';
import { onBehalfOf } from '../common/decree30.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { Document, Revision, RevisionFile } from '../documents/document.entities.js';
import { codeKey } from '../documents/document-types.js';
import { LegalRegistryService } from '../legal/legal-registry.service.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { digestOf } from '../documents/views.js';
import { LEGAL_TYPE_LABELS } from '../legal/legal-types.js';
import {
  LAYOUT_VERSION,
  type ProcedureContent,
  type QualityObjectivesContent,
  type QualityPolicyContent,
  type RenditionAttachment,
  type RenditionContent,
  type RenditionHistoryEntry,
  type RenditionLegalBasis,
  type RenditionModel,
  type RenditionSignOff,
  type SignOffMeaning,
} from '../rendering/index.js';
import { contentObjectKey } from '../storage/object-keys.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { signOffViewsOf, type SignOffView } from '../workflow/sign-off.view.js';

const PDF = 'application/pdf';
/** The tracking row of revision 1 when it states no change. */
const FIRST_ISSUE = 'Ban hành lần đầu';

/** A revision read once, consistently: the model prints exactly what `digest` was computed from. */
export interface RevisionSnapshot {
  revision: Revision;
  document: Document;
  files: RevisionFile[];
  digest: string;
}

export interface BuiltModel {
  model: RenditionModel;
  /** Problems found while building (e.g. a source PDF above the size cap), added to the rendition's warnings. */
  warnings: string[];
}

type Json = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : []);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** "Giám đốc" → "KT. GIÁM ĐỐC" (Decree 30 signing capacity of a deputy). */
function capacityOf(s: SignOffView): string | null {
  if (s.capacity !== 'KT.') return null;
  return onBehalfOf(s.onBehalfOfTitle?.trim() || 'Thủ trưởng cơ quan');
}

/**
 * Per meaning, the sign-offs that hold; when none holds, the latest one (printed as no longer
 * valid). Sign-offs of earlier rounds are not repeated next to the ones that replaced them.
 */
export function coverSignOffs(items: SignOffView[]): RenditionSignOff[] {
  const out: RenditionSignOff[] = [];
  for (const meaning of ['drafted', 'checked', 'approved'] as SignOffMeaning[]) {
    const mine = items.filter((s) => s.meaning === meaning);
    const valid = mine.filter((s) => s.valid);
    const shown = valid.length ? valid : mine.slice(-1);
    for (const s of shown) out.push({ meaning, fullName: s.fullName, title: s.title, capacity: capacityOf(s), signedAt: s.signedAt, valid: s.valid });
  }
  return out;
}

/**
 * Builds the RenditionModel of a revision from the database: agency lineage (Decree 30 block),
 * document, revision (number, dates), sign-offs with validity, the revision tracking rows of earlier
 * revisions, structured content with legal bases resolved from the registry, files (a PDF source
 * streamed from storage when the renderer asks, up to RENDER_SOURCE_MAX_SIZE; other files listed
 * with their SHA-256).
 */
@Injectable()
export class RenditionModelBuilder {
  constructor(
    private readonly db: Database,
    private readonly revisions: RevisionsService,
    private readonly agencies: AgenciesService,
    private readonly legal: LegalRegistryService,
    private readonly storage: ObjectStorage,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** The revision, its document and files, and the digest of exactly those rows; null when missing. */
  async snapshot(revisionId: string): Promise<RevisionSnapshot | null> {
    const found = await this.revisions.findWithDocument(revisionId);
    if (!found) return null;
    const files = await this.revisions.files(revisionId);
    return { ...found, files, digest: digestOf(found.revision, files) };
  }

  async build(s: RevisionSnapshot): Promise<BuiltModel> {
    const { revision, document } = s;
    const warnings: string[] = [];
    const number = revision.number ?? (await this.revisions.nextNumber(document.id));
    const lineage = await this.agencies.lineage(document.agencyId);
    const signOffs = (await signOffViewsOf(this.db, [{ id: revision.id, digest: s.digest }])).get(revision.id) ?? [];
    const { sourcePdf, attachments } = this.files(s.files, warnings);
    const model: RenditionModel = {
      agencies: lineage.map((a) => ({ name: a.name })),
      document: { type: document.type, code: document.code, title: document.title, tthcCode: document.tthcCode },
      revision: {
        number,
        state: revision.state,
        issuedOn: revision.approvedAt,
        effectiveFrom: revision.effectiveAt ?? revision.effectiveFrom,
        changeSummary: revision.changeSummary,
        digest: s.digest,
        stateChangedAt: await this.stateChangedAt(revision),
      },
      signOffs: coverSignOffs(signOffs),
      history: await this.history(revision, number),
      content: await this.content(document, revision),
      sourcePdf,
      attachments,
      layoutVersion: LAYOUT_VERSION,
    };
    return { model, warnings };
  }

  /** When the revision entered its current state (the PDF's creation date: same inputs, same bytes). */
  private stateChangedAt(revision: Revision): Promise<Date | null> {
    return this.revisions.stateEnteredAt(revision.id, revision.state);
  }

  /** Earlier revisions that took effect, then this one: number, date, change summary (Trang theo dõi sửa đổi). */
  private async history(revision: Revision, number: number): Promise<RenditionHistoryEntry[]> {
    const rows = await this.revisions.earlierIssues(revision.documentId, number, revision.id);
    const summary = (n: number, text: string | null) => text ?? (n === 1 ? FIRST_ISSUE : null);
    return [
      ...rows.map((r) => ({ number: r.number, date: r.effectiveAt ?? r.approvedAt, changeSummary: summary(r.number, r.changeSummary) })),
      { number, date: revision.effectiveAt ?? revision.approvedAt, changeSummary: summary(number, revision.changeSummary) },
    ];
  }

  private async content(document: Document, revision: Revision): Promise<RenditionContent | null> {
    const c = revision.content ?? {};
    if (document.type === 'procedure') return this.procedure(document, c);
    if (document.type === 'quality_policy') return { type: 'quality_policy', text: text(c.text) } satisfies QualityPolicyContent;
    if (document.type === 'quality_objectives') {
      return {
        type: 'quality_objectives',
        year: typeof c.year === 'number' ? c.year : (document.year ?? new Date().getFullYear()),
        objectives: list(c.objectives).map((o, i) => ({
          no: (o.no as number) ?? i + 1,
          objective: text(o.objective),
          indicator: text(o.indicator),
          target: text(o.target),
          method: text(o.method),
          responsibleUnit: text(o.responsibleUnit),
          deadline: text(o.deadline),
          actions: text(o.actions),
        })),
      } satisfies QualityObjectivesContent;
    }
    return null;
  }

  private async procedure(document: Document, c: Json): Promise<ProcedureContent> {
    const steps = list(c.steps).map((st, i) => ({
      no: (st.no as number) ?? i + 1,
      action: text(st.action),
      responsible: text(st.responsible),
      duration: (st.duration as ProcedureContent['steps'][number]['duration']) ?? null,
      formCodes: Array.isArray(st.formCodes) ? st.formCodes.map(text) : [],
      output: typeof st.output === 'string' ? st.output : null,
    }));
    const time = c.statutoryTimeLimit as ProcedureContent['statutoryTimeLimit'];
    return {
      type: 'procedure',
      purpose: text(c.purpose),
      scope: text(c.scope),
      definitions: list(c.definitions).map((d) => ({ term: text(d.term), meaning: text(d.meaning) })),
      legalBases: await this.legalBases(list(c.legalBases)),
      statutoryTimeLimit: time ?? null,
      fee: typeof c.fee === 'string' || typeof c.fee === 'number' ? c.fee : null,
      dossier: list(c.dossier).map((d) => ({ name: text(d.name), copies: (d.copies as number | undefined) ?? null })),
      steps,
      records: list(c.records).map((r) => ({ name: text(r.name), keeper: text(r.keeper), retention: text(r.retention) })),
      forms: await this.forms(document, steps.flatMap((st) => st.formCodes)),
    };
  }

  /** Citations with the registry's number, type, issuer, title, date and status. */
  private async legalBases(bases: Json[]): Promise<RenditionLegalBasis[]> {
    const ids = bases.map((b) => text(b.legalDocumentId)).filter(Boolean);
    const rows = ids.length ? await this.legal.findByIds(ids) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return bases.flatMap((b) => {
      const ld = byId.get(text(b.legalDocumentId));
      if (!ld) return [];
      const type = (LEGAL_TYPE_LABELS as Record<string, string>)[ld.type] ?? ld.type;
      return [{ number: ld.number, type, issuer: ld.issuer, title: ld.title, issuedOn: String(ld.issuedOn).slice(0, 10), articles: text(b.articles) || null, status: ld.status }];
    });
  }

  /** The forms the steps name, with the titles of the procedure's form documents of those codes. */
  private async forms(document: Document, codes: string[]): Promise<{ code: string; title: string | null }[] | null> {
    const unique = [...new Set(codes.filter(Boolean))];
    if (!unique.length) return null;
    const titles = await this.revisions.formTitles(document.agencyId, unique.map(codeKey));
    return unique.map((code) => ({ code, title: titles.get(codeKey(code)) ?? null }));
  }

  /**
   * The source PDF as a loader (read from storage only when the renderer runs, checked against its
   * SHA-256), unless it is larger than RENDER_SOURCE_MAX_SIZE: then it is listed with the other
   * files and a warning says why its pages are missing. Other files are listed with their hashes.
   */
  private files(files: RevisionFile[], warnings: string[]): { sourcePdf: (() => Promise<Uint8Array>) | null; attachments: RenditionAttachment[] } {
    const cap = this.config.limits.renderSourceBytes;
    const attachments: RenditionAttachment[] = [];
    let sourcePdf: (() => Promise<Uint8Array>) | null = null;
    const ordered = [...files.filter((f) => f.role === 'source'), ...files.filter((f) => f.role !== 'source')];
    for (const f of ordered) {
      const size = Number(f.size);
      if (f.role === 'source' && f.mediaType === PDF && size <= cap) {
        sourcePdf = () => this.readObject(f.sha256, size);
        continue;
      }
      if (f.role === 'source' && f.mediaType === PDF) {
        warnings.push(`source_pdf_too_large: the source PDF "${f.filename}" (${mib(size)}) is larger than RENDER_SOURCE_MAX_SIZE (${mib(cap)}); its pages were not appended`);
      }
      attachments.push({ filename: f.filename, mediaType: f.mediaType, sha256: f.sha256, size, role: f.role === 'source' ? 'source' : 'attachment' });
    }
    return { sourcePdf, attachments };
  }

  /** Reads a stored object into one buffer of its recorded size (pdf-lib needs the bytes), verifying its hash. */
  private async readObject(sha256: string, size: number): Promise<Uint8Array> {
    const body = await this.storage.get(contentObjectKey(sha256));
    const buf = Buffer.allocUnsafe(size);
    const hash = createHash('sha256');
    let offset = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (offset + chunk.length > size) {
        body.destroy();
        throw new Error(`stored object ${sha256} is larger than its recorded ${size} bytes`);
      }
      chunk.copy(buf, offset);
      hash.update(chunk);
      offset += chunk.length;
    }
    if (offset !== size) throw new Error(`stored object ${sha256} has ${offset} bytes, ${size} recorded`);
    const found = hash.digest('hex');
    if (found !== sha256) throw new Error(`stored object ${sha256} does not match its hash (found ${found})`);
    return buf;
  }
}
