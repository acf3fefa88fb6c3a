import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/access/roles.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser, uniq } from '../support/fixtures.js';

export const API = '/api/v1';

/** One agency with the whole workflow cast, and a stranger from a sibling agency. */
export interface WorkflowCast {
  agency: TestAgency;
  other: TestAgency;
  drafter: TestUser;
  secretary: TestUser;
  secretary2: TestUser;
  head: TestUser;
  deputy: TestUser;
  staff: TestUser;
  auditor: TestUser;
  stranger: TestUser;
}

export async function workflowCast(f: Fixtures, opts: { emails?: boolean } = {}): Promise<WorkflowCast> {
  const { province, department } = await f.agencyTree();
  const other = await f.agency({ level: 'department', parentId: province.id, name: 'Sở Tư pháp' });
  const roles = (r: Role[]) => ({ [department.id]: r });
  const tag = uniq('m');
  const email = (who: string) => (opts.emails ? `${who}.${tag}@kontum.gov.vn` : undefined);
  const [drafter, secretary, secretary2, head, deputy, staff, auditor, stranger] = await Promise.all([
    f.user(roles(['drafter']), { fullName: 'Lê Văn Soạn', title: 'Chuyên viên', email: email('soan') }),
    f.user(roles(['iso_secretary']), { fullName: 'Phạm Thị Thư', title: 'Thư ký ISO', email: email('thu') }),
    f.user(roles(['iso_secretary']), { fullName: 'Võ Văn Kiểm', title: 'Thư ký ISO' }),
    f.user(roles(['head']), { fullName: 'Trần Văn Giám', title: 'Giám đốc', email: email('giam') }),
    f.user(roles(['deputy']), { fullName: 'Hoàng Thị Phó', title: 'Phó Giám đốc', email: email('pho') }),
    f.user(roles(['staff']), { fullName: 'Nguyễn Cán Bộ' }),
    f.user(roles(['auditor']), { fullName: 'Đinh Đánh Giá' }),
    f.user({ [other.id]: ['iso_secretary', 'head'] }, { fullName: 'Đỗ Người Ngoài' }),
  ]);
  return { agency: department, other, drafter, secretary, secretary2, head, deputy, staff, auditor, stranger };
}

/** What a workflow spec file works with: the app, fixtures, the cast and the workflow client. */
export interface WorkflowSuite {
  t: TestApp;
  f: Fixtures;
  c: WorkflowCast;
  w: Workflow;
}

/** A test app (with `env` overrides) and its workflow cast, for a spec file's beforeAll. */
export async function workflowSuite(env: Record<string, string | undefined> = {}, opts: { emails?: boolean } = {}): Promise<WorkflowSuite> {
  const t = await createTestApp(env);
  const f = new Fixtures(t);
  return { t, f, c: await workflowCast(f, opts), w: workflow(t) };
}

export function code(prefix = 'QT'): string {
  return uniq(prefix).toUpperCase();
}

export const step = (no: number, days = 1) => ({ no, action: `Bước ${no}: xử lý hồ sơ`, responsible: 'Bộ phận một cửa', duration: { value: days, unit: 'working_days' } });

/** Content that passes the procedure completeness rules. */
export function procedureContent(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    purpose: 'Quy định trình tự tiếp nhận và giải quyết hồ sơ.',
    scope: 'Áp dụng tại Sở Khoa học và Công nghệ.',
    definitions: [],
    legalBases: [],
    dossier: [{ name: 'Đơn đề nghị' }],
    steps: [step(1), step(2, 2)],
    records: [{ name: 'Hồ sơ đề nghị', keeper: 'Văn phòng', retention: '05 năm' }],
    ...extra,
  };
}

export interface Doc {
  id: string;
  code: string;
  title: string;
  revisionId: string;
}

/** A procedure with a complete first draft, written by `author`. */
export async function newProcedure(t: TestApp, c: WorkflowCast, author: TestUser = c.drafter, title = 'Quy trình cấp giấy phép hoạt động'): Promise<Doc> {
  const k = code();
  const res = await t.http
    .post(`${API}/documents`)
    .set(bearer(author.token))
    .send({ agencyId: c.agency.id, type: 'procedure', code: k, title, content: procedureContent() });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, code: k, title, revisionId: res.body.openDraft.id };
}

