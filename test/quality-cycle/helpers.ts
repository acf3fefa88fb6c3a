import type { TestApp } from '../support/app.js';
import { makeEffective } from '../support/lifecycle.js';
import { bearer, TestUser } from '../support/fixtures.js';
import { API, code, newProcedure, type WorkflowCast } from '../workflow/helpers.js';

export const objective = (no: number, extra: Record<string, unknown> = {}) => ({
  no,
  objective: `Mục tiêu ${no}: giải quyết đúng hạn hồ sơ thủ tục hành chính`,
  indicator: 'Tỷ lệ hồ sơ đúng hạn',
  target: '≥ 98%',
  method: 'Thống kê trên Hệ thống một cửa điện tử',
  responsibleUnit: 'Văn phòng Sở',
  deadline: 'Quý IV',
  actions: 'Rà soát quy trình, đôn đốc xử lý',
  ...extra,
});

/** A quality_objectives document of `year` in force in `agencyId` with objectives numbered `nos`. */
export async function objectivesInForce(t: TestApp, author: TestUser, agencyId: string, year: number, nos: number[] = [1, 2, 3]): Promise<{ id: string; revisionId: string; code: string }> {
  const k = code('MTCL');
  const res = await t.http
    .post(`${API}/documents`)
    .set(bearer(author.token))
    .send({ agencyId, type: 'quality_objectives', code: k, title: `Mục tiêu chất lượng năm ${year}`, year, content: { year, objectives: nos.map((n) => objective(n)) } });
  if (res.status !== 201) throw new Error(`objectives failed: ${res.status} ${JSON.stringify(res.body)}`);
  await makeEffective(t, res.body.openDraft.id);
  return { id: res.body.id, revisionId: res.body.openDraft.id, code: k };
}

/** A procedure in force in the cast's agency. */
export async function procedureInForce(t: TestApp, c: WorkflowCast, title = 'Quy trình cấp giấy phép hoạt động'): Promise<{ id: string; code: string; title: string; revisionId: string }> {
  const doc = await newProcedure(t, c, c.drafter, title);
  await makeEffective(t, doc.revisionId);
  return doc;
}

/** The SQLSTATE a statement fails with, or null when it succeeds. */
export async function sqlState(t: TestApp, sql: string, params: unknown[] = []): Promise<string | null> {
  try {
    await t.db.query(sql, params);
    return null;
  } catch (err) {
    return (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code ?? 'unknown';
  }
}
