/**
 * GET /me/tasks and /me/tasks/counts through HTTP over the real task sources: tasks link to their
 * record (entityType, entityId), pages of mixed kinds keep one stable order, counts match the list.
 */
import { TASK_KIND_NAMES } from '../../src/tasks/task-kinds.js';
import { DocumentFlags } from '../../src/documents/document-flags.service.js';
import type { TestApp } from '../support/app.js';
import { bearer, Fixtures, TestUser } from '../support/fixtures.js';
import { API, newProcedure, toEffective, Workflow, workflowCast, WorkflowCast, workflowSuite } from '../workflow/helpers.js';

describe('tasks: one list over every module, with counts', () => {
  let t: TestApp;
  let f: Fixtures;
  let w: Workflow;
  let cc: WorkflowCast;
  let ids: { toCheck: string[]; reviewed: { documentId: string; revisionId: string }; legal: { documentId: string; revisionId: string } };

  beforeAll(async () => {
    ({ t, f, w } = await workflowSuite());
    cc = await workflowCast(f);
    const flags = t.app.get(DocumentFlags);
    const reviewed = await newProcedure(t, cc);
    await toEffective(w, cc, reviewed.revisionId);
    await t.db.transaction(() => flags.raise({ documentId: reviewed.id, kind: 'review_overdue', reason: 'Quá hạn rà soát định kỳ 12 tháng' }));
    const legal = await newProcedure(t, cc);
    await toEffective(w, cc, legal.revisionId);
    await t.db.transaction(() => flags.raise({ documentId: legal.id, kind: 'legal_basis_changed', reason: 'Nghị định 61/2018/NĐ-CP được sửa đổi', dueOn: '2030-01-31' }));
    const toCheck: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await newProcedure(t, cc);
      expect((await w.submit(cc.drafter, d.revisionId)).status).toBe(200);
      toCheck.push(d.revisionId);
    }
    ids = { toCheck, reviewed: { documentId: reviewed.id, revisionId: reviewed.revisionId }, legal: { documentId: legal.id, revisionId: legal.revisionId } };
  }, 180_000);
  afterAll(() => t.close());

  const counts = (u: TestUser, query = '') => t.http.get(`${API}/me/tasks/counts${query}`).set(bearer(u.token));
  const all = async (u: TestUser, limit: number, query = '') => {
    const out: { kind: string; entityType: string; entityId: string }[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const res = await w.tasks(u, `?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    return out;
  };

  it('links each task to its record: revisions for checks, the document for flags', async () => {
    const res = await w.tasks(cc.secretary);
    expect(res.status).toBe(200);
    const byKind = (k: string) => res.body.items.filter((i: { kind: string }) => i.kind === k);
    expect(byKind('check').map((i: { entityType: string; entityId: string; revisionId: string }) => [i.entityType, i.entityId, i.revisionId])).toEqual(ids.toCheck.map((id) => ['revision', id, id]));
    expect(byKind('review_due')).toEqual([
      expect.objectContaining({ entityType: 'document', entityId: ids.reviewed.documentId, documentId: ids.reviewed.documentId, revisionId: ids.reviewed.revisionId, state: 'effective', flagId: expect.any(String) }),
    ]);
    expect(byKind('legal_change')).toEqual([expect.objectContaining({ entityType: 'document', entityId: ids.legal.documentId, dueOn: '2030-01-31', reason: 'Nghị định 61/2018/NĐ-CP được sửa đổi' })]);
    expect(res.body.items.every((i: { agencyId: string }) => i.agencyId === cc.agency.id)).toBe(true);
  });

  it('pages of any size list the same tasks in the same order (oldest first), across kinds', async () => {
    const whole = await all(cc.secretary, 200);
    expect(whole).toHaveLength(5);
    const since = whole.map((i) => (i as unknown as { since: string }).since);
    expect([...since].sort()).toEqual(since);
    for (const limit of [1, 2, 3]) expect((await all(cc.secretary, limit)).map((i) => `${i.kind}:${i.entityId}`)).toEqual(whole.map((i) => `${i.kind}:${i.entityId}`));
    expect((await all(cc.secretary, 2, '&kind=check')).map((i) => i.entityId)).toEqual(ids.toCheck);
  });

  it('counts per kind and in total, the same tasks as the list, for each person and agency', async () => {
    const zeros = Object.fromEntries(TASK_KIND_NAMES.map((k) => [k, 0]));
    const sec = await counts(cc.secretary);
    expect(sec.status).toBe(200);
    expect(sec.body).toEqual({ total: 5, byKind: { ...zeros, check: 3, approve: 0, returned: 0, review_due: 1, legal_change: 1 } });
    expect((await counts(cc.drafter)).body).toEqual({ total: 1, byKind: { ...zeros, legal_change: 1 } });
    expect((await counts(cc.staff)).body.total).toBe(0);
    expect((await counts(cc.secretary, `?agencyId=${cc.agency.id}`)).body.total).toBe(5);
    expect((await counts(cc.secretary, `?agencyId=${cc.other.id}`)).body.total).toBe(0);
    expect((await counts(cc.secretary, '?agencyId=nope')).status).toBe(400);
    expect((await counts(cc.secretary, '?kind=check')).status).toBe(400);
    for (const u of [cc.secretary, cc.drafter, cc.head]) expect((await all(u, 200)).length).toBe((await counts(u)).body.total);
    expect((await t.http.get(`${API}/me/tasks/counts`)).status).toBe(401);
  });
});
