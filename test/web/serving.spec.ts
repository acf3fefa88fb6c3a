/**
 * The service serves the built web application at /: the history fallback for the
 * application's paths, a long immutable cache for hashed assets and no-cache for index.html, and
 * never in the way of /api/v1, /api/docs, /health or /metrics.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/app.js';

describe('web application served by the service', () => {
  let t: TestApp;
  let asset: string;

  beforeAll(async () => {
    const dir = join(process.cwd(), 'web/dist/assets');
    if (!existsSync(dir)) throw new Error('web/dist is not built: npm run build (npm test does it)');
    asset = readdirSync(dir).find((f) => f.endsWith('.js'))!;
    t = await createTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers index.html, not cached, at / and at every application path (history fallback)', async () => {
    for (const path of ['/', '/cong-khai/UBND-XA-TANLAP', '/tai-lieu/9b2c0000-0000-4000-8000-000000000000', '/dang-nhap?redirect=%2F']) {
      const res = await t.http.get(path).set('Accept', 'text/html,application/xhtml+xml');
      expect([path, res.status, res.headers['content-type']]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets with a year-long immutable cache, and a missing asset is a 404, not the page', async () => {
    const res = await t.http.get(`/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await t.http.get('/assets/not-there-0000.js').set('Accept', 'text/html');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('leaves the API, its documentation, health and metrics alone', async () => {
    const api = await t.http.get('/api/v1/no-such-endpoint').set('Accept', 'text/html');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    const me = await t.http.get('/api/v1/me').set('Accept', 'text/html');
    expect(me.status).toBe(401);
    const docs = await t.http.get('/api/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    const live = await t.http.get('/health/live').set('Accept', 'text/html');
    expect(live.headers['content-type']).toMatch(/json/);
    const metrics = await t.http.get('/metrics').set('Accept', 'text/html');
    expect(metrics.text).not.toContain('<div id="root">');
  });

  it('answers only HTML navigations: a POST or a JSON request to an application path is not the page', async () => {
    const post = await t.http.post('/cong-khai/UBND-X').set('Content-Type', 'application/json').send({});
    expect(post.status).toBe(404);
    const json = await t.http.get('/cong-khai/UBND-X').set('Accept', 'application/json');
    expect(json.status).toBe(404);
  });
});

describe('a web build holding files named like the service paths', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eiso-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    for (const path of ['api/v1/me', 'health/live', 'metrics', 'api/docs-json']) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), 'a stray file of the build');
    }
    writeFileSync(join(dir, 'robots.txt'), 'User-agent: *');
    t = await createTestApp({ WEB_DIR: dir });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never serves them: the service answers its own paths', async () => {
    const me = await t.http.get('/api/v1/me');
    expect(me.status).toBe(401);
    const live = await t.http.get('/health/live');
    expect(live.headers['content-type']).toMatch(/json/);
    const docs = await t.http.get('/api/docs-json');
    expect(docs.body.openapi).toMatch(/^3\./);
    for (const res of [me, live, docs, await t.http.get('/metrics')]) expect(res.text).not.toContain('a stray file');
    // Other files of the build are served.
    const robots = await t.http.get('/robots.txt');
    expect([robots.status, robots.text]).toEqual([200, 'User-agent: *']);
  });
});
