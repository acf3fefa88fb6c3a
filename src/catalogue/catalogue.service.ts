import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors, FieldError } from '../common/errors.js';
import { Cursor, pageLimit, toPage } from '../common/pagination.js';
import { escapeLike, foldVietnamese } from '../common/text.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { durationHours, formatHours } from '../documents/content-validator.js';
import { DocumentFlags } from '../documents/document-flags.service.js';
import { ProcedureFacts } from '../documents/procedure-facts.js';
import { spoolDirectory, spoolMultipartFile } from '../storage/upload-spool.js';
import type { AgencyTthcView, TthcCoverageView, TthcImportError, TthcImportResult, TthcListQuery, TthcPage, TthcView } from './catalogue.dto.js';
import { baseTthcCode, parseTthcFields, TthcFields } from './tthc-fields.js';
import { readTthcFile, TTHC_IMPORT_MAX_BYTES } from './tthc-import-reader.js';

/** Reported row errors per response; the total is in `errorCount`. */
export const TTHC_IMPORT_MAX_REPORTED_ERRORS = 1000;
const INSERT_BATCH = 2000;
const CATALOGUE_LOCK = 'tthc:catalogue';

interface TthcRow {
  code: string;
  name: string;
  field: string;
  levels: string[];
  time_limit_value: string | null;
  time_limit_unit: string | null;
  time_limit_text: string | null;
  fee: string | null;
  legal_basis_numbers: string[];
  status: string;
  updated_at: Date;
}

