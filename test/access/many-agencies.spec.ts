/**
 * More agencies than a process reads at once (AccessService's PATHS_READ_AT_ONCE): nothing is kept
 * of every agency's path, each one is read when asked for, and a subtree is read by its paths. Scopes
 * are as exact as with fewer agencies: the supervisor's province and its departments, never the
 * others; an agency added inside the province is in it at once. Its own database (20,000 agencies).
 */
import { AccessService, PATHS_READ_AT_ONCE } from '../../src/access/access.service.js';
import { Principal } from '../../src/access/principal.js';
import { CacheInvalidation } from '../../src/identity/live-caches.js';
import { createTestApp, ownDatabase, TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from '../support/fixtures.js';
import { marker, procedureContent } from '../search/helpers.js';

const API = '/api/v1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('more agencies than a process keeps at once', () => {
  const own = ownDatabase('many');
  let t: TestApp;
  let f: Fixtures;
  let province: TestAgency;
  let department: TestAgency;
  let supervisor: TestUser;
  let drafter: TestUser;
  const word = marker();
  let ownDraftId: string;
  let otherDraftId: string;

  const draft = async (author: TestUser, agencyId: string, code: string) => {
    const res = await t.http
      .post(`${API}/documents`)
      .set(bearer(author.token))
      .send({ agencyId, type: 'procedure', code, title: 'Quy trình nhiều cơ quan', content: procedureContent(`Quy định ${word} trình tự.`) });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const scope = async () => {
    expect(await t.app.get(CacheInvalidation).ready()).toBe(true);
    return t.app.get(AccessService).scope(new Principal(supervisor.id, supervisor.username, supervisor.fullName, false, 'test'), 'document.readDrafts');
  };
  const found = async () => {
    const res = await t.http.get(`${API}/documents`).query({ q: word, limit: 50 }).set(bearer(supervisor.token));
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((d) => d.id);
  };

  beforeAll(async () => {
    await own.prepare();
    t = await createTestApp({ DATABASE_URL: own.url }, { workers: false });
    f = new Fixtures(t);
    province = await f.agency({ level: 'province', name: 'UBND tỉnh Nhiều Cơ Quan' });
    department = await f.agency({ level: 'department', parentId: province.id, name: 'Sở Tư pháp' });
    const other = await f.agency({ level: 'province', name: 'UBND tỉnh Bên Cạnh' });
    supervisor = await f.user({ [province.id]: ['supervisor'] });
    drafter = await f.user({ [department.id]: ['drafter'] });
    const stranger = await f.user({ [other.id]: ['drafter'] });
    ownDraftId = await draft(drafter, department.id, 'QT-001');
    otherDraftId = await draft(stranger, other.id, 'QT-002');
    // The neighbouring province's communes: past what a process reads at once.
    await t.db.query(
      `INSERT INTO agencies (id, code, name, level, parent_id, path)
       SELECT gen_random_uuid(), 'XA-' || lpad(i::text, 6, '0'), 'UBND xã ' || i, 'commune', $1::uuid, $2 || gen_random_uuid() || '/'
         FROM generate_series(1, $3::int) AS i`,
      [other.id, (await t.db.query<{ path: string }[]>(`SELECT path FROM agencies WHERE id = $1`, [other.id]))[0].path, PATHS_READ_AT_ONCE],
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await own.drop();
  });

  it("the supervisor's scope is the province and its department, read by their paths", async () => {
    expect(Number((await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM agencies`))[0].n)).toBeGreaterThan(PATHS_READ_AT_ONCE);
    const s = await scope();
    expect(s.all).toBe(false);
    expect(s.all ? [] : [...s.agencyIds].sort()).toEqual([province.id, department.id].sort());
    expect(await found()).toEqual([ownDraftId]);
    // One document's agency is checked by its path (rolesOn): the department's is the supervisor's, the other province's is not.
    expect((await t.http.get(`${API}/documents/${ownDraftId}`).set(bearer(supervisor.token))).status).toBe(200);
    expect((await t.http.get(`${API}/documents/${otherDraftId}`).set(bearer(supervisor.token))).status).toBe(404);
  });

  it('an agency added inside the province is in its scope at once', async () => {
    await found(); // the province's subtree is kept
    const commune = await f.agency({ level: 'commune', parentId: province.id, name: 'UBND xã Mới Lập' });
    const local = await f.user({ [commune.id]: ['drafter'] });
    const theirs = await draft(local, commune.id, 'QT-003');
    for (const end = Date.now() + 5_000; Date.now() < end && !(await found()).includes(theirs); ) await sleep(50);
    expect((await found()).sort()).toEqual([ownDraftId, theirs].sort());
    expect((await t.http.get(`${API}/documents/${theirs}`).set(bearer(supervisor.token))).status).toBe(200);
  });
});
