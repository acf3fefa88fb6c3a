import { MetricsService } from '../src/health/metrics.service.js';
import { createTestApp, TestApp } from './support/app.js';
import { freePort, startPrivateS3, TestRedis } from './support/services.js';

describe('health and metrics', () => {
  it('reports every dependency up, and each stopped one as down', async () => {
    const redis = await TestRedis.start();
    const s3 = await startPrivateS3(process.env.EISO_TEST_DATA_DIR!);
    const t: TestApp = await createTestApp({ REDIS_URL: redis.url, S3_ENDPOINT: s3.endpoint }, { workers: false });
    try {
      await t.http.get('/health/live').expect(200, { status: 'ok' });
      const ok = await t.http.get('/health/ready');
      expect(ok.status).toBe(200);
      expect(ok.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' }, storage: { status: 'up', driver: 's3' } });
      // Also under the API base path.
      expect((await t.http.get('/api/v1/health/ready')).status).toBe(200);

      await redis.stop();
      const noRedis = await t.http.get('/health/ready');
      expect(noRedis.status).toBe(503);
      expect(noRedis.body.error.redis.status).toBe('down');
      expect(noRedis.body.info.database.status).toBe('up');
      expect(noRedis.body.info.storage.status).toBe('up');

      await redis.resume();
      await new Promise((r) => setTimeout(r, 2500)); // the client reconnects on its own
      expect((await t.http.get('/health/ready')).status).toBe(200);

      await s3.close();
      const noS3 = await t.http.get('/health/ready');
      expect(noS3.status).toBe(503);
      expect(noS3.body.error.storage.status).toBe('down');
      expect(noS3.body.info.redis.status).toBe('up');
    } finally {
      await t.close();
      await redis.stop();
      await s3.close().catch(() => undefined);
    }
  });

  it('exposes Prometheus metrics with HTTP latency by route and queue depths, to the bearer of METRICS_TOKEN only', async () => {
    const token = 'metrics-token-for-the-test-0123456789';
    const t = await createTestApp({ METRICS_TOKEN: token });
    try {
      await t.http.get('/api/v1/agencies/00000000-0000-0000-0000-000000000000');
      await t.http.get('/health/live');
      expect((await t.http.get('/metrics')).status).toBe(401);
      expect((await t.http.get('/metrics').set('Authorization', 'Bearer not-the-token')).status).toBe(401);
      const res = await t.http.get('/metrics').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/agencies\/:id"/);
      expect(res.text).toMatch(/queue_jobs\{queue="render",state="waiting"\}/);
      expect(res.text).toContain('process_resident_memory_bytes');
    } finally {
      await t.close();
    }
  });

  it('without METRICS_TOKEN the API port does not serve metrics; METRICS_PORT serves them on their own listener', async () => {
    const port = await freePort();
    const t = await createTestApp({ METRICS_PORT: String(port) }, { workers: false });
    const bare = await createTestApp({}, { workers: false });
    try {
      expect((await bare.http.get('/metrics')).status).toBe(404);
      expect((await bare.http.get('/metrics')).body.code).toBe('metrics_disabled');
      expect((await t.http.get('/metrics')).status).toBe(404);
      const server = await t.app.get(MetricsService).listen({ port, host: '127.0.0.1', token: t.config.metrics.token });
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('http_request_duration_seconds');
        expect((await fetch(`http://127.0.0.1:${port}/api/v1/me`)).status).toBe(404);
      } finally {
        server.close();
      }
    } finally {
      await Promise.all([t.close(), bare.close()]);
    }
  });
});
