import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ConfigError, describeConfig, loadConfig } from '../src/config/app-config.js';

describe('configuration', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/eiso-config-test', JWT_SECRET: 'x'.repeat(40) };

  it('has defaults that work on a bare machine', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/eiso');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.s3.endpoint).toBeNull();
    expect(c.storage.driver).toBe('local');
    expect(c.runWorkers).toBe(true);
    expect(c.limits.jsonBodyBytes).toBe(1024 * 1024);
  });

  it('names every bad variable at once and never echoes a secret', () => {
    let err: unknown;
    try {
      loadConfig({
        ...base,
        PORT: 'eighty',
        DATABASE_URL: 'mysql://root:hunter2@db/eiso',
        REDIS_URL: 'not a url',
        S3_ENDPOINT: 'http://minio:9000',
        JWT_SECRET: 'short-secret',
        RUN_WORKERS: 'maybe',
        MAX_UPLOAD_SIZE: 'lots',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.map((p) => p.variable).sort();
    expect(problems).toEqual(['DATABASE_URL', 'JWT_SECRET', 'MAX_UPLOAD_SIZE', 'PORT', 'REDIS_URL', 'RUN_WORKERS', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'].sort());
    const message = (err as Error).message;
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('short-secret');
  });

  it('stores objects in local files unless an S3 endpoint is configured or the s3 driver is asked for', () => {
    const s3 = { S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY: 'ak', S3_SECRET_KEY: 'sk' };
    expect(loadConfig({ ...base, ...s3 }).storage.driver).toBe('s3');
    expect(loadConfig({ ...base, ...s3, STORAGE_DRIVER: 'local' }).storage.driver).toBe('local');
    const embedded = loadConfig({ ...base, STORAGE_DRIVER: 's3' });
    expect(embedded.storage.driver).toBe('s3');
    expect(embedded.s3.endpoint).toBeNull();
    expect(() => loadConfig({ ...base, STORAGE_DRIVER: 'disk' })).toThrow(/STORAGE_DRIVER: must be one of local, s3/);
  });

  it('trusts no proxy by default, refuses "true", and checks proxy lists, the metrics token and the admin password', () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8, 2001:db8::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '2001:db8::1']);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    let err: unknown;
    try {
      loadConfig({ ...base, TRUST_PROXY: 'true', METRICS_TOKEN: 'short', METRICS_PORT: 'x', ADMIN_PASSWORD: 'password1234' });
    } catch (e) {
      err = e;
    }
    expect((err as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['ADMIN_PASSWORD', 'METRICS_PORT', 'METRICS_TOKEN', 'TRUST_PROXY']);
    expect((err as Error).message).not.toContain('password1234');
    expect(() => loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/99' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ ...base, METRICS_TOKEN: 'a'.repeat(32), METRICS_PORT: '9464' }).metrics).toEqual({ token: 'a'.repeat(32), port: 9464, host: '127.0.0.1' });
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: '/tmp/x' })).toThrow(/JWT_SECRET/);
  });

  it('describes itself without secrets', () => {
    const c = loadConfig({ ...base, DATABASE_URL: 'postgres://eiso:s3cret@db:5432/eiso', S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY: 'ak', S3_SECRET_KEY: 'sk-secret' });
    const text = JSON.stringify(describeConfig(c));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('sk-secret');
    expect(text).not.toContain(c.jwt.secret);
  });

  it('the service exits with a message naming each bad variable', () => {
    const entry = 'dist/src/main.js';
    expect(existsSync(entry)).toBe(true); // npm test builds first
    const r = spawnSync(process.execPath, [entry], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '99999', JWT_SECRET: 'tiny', DATA_DIR: '/tmp/eiso-config-test' },
      encoding: 'utf8',
      // Loading the whole service before the check takes seconds; past 20 s on a loaded 2-core machine.
      timeout: 90_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('JWT_SECRET');
    expect(r.stderr).not.toContain('tiny');
  }, 120_000);
});
