/**
 * A scope that is every agency there is (a provincial supervisor on the province's own
 * installation) is `all`: lists skip the agency test of each row. That is only true while it is
 * true: the agencies each process keeps (AccessService) follow the database's `a:` notifications,
 * so an agency added outside the subtree in another process ends `all` at once (its drafts never
 * show), and one added inside is in the subtree at once. Its own database: the only agencies are
 * this test's (the shared database has every other test's).
 */
import { AccessService } from '../../src/access/access.service.js';
import { Principal } from '../../src/access/principal.js';
import { CacheInvalidation } from '../../src/identity/live-caches.js';
import { createTestApp, ownDatabase, TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from '../support/fixtures.js';
import { makeEffective } from '../support/lifecycle.js';
import { legalDocument } from '../legal-changes-helpers.js';
import { marker, procedureContent } from '../search/helpers.js';

const API = '/api/v1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Waits until `ok` holds, up to 5 s: another process's change is heard within milliseconds (a
 * loaded CI machine may take longer); what was kept before (a 30 s TTL) would take 30 s.
 */
async function heard(ok: () => Promise<boolean>): Promise<void> {
  for (const end = Date.now() + 5_000; Date.now() < end; await sleep(50)) if (await ok()) return;
}

describe('a scope that is every agency there is', () => {
  const own = ownDatabase('every');
  const databaseUrl = own.url;
  /** Two API processes on one database: each keeps its own agencies. */
  let t1: TestApp;
  let t2: TestApp;
  let f1: Fixtures;
  let f2: Fixtures;
  let province: TestAgency;
  let department: TestAgency;
  let supervisor: TestUser;
  let agencyAdmin: TestUser;
  let drafter: TestUser;
  const word = marker();
  let legalId: string;
  let inForceId: string;
  let draftId: string;

  const draft = async (t: TestApp, author: TestUser, agencyId: string, code: string, legalBases: { legalDocumentId: string }[] = []) => {
    const res = await t.http
      .post(`${API}/documents`)
      .set(bearer(author.token))
      .send({ agencyId, type: 'procedure', code, title: 'Quy trình thử phạm vi', content: { ...procedureContent(`Quy định ${word} trình tự.`), legalBases } });
    expect(res.status).toBe(201);
    return res.body as { id: string; openDraft: { id: string } };
  };
  /** The supervisor's scope as an app computes it for a request now (after the wait for its own writes' notifications, as the auth guard does). */
  const scopeIn = async (t: TestApp) => {
    expect(await t.app.get(CacheInvalidation).ready()).toBe(true);
    return t.app.get(AccessService).scope(new Principal(supervisor.id, supervisor.username, supervisor.fullName, false, 'test'), 'document.readDrafts');
  };
  /** t's kept scope says every agency (a write of t's own, e.g. the outbox relay's, may make one computation read the database instead). */
  const keptAll = async (t: TestApp) => {
    let last: unknown;
    await heard(async () => ((last = await scopeIn(t)) as { all: boolean }).all);
    expect(last).toEqual({ all: true });
  };
  const found = async (t: TestApp, u: TestUser) => {
    const res = await t.http.get(`${API}/documents`).query({ q: word, limit: 50 }).set(bearer(u.token));
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((d) => d.id).sort();
  };

  beforeAll(async () => {
    await own.prepare();
    // No workers: a job writing in the background would make the apps bypass what they keep (CacheInvalidation.usable) at random moments.
    [t1, t2] = [await createTestApp({ DATABASE_URL: databaseUrl }, { workers: false }), await createTestApp({ DATABASE_URL: databaseUrl }, { workers: false })];
    [f1, f2] = [new Fixtures(t1), new Fixtures(t2)];
    province = await f1.agency({ level: 'province', name: 'UBND tỉnh Toàn Phạm Vi' });
    department = await f1.agency({ level: 'department', parentId: province.id, name: 'Sở Nội vụ' });
    supervisor = await f1.user({ [province.id]: ['supervisor'] });
    agencyAdmin = await f1.user({ [province.id]: ['admin'] });
    drafter = await f1.user({ [department.id]: ['drafter'] });
    legalId = (await legalDocument(t1, await f1.adminToken())).id;
    const inForce = await draft(t1, drafter, department.id, 'QT-001', [{ legalDocumentId: legalId }]);
    await makeEffective(t1, inForce.openDraft.id);
    inForceId = inForce.id;
    draftId = (await draft(t1, drafter, department.id, 'QT-002')).id;
  }, 120_000);

  afterAll(async () => {
    await t1?.close();
    await t2?.close();
    await own.drop();
  });

  it("is every agency: the supervisor's lists hold every agency's documents, drafts too, and the citations of an act", async () => {
    await keptAll(t1);
    expect(await found(t1, supervisor)).toEqual([inForceId, draftId].sort());
    const citing = await t1.http.get(`${API}/legal-documents/${legalId}/citations`).set(bearer(supervisor.token));
    expect(citing.status).toBe(200);
    expect(citing.body.items.map((c: { documentId: string }) => c.documentId)).toEqual([inForceId]);
  });

  it('an agency administrator of the root of every agency finds its members', async () => {
    const res = await t1.http.get(`${API}/users`).query({ limit: 100 }).set(bearer(agencyAdmin.token));
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([supervisor.id, agencyAdmin.id, drafter.id]));
    expect((await t1.http.get(`${API}/users/${drafter.id}`).set(bearer(agencyAdmin.token))).status).toBe(200);
  });

  it('an agency added outside it, by another process, ends it at once: that agency stays out of every list', async () => {
    expect(await found(t1, supervisor)).toEqual([inForceId, draftId].sort());
    await keptAll(t1);
    const elsewhere = await f2.agency({ level: 'province', name: 'UBND tỉnh Khác' });
    const stranger = await f2.user({ [elsewhere.id]: ['drafter'] });
    const theirs = await draft(t2, stranger, elsewhere.id, 'QT-003');
    await heard(async () => !(await scopeIn(t1)).all);
    expect(await scopeIn(t1)).toEqual({ all: false, agencyIds: expect.arrayContaining([province.id, department.id]) });
    expect(((await scopeIn(t1)) as { agencyIds: string[] }).agencyIds).toHaveLength(2);
    expect(await found(t1, supervisor)).toEqual([inForceId, draftId].sort());
    expect((await t1.http.get(`${API}/documents/${theirs.id}`).set(bearer(supervisor.token))).status).toBe(404);
    // Their member is not the province administrator's to see either.
    expect((await t1.http.get(`${API}/users/${stranger.id}`).set(bearer(agencyAdmin.token))).status).toBe(404);
    const users = await t1.http.get(`${API}/users`).query({ limit: 100 }).set(bearer(agencyAdmin.token));
    expect(users.body.items.map((u: { id: string }) => u.id)).not.toContain(stranger.id);
  });

  it('an agency added inside it, by another process, is in it at once', async () => {
    expect(await found(t1, supervisor)).toContain(draftId); // t1 keeps the province's subtree
    const commune = await f2.agency({ level: 'commune', parentId: province.id, name: 'UBND xã Mới' });
    const local = await f2.user({ [commune.id]: ['drafter'] });
    const ours = await draft(t2, local, commune.id, 'QT-004');
    await heard(async () => (await found(t1, supervisor)).includes(ours.id));
    expect(await found(t1, supervisor)).toContain(ours.id);
    expect((await t1.http.get(`${API}/documents/${ours.id}`).set(bearer(supervisor.token))).status).toBe(200);
  });

  it('while the cache listener is down, nothing kept is used: an agency added meanwhile by another process is seen at once', async () => {
    const live = t1.app.get(CacheInvalidation);
    expect(await found(t1, supervisor)).toContain(draftId); // t1 keeps the province's subtree
    // Cut t1's listener (it comes back after a second) and, while it is away, read, add an agency
    // inside the province through t2, and read again: t1 hears nothing, so it must not answer from
    // what it kept.
    await t1.db.query('SELECT pg_terminate_backend($1)', [live.listenerPid]);
    await heard(async () => live.listenerPid === null);
    expect(await found(t1, supervisor)).toContain(draftId);
    const unit = await f2.agency({ level: 'commune', parentId: province.id, name: 'UBND xã Lúc Mất Tin' });
    const member = await f2.user({ [unit.id]: ['drafter'] });
    const theirs = await draft(t2, member, unit.id, 'QT-005');
    expect(await found(t1, supervisor)).toContain(theirs.id);
  });
});
