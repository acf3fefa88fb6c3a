import { readFileSync } from 'node:fs';
import { serializeOpenApi } from '../src/bootstrap/openapi.js';
import { createTestApp, TestApp } from './support/app.js';

type Operation = { operationId?: string; summary?: string; responses?: Record<string, { content?: Record<string, unknown> }>; security?: unknown[] };

/** The OpenAPI document is the contract: every operation is complete. */
describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    t = await createTestApp({}, { workers: false });
    const res = await t.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t.close());

  it('is OpenAPI 3 and the UI is served', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    const ui = await t.http.get('/api/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('the committed openapi.json is the document the service serves (run `npm run openapi` after an API change)', () => {
    const committed = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
    expect(committed === serializeOpenApi(doc as never)).toBe(true);
  });

  it('every operation has a unique operationId, a summary, a success response and problem+json errors', () => {
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) problems.push(`${where}: no operationId`);
        else if (ids.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`);
        else ids.add(op.operationId);
        if (!op.summary) problems.push(`${where}: no summary`);
        const codes = Object.keys(op.responses ?? {});
        if (!codes.some((c) => /^[23]\d\d$/.test(c))) problems.push(`${where}: no success response`);
        const isHealth = path.startsWith('/health') || path === '/metrics';
        if (!isHealth) {
          const errors = codes.filter((c) => /^[45]\d\d$/.test(c));
          if (!errors.length) problems.push(`${where}: no error responses`);
          for (const c of errors) {
            if (!op.responses![c].content?.['application/problem+json']) problems.push(`${where}: ${c} is not problem+json`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(ids.size).toBeGreaterThan(15);
  });

  it('covers the identity and agency contract of API.md', () => {
    const has = (method: string, path: string) => Boolean(doc.paths[path]?.[method]);
    expect(has('post', '/api/v1/auth/login')).toBe(true);
    expect(has('post', '/api/v1/auth/refresh')).toBe(true);
    expect(has('post', '/api/v1/auth/logout')).toBe(true);
    expect(has('get', '/api/v1/me')).toBe(true);
    expect(has('post', '/api/v1/agencies')).toBe(true);
    expect(has('get', '/api/v1/agencies/{id}')).toBe(true);
    expect(has('patch', '/api/v1/agencies/{id}')).toBe(true);
    expect(has('post', '/api/v1/users')).toBe(true);
    expect(has('put', '/api/v1/agencies/{id}/members/{userId}')).toBe(true);
    expect(has('get', '/api/v1/agencies/{id}/members')).toBe(true);
    expect(has('post', '/api/v1/agencies/{id}/delegations')).toBe(true);
    expect(has('get', '/health/ready')).toBe(true);
  });
});
