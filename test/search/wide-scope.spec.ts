/**
 * Search over many agencies (more than SMALL_SCOPE: a supervisor of a province, the administrator):
 * the text arm chooses how it finds its page from how many vectors hold the words
 * (SEARCH_LOOKUP_MAX): looked up in the GIN indexes and sorted when few, walked in code order when
 * many. Either way the page is the same: every readable match, in code order, page after page;
 * the revision in force only for those who may not read drafts. The same checks run against an app
 * that always walks (SEARCH_LOOKUP_MAX=0: the first SEARCH_WALK_PREFIX rows in code order, then
 * the rest when they hold less than the page; with a prefix of 3 rows, and none) and one that
 * always looks up (the default: the marker words are held by a handful of documents).
 */
import { randomBytes } from 'node:crypto';
import { SMALL_SCOPE } from '../../src/documents/document-search.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser } from '../support/fixtures.js';
import { makeEffective } from '../support/lifecycle.js';
import { marker, procedureContent } from './helpers.js';

const API = '/api/v1';

for (const mode of [
  { name: 'looked up (few vectors hold the words)', env: {} },
  { name: 'walked in code order (SEARCH_LOOKUP_MAX=0: the first rows in code order hold every page)', env: { SEARCH_LOOKUP_MAX: '0' } },
  // The first 3 rows in code order are tested, then (fewer than a page of 4 + 1) the indexes or the walk give the page: rows found twice.
  { name: 'walked, a prefix shorter than the page (SEARCH_LOOKUP_MAX=0, SEARCH_WALK_PREFIX=3)', env: { SEARCH_LOOKUP_MAX: '0', SEARCH_WALK_PREFIX: '3' } },
  { name: 'walked without a prefix (SEARCH_LOOKUP_MAX=0, SEARCH_WALK_PREFIX=0)', env: { SEARCH_LOOKUP_MAX: '0', SEARCH_WALK_PREFIX: '0' } },
]) {
  describe(`search over more than ${SMALL_SCOPE} agencies, ${mode.name}`, () => {
    let t: TestApp;
    let f: Fixtures;
    let communes: TestAgency[];
    let supervisor: TestUser;
    let inspector: TestUser;
    /** Reads drafts of communes[1] only, what is in force in every other commune. */
    let mixed: TestUser;
    let drafters: TestUser[];
    const word = marker();
    /** Ids of the documents whose revision in force holds `word`, and of those whose draft only does, with their codes. */
    const inForce: { id: string; code: string }[] = [];
    const draftOnly: { id: string; code: string }[] = [];
    /** The code of each commune's document, by commune. */
    const codes: string[] = [];

    const search = async (u: TestUser, q: string, cursor?: string) => {
      const res = await t.http
        .get(`${API}/documents`)
        .query({ q, limit: 4, ...(cursor ? { cursor } : {}) })
        .set(bearer(u.token));
      expect(res.status).toBe(200);
      return res.body as { items: { id: string; code: string; matches: { in: string; snippet: string }[] }[]; nextCursor: string | null };
    };
    /** Every page of a search, in order. */
    const all = async (u: TestUser, q: string) => {
      const out: { id: string; code: string; matches: { in: string; snippet: string }[] }[] = [];
      let cursor: string | undefined;
      do {
        const page = await search(u, q, cursor);
        out.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    };
    const inCodeOrder = (xs: { id: string; code: string }[]) => [...xs].sort((a, b) => a.code.toLowerCase().localeCompare(b.code.toLowerCase(), 'en') || a.id.localeCompare(b.id)).map((x) => x.id);

    beforeAll(async () => {
      t = await createTestApp(mode.env);
      f = new Fixtures(t);
      const province = await f.agency({ level: 'province', name: 'UBND tỉnh Rộng' });
      communes = [];
      for (let i = 0; i <= SMALL_SCOPE; i++) communes.push(await f.agency({ level: 'commune', parentId: province.id, name: `UBND xã ${i}` }));
      drafters = await Promise.all(communes.map((c) => f.user({ [c.id]: ['drafter'] })));
      // A supervisor reads drafts of the province's agencies; staff of every commune read what is
      // in force only — both over more than SMALL_SCOPE agencies.
      [supervisor, inspector] = await Promise.all([f.user({ [province.id]: ['supervisor'] }), f.user(Object.fromEntries(communes.map((c) => [c.id, ['staff' as const]])))]);
      mixed = await f.user(Object.fromEntries(communes.map((c, i) => [c.id, [i === 1 ? ('drafter' as const) : ('staff' as const)]])));
      // Codes chosen so that the code order interleaves the agencies.
      for (let i = 0; i < communes.length; i++) {
        const code = `QT-${String(90 - i * 3).padStart(3, '0')}-${randomBytes(2).toString('hex')}`;
        codes.push(code);
        const res = await t.http
          .post(`${API}/documents`)
          .set(bearer(drafters[i].token))
          .send({ agencyId: communes[i].id, type: 'procedure', code, title: 'Quy trình thử', content: procedureContent(i % 3 === 2 ? 'Quy định trình tự.' : `Quy định ${word} trình tự.`) });
        expect(res.status).toBe(201);
        if (i % 3 === 2) {
          // In force without the word; its open draft holds it.
          await makeEffective(t, res.body.openDraft.id);
          const next = await t.http.post(`${API}/documents/${res.body.id}/revisions`).set(bearer(drafters[i].token)).send({ content: procedureContent(`Sửa ${word}`), changeSummary: 'Bổ sung' });
          expect(next.status).toBe(201);
          draftOnly.push({ id: res.body.id, code });
        } else if (i % 3 === 0) {
          await makeEffective(t, res.body.openDraft.id);
          inForce.push({ id: res.body.id, code });
        } else {
          draftOnly.push({ id: res.body.id, code });
        }
      }
    });
    afterAll(() => t.close());

    it('the supervisor finds every readable match, drafts included, in code order across pages', async () => {
      const hits = await all(supervisor, word);
      expect(hits.map((h) => h.id)).toEqual(inCodeOrder([...inForce, ...draftOnly]));
      for (const h of hits) expect(h.matches.some((m) => m.in === 'content' && m.snippet.includes(`<mark>${word}</mark>`))).toBe(true);
    });

    it('who may not read drafts finds the revisions in force only', async () => {
      const hits = await all(inspector, word);
      expect(hits.map((h) => h.id)).toEqual(inCodeOrder(inForce));
    });

    it('who reads drafts of one agency finds its drafts and the revisions in force elsewhere, no other draft', async () => {
      const ownDraft = draftOnly.find((x) => x.code === codes[1])!;
      expect(ownDraft).toBeDefined();
      const hits = await all(mixed, word);
      expect(hits.map((h) => h.id)).toEqual(inCodeOrder([...inForce, ownDraft]));
    });

    it('the same search asked again and again gives the same page (its page statement is prepared: a generic plan from the sixth on)', async () => {
      const first = await search(supervisor, word);
      expect(first.items.length).toBe(4);
      for (let i = 0; i < 8; i++) expect(await search(supervisor, word)).toEqual(first);
    });

    it('filters narrow a search over many agencies: by type and by state (each arm a statement of its own, with only its own values)', async () => {
      // A form whose title holds the word: found by the title arm only.
      const procedure = inForce[0];
      const form = await t.http
        .post(`${API}/documents`)
        .set(bearer(drafters[0].token))
        .send({ agencyId: communes[0].id, type: 'form', code: `BM-${randomBytes(2).toString('hex')}`, title: `Tờ khai ${word}`, procedureId: procedure.id });
      expect(form.status).toBe(201);
      const ids = async (query: Record<string, string>) => {
        const res = await t.http.get(`${API}/documents`).query({ q: word, limit: 50, ...query }).set(bearer(supervisor.token));
        expect(res.status).toBe(200);
        return (res.body.items as { id: string }[]).map((x) => x.id);
      };
      expect(await ids({ type: 'form' })).toEqual([form.body.id]);
      expect(await ids({ type: 'procedure' })).toEqual(inCodeOrder([...inForce, ...draftOnly]));
      // In force: those whose revision in force holds the word, and those in force whose draft does (the supervisor reads drafts).
      const effective = [...inForce, ...draftOnly.filter((x) => codes.indexOf(x.code) % 3 === 2)];
      expect(await ids({ state: 'effective' })).toEqual(inCodeOrder(effective));
      const formRow = { id: form.body.id as string, code: form.body.code as string };
      // Open drafts: the new form's too.
      expect(await ids({ state: 'draft' })).toEqual(inCodeOrder([...draftOnly, formRow]));
      expect(await ids({})).toEqual(inCodeOrder([...inForce, ...draftOnly, formRow]));
      expect(await ids({ type: 'form', state: 'effective' })).toEqual([]);
    });

    it('titles and codes: who may not read drafts never finds a document with no revision in force by its code', async () => {
      // Codes are matched by the title arm, whose walk over many agencies tests visibility on the rows it walks.
      const unpublished = draftOnly.find((x) => codes.indexOf(x.code) % 3 === 1)!;
      const published = inForce[0];
      for (const doc of [unpublished, published]) {
        expect((await all(supervisor, doc.code)).map((h) => h.id)).toEqual([doc.id]);
      }
      expect((await all(inspector, unpublished.code)).map((h) => h.id)).toEqual([]);
      expect((await all(inspector, published.code)).map((h) => h.id)).toEqual([published.id]);
      // The drafter of communes[1] reads its drafts, and no other commune's.
      const own = draftOnly.find((x) => x.code === codes[1])!;
      const other = draftOnly.find((x) => codes.indexOf(x.code) % 3 === 1 && x.code !== codes[1])!;
      expect((await all(mixed, own.code)).map((h) => h.id)).toEqual([own.id]);
      expect((await all(mixed, other.code)).map((h) => h.id)).toEqual([]);
    });

    it('a word no vector holds finds nothing, and titles still match by substring', async () => {
      expect((await search(supervisor, `${word}zz`)).items).toEqual([]);
      const codes = await all(supervisor, inForce[0].code.slice(0, 10));
      expect(codes.map((h) => h.id)).toContain(inForce[0].id);
    });
  });
}