function toView(r: TthcRow): TthcView {
  return {
    code: r.code,
    name: r.name,
    field: r.field,
    levels: r.levels,
    timeLimit: r.time_limit_value !== null && r.time_limit_unit ? { value: Number(r.time_limit_value), unit: r.time_limit_unit } : null,
    timeLimitText: r.time_limit_text,
    fee: r.fee,
    legalBasisNumbers: r.legal_basis_numbers,
    status: r.status,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

const COLUMNS = 'code, name, field, levels, time_limit_value, time_limit_unit, time_limit_text, fee, legal_basis_numbers, status, updated_at';

interface Change {
  id: string;
  code: string;
  name: string;
  changes: {
    timeLimit?: { old: unknown; new: { value: number; unit: string } | null };
    fee?: { old: string | null; new: string | null };
    legalBasisNumbers?: { old: string[]; new: string[] };
    status?: { old: string; new: string };
  };
}

const UNIT_VI: Record<string, string> = { working_days: 'ngày làm việc', days: 'ngày', hours: 'giờ' };
function timeLimitText(t: unknown): string {
  const v = t as { value?: number; unit?: string } | null;
  return v && v.value ? `${v.value} ${UNIT_VI[v.unit ?? ''] ?? v.unit}` : 'không quy định';
}

/**
 * The TTHC catalogue: the import (streamed rows into a temporary table, validated, then merged
 * in one transaction: all rows or none), the list and entries, the TTHC each agency handles and
 * its coverage by procedures in force, and the `tthc_changed` flags an import raises on the
 * procedures of a TTHC whose time limit, fee or legal bases changed or that was abolished.
 */
@Injectable()
export class CatalogueService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly flags: DocumentFlags,
    private readonly procedures: ProcedureFacts,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  // ---------------------------------------------------------------- who

  async assertWriter(p: Principal): Promise<void> {
    if (p.isAdmin) return;
    if ((await this.access.grants(p)).some((g) => g.roles.includes('supervisor'))) return;
    throw Errors.forbidden('Only the system administrator and supervisors maintain the TTHC catalogue.', 'tthc_catalogue_read_only');
  }

  private async assertDeclarer(p: Principal, agencyId: string): Promise<void> {
    if (p.isAdmin) {
      if (!(await this.access.agencyPath(agencyId))) throw Errors.notFound('Agency');
      return;
    }
    await this.access.assert(p, 'tthc.declare', agencyId, 'Agency');
  }

  // ---------------------------------------------------------------- import

  /** POST /tthc/import: the multipart `file` spooled to disk, then read as a stream of rows. */
  async importRequest(p: Principal, req: Request): Promise<TthcImportResult> {
    await this.assertWriter(p);
    const spooled = await spoolMultipartFile(req, { tmpDir: spoolDirectory(this.config.dataDir), maxFileBytes: TTHC_IMPORT_MAX_BYTES });
    try {
      if (spooled.size === 0) throw Errors.badRequest('import_empty', 'The file is empty.', [{ field: 'file', message: 'is empty' }]);
      return await this.importFile(spooled.path, spooled.size, spooled.clientFilename);
    } finally {
      await spooled.dispose();
    }
  }

  /** Imports a catalogue file (also for benches): all rows or none. */
  async importFile(path: string, size: number, filename: string): Promise<TthcImportResult> {
    const source = await readTthcFile(path, size, filename);
    return this.db.transaction(async () => {
      await this.db.lock(CATALOGUE_LOCK);
      await this.db.query(`
        CREATE TEMP TABLE tthc_import_rows (
          row int NOT NULL, line int, code text NOT NULL, name text NOT NULL, field text NOT NULL, levels text[] NOT NULL,
          time_limit_value numeric, time_limit_unit text, time_limit_text text, fee text, legal_basis_numbers text[] NOT NULL, status text NOT NULL
        ) ON COMMIT DROP`);
      const errors: TthcImportError[] = [];
      let errorCount = 0;
      let rows = 0;
      let batch: { row: number; line: number | null; f: TthcFields }[] = [];
      const flush = async () => {
        if (!batch.length) return;
        const b = batch;
        batch = [];
        await this.db.query(
          `INSERT INTO tthc_import_rows
           SELECT row, line, code, name, field, levels::text[], time_limit_value, time_limit_unit, time_limit_text, fee, legal_basis_numbers::text[], status
             FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
             AS u(row, line, code, name, field, levels, time_limit_value, time_limit_unit, time_limit_text, fee, legal_basis_numbers, status)`,
          [
            b.map((r) => r.row),
            b.map((r) => r.line),
            b.map((r) => r.f.code),
            b.map((r) => r.f.name),
            b.map((r) => r.f.field),
            // Arrays of arrays travel as their text form.
            b.map((r) => `{${r.f.levels.join(',')}}`),
            b.map((r) => r.f.timeLimit?.value ?? null),
            b.map((r) => r.f.timeLimit?.unit ?? null),
            b.map((r) => r.f.timeLimitText),
            b.map((r) => r.f.fee),
            b.map((r) => pgArray(r.f.legalBasisNumbers)),
            b.map((r) => r.f.status),
          ],
        );
      };
      for await (const r of source.rows) {
        rows++;
        const { value, errors: fieldErrors } = parseTthcFields(r.values);
        const all: FieldError[] = [...r.problems, ...fieldErrors];
        for (const e of all) {
          errorCount++;
          if (errors.length < TTHC_IMPORT_MAX_REPORTED_ERRORS) errors.push({ row: r.row, ...(r.line !== undefined ? { line: r.line } : {}), field: e.field, message: e.message });
        }
        if (value && !all.length && !errorCount) {
          batch.push({ row: r.row, line: r.line ?? null, f: value });
          if (batch.length >= INSERT_BATCH) await flush();
        }
      }
      if (!rows) throw Errors.badRequest('import_empty', 'The import has no rows.', [{ field: 'file', message: 'has no data rows' }]);
      await flush();
      if (!errorCount) {
        // The same TTHC twice (a base code and one of its instance codes count as the same).
        const dups = await this.db.query<{ row: number; line: number | null; code: string; first: number }[]>(
          `SELECT row, line, code, first FROM (SELECT row, line, code, min(row) OVER (PARTITION BY code) AS first FROM tthc_import_rows) x
            WHERE row <> first ORDER BY row LIMIT ${TTHC_IMPORT_MAX_REPORTED_ERRORS}`,
        );
        for (const d of dups) {
          errorCount++;
          errors.push({ row: d.row, ...(d.line !== null ? { line: d.line } : {}), field: 'code', message: `${d.code} is already in row ${d.first}` });
        }
      }
      if (errorCount) {
        throw Errors.ruleViolated(
          'tthc_import_invalid',
          `Nothing was imported: ${new Set(errors.map((e) => e.row)).size}${errorCount > errors.length ? '+' : ''} row(s) have errors. Correct them and send the whole file again.`,
          errors,
          { errorCount, truncated: errorCount > errors.length },
        );
      }
      const importId = randomUUID();
      await this.db.query(`ANALYZE tthc_import_rows`);
      const [{ created }] = await this.db.query<{ created: number }[]>(
        `WITH ins AS (
           INSERT INTO tthc_procedures (code, name, field, levels, time_limit_value, time_limit_unit, time_limit_text, fee, legal_basis_numbers, status, import_id)
           SELECT t.code, t.name, t.field, t.levels, t.time_limit_value, t.time_limit_unit, t.time_limit_text, t.fee, t.legal_basis_numbers, t.status, $1
             FROM tthc_import_rows t WHERE NOT EXISTS (SELECT 1 FROM tthc_procedures p WHERE p.code = t.code)
           RETURNING 1)
         SELECT count(*)::int AS created FROM ins`,
        [importId],
      );
      const changed = await this.db.query<Change[]>(
        `WITH diff AS (
           SELECT t.*, p.name AS o_name, p.time_limit_value AS o_tlv, p.time_limit_unit AS o_tlu, p.fee AS o_fee,
                  p.legal_basis_numbers AS o_legal, p.status AS o_status
             FROM tthc_import_rows t JOIN tthc_procedures p ON p.code = t.code
            WHERE p.import_id IS DISTINCT FROM $1
              AND (p.name, p.field, p.levels, p.time_limit_value, p.time_limit_unit, p.time_limit_text, p.fee, p.legal_basis_numbers, p.status)
                  IS DISTINCT FROM (t.name, t.field, t.levels, t.time_limit_value, t.time_limit_unit, t.time_limit_text, t.fee, t.legal_basis_numbers, t.status)
            FOR UPDATE OF p),
         upd AS (
           UPDATE tthc_procedures p SET name = d.name, field = d.field, levels = d.levels, time_limit_value = d.time_limit_value,
                  time_limit_unit = d.time_limit_unit, time_limit_text = d.time_limit_text, fee = d.fee,
                  legal_basis_numbers = d.legal_basis_numbers, status = d.status, import_id = $1, updated_at = now()
             FROM diff d WHERE p.code = d.code RETURNING p.code),
         material AS (
           SELECT d.code, d.name, jsonb_strip_nulls(jsonb_build_object(
                    'timeLimit', CASE WHEN (d.o_tlv, d.o_tlu) IS DISTINCT FROM (d.time_limit_value, d.time_limit_unit) THEN jsonb_build_object(
                        'old', CASE WHEN d.o_tlv IS NULL THEN NULL ELSE jsonb_build_object('value', d.o_tlv, 'unit', d.o_tlu) END,
                        'new', CASE WHEN d.time_limit_value IS NULL THEN NULL ELSE jsonb_build_object('value', d.time_limit_value, 'unit', d.time_limit_unit) END) END,
                    'fee', CASE WHEN d.o_fee IS DISTINCT FROM d.fee THEN jsonb_build_object('old', d.o_fee, 'new', d.fee) END,
                    'legalBasisNumbers', CASE WHEN d.o_legal IS DISTINCT FROM d.legal_basis_numbers THEN jsonb_build_object('old', to_jsonb(d.o_legal), 'new', to_jsonb(d.legal_basis_numbers)) END,
                    'status', CASE WHEN d.o_status IS DISTINCT FROM d.status AND d.status = 'abolished' THEN jsonb_build_object('old', d.o_status, 'new', d.status) END
                  )) AS changes
             FROM diff d),
         rec AS (
           INSERT INTO tthc_changes (import_id, code, changes)
           SELECT $1, m.code, m.changes FROM material m WHERE m.changes <> '{}'::jsonb
           RETURNING id, code, changes)
         SELECT r.id, r.code, m.name, r.changes, (SELECT count(*) FROM upd)::int AS updated
           FROM rec r JOIN material m ON m.code = r.code
         UNION ALL SELECT NULL, NULL, NULL, NULL, (SELECT count(*) FROM upd)::int`,
        [importId],
      );
      const updated = Number((changed[changed.length - 1] as unknown as { updated: number }).updated);
      const changes = changed.filter((c) => c.id !== null);
      const flagged = await this.raiseFlags(changes);
      const unchanged = rows - created - updated;
      await this.audit.record({
        action: 'tthc.imported',
        entityType: 'tthc_import',
        entityId: importId,
        agencyId: null,
        changes: { format: source.format, rows, created, updated, unchanged, changed: changes.length, flaggedDocuments: flagged },
      });
      return { importId, format: source.format, created, updated, unchanged, changed: changes.length, flaggedDocuments: flagged, ignoredColumns: source.ignoredColumns, errors: [] };
    });
  }

  /** Raises tthc_changed on every procedure carrying a changed TTHC (one flag per change). */
  private async raiseFlags(changes: Change[]): Promise<number> {
    if (!changes.length) return 0;
    const byCode = new Map(changes.map((c) => [c.code, c]));
    let flagged = 0;
    for (const proc of await this.procedures.byTthc([...byCode.keys()])) {
      const c = byCode.get(proc.tthcBase)!;
      const parts: string[] = [];
      if (c.changes.status) parts.push('TTHC đã bị bãi bỏ');
      if (c.changes.timeLimit) parts.push(`thời hạn giải quyết: ${timeLimitText(c.changes.timeLimit.old)} → ${timeLimitText(c.changes.timeLimit.new)}`);
      if (c.changes.fee) parts.push(`phí, lệ phí: ${(c.changes.fee.old ?? 'không').slice(0, 200)} → ${(c.changes.fee.new ?? 'không').slice(0, 200)}`);
      if (c.changes.legalBasisNumbers) parts.push(`căn cứ pháp lý: ${c.changes.legalBasisNumbers.new.join(', ').slice(0, 400) || 'không'}`);
      const limit = c.changes.timeLimit?.new;
      if (limit && proc.stepHours !== null) {
        const hours = durationHours(limit as never);
        if (proc.stepHours > hours) parts.push(`các bước của quy trình (${formatHours(proc.stepHours)}) dài hơn thời hạn mới (${formatHours(hours)})`);
      }
      const reason = `Danh mục TTHC ${c.code} thay đổi — ${parts.join('; ')}.`.slice(0, 2000);
      const { raised } = await this.flags.raise({ documentId: proc.documentId, kind: 'tthc_changed', reason, sourceId: c.id });
      if (raised) flagged++;
    }
    return flagged;
  }

  // ---------------------------------------------------------------- read

  async list(q: TthcListQuery): Promise<TthcPage> {
    const limit = pageLimit(q);
    const after = Cursor.decode(q.cursor, 1);
    const params: unknown[] = [];
    const $ = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where: string[] = ['true'];
    const terms = q.q ? foldVietnamese(q.q).split(/\s+/).filter(Boolean).slice(0, 8) : [];
    for (const t of terms) where.push(`search_text LIKE ${$(`%${escapeLike(t)}%`)}`);
    if (q.level) where.push(`${$(q.level)} = ANY(levels)`);
    if (q.field) where.push(`field = ${$(q.field)}`);
    if (q.status) where.push(`status = ${$(q.status)}`);
    if (after) where.push(`code > ${$(String(after[0]))}`);
    const rows = await this.db.query<TthcRow[]>(`SELECT ${COLUMNS} FROM tthc_procedures WHERE ${where.join(' AND ')} ORDER BY code LIMIT ${$(limit + 1)}`, params);
    return toPage(rows, limit, (r) => [r.code], toView);
  }

  async get(code: string): Promise<TthcView> {
    const base = baseTthcCode(code);
    const rows = base ? await this.db.query<TthcRow[]>(`SELECT ${COLUMNS} FROM tthc_procedures WHERE code = $1`, [base]) : [];
    if (!rows.length) throw Errors.notFound('TTHC');
    return toView(rows[0]);
  }

  // ---------------------------------------------------------------- agencies

  async handled(p: Principal, agencyId: string): Promise<AgencyTthcView> {
    await this.assertReader(p, agencyId);
    const rows = await this.db.query<{ code: string }[]>('SELECT code FROM agency_tthc WHERE agency_id = $1 ORDER BY code', [agencyId]);
    return { agencyId, codes: rows.map((r) => r.code) };
  }

  /** PUT /agencies/{id}/tthc: replaces the list (unknown codes: 422 naming them). */
  async declare(p: Principal, agencyId: string, codes: string[]): Promise<AgencyTthcView> {
    await this.assertDeclarer(p, agencyId);
    const bases = [...new Set(codes.map((c) => baseTthcCode(c)!))].sort();
    return this.db.transaction(async () => {
      await this.db.lock(`agency_tthc:${agencyId}`);
      const known = await this.db.query<{ code: string }[]>('SELECT code FROM tthc_procedures WHERE code = ANY($1::text[])', [bases]);
      const knownSet = new Set(known.map((k) => k.code));
      const unknown = codes.map((c, i) => ({ c, i })).filter(({ c }) => !knownSet.has(baseTthcCode(c)!));
      if (unknown.length) {
        throw Errors.ruleViolated(
          'tthc_unknown',
          'Some codes are not in the TTHC catalogue; import the catalogue first.',
          unknown.slice(0, 100).map(({ c, i }) => ({ field: `codes[${i}]`, message: `${c} is not in the catalogue` })),
        );
      }
      const before = await this.db.query<{ code: string }[]>('SELECT code FROM agency_tthc WHERE agency_id = $1 ORDER BY code', [agencyId]);
      const old = before.map((r) => r.code);
      const added = bases.filter((c) => !old.includes(c));
      const removed = old.filter((c) => !bases.includes(c));
      if (removed.length) await this.db.query('DELETE FROM agency_tthc WHERE agency_id = $1 AND code = ANY($2::text[])', [agencyId, removed]);
      if (added.length) {
        await this.db.query(`INSERT INTO agency_tthc (agency_id, code, declared_by) SELECT $1, u.c, $3 FROM unnest($2::text[]) u(c)`, [agencyId, added, p.id]);
      }
      if (added.length || removed.length) {
        await this.audit.record({ action: 'agency.tthc_declared', entityType: 'agency', entityId: agencyId, agencyId, changes: { added, removed, count: bases.length } });
      }
      return { agencyId, codes: bases };
    });
  }

  private async assertReader(p: Principal, agencyId: string): Promise<void> {
    if (p.isAdmin) {
      if (!(await this.access.agencyPath(agencyId))) throw Errors.notFound('Agency');
      return;
    }
    await this.access.assert(p, 'agency.read', agencyId, 'Agency');
  }

  /** GET /agencies/{id}/tthc-coverage: handled TTHC in force, with the agency's procedure for each. */
  async coverage(p: Principal, agencyId: string): Promise<TthcCoverageView> {
    await this.assertReader(p, agencyId);
    const handled = await this.db.query<{ code: string; name: string; status: string }[]>(
      `SELECT t.code, t.name, t.status FROM agency_tthc a JOIN tthc_procedures t ON t.code = a.code
        WHERE a.agency_id = $1 AND t.status = 'in_force' ORDER BY t.code`,
      [agencyId],
    );
    const procs = await this.procedures.ofAgencies([agencyId]);
    const items = handled.map((h) => {
      const mine = procs.filter((x) => x.tthcBase === h.code);
      const best = mine.find((x) => x.effectiveRevisionId) ?? mine.find((x) => x.openState) ?? mine[0] ?? null;
      const covered = Boolean(best?.effectiveRevisionId);
      return {
        code: h.code,
        name: h.name,
        status: h.status,
        documentId: best?.documentId ?? null,
        documentCode: best?.code ?? null,
        state: covered ? 'effective' : (best?.openState ?? null),
        covered,
      };
    });
    items.sort((a, b) => Number(a.covered) - Number(b.covered) || a.code.localeCompare(b.code));
    return { total: items.length, covered: items.filter((i) => i.covered).length, items };
  }

  /** Handled (in force) and covered TTHC of each agency: one query, the register's part its SQL relation (ProcedureFacts.coveredTthcSql). */
  async coverageCounts(agencyIds: readonly string[]): Promise<Map<string, { handled: number; covered: number }>> {
    if (!agencyIds.length) return new Map();
    const rows = await this.db.query<{ agency_id: string; handled: number; covered: number }[]>(
      `SELECT a.agency_id, count(*)::int AS handled,
              count(*) FILTER (WHERE (a.agency_id, a.code) IN (${this.procedures.coveredTthcSql('$1::uuid[]')}))::int AS covered
         FROM agency_tthc a JOIN tthc_procedures t ON t.code = a.code
        WHERE a.agency_id = ANY($1::uuid[]) AND t.status = 'in_force'
        GROUP BY a.agency_id`,
      [[...agencyIds]],
    );
    return new Map(rows.map((r) => [r.agency_id, { handled: r.handled, covered: r.covered }]));
  }
}

/** A PostgreSQL array literal of texts (quoted, so commas and braces in numbers are safe). */
function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
