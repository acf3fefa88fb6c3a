/**
 * The figures the documents and legal-changes modules supply to the agency figures registry, and
 * their composition: each key counted per agency from records made here, a legal change's draft
 * outstanding then overdue then applied, and nothing of one agency counted for another.
 */
import { AgencyFactsService } from '../../src/agency-facts/index.js';
import { factsPeriodOf, reportingPeriod, vnDate } from '../../src/supervision/reporting-periods.js';
import { makeEffective } from '../support/lifecycle.js';
import { agencyCast, effectiveProcedure, finished, legalDocument, postChange, type AgencyCast } from '../legal-changes-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { Fixtures } from '../support/fixtures.js';

const YEAR = Number(vnDate(new Date()).slice(0, 4));

describe('agency figures of the documents and legal changes', () => {
  let t: TestApp;
  let f: Fixtures;
  let admin: string;
  let a: AgencyCast;
  let b: AgencyCast;
  let facts: AgencyFactsService;
  const year = () => factsPeriodOf(reportingPeriod(String(YEAR), { halfYearDue: { month: 6, day: 15 }, yearDue: { month: 12, day: 15 }, quarterDueDay: 20 })!);

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    admin = await f.adminToken();
    const province = await f.agency({ level: 'province', name: 'UBND tỉnh Kon Tum' });
    [a, b] = await Promise.all([agencyCast(f, province.id, 'Sở Khoa học và Công nghệ'), agencyCast(f, province.id, 'Sở Tư pháp')]);
    facts = t.app.get(AgencyFactsService);
  }, 120_000);
  afterAll(() => t.close());

  it('counts procedures in force and revised per agency; legal-change drafts outstanding, overdue, then applied', async () => {
    const legal = await legalDocument(t, admin);
    const replacement = await legalDocument(t, admin, { year: 2024 });
    const proc = await effectiveProcedure(t, a.drafter, a.agency.id, [{ legalDocumentId: legal.id }]);
    await effectiveProcedure(t, a.drafter, a.agency.id, []);
    await effectiveProcedure(t, b.drafter, b.agency.id, []);

    let got = await facts.collect([a.agency.id, b.agency.id], year());
    expect(got.get(a.agency.id)).toEqual(expect.objectContaining({ proceduresInForce: 2, documentsRevisedInPeriod: 2, documentsOverdueReview: 0, legalChangesApplied: 0, legalChangesOutstanding: 0, legalUpdatesOverdue: 0 }));
    expect(got.get(b.agency.id)).toEqual(expect.objectContaining({ proceduresInForce: 1, documentsRevisedInPeriod: 1 }));
    // Before the year: nothing was in force yet.
    const before = await facts.collect([a.agency.id], { year: YEAR - 1, from: new Date(`${YEAR - 1}-01-01T00:00:00+07:00`), to: new Date(`${YEAR - 1}-02-01T00:00:00+07:00`) });
    expect(before.get(a.agency.id)).toEqual(expect.objectContaining({ proceduresInForce: 0, documentsRevisedInPeriod: 0 }));

    // A legal change: the citing procedure gets a draft (outstanding).
    const posted = await postChange(t, admin, legal.id, { kind: 'replaced', byLegalDocumentId: replacement.id, effectiveFrom: vnDate(new Date(Date.now() - 60 * 86_400_000)) });
    expect(posted.status).toBe(202);
    await finished(t, admin, posted.body.changeId);
    got = await facts.collect([a.agency.id, b.agency.id], year());
    expect(got.get(a.agency.id)).toEqual(expect.objectContaining({ legalChangesOutstanding: 1, legalUpdatesOverdue: 0, legalChangesApplied: 0 }));
    expect(got.get(b.agency.id)).toEqual(expect.objectContaining({ legalChangesOutstanding: 0 }));

    // Posted 40 days ago: its deadline (30 days) has passed.
    await t.db.query(`UPDATE legal_changes SET created_at = now() - interval '40 days' WHERE id = $1`, [posted.body.changeId]);
    got = await facts.collect([a.agency.id], year());
    expect(got.get(a.agency.id)).toEqual(expect.objectContaining({ legalChangesOutstanding: 1, legalUpdatesOverdue: 1 }));

    // The draft takes effect: applied, nothing outstanding; the procedure counts once, revised in the period.
    const [item] = await t.db.query<{ draft_revision_id: string }[]>('SELECT draft_revision_id FROM legal_change_items WHERE change_id = $1 AND document_id = $2', [posted.body.changeId, proc.id]);
    await makeEffective(t, item.draft_revision_id);
    got = await facts.collect([a.agency.id], year());
    expect(got.get(a.agency.id)).toEqual(expect.objectContaining({ legalChangesApplied: 1, legalChangesOutstanding: 0, legalUpdatesOverdue: 0, proceduresInForce: 2, documentsRevisedInPeriod: 2 }));
  }, 120_000);
});
