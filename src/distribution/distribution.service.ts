import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { activeMembershipsSql, peopleSql } from '../identity/people.js';
import { DocumentAccess } from '../documents/document-access.js';
import type { Document, Revision } from '../documents/document.entities.js';
import { DocumentsService } from '../documents/documents.service.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { OnJob } from '../queue/job-registry.js';
import type { AcknowledgementsView, AcknowledgementView, DistributionRequest, DistributionView } from './distribution.dto.js';

/** A read request unanswered this long gets one reminder. */
export const REMINDER_AFTER_DAYS = 7;

/**
 * Distribution and read-and-acknowledge. A document's distribution names roles and agencies; when
 * a revision takes effect (EffectiveDates calls `askFor`) every member holding one of those roles
 * in one of those agencies gets a read request (a `read` task), and the requests of the previous
 * revision close. `POST /revisions/{id}/acknowledge` records once per user and revision
 * (append-only table, guarded by a trigger); a request unanswered for 7 days gets one reminder
 * (`distribution.remind-readers`, idempotent: the reminder is stamped in the same statement that
 * selects it).
 */
@Injectable()
export class DistributionService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly documentAccess: DocumentAccess,
    private readonly documents: DocumentsService,
    private readonly revisions: RevisionsService,
    private readonly notifications: NotificationsService,
    private readonly agencies: AgenciesService,
  ) {}

  async get(p: Principal, documentId: string): Promise<DistributionView> {
    const doc = await this.documents.findById(documentId);
    if (!doc) throw Errors.notFound('Document');
    await this.documentAccess.assertReadDocument(p, doc);
    return this.view(doc.id);
  }

  private async view(documentId: string): Promise<DistributionView> {
    const rows = await this.db.query<{ roles: string[]; agency_ids: string[] }[]>('SELECT roles, agency_ids FROM document_distributions WHERE document_id = $1', [documentId]);
    const [{ asked }] = await this.db.query<{ asked: number }[]>(
      `SELECT count(*)::int AS asked FROM read_requests WHERE document_id = $1 AND closed_at IS NULL`,
      [documentId],
    );
    return { documentId, roles: rows[0]?.roles ?? [], agencyIds: rows[0]?.agency_ids ?? [], asked };
  }

  /** PUT /documents/{id}/distribution: who must read it; the revision in force asks the newly included at once. */
  async set(p: Principal, documentId: string, req: DistributionRequest): Promise<DistributionView> {
    await this.db.transaction(async () => {
      const doc = await this.revisions.lockDocument(documentId);
      await this.documentAccess.assertReadDocument(p, doc);
      await this.access.assert(p, 'distribution.manage', doc.agencyId, 'Document');
      if (doc.withdrawnAt) throw Errors.conflict('document_withdrawn', 'The document has been withdrawn.');
      const agencyIds = [...new Set(req.agencyIds)];
      const ok = new Set(await this.agencies.withinSubtree(doc.agencyId, agencyIds));
      const bad = req.agencyIds.map((id, i) => ({ id, i })).filter(({ id }) => !ok.has(id));
      if (bad.length) {
        throw Errors.ruleViolated(
          'distribution_invalid',
          "A document is distributed within its agency and the agencies below it.",
          bad.map(({ i }) => ({ field: `agencyIds[${i}]`, message: "is not the document's agency or an agency below it" })),
        );
      }
      const roles = [...new Set(req.roles)].sort();
      const before = await this.db.query<{ roles: string[]; agency_ids: string[] }[]>('SELECT roles, agency_ids FROM document_distributions WHERE document_id = $1', [doc.id]);
      await this.db.query(
        `INSERT INTO document_distributions (document_id, agency_id, roles, agency_ids, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (document_id) DO UPDATE SET roles = EXCLUDED.roles, agency_ids = EXCLUDED.agency_ids, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [doc.id, doc.agencyId, roles, agencyIds, p.id],
      );
      await this.audit.record({
        action: 'document.distribution_set',
        entityType: 'document',
        entityId: doc.id,
        agencyId: doc.agencyId,
        changes: { roles: { old: before[0]?.roles ?? [], new: roles }, agencyIds: { old: before[0]?.agency_ids ?? [], new: agencyIds } },
      });
      const effective = await this.revisions.effectiveOf(doc.id);
      if (effective) await this.ask(doc, effective, false);
    });
    return this.view(documentId);
  }

  /**
   * A revision took effect (in its transaction): closes the read requests of earlier revisions
   * and asks everyone in the distribution to read this one.
   */
  async askFor(document: Document, revision: Revision): Promise<number> {
    return this.ask(document, revision, true);
  }

  private async ask(document: Document, revision: Revision, notify: boolean): Promise<number> {
    await this.db.query(`UPDATE read_requests SET closed_at = now() WHERE document_id = $1 AND revision_id <> $2 AND closed_at IS NULL`, [document.id, revision.id]);
    const asked = await this.db.query<{ user_id: string }[]>(
      `INSERT INTO read_requests (revision_id, document_id, agency_id, user_id)
       SELECT DISTINCT $1::uuid, d.document_id, d.agency_id, m.user_id
         FROM document_distributions d
         JOIN (${activeMembershipsSql()}) m ON m.agency_id = ANY(d.agency_ids) AND m.roles && d.roles
        WHERE d.document_id = $2
       ON CONFLICT (revision_id, user_id) DO NOTHING
       RETURNING user_id`,
      [revision.id, document.id],
    );
    if (asked.length && notify) {
      await this.notifications.notify(
        asked.map((a) => a.user_id),
        {
          agencyId: document.agencyId,
          kind: 'read_requested',
          title: `Đề nghị đọc và xác nhận: ${document.code} (lần ban hành ${revision.number ?? ''})`.slice(0, 300),
          body: `Tài liệu "${document.title}" (${document.code}) có phiên bản mới có hiệu lực. Vui lòng đọc và xác nhận đã đọc.`.slice(0, 2000),
          entityType: 'revision',
          entityId: revision.id,
        },
      );
    }
    return asked.length;
  }

  /** POST /revisions/{id}/acknowledge: once per user and revision; only the revision in force (409). */
  async acknowledge(p: Principal, revisionId: string): Promise<AcknowledgementView> {
    return this.db.transaction(async () => {
      const found = await this.revisions.findWithDocument(revisionId, { lock: true });
      if (!found) throw Errors.notFound('Revision');
      const { revision, document } = found;
      await this.documentAccess.assertReadRevision(p, { agencyId: revision.agencyId, state: revision.state });
      if (revision.state !== 'effective') throw Errors.conflict('revision_not_in_force', 'Only the revision in force is acknowledged.', { state: revision.state });
      const rows = await this.db.query<{ acknowledged_at: Date }[]>(
        `INSERT INTO revision_acknowledgements (revision_id, agency_id, user_id) VALUES ($1, $2, $3)
         ON CONFLICT (revision_id, user_id) DO NOTHING RETURNING acknowledged_at`,
        [revision.id, revision.agencyId, p.id],
      );
      if (!rows.length) throw Errors.conflict('already_acknowledged', 'You have already acknowledged this revision.');
      await this.audit.record({
        action: 'revision.acknowledged',
        entityType: 'revision',
        entityId: revision.id,
        agencyId: revision.agencyId,
        changes: { documentId: document.id, number: revision.number },
      });
      return { revisionId: revision.id, userId: p.id, at: new Date(rows[0].acknowledged_at).toISOString() };
    });
  }

  /** GET /revisions/{id}/acknowledgements: required, acknowledged, who, who is missing. */
  async acknowledgements(p: Principal, revisionId: string): Promise<AcknowledgementsView> {
    const found = await this.revisions.findWithDocument(revisionId);
    if (!found) throw Errors.notFound('Revision');
    await this.documentAccess.assertReadHistory(p, found.revision.agencyId, 'Revision');
    const items = await this.db.query<{ user_id: string; full_name: string; at: Date }[]>(
      `SELECT a.user_id, u.full_name, a.acknowledged_at AS at FROM revision_acknowledgements a JOIN (${peopleSql()}) u ON u.id = a.user_id
        WHERE a.revision_id = $1 ORDER BY a.acknowledged_at, a.id`,
      [revisionId],
    );
    const requests = await this.db.query<{ user_id: string; full_name: string; asked_at: Date; reminded_at: Date | null; done: boolean }[]>(
      `SELECT r.user_id, u.full_name, r.asked_at, r.reminded_at,
              EXISTS (SELECT 1 FROM revision_acknowledgements a WHERE a.revision_id = r.revision_id AND a.user_id = r.user_id) AS done
         FROM read_requests r JOIN (${peopleSql()}) u ON u.id = r.user_id
        WHERE r.revision_id = $1 ORDER BY u.full_name, r.user_id`,
      [revisionId],
    );
    return {
      revisionId,
      required: requests.length,
      acknowledged: requests.filter((r) => r.done).length,
      items: items.map((i) => ({ userId: i.user_id, fullName: i.full_name, at: new Date(i.at).toISOString() })),
      missing: requests
        .filter((r) => !r.done)
        .map((r) => ({ userId: r.user_id, fullName: r.full_name, askedAt: new Date(r.asked_at).toISOString(), remindedAt: r.reminded_at ? new Date(r.reminded_at).toISOString() : null })),
    };
  }

  /** The periodic reminder (also callable directly). */
  @OnJob('distribution.remind-readers')
  async handleReminders(): Promise<number> {
    return this.remind();
  }

  /**
   * One reminder per read request unanswered after 7 days: the requests are stamped and selected
   * in one statement, so a second run (or a concurrent one) finds nothing to remind again.
   */
  async remind(): Promise<number> {
    return this.db.transaction(async () => {
      const due = await this.db.query<{ user_id: string; revision_id: string; agency_id: string; code: string; title: string }[]>(
        `WITH due AS (
           UPDATE read_requests r SET reminded_at = now()
            WHERE r.closed_at IS NULL AND r.reminded_at IS NULL AND r.asked_at < now() - make_interval(days => $1)
              AND EXISTS (SELECT 1 FROM revisions v WHERE v.id = r.revision_id AND v.state = 'effective')
              AND NOT EXISTS (SELECT 1 FROM revision_acknowledgements a WHERE a.revision_id = r.revision_id AND a.user_id = r.user_id)
           RETURNING r.user_id, r.revision_id, r.agency_id, r.document_id)
         SELECT due.user_id, due.revision_id, due.agency_id, d.code, d.title FROM due JOIN documents d ON d.id = due.document_id`,
        [REMINDER_AFTER_DAYS],
      );
      for (const r of due) {
        await this.notifications.notify([r.user_id], {
          agencyId: r.agency_id,
          kind: 'read_reminder',
          title: `Nhắc: chưa xác nhận đọc ${r.code}`.slice(0, 300),
          body: `Bạn chưa xác nhận đã đọc tài liệu "${r.title}" (${r.code}) sau ${REMINDER_AFTER_DAYS} ngày.`.slice(0, 2000),
          entityType: 'revision',
          entityId: r.revision_id,
        });
      }
      return due.length;
    });
  }

  /** Read requests of revisions in force and their acknowledgements, per agency (one query). */
  async counts(agencyIds: readonly string[]): Promise<Map<string, { required: number; done: number }>> {
    const rows = await this.db.query<{ agency_id: string; required: number; done: number }[]>(
      `SELECT r.agency_id, count(*)::int AS required,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM revision_acknowledgements a WHERE a.revision_id = r.revision_id AND a.user_id = r.user_id))::int AS done
         FROM read_requests r JOIN revisions v ON v.id = r.revision_id AND v.state = 'effective'
        WHERE r.closed_at IS NULL AND r.agency_id = ANY($1::uuid[]) GROUP BY r.agency_id`,
      [agencyIds],
    );
    return new Map(rows.map((r) => [r.agency_id, { required: r.required, done: r.done }]));
  }
}
