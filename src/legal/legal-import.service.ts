import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { LegalImportError, LegalImportResult } from './legal.dto.js';
import { LegalFields, parseLegalFields } from './legal-fields.js';
import { ImportBatch } from './legal-import-reader.js';
import { LEGAL_NUMBERS_LOCK, LegalRegistryService } from './legal-registry.service.js';

/** Reported row errors per response; the total is in `errorCount`. */
export const IMPORT_MAX_REPORTED_ERRORS = 1000;
const INSERT_BATCH = 5000;

interface ValidRow {
  row: number;
  fields: LegalFields;
}

/**
 * Bulk import: every row is validated (format, dates, duplicates in the batch and against the
 * registry) before anything is written; then all rows go in with a few multi-row INSERTs in one
 * transaction, so a batch is imported whole or not at all.
 */
@Injectable()
export class LegalImportService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly registry: LegalRegistryService,
  ) {}

  async import(p: Principal, batch: ImportBatch): Promise<LegalImportResult> {
    await this.registry.assertWriter(p);
    if (!batch.records.length) throw Errors.badRequest('import_empty', 'The import has no rows.', [{ field: 'items', message: 'must not be empty' }]);
    const { rows, errors } = await this.validateRows(batch);
    errors.push(...(await this.takenNumbers(rows)));
    if (errors.length) throw this.rejected(errors);
    return this.db.transaction(async () => {
      // Checked again under the lock: another writer may have added one of the numbers meanwhile.
      await this.db.lock(LEGAL_NUMBERS_LOCK);
      const taken = await this.takenNumbers(rows);
      if (taken.length) throw this.rejected(taken);
      const importId = randomUUID();
      await this.insertRows(rows, importId);
      await this.audit.record({
        action: 'legal_document.imported',
        entityType: 'legal_import',
        entityId: importId,
        agencyId: null,
        changes: { format: batch.format, count: rows.length, firstNumber: rows[0].fields.number, lastNumber: rows[rows.length - 1].fields.number },
      });
      return { importId, format: batch.format, created: rows.length };
    });
  }

  /**
   * Field checks per row, then duplicates within the batch (reported on the later row), compared by
   * the registry's key as the database computes it. `rows` are the rows whose fields parsed
   * (checked against the registry next); any error rejects the batch.
   */
  private async validateRows(batch: ImportBatch): Promise<{ rows: ValidRow[]; errors: LegalImportError[] }> {
    const parsed: (ValidRow & { at: Pick<LegalImportError, 'row' | 'line'> })[] = [];
    const errors: LegalImportError[] = [];
    for (const r of batch.records) {
      const at = { row: r.row, ...(r.line !== undefined ? { line: r.line } : {}) };
      const { value, errors: fieldErrors } = parseLegalFields(r.values, { lenient: true });
      for (const e of [...r.problems, ...fieldErrors]) errors.push({ ...at, ...e });
      if (value) parsed.push({ row: r.row, fields: value, at });
    }
    const keys = parsed.length ? await this.registry.numberKeys(parsed.map((p) => p.fields.number)) : [];
    const rows: ValidRow[] = [];
    const firstByKey = new Map<string, { row: number; number: string }>();
    parsed.forEach(({ row, fields, at }, i) => {
      const numberKey = keys[i];
      const first = firstByKey.get(numberKey);
      if (first) {
        errors.push({ ...at, field: 'number', message: `is the same number as row ${first.row} (${first.number})` });
        return;
      }
      firstByKey.set(numberKey, { row, number: fields.number });
      rows.push({ row, fields: { ...fields, numberKey } });
    });
    return { rows, errors };
  }

  /** Rows whose number is already in the registry. */
  private async takenNumbers(rows: ValidRow[]): Promise<LegalImportError[]> {
    const found = await this.db.query<{ number_key: string; number: string }[]>(
      'SELECT number_key, number FROM legal_documents WHERE number_key = ANY($1::text[])',
      [rows.map((r) => r.fields.numberKey)],
    );
    if (!found.length) return [];
    const existing = new Map(found.map((f) => [f.number_key, f.number]));
    return rows
      .filter((r) => existing.has(r.fields.numberKey))
      .map((r) => ({ row: r.row, field: 'number', message: `${existing.get(r.fields.numberKey)} is already in the registry` }));
  }

  private async insertRows(rows: ValidRow[], importId: string): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const slice = rows.slice(i, i + INSERT_BATCH).map((r) => r.fields);
      await this.db.query(
        `INSERT INTO legal_documents (number, number_key, type, issuer, title, issued_on, effective_from, status, import_id)
         SELECT u.number, u.number_key, u.type, u.issuer, u.title, u.issued_on, u.effective_from, u.status, $9::uuid
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::text[])
             AS u(number, number_key, type, issuer, title, issued_on, effective_from, status)`,
        [
          slice.map((f) => f.number),
          slice.map((f) => f.numberKey),
          slice.map((f) => f.type),
          slice.map((f) => f.issuer),
          slice.map((f) => f.title),
          slice.map((f) => f.issuedOn),
          slice.map((f) => f.effectiveFrom),
          slice.map((f) => f.status),
          importId,
        ],
      );
    }
  }

  private rejected(errors: LegalImportError[]) {
    const sorted = [...errors].sort((a, b) => a.row - b.row);
    const rows = new Set(sorted.map((e) => e.row)).size;
    return Errors.ruleViolated(
      'legal_import_invalid',
      `Nothing was imported: ${rows} row(s) have errors. Correct them and send the whole batch again.`,
      sorted.slice(0, IMPORT_MAX_REPORTED_ERRORS),
      { errorCount: sorted.length, truncated: sorted.length > IMPORT_MAX_REPORTED_ERRORS },
    );
  }
}
