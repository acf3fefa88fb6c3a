import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { visibleChanges } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Cursor, pageLimit } from '../common/pagination.js';
import { parseTimeRange } from '../common/time-range.js';
import { Database } from '../database/database.js';
import { DocumentAccess } from '../documents/document-access.js';
import { Document } from '../documents/document.entities.js';
import { OPEN_STATES, RevisionState } from '../documents/document-types.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { renderTablePdf } from '../rendering/index.js';
import { documentTypeName } from '../rendering/pdf/vn-format.js';
import { contentDisposition } from '../storage/http-files.js';
import { csvRecord, UTF8_BOM } from './csv-writer.js';
import { actionLabel, entryChangeSummary, summarize, vietnamDateTime, vietnamDateTimeShort } from './history-entries.js';
import { CHAIN_HEAD_SQL, documentTimelineSql, TimelineFilter, TimelineRow } from './history-sql.js';
import type { DocumentHistoryPage, DocumentHistoryQuery, HistoryDocumentView, HistoryEntryView, HistorySignOffView } from './history.dto.js';

/** Rows fetched per query while exporting. */
const EXPORT_BATCH = 1000;
/** The PDF is built in memory in the request (about 0.6 ms and 0.1 MB per entry): beyond this many entries, use the CSV or narrow the timeline. */
export const PDF_MAX_ENTRIES = 2000;

export const CSV_HEADER = [
  'Thời điểm (giờ Việt Nam)',
  'Thời điểm (UTC, ISO 8601)',
  'Người thực hiện',
  'Mã người thực hiện',
  'Hành động',
  'Mã hành động',
  'Lần ban hành',
  'Nội dung',
  'Mã yêu cầu',
  'Địa chỉ máy khách',
  'Số thứ tự trong chuỗi kiểm toán',
  'Mã sự kiện',
];

interface Subject {
  document: Document;
  view: HistoryDocumentView;
  /** Agency lineage names, top first (for the PDF header). */
  lineage: string[];
  /** revision id → number (assigned, or the one an open revision will get). */
  numbers: Map<string, number | null>;
  /** revision id → its change summary now (for entries whose event predates recording it). */
  changeSummaries: Map<string, string | null>;
  revisionIds: string[];
}

interface Range {
  from?: string;
  to?: string;
  excludeDownloads: boolean;
}

/**
 * GET /documents/{id}/history: the document's whole timeline from its audit events — creation,
 * drafts and their edits, files added and removed, every workflow move with its sign-off,
 * taking effect, supersession, flags, withdrawal, downloads of controlled files — oldest first,
 * as JSON pages, a CSV file (streamed) or a PDF (renderTablePdf, the renditions' renderer).
 * Access: document.readDrafts and audit.read on the document's agency (404 when the document is
 * not visible at all, 403 for members who may only read effective documents).
 */
