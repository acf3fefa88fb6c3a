import { randomBytes } from 'node:crypto';
import { AgencyFactsService } from '../../src/agency-facts/index.js';
import { DistributionService } from '../../src/distribution/distribution.service.js';
import { EffectiveDates } from '../../src/workflow/effective-dates.service.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from '../support/fixtures.js';
import { forceState } from '../support/lifecycle.js';

const API = '/api/v1';
const step = (no: number, days: number) => ({ no, action: `Bước ${no}`, responsible: 'Bộ phận một cửa', duration: { value: days, unit: 'working_days' } });
const content = () => ({
  purpose: 'Quy định trình tự.',
  scope: 'Áp dụng tại đơn vị.',
  definitions: [],
  legalBases: [],
  dossier: [{ name: 'Đơn' }],
  steps: [step(1, 1)],
  records: [{ name: 'Hồ sơ', keeper: 'Văn phòng', retention: '05 năm' }],
});

describe('distribution and read-and-acknowledge', () => {
  let t: TestApp;
  let f: Fixtures;
  let agency: TestAgency;
  let unit: TestAgency;
  let other: TestAgency;
  let secretary: TestUser;
  let drafter: TestUser;
  let staffA: TestUser;
  let staffB: TestUser;
  let unitStaff: TestUser;
  let head: TestUser;
  let outsider: TestUser;

  const effective = async (revisionId: string) => {
    await forceState(t, revisionId, 'approved');
    expect(await t.app.get(EffectiveDates).takeEffect(revisionId)).toBe('effective');
  };
  const newDoc = async () => {
    const res = await t.http
      .post(`${API}/documents`)
      .set(bearer(drafter.token))
      .send({ agencyId: agency.id, type: 'procedure', code: `QT-${randomBytes(3).toString('hex').toUpperCase()}`, title: 'Quy trình kiểm soát tài liệu', content: content() });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, draftId: res.body.openDraft.id as string };
  };
  const readTasks = async (u: TestUser) => (await t.http.get(`${API}/me/tasks`).query({ kind: 'read' }).set(bearer(u.token))).body.items as { revisionId: string; documentId: string }[];

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    const tree = await f.agencyTree();
    agency = tree.department;
    unit = await f.agency({ level: 'unit', parentId: agency.id });
    other = await f.agency({ level: 'department', parentId: tree.province.id });
    [secretary, drafter, staffA, staffB, unitStaff, head, outsider] = await Promise.all([
      f.user({ [agency.id]: ['iso_secretary'] }),
      f.user({ [agency.id]: ['drafter'] }),
      f.user({ [agency.id]: ['staff'] }, { fullName: 'Nguyễn Văn An' }),
      f.user({ [agency.id]: ['staff'] }, { fullName: 'Trần Thị Bình' }),
      f.user({ [unit.id]: ['staff'] }, { fullName: 'Lê Văn Cường' }),
      f.user({ [agency.id]: ['head'] }),
      f.user({ [other.id]: ['staff'] }),
    ]);
  });
  afterAll(() => t.close());

  it('each revision that takes effect asks the distribution to read it; acknowledgement once per revision, asked again on the next', async () => {
    const doc = await newDoc();
    const put = await t.http.put(`${API}/documents/${doc.id}/distribution`).set(bearer(secretary.token)).send({ roles: ['staff'], agencyIds: [agency.id, unit.id] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ roles: ['staff'], asked: 0 });
    // A draft cannot be acknowledged (staff do not even see it).
    expect((await t.http.post(`${API}/revisions/${doc.draftId}/acknowledge`).set(bearer(staffA.token))).status).toBe(404);
    expect((await t.http.post(`${API}/revisions/${doc.draftId}/acknowledge`).set(bearer(secretary.token))).status).toBe(409);

    await effective(doc.draftId);
    expect((await readTasks(staffA)).map((x) => x.revisionId)).toContain(doc.draftId);
    expect((await readTasks(unitStaff)).map((x) => x.revisionId)).toContain(doc.draftId);
    expect((await readTasks(secretary)).map((x) => x.revisionId)).not.toContain(doc.draftId);

    const ack = await t.http.post(`${API}/revisions/${doc.draftId}/acknowledge`).set(bearer(staffA.token));
    expect(ack.status).toBe(201);
    expect(ack.body).toMatchObject({ revisionId: doc.draftId, userId: staffA.id });
    const again = await t.http.post(`${API}/revisions/${doc.draftId}/acknowledge`).set(bearer(staffA.token));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_acknowledged');
    expect((await readTasks(staffA)).map((x) => x.revisionId)).not.toContain(doc.draftId);

    const list = await t.http.get(`${API}/revisions/${doc.draftId}/acknowledgements`).set(bearer(head.token));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ required: 3, acknowledged: 1, items: [{ userId: staffA.id, fullName: 'Nguyễn Văn An' }] });
    expect(list.body.missing.map((m: { fullName: string }) => m.fullName)).toEqual(['Lê Văn Cường', 'Trần Thị Bình']);
    expect((await t.http.get(`${API}/revisions/${doc.draftId}/acknowledgements`).set(bearer(staffA.token))).status).toBe(403);
    expect((await t.http.get(`${API}/revisions/${doc.draftId}/acknowledgements`).set(bearer(outsider.token))).status).toBe(404);

    const facts = await t.app.get(AgencyFactsService).collect([agency.id], { year: 2026, from: new Date('2026-01-01'), to: new Date('2027-01-01') });
    expect(facts.get(agency.id)).toMatchObject({ acknowledgementsRequired: 3, acknowledgementsDone: 1 });

    // The next revision asks everyone again; the old one is no longer a task and cannot be acknowledged.
    const next = await t.http.post(`${API}/documents/${doc.id}/revisions`).set(bearer(drafter.token)).send({ changeSummary: 'Cập nhật' });
    expect(next.status).toBe(201);
    await effective(next.body.id);
    expect((await readTasks(staffA)).map((x) => x.revisionId)).toEqual(expect.arrayContaining([next.body.id]));
    expect((await readTasks(staffB)).map((x) => x.revisionId)).not.toContain(doc.draftId);
    // Staff no longer see the superseded revision; those who do get a 409.
    expect((await t.http.post(`${API}/revisions/${doc.draftId}/acknowledge`).set(bearer(staffB.token))).status).toBe(404);
    const old = await t.http.post(`${API}/revisions/${doc.draftId}/acknowledge`).set(bearer(secretary.token));
    expect(old.status).toBe(409);
    expect(old.body.code).toBe('revision_not_in_force');
    expect((await t.http.post(`${API}/revisions/${next.body.id}/acknowledge`).set(bearer(staffA.token))).status).toBe(201);

    // Acknowledgements are append-only in the database.
    await expect(t.db.query(`UPDATE revision_acknowledgements SET acknowledged_at = now() WHERE revision_id = $1`, [doc.draftId])).rejects.toThrow();
    await expect(t.db.query(`DELETE FROM revision_acknowledgements WHERE revision_id = $1`, [doc.draftId])).rejects.toThrow();
  });

  it('the distribution is the document agency and below (422), set by its ISO secretary (403 staff, 404 strangers); the revision in force asks newcomers at once', async () => {
    const doc = await newDoc();
    await effective(doc.draftId);
    const bad = await t.http.put(`${API}/documents/${doc.id}/distribution`).set(bearer(secretary.token)).send({ roles: ['staff'], agencyIds: [other.id] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('agencyIds[0]');
    expect((await t.http.put(`${API}/documents/${doc.id}/distribution`).set(bearer(staffA.token)).send({ roles: ['staff'], agencyIds: [agency.id] })).status).toBe(403);
    expect((await t.http.put(`${API}/documents/${doc.id}/distribution`).set(bearer(outsider.token)).send({ roles: ['staff'], agencyIds: [agency.id] })).status).toBe(404);
    expect((await t.http.put(`${API}/documents/${doc.id}/distribution`).set(bearer(secretary.token)).send({ roles: ['chief'], agencyIds: [agency.id] })).status).toBe(400);
    const ok = await t.http.put(`${API}/documents/${doc.id}/distribution`).set(bearer(secretary.token)).send({ roles: ['staff'], agencyIds: [agency.id] });
    expect(ok.body.asked).toBe(2);
    expect((await readTasks(staffB)).map((x) => x.revisionId)).toContain(doc.draftId);
  });

  it('reminds once after 7 days, however often the job runs', async () => {
    const doc = await newDoc();
    await t.http.put(`${API}/documents/${doc.id}/distribution`).set(bearer(secretary.token)).send({ roles: ['staff'], agencyIds: [unit.id] });
    await effective(doc.draftId);
    const service = t.app.get(DistributionService);
    const reminders = async () =>
      (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'read_reminder' AND entity_id = $2`, [unitStaff.id, doc.draftId]))[0].n;
    await service.remind();
    expect(await reminders()).toBe(0);
    await t.db.query(`UPDATE read_requests SET asked_at = now() - interval '8 days' WHERE revision_id = $1`, [doc.draftId]);
    await Promise.all([service.remind(), service.remind()]);
    await service.remind();
    expect(await reminders()).toBe(1);
    const list = await t.http.get(`${API}/revisions/${doc.draftId}/acknowledgements`).set(bearer(secretary.token));
    expect(list.body.missing[0].remindedAt).not.toBeNull();
  });
});