export function workflow(t: TestApp) {
  return {
    submit: (u: TestUser, id: string) => t.http.post(`${API}/revisions/${id}/submit`).set(bearer(u.token)).send(),
    check: (u: TestUser, id: string, comment?: string) => t.http.post(`${API}/revisions/${id}/review`).set(bearer(u.token)).send({ decision: 'approve', comment }),
    reviewReturn: (u: TestUser, id: string, comment?: string) => t.http.post(`${API}/revisions/${id}/review`).set(bearer(u.token)).send({ decision: 'return', comment }),
    approve: (u: TestUser, id: string, opts: { password?: string; effectiveFrom?: string } = {}) =>
      t.http.post(`${API}/revisions/${id}/approve`).set(bearer(u.token)).send({ password: opts.password ?? u.password, effectiveFrom: opts.effectiveFrom }),
    ret: (u: TestUser, id: string, comment?: string) => t.http.post(`${API}/revisions/${id}/return`).set(bearer(u.token)).send({ comment }),
    signOffs: (u: TestUser, id: string) => t.http.get(`${API}/revisions/${id}/sign-offs`).set(bearer(u.token)),
    revision: (u: TestUser, id: string) => t.http.get(`${API}/revisions/${id}`).set(bearer(u.token)),
    document: (u: TestUser, id: string) => t.http.get(`${API}/documents/${id}`).set(bearer(u.token)),
    withdraw: (u: TestUser, id: string, reason: string | undefined, password?: string) =>
      t.http.post(`${API}/documents/${id}/withdraw`).set(bearer(u.token)).send({ reason, password: password ?? u.password }),
    tasks: (u: TestUser, query = '') => t.http.get(`${API}/me/tasks${query}`).set(bearer(u.token)),
  };
}

export type Workflow = ReturnType<typeof workflow>;

function expectStatus(res: { status: number; body: unknown }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

/** draft → in_review → pending_approval through the API. */
export async function toPendingApproval(w: Workflow, c: WorkflowCast, revisionId: string, checker: TestUser = c.secretary): Promise<void> {
  expectStatus(await w.submit(c.drafter, revisionId), 200, 'submit');
  expectStatus(await w.check(checker, revisionId), 200, 'check');
}

/** The whole path to effective. */
export async function toEffective(w: Workflow, c: WorkflowCast, revisionId: string): Promise<void> {
  await toPendingApproval(w, c, revisionId);
  expectStatus(await w.approve(c.head, revisionId), 200, 'approve');
}

/** A new draft of a document (copied from the effective revision) with a change summary. */
export async function newDraft(t: TestApp, u: TestUser, documentId: string, changeSummary = 'Cập nhật theo quy định mới'): Promise<{ id: string; etag: string }> {
  const res = await t.http.post(`${API}/documents/${documentId}/revisions`).set(bearer(u.token)).send({ changeSummary });
  expectStatus(res, 201, 'new draft');
  return { id: res.body.id, etag: res.body.etag };
}

/** A delegation from the head to the deputy, recorded by the administrator. */
export async function delegate(t: TestApp, f: Fixtures, c: WorkflowCast, from: Date, to: Date) {
  const res = await t.http
    .post(`${API}/agencies/${c.agency.id}/delegations`)
    .set(bearer(await f.adminToken()))
    .send({ fromUserId: c.head.id, toUserId: c.deputy.id, validFrom: from.toISOString(), validTo: to.toISOString() });
  expectStatus(res, 201, 'delegation');
  return res.body as { id: string };
}

export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

/**
 * Fault injection in the database: every INSERT into `table` whose `column` is `id` fails (the
 * `reject_change` trigger function, so 409 `immutable_record` over HTTP) until the returned
 * function is called. Rows of other tests are not affected.
 */
export async function failInserts(t: TestApp, table: string, column: string, id: string): Promise<() => Promise<void>> {
  const trigger = `test_fail_${randomUUID().replace(/-/g, '')}`;
  await t.db.query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} FOR EACH ROW WHEN (NEW.${column} = '${id}'::uuid) EXECUTE FUNCTION reject_change()`);
  return async () => {
    await t.db.query(`DROP TRIGGER IF EXISTS ${trigger} ON ${table}`);
  };
}
