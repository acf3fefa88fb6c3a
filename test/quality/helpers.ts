import type { TestApp } from '../support/app.js';
import { bearer, Fixtures, TestUser } from '../support/fixtures.js';
import { API, workflowCast, type WorkflowCast } from '../workflow/helpers.js';

export { API };

/** The workflow cast plus a provincial auditor, a second auditor of the agency and one of the other agency. */
export interface QualityCast extends WorkflowCast {
  provincialAuditor: TestUser;
  auditor2: TestUser;
  otherAuditor: TestUser;
}

export async function qualityCast(f: Fixtures): Promise<QualityCast> {
  const c = await workflowCast(f);
  const [provincialAuditor, auditor2, otherAuditor] = await Promise.all([
    f.user({ [c.agency.parentId!]: ['auditor'] }, { fullName: 'Trịnh Đánh Giá Tỉnh', title: 'Chuyên gia đánh giá' }),
    f.user({ [c.agency.id]: ['auditor'] }, { fullName: 'Lương Thị Kiểm Định', title: 'Chuyên gia đánh giá' }),
    f.user({ [c.other.id]: ['auditor'] }, { fullName: 'Mai Văn Khác' }),
  ]);
  return { ...c, provincialAuditor, auditor2, otherAuditor };
}

export function quality(t: TestApp) {
  const as = (u: TestUser) => bearer(u.token);
  return {
    createAudit: (u: TestUser, body: Record<string, unknown>) => t.http.post(`${API}/internal-audits`).set(as(u)).send(body),
    audit: (u: TestUser, id: string) => t.http.get(`${API}/internal-audits/${id}`).set(as(u)),
    audits: (u: TestUser, query = '') => t.http.get(`${API}/internal-audits${query}`).set(as(u)),
    approveAudit: (u: TestUser, id: string, password = u.password) => t.http.post(`${API}/internal-audits/${id}/approve`).set(as(u)).send({ password }),
    startAudit: (u: TestUser, id: string) => t.http.post(`${API}/internal-audits/${id}/start`).set(as(u)).send(),
    finding: (u: TestUser, id: string, body: Record<string, unknown>) => t.http.post(`${API}/internal-audits/${id}/findings`).set(as(u)).send(body),
    report: (u: TestUser, id: string, body: Record<string, unknown>) => t.http.post(`${API}/internal-audits/${id}/report`).set(as(u)).send({ password: u.password, ...body }),
    reportJson: (u: TestUser, id: string) => t.http.get(`${API}/internal-audits/${id}/report`).set(as(u)),
    createNc: (u: TestUser, body: Record<string, unknown>) => t.http.post(`${API}/nonconformities`).set(as(u)).send(body),
    nc: (u: TestUser, id: string) => t.http.get(`${API}/nonconformities/${id}`).set(as(u)),
    ncs: (u: TestUser, query = '') => t.http.get(`${API}/nonconformities${query}`).set(as(u)),
    patchNc: (u: TestUser, id: string, body: Record<string, unknown>, etag?: string) => {
      const req = t.http.patch(`${API}/nonconformities/${id}`).set(as(u));
      if (etag) req.set('If-Match', etag);
      return req.send(body);
    },
    addAction: (u: TestUser, id: string, body: Record<string, unknown>) => t.http.post(`${API}/nonconformities/${id}/actions`).set(as(u)).send(body),
    complete: (u: TestUser, actionId: string, evidence = 'Đã thực hiện, có biên bản kèm theo.') => t.http.post(`${API}/corrective-actions/${actionId}/complete`).set(as(u)).send({ evidence }),
    verify: (u: TestUser, id: string, effective: boolean, comment = 'Đã kiểm tra hồ sơ sau khắc phục.', password = u.password) =>
      t.http.post(`${API}/nonconformities/${id}/verify`).set(as(u)).send({ effective, comment, password }),
    tasks: (u: TestUser, query = '') => t.http.get(`${API}/me/tasks${query}`).set(as(u)),
  };
}

export type Quality = ReturnType<typeof quality>;

/** Today in Vietnam, YYYY-MM-DD. */
export function vnToday(offsetDays = 0): string {
  return new Date(Date.now() + 7 * 3600_000 + offsetDays * 86400_000).toISOString().slice(0, 10);
}

export function expectOk(res: { status: number; body: unknown }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

/** A nonconformity of the cast's agency with its root cause stated, ready for actions. */
export async function ncWithRootCause(q: Quality, c: QualityCast, extra: Record<string, unknown> = {}): Promise<{ id: string; etag: string }> {
  const created = await q.createNc(c.secretary, { agencyId: c.agency.id, source: 'process', severity: 'minor', description: 'Sổ theo dõi hồ sơ không được cập nhật', ...extra });
  expectOk(created, 201, 'create nonconformity');
  const patched = await q.patchNc(c.secretary, created.body.id, { correction: 'Cập nhật ngay sổ theo dõi', rootCause: 'Chưa phân công người cập nhật sổ' }, created.body.etag);
  expectOk(patched, 200, 'root cause');
  return { id: created.body.id, etag: patched.body.etag };
}
