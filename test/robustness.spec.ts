import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from './support/app.js';
import { bearer, Fixtures } from './support/fixtures.js';

type Op = { operationId: string; parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: { $ref?: string; oneOf?: { $ref?: string }[] } }> } };

/**
 * Bad input never gets a 500: every operation of the OpenAPI document is called with unknown ids,
 * malformed ids, and a series of malformed bodies and query strings, as the administrator and as
 * an ordinary member. Every answer must be a 4xx problem+json (or a success for harmless input).
 */
describe('robustness: no 500 for bad input on any operation', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
  let tokens: string[];
  let real: { agency: string; document: string; revision: string; legal: string; user: string };

  beforeAll(async () => {
    t = await createTestApp({}, { workers: false });
    const f = new Fixtures(t);
    const agency = await f.agency();
    const drafter = await f.user({ [agency.id]: ['drafter', 'iso_secretary'] });
    tokens = [await f.adminToken(), drafter.token];
    const created = await t.http
      .post('/api/v1/documents')
      .set(bearer(drafter.token))
      .send({ agencyId: agency.id, type: 'procedure', code: `QT-R${Date.now()}`, title: 'Quy trình thử' });
    const legal = await t.http
      .post('/api/v1/legal-documents')
      .set(bearer(tokens[0]))
      .send({ number: `${Date.now() % 100000}/2020/QĐ-UBND`, type: 'decision', issuer: 'UBND tỉnh', title: 'Quyết định thử', issuedOn: '2020-01-02', effectiveFrom: '2020-01-02' });
    real = { agency: agency.id, document: created.body.id, revision: created.body.openDraft.id, legal: legal.body.id, user: drafter.id };
    doc = (await t.http.get('/api/docs-json')).body;
  });
  afterAll(() => t.close());

  /** The path with the ids of real objects (a draft, its document, an agency, a legal document, a user). */
  const realIds = (p: string) =>
    p
      .replace(/\/documents\/\{id\}/, `/documents/${real.document}`)
      .replace(/\/revisions\/\{id\}/, `/revisions/${real.revision}`)
      .replace(/\/legal-documents\/\{id\}/, `/legal-documents/${real.legal}`)
      .replace(/\/agencies\/\{(id|agencyId)\}/, `/agencies/${real.agency}`)
      .replace(/\{userId\}/, real.user)
      .replace(/\{[^}]+\}/g, randomUUID());

  const bodies: unknown[] = [
    {},
    [],
    'plain string',
    42,
    null,
    { id: 'x', limit: -1, cursor: '!!', password: 123, roles: 'admin', content: 'not an object', agencyId: 'nope' },
    { content: { steps: [{ no: 'one', duration: { value: 'lots', unit: 'years' } }], legalBases: [{ legalDocumentId: 'x' }] } },
    { decision: 'maybe', effectiveFrom: 'tomorrow', validFrom: '31/12/2026', kind: 'vanished', items: [{}] },
    { nested: { deeper: { deepest: Array.from({ length: 50 }, () => ({ a: [1, 2, { b: null }] })) } } },
    // Every field a DTO might have, as null: optional fields must refuse null (400), not pass it to SQL.
    Object.fromEntries(
      ['title', 'name', 'code', 'content', 'changeSummary', 'tthcCode', 'reviewIntervalMonths', 'parentId', 'level', 'roles', 'fullName', 'email', 'isActive',
        'password', 'comment', 'decision', 'effectiveFrom', 'reason', 'number', 'type', 'issuer', 'issuedOn', 'status', 'kind', 'byLegalDocumentId', 'note',
        'fromUserId', 'toUserId', 'validFrom', 'validTo', 'fromId', 'toId', 'agencyId', 'procedureId', 'year', 'items', 'refreshToken', 'username'].map((k) => [k, null]),
    ),
    { title: 'Quy trình\u0000', code: 'QT\u0000', name: '\u0000', comment: 'x\u0000y', reason: '\u0000', username: 'a\u0000', password: 'p\u0000ssword-long' },
  ];
  const queries = ['', '?limit=0', '?limit=abc&cursor=%%%', '?cursor=eyJ4IjoxfQ', '?q=%00%01', '?from=yesterday&to=never&format=docx&variant=raw&against=zzz'];

  it('answers every malformed call with a non-5xx status', async () => {
    const failures: string[] = [];
    let calls = 0;
    const statuses: Record<number, number> = {};
    for (const [path, methods] of Object.entries(doc.paths)) {
      // Logging out would end the sessions the rest of the calls use.
      if (path.includes('/health') || path === '/metrics' || path.endsWith('/auth/logout')) continue;
      for (const [method, op] of Object.entries(methods)) {
        for (const idValue of [randomUUID(), 'not-a-uuid', 'QT%2F01%00', 'real']) {
          const url = idValue === 'real' ? realIds(path) : path.replace(/\{[^}]+\}/g, idValue);
          for (const token of tokens) {
            const variants: { query: string; body?: unknown }[] = ['get', 'delete'].includes(method)
              ? queries.map((query) => ({ query }))
              : bodies.map((body, i) => ({ query: queries[i % queries.length], body }));
            for (const v of variants) {
              let req = (t.http as unknown as Record<string, (u: string) => import('supertest').Test>)[method](url + v.query).set(bearer(token));
              if (v.body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(v.body));
              const res = await req;
              calls++;
              statuses[res.status] = (statuses[res.status] ?? 0) + 1;
              if (res.status >= 500 && res.status !== 503) failures.push(`${method.toUpperCase()} ${url}${v.query} ${JSON.stringify(v.body)?.slice(0, 80)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
              if (res.status >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json')) {
                failures.push(`${method.toUpperCase()} ${url}: ${res.status} is not problem+json`);
              }
            }
          }
        }
        void op;
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(500);
    // The calls reached the handlers (not refused at the door).
    expect(statuses[401] ?? 0).toBeLessThan(calls / 10);
    // Thousands of calls in sequence: about 25 s alone, over a minute beside the other suites, and
    // past four minutes on a 2-core machine at load 9 (benches running beside the suite).
  }, 600_000);

  it('JSON nested thousands of levels deep is a 400 naming the limit on every JSON operation, never a 500', async () => {
    // The probe's body: a username that is 3,000 arrays deep (a 6 KB body).
    const deep = `{"username":${'['.repeat(3000)}${']'.repeat(3000)},"password":"x"}`;
    const deepObject = `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;
    const failures: string[] = [];
    let calls = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
        for (const body of [deep, deepObject]) {
          const res = await (t.http as unknown as Record<string, (u: string) => import('supertest').Test>)
            [method](realIds(path))
            .set(bearer(tokens[1]))
            .set('Content-Type', 'application/json')
            .send(body);
          calls++;
          if (res.status !== 400 || res.body.code !== 'json_too_deep' || res.body.maxDepth !== 64 || !/64 levels/.test(res.body.detail)) {
            failures.push(`${method.toUpperCase()} ${path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(40);
    // Login (no token) is the probe's exact request; 64 levels is still fine (then validation answers).
    const login = await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').send(deep);
    expect([login.status, login.body.code]).toEqual([400, 'json_too_deep']);
    const at64 = `{"username":${'['.repeat(63)}${']'.repeat(63)},"password":"x"}`;
    const ok = await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').send(at64);
    expect([ok.status, ok.body.code]).toEqual([400, 'validation_failed']);
    // Brackets inside strings are text, not nesting.
    const inString = await t.http.post('/api/v1/auth/login').send({ username: '['.repeat(5000), password: '{'.repeat(100) });
    expect(inString.body.code).toBe('validation_failed');
  }, 120_000);

  it('NUL characters in raw bodies and file names are refused or removed, never a 500', async () => {
    const csv = 'number,type,issuer,title,issuedOn,effectiveFrom\n1/2020/QĐ-UBND,decision,UBND\u0000,Quyết định,2020-01-02,2020-01-02\n';
    const imp = await t.http.post('/api/v1/legal-documents/import').set(bearer(tokens[0])).set('Content-Type', 'text/csv').send(csv);
    expect(imp.status).toBeLessThan(500);
    if (imp.status === 201) {
      // The import cleans control characters out of single-line fields.
      const rows = await t.db.query<{ issuer: string }[]>(`SELECT issuer FROM legal_documents WHERE import_id = $1`, [imp.body.importId]);
      expect(rows.every((r) => !r.issuer.includes('\u0000'))).toBe(true);
    }
    const up = await t.http
      .post(`/api/v1/revisions/${real.revision}/files`)
      .set(bearer(tokens[1]))
      .attach('file', Buffer.from('%PDF-1.7\n%%EOF\n'), { filename: 'bad\u0000name.pdf' });
    expect(up.status).toBeLessThan(500);
  });

  it('answers null in any body field (on real objects) with a non-5xx status', async () => {
    const failures: string[] = [];
    let calls = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (path.endsWith('/auth/logout')) continue;
      for (const [method, op] of Object.entries(methods)) {
        // The body's schema, or each alternative of a body discriminated by type (POST /documents).
        const schema = op.requestBody?.content?.['application/json']?.schema;
        const refs = [schema?.$ref, ...(schema?.oneOf ?? []).map((o) => o.$ref)].filter((r): r is string => Boolean(r));
        const props = [...new Set(refs.flatMap((ref) => Object.keys(doc.components.schemas[ref.split('/').pop()!]?.properties ?? {})))];
        if (!props.length) continue;
        const bodies = [Object.fromEntries(props.map((k) => [k, null])), ...props.map((k) => ({ [k]: null }))];
        for (const token of tokens) {
          for (const body of bodies) {
            // The draft's current ETag, so that PATCH reaches validation instead of stopping at 412.
            const etag = (await t.http.get(realIds(path)).set(bearer(token))).headers.etag ?? '"none"';
            const res = await (t.http as unknown as Record<string, (u: string) => import('supertest').Test>)
              [method](realIds(path))
              .set(bearer(token))
              .set('If-Match', etag)
              .send(body);
            calls++;
            if (res.status >= 500 && res.status !== 503) failures.push(`${method.toUpperCase()} ${path} ${JSON.stringify(body)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(100);
  }, 240_000);
});