@Injectable()
export class DocumentHistoryService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly agencies: AgenciesService,
    private readonly documentAccess: DocumentAccess,
    private readonly revisions: RevisionsService,
  ) {}

  async page(p: Principal, documentId: string, q: DocumentHistoryQuery): Promise<DocumentHistoryPage> {
    const range = this.range(q);
    const afterSeq = this.afterSeq(q.cursor);
    const subject = await this.subject(p, documentId);
    const limit = pageLimit(q);
    const rows = await this.rows(subject, range, { afterSeq, limit: limit + 1 });
    const more = rows.length > limit;
    const items = await this.entries(subject, more ? rows.slice(0, limit) : rows);
    return { document: subject.view, items, nextCursor: more ? Cursor.encode([items[items.length - 1].seq]) : null };
  }

  /** The whole timeline as CSV, written to the response batch by batch (never one big string). */
  async csv(p: Principal, documentId: string, q: DocumentHistoryQuery, res: Response): Promise<void> {
    const range = this.range(q);
    const subject = await this.subject(p, documentId);
    const maxSeq = await this.chainHead(subject.document.agencyId);
    // The first batch is read before any byte is sent: a failure there is still a problem+json answer.
    let batch = await this.rows(subject, range, { afterSeq: null, maxSeq, limit: EXPORT_BATCH });
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', contentDisposition(this.fileName(subject.document, 'csv')));
    res.setHeader('Cache-Control', 'no-store');
    await write(res, UTF8_BOM + csvRecord(CSV_HEADER));
    try {
      for (;;) {
        const entries = await this.entries(subject, batch);
        await write(res, entries.map((e) => csvRecord(csvRow(e))).join(''));
        if (batch.length < EXPORT_BATCH) break;
        batch = await this.rows(subject, range, { afterSeq: Number(batch[batch.length - 1].seq), maxSeq, limit: EXPORT_BATCH });
      }
      res.end();
    } catch (err) {
      // Headers are gone: cut the response so the client sees an incomplete file, never a silently short one.
      res.destroy(err as Error);
    }
  }

  /** The whole timeline as a PDF table (at most PDF_MAX_ENTRIES entries: 422 `history_too_long` beyond). */
  async pdf(p: Principal, documentId: string, q: DocumentHistoryQuery): Promise<{ bytes: Uint8Array; filename: string }> {
    const range = this.range(q);
    const subject = await this.subject(p, documentId);
    const rows = await this.rows(subject, range, { afterSeq: null, maxSeq: await this.chainHead(subject.document.agencyId), limit: PDF_MAX_ENTRIES + 1 });
    if (rows.length > PDF_MAX_ENTRIES) {
      throw Errors.ruleViolated(
        'history_too_long',
        `The timeline has more than ${PDF_MAX_ENTRIES} entries: export it as CSV (format=csv), leave downloads out (downloads=exclude) or narrow it with from/to.`,
        undefined,
        { maxEntries: PDF_MAX_ENTRIES },
      );
    }
    const entries = await this.entries(subject, rows);
    const generatedAt = new Date();
    const d = subject.document;
    const intro = [
      `Cơ quan, đơn vị: ${subject.view.agencyName}`,
      `Loại tài liệu: ${documentTypeName(d.type)}${d.tthcCode ? ` - mã TTHC ${d.tthcCode}` : ''}`,
      d.withdrawnAt ? `Tài liệu đã bị thu hồi ngày ${vietnamDateTimeShort(d.withdrawnAt)}: ${d.withdrawnReason ?? ''}` : null,
      `Thời điểm lập: ${vietnamDateTimeShort(generatedAt)} (giờ Việt Nam) - Người lập: ${p.fullName}`,
      range.from || range.to || range.excludeDownloads
        ? `Phạm vi: ${[range.from && `từ ${vietnamDateTimeShort(new Date(range.from))}`, range.to && `đến ${vietnamDateTimeShort(new Date(range.to))}`, range.excludeDownloads && 'không gồm lượt tải tệp'].filter(Boolean).join(', ')}`
        : null,
      `Số sự kiện: ${entries.length}`,
    ].filter((x): x is string => !!x);
    const { bytes } = await renderTablePdf({
      title: `LỊCH SỬ TÀI LIỆU ${d.code}`,
      subtitle: d.title,
      intro,
      headerLines: subject.lineage.map((n) => n.toLocaleUpperCase('vi')),
      footer: 'Trích từ nhật ký kiểm toán (chuỗi băm) của hệ thống e-ISO',
      landscape: true,
      columns: [
        { header: 'STT', width: 0.5, align: 'center' },
        { header: 'Thời gian', width: 1.3 },
        { header: 'Người thực hiện', width: 1.6 },
        { header: 'Hành động', width: 1.5 },
        { header: 'Lần BH', width: 0.6, align: 'center' },
        { header: 'Nội dung', width: 5 },
      ],
      rows: entries.map((e, i) => [
        String(i + 1),
        vietnamDateTimeShort(new Date(e.at)),
        e.actor?.name ?? 'Hệ thống',
        e.actionLabel,
        e.revisionNumber !== null ? String(e.revisionNumber).padStart(2, '0') : '',
        e.summary,
      ]),
      metadata: {
        subject: `${d.code} - ${d.title}`,
        author: p.fullName,
        keywords: ['e-ISO', 'lịch sử tài liệu', d.code],
        date: generatedAt,
        custom: { EisoDocumentId: d.id, EisoAgencyId: d.agencyId, EisoEntries: String(entries.length) },
      },
    });
    return { bytes, filename: this.fileName(d, 'pdf') };
  }

  // ---------------------------------------------------------------- building blocks

  private range(q: DocumentHistoryQuery): Range {
    return { ...parseTimeRange(q.from, q.to), excludeDownloads: q.downloads === 'exclude' };
  }

  private afterSeq(cursor: string | undefined): number | null {
    const v = Cursor.decode(cursor, 1);
    if (!v) return null;
    if (typeof v[0] !== 'number' || !Number.isSafeInteger(v[0]) || v[0] < 0) throw Errors.validation([{ field: 'cursor', message: 'is not a cursor returned by this list' }]);
    return v[0];
  }

  /** The document (access checked), its agency and its revisions' numbers. */
  private async subject(p: Principal, documentId: string): Promise<Subject> {
    const document = await this.revisions.findDocument(documentId);
    if (!document) throw Errors.notFound('Document');
    await this.documentAccess.assertReadDocument(p, document);
    await this.documentAccess.assertReadHistory(p, document.agencyId);
    await this.access.assert(p, 'audit.read', document.agencyId, 'Document');
    const revs = await this.db.query<{ id: string; number: number | null; state: RevisionState; change_summary: string | null }[]>(
      'SELECT id, number, state, change_summary FROM revisions WHERE document_id = $1',
      [document.id],
    );
    // An open revision will get the number after the highest one assigned.
    const next = Math.max(0, ...revs.map((r) => r.number ?? 0)) + 1;
    const numbers = new Map(revs.map((r) => [r.id, r.number ?? (OPEN_STATES.includes(r.state) ? next : null)]));
    const agencies = await this.agencies.lineage(document.agencyId);
    const own = agencies.find((a) => a.id === document.agencyId);
    return {
      document,
      view: {
        id: document.id,
        code: document.code,
        title: document.title,
        type: document.type,
        agencyId: document.agencyId,
        agencyName: own?.name ?? '',
        withdrawnAt: document.withdrawnAt ? document.withdrawnAt.toISOString() : null,
      },
      lineage: agencies.slice(-2).map((a) => a.name),
      numbers,
      changeSummaries: new Map(revs.map((r) => [r.id, r.change_summary])),
      revisionIds: revs.map((r) => r.id),
    };
  }

  private async chainHead(agencyId: string): Promise<number> {
    const rows = await this.db.query<{ seq: string }[]>(CHAIN_HEAD_SQL, [agencyId]);
    return Number(rows[0]?.seq ?? 0);
  }

  private async rows(s: Subject, range: Range, page: { afterSeq: number | null; maxSeq?: number; limit: number }): Promise<TimelineRow[]> {
    const filter: TimelineFilter = {
      agencyId: s.document.agencyId,
      documentId: s.document.id,
      entityIds: [s.document.id, ...s.revisionIds],
      afterSeq: page.afterSeq,
      maxSeq: page.maxSeq ?? null,
      excludeDownloads: range.excludeDownloads,
      from: range.from,
      to: range.to,
      limit: page.limit,
    };
    const { sql, params } = documentTimelineSql(filter);
    return this.db.query<TimelineRow[]>(sql, params);
  }

  /** Entries of the rows, with the sign-offs they recorded (one query per batch). */
  private async entries(s: Subject, rows: TimelineRow[]): Promise<HistoryEntryView[]> {
    const signOffIds = [...new Set(rows.map((r) => r.changes?.signOffId).filter((v): v is string => typeof v === 'string'))];
    const signOffs = await this.signOffs(signOffIds);
    return rows.map((r) => {
      const revisionId = r.entity_type === 'revision' ? r.entity_id : null;
      const signOff = typeof r.changes?.signOffId === 'string' ? (signOffs.get(r.changes.signOffId) ?? null) : null;
      const changeSummary = entryChangeSummary(r.action, r.changes, revisionId ? (s.changeSummaries.get(revisionId) ?? null) : null);
      return {
        id: r.id,
        seq: Number(r.seq),
        at: new Date(r.occurred_at).toISOString(),
        actor: r.actor_id !== null || r.actor_name !== null ? { id: r.actor_id, name: r.actor_name } : null,
        action: r.action,
        actionLabel: actionLabel(r.action),
        entityType: r.entity_type,
        entityId: r.entity_id,
        revisionId,
        revisionNumber: revisionId ? (s.numbers.get(revisionId) ?? null) : null,
        summary: summarize(r.action, r.changes, signOff, changeSummary),
        changeSummary,
        details: visibleChanges(r.action, r.changes),
        signOff,
        requestId: r.request_id,
        clientAddress: r.client_ip,
      };
    });
  }

  private async signOffs(ids: string[]): Promise<Map<string, HistorySignOffView>> {
    if (!ids.length) return new Map();
    const rows = await this.db.query<
      { id: string; meaning: string; full_name: string; title: string | null; role: string; capacity: string | null; on_behalf_of_name: string | null; digest: string; signed_at: Date }[]
    >('SELECT id, meaning, full_name, title, role, capacity, on_behalf_of_name, digest, signed_at FROM sign_offs WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          meaning: r.meaning,
          fullName: r.full_name,
          title: r.title,
          role: r.role,
          capacity: r.capacity,
          onBehalfOfName: r.on_behalf_of_name,
          digest: r.digest,
          signedAt: new Date(r.signed_at).toISOString(),
        },
      ]),
    );
  }

  /** "Lịch sử QT-01.csv" ("/" in codes becomes "-"). */
  private fileName(d: Document, ext: 'csv' | 'pdf'): string {
    return `Lịch sử ${d.code.replace(/\//g, '-')}.${ext}`;
  }
}

/** One CSV record of an entry (the columns of CSV_HEADER). */
export function csvRow(e: HistoryEntryView): (string | number | null)[] {
  return [
    vietnamDateTime(new Date(e.at)),
    e.at,
    e.actor?.name ?? (e.actor?.id ? null : 'Hệ thống'),
    e.actor?.id ?? null,
    e.actionLabel,
    e.action,
    e.revisionNumber,
    e.summary,
    e.requestId,
    e.clientAddress,
    e.seq,
    e.id,
  ];
}

/** Writes a chunk and waits for the socket to drain when its buffer is full (back-pressure). */
function write(res: Response, chunk: string): Promise<void> {
  if (!chunk) return Promise.resolve();
  if (res.destroyed) return Promise.reject(new Error('client went away'));
  if (res.write(chunk, 'utf8')) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('client went away'));
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
