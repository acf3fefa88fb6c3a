import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeOpenApi } from '../src/bootstrap/openapi.js';
import { createTestApp, TestApp } from './support/app.js';

type Operation = { operationId?: string; summary?: string; responses?: Record<string, { content?: Record<string, unknown> }>; security?: unknown[] };

/** The OpenAPI document is the contract: every operation is complete. */
describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: { openapi: string; security?: unknown[]; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

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

  it('no two DTO classes share a name (the document would keep one schema for both, silently wrong for the other)', () => {
    const byName = new Map<string, string[]>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const f = join(dir, e.name);
        if (e.isDirectory()) walk(f);
        else if (f.endsWith('.ts') && readFileSync(f, 'utf8').includes('@ApiProperty')) {
          for (const m of readFileSync(f, 'utf8').matchAll(/^export class (\w+)/gm)) byName.set(m[1], [...(byName.get(m[1]) ?? []), f]);
        }
      }
    };
    walk(fileURLToPath(new URL('../src', import.meta.url)));
    expect([...byName].filter(([, files]) => files.length > 1)).toEqual([]);
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

  it('public operations say `security: []`; every other one needs the bearer token (the document default)', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    const publicOps: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (Array.isArray(op.security) && op.security.length === 0) publicOps.push(`${method.toUpperCase()} ${path}`);
        else expect([`${method} ${path}`, op.security ?? doc.security]).toEqual([`${method} ${path}`, [{ bearer: [] }]]);
      }
    }
    expect(publicOps.sort()).toEqual(
      [
        'GET /api/v1/public/agencies/{agencyCode}',
        'GET /api/v1/public/agencies/{agencyCode}/documents',
        'GET /api/v1/public/agencies/{agencyCode}/documents/{code}',
        'GET /api/v1/public/agencies/{agencyCode}/documents/{code}/file',
        'GET /api/v1/public/agencies/{agencyCode}/objectives',
        'GET /health/live',
        'GET /health/ready',
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/refresh',
      ].sort(),
    );
  });

  it('shows the real content schema of each document type: closed, with the bounds the validation uses, and POST /documents discriminated by type', () => {
    const schemas = doc.components.schemas as Record<string, { properties?: Record<string, Record<string, unknown>>; additionalProperties?: boolean; required?: string[] }>;
    for (const name of ['ProcedureContent', 'QualityPolicyContent', 'QualityObjectivesContent', 'FileBasedContent', 'ProcedureStep', 'Duration', 'LegalBasis']) {
      expect([name, schemas[name]?.additionalProperties]).toEqual([name, false]);
    }
    expect(schemas.ProcedureStep.properties!.duration).toEqual({ $ref: '#/components/schemas/Duration' });
    expect(schemas.Duration.properties!.unit.enum).toEqual(['working_days', 'days', 'hours']);
    expect(schemas.ProcedureContent.properties!.steps).toMatchObject({ type: 'array', maxItems: 200, items: { $ref: '#/components/schemas/ProcedureStep' } });
    const body = (doc.paths['/api/v1/documents'].post as { requestBody: { content: Record<string, { schema: { oneOf: unknown[]; discriminator: { propertyName: string; mapping: Record<string, string> } } }> } })
      .requestBody.content['application/json'].schema;
    expect(body.discriminator.propertyName).toBe('type');
    expect(Object.keys(body.discriminator.mapping).sort()).toEqual(['decision', 'form', 'manual', 'other', 'procedure', 'quality_objectives', 'quality_policy']);
    expect(schemas.CreateFormRequest.required).toContain('procedureId');
    expect(schemas.CreateQualityObjectivesRequest.required).toContain('year');
    expect(schemas.CreateProcedureRequest.properties!.content).toMatchObject({ allOf: [{ $ref: '#/components/schemas/ProcedureContent' }] });
    const contentOfView = schemas.RevisionView.properties!.content as { anyOf: { $ref: string }[] };
    expect(contentOfView.anyOf.map((r) => r.$ref.split('/').pop()).sort()).toEqual(['FileBasedContent', 'ProcedureContent', 'QualityObjectivesContent', 'QualityPolicyContent']);
  });

  it('error responses name their problem codes with the titles of the one list', () => {
    const submit = doc.paths['/api/v1/revisions/{id}/submit'].post as { responses: Record<string, { description: string }> };
    expect(submit.responses['409'].description).toContain('`revision_not_draft`');
    expect(submit.responses['409'].description).toContain('`document_withdrawn` (Document withdrawn; Tài liệu đã bị thu hồi)');
    expect(submit.responses['422'].description).toContain('`revision_incomplete`');
    const problem = doc.components.schemas.ProblemDto as { properties: { code: { $ref?: string } } };
    expect(problem.properties.code).toMatchObject({ allOf: [{ $ref: '#/components/schemas/ProblemCode' }] });
    expect((doc.components.schemas.ProblemCode as { enum: string[] }).enum).toContain('document_withdrawn');
  });

  it('covers the identity and agency routes clients are written against', () => {
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
