import { randomBytes, randomInt } from 'node:crypto';
import type { Role } from '../src/access/roles.js';
import type { TestApp } from './support/app.js';
import { makeEffective } from './support/lifecycle.js';
import { bearer, Fixtures, TestAgency, TestUser, uniq } from './support/fixtures.js';

export const API = '/api/v1';

/** A legal number no other test uses. */
export function freshNumber(year: number, symbol = 'QĐ-TTg'): string {
  return `${randomInt(1, 99999)}/${year}/${symbol}${randomBytes(3).toString('hex').toUpperCase()}`;
}

export interface Legal {
  id: string;
  number: string;
}

/** A legal document in the registry (created by the administrator). */
export async function legalDocument(t: TestApp, adminToken: string, opts: { year?: number; type?: string; issuedOn?: string; effectiveFrom?: string } = {}): Promise<Legal> {
  const year = opts.year ?? 2014;
  const issuedOn = opts.issuedOn ?? `${year}-03-05`;
  const res = await t.http
    .post(`${API}/legal-documents`)
    .set(bearer(adminToken))
    .send({
      number: freshNumber(year),
      type: opts.type ?? 'decision',
      issuer: 'Thủ tướng Chính phủ',
      title: 'Quyết định về việc áp dụng Hệ thống quản lý chất lượng',
      issuedOn,
      effectiveFrom: opts.effectiveFrom ?? issuedOn,
    });
  if (res.status !== 201) throw new Error(`legal document failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, number: res.body.number };
}

/** An agency with its drafter, ISO secretary, head and staff. */
export interface AgencyCast {
  agency: TestAgency;
  drafter: TestUser;
  secretary: TestUser;
  head: TestUser;
  staff: TestUser;
}

export async function agencyCast(f: Fixtures, parentId: string, name: string): Promise<AgencyCast> {
  const agency = await f.agency({ level: 'department', parentId, name });
  const roles = (r: Role[]) => ({ [agency.id]: r });
  const [drafter, secretary, head, staff] = await Promise.all([
    f.user(roles(['drafter']), { fullName: 'Lê Văn Soạn' }),
    f.user(roles(['iso_secretary']), { fullName: 'Phạm Thị Thư' }),
    f.user(roles(['head']), { fullName: 'Trần Văn Giám' }),
    f.user(roles(['staff']), { fullName: 'Nguyễn Cán Bộ' }),
  ]);
  return { agency, drafter, secretary, head, staff };
}

const step = (no: number, days = 1) => ({ no, action: `Bước ${no}: xử lý hồ sơ`, responsible: 'Bộ phận một cửa', duration: { value: days, unit: 'working_days' } });

/** Procedure content that passes the completeness rules, citing `legalBases`. */
export function procedureContent(legalBases: { legalDocumentId: string; articles?: string }[]): Record<string, unknown> {
  return {
    purpose: 'Quy định trình tự tiếp nhận và giải quyết hồ sơ.',
    scope: 'Áp dụng tại cơ quan.',
    definitions: [],
    legalBases,
    dossier: [{ name: 'Đơn đề nghị' }],
    steps: [step(1), step(2, 2)],
    records: [{ name: 'Hồ sơ đề nghị', keeper: 'Văn phòng', retention: '05 năm' }],
  };
}

export interface Proc {
  id: string;
  code: string;
  agencyId: string;
  revisionId: string;
}

/** A procedure written by `author`, made effective (test/support/lifecycle.ts makeEffective). */
export async function effectiveProcedure(t: TestApp, author: TestUser, agencyId: string, legalBases: { legalDocumentId: string; articles?: string }[]): Promise<Proc> {
  const code = uniq('QT').toUpperCase();
  const res = await t.http
    .post(`${API}/documents`)
    .set(bearer(author.token))
    .send({ agencyId, type: 'procedure', code, title: 'Quy trình cấp giấy phép hoạt động', content: procedureContent(legalBases) });
  if (res.status !== 201) throw new Error(`document failed: ${res.status} ${JSON.stringify(res.body)}`);
  const revisionId = res.body.openDraft.id as string;
  await makeEffective(t, revisionId);
  return { id: res.body.id, code, agencyId, revisionId };
}

export async function postChange(t: TestApp, token: string, legalId: string, body: Record<string, unknown>) {
  return t.http.post(`${API}/legal-documents/${legalId}/changes`).set(bearer(token)).send(body);
}

export async function progress(t: TestApp, token: string, changeId: string, query = '') {
  const res = await t.http.get(`${API}/legal-changes/${changeId}${query}`).set(bearer(token));
  if (res.status !== 200) throw new Error(`progress failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000, tick?: () => Promise<void>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (tick) await tick();
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Waits until the change is finished (completed or completed_with_failures), as seen by `token`. */
export async function finished(t: TestApp, token: string, changeId: string, timeoutMs = 30_000) {
  return until(
    () => progress(t, token, changeId),
    (b) => b.status === 'completed' || b.status === 'completed_with_failures',
    timeoutMs,
    () => t.flushOutbox(),
  );
}

export async function documentOf(t: TestApp, token: string, id: string) {
  const res = await t.http.get(`${API}/documents/${id}`).set(bearer(token));
  if (res.status !== 200) throw new Error(`document failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Revisions of a document, oldest first (from the database: what exists, whoever may see it). */
export async function revisionsOf(t: TestApp, documentId: string) {
  return t.db.query<{ id: string; state: string; author_id: string; change_summary: string | null; content: Record<string, unknown> }[]>(
    'SELECT id, state, author_id, change_summary, content FROM revisions WHERE document_id = $1 ORDER BY created_at, id',
    [documentId],
  );
}

export async function activeFlags(t: TestApp, documentId: string) {
  return t.db.query<{ id: string; source_id: string; reason: string; due_on: string }[]>(
    `SELECT id, source_id, reason, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM document_flags WHERE document_id = $1 AND kind = 'legal_basis_changed' AND cleared_at IS NULL`,
    [documentId],
  );
}

/** YYYY-MM-DD of today in Vietnam, plus `days`. */
export function vnDate(days = 0): string {
  const d = new Date(Date.now() + 7 * 3600_000);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
