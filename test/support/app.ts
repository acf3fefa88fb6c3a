import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import request from 'supertest';
import type { AppModuleOptions } from '../../src/app.module.js';
import { createHttpApp } from '../../src/bootstrap/http-app.js';
import { appLogger, LogLevel } from '../../src/common/logger.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { Database } from '../../src/database/database.js';
import { ensureDatabaseExists, runMigrations } from '../../src/database/prepare-database.js';
import { OutboxRelay } from '../../src/queue/job-queue.js';

// Quiet logs from the first line on (the database preparation logs before any app exists).
appLogger.setLevel((process.env.TEST_LOG_LEVEL as LogLevel) ?? 'error');

export const TEST_ADMIN_PASSWORD = 'test-admin-password-42';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  http: ReturnType<typeof request>;
  db: Database;
  /** Puts committed outbox jobs on the queues now and waits for the pass to finish. */
  flushOutbox(): Promise<void>;
  close(): Promise<void>;
}

/** Environment of the test run (see global-setup), as env vars the real config loader reads. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const must = (k: string) => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set: run the tests through jest (test/support/global-setup.ts)`);
    return v;
  };
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DATABASE_URL: must('EISO_TEST_DATABASE_URL'),
    REDIS_URL: must('EISO_TEST_REDIS_URL'),
    // Each app its own Redis namespace (queues and outbox rows): apps configured differently (SMTP or
    // not, workers or not) never run each other's jobs. Teardown removes every key of the run prefix.
    REDIS_PREFIX: `${must('EISO_TEST_REDIS_PREFIX')}_${Math.random().toString(36).slice(2, 8)}`,
    S3_ENDPOINT: must('EISO_TEST_S3_ENDPOINT'),
    S3_ACCESS_KEY: 'S3RVER',
    S3_SECRET_KEY: 'S3RVER',
    S3_BUCKET: 'eiso-test',
    DATA_DIR: must('EISO_TEST_DATA_DIR'),
    JWT_SECRET: 'test-jwt-secret-test-jwt-secret-test-jwt-secret',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    SCHEDULES_ENABLED: 'false',
    RUN_WORKERS: 'true',
    ...overrides,
  };
}

let prepared: Promise<void> | null = null;

/** Creates and migrates the run's database once per test worker (idempotent across workers). */
export function prepareTestDatabase(): Promise<void> {
  prepared ??= (async () => {
    const databaseUrl = testEnv().DATABASE_URL!;
    await ensureDatabaseExists(databaseUrl);
    await runMigrations({ databaseUrl, nodeEnv: 'test' });
  })();
  return prepared;
}

/**
 * A database of a test's own beside the run's (`<run database>_<suffix>`), for tests that need one
 * empty of every other test's rows: `prepare` creates and migrates it, `drop` removes it (afterAll).
 */
export function ownDatabase(suffix: string): { url: string; prepare: () => Promise<void>; drop: () => Promise<void> } {
  const db = new URL(testEnv().DATABASE_URL!);
  db.pathname = `${db.pathname}_${suffix}`;
  const url = db.toString();
  return {
    url,
    prepare: async () => {
      await ensureDatabaseExists(url);
      await runMigrations({ databaseUrl: url, nodeEnv: 'test' });
    },
    drop: async () => {
      const admin = new URL(url);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${db.pathname.slice(1)}" WITH (FORCE)`).finally(() => client.end());
    },
  };
}

/** The real app (real PostgreSQL, Redis and S3), configured through the real config loader. */
export async function createTestApp(env: Record<string, string | undefined> = {}, opts: { workers?: boolean; modules?: AppModuleOptions['modules'] } = {}): Promise<TestApp> {
  await prepareTestDatabase();
  const config = loadConfig(testEnv(env));
  const app = await createHttpApp(config, { workers: opts.workers ?? config.runWorkers, modules: opts.modules });
  return {
    app,
    config,
    http: request(app.getHttpServer()),
    db: app.get(Database),
    flushOutbox: () => app.get(OutboxRelay).drain(),
    close: () => app.close(),
  };
}
