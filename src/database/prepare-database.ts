import pg from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { appLogger } from '../common/logger.js';
import { dataSourceOptions } from './data-source-options.js';

/** Creates the database named in DATABASE_URL when it does not exist (needs CREATEDB on the server). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL must name a database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  // A connection lost while no query runs is reported by the next query; not an 'error' event that ends the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}" ENCODING 'UTF8' TEMPLATE template0`);
      appLogger.write('info', 'database created', { database: name });
    }
  } catch (err) {
    // Two processes starting together may race to create it (42P04, or 23505 on pg_database).
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations under an advisory lock, so an API and a worker starting at the
 * same time do not both run them.
 */
export async function runMigrations(config: Pick<AppConfig, 'databaseUrl' | 'nodeEnv'>): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(config, { logging: ['error'] }));
  await ds.initialize();
  try {
    // Session-level lock: held on one dedicated connection for the whole run.
    const lock = ds.createQueryRunner();
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['e-iso:migrations']);
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      for (const m of applied) appLogger.write('info', 'migration applied', { migration: m.name });
      return applied.map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', ['e-iso:migrations']).catch(() => undefined);
      await lock.release();
    }
  } finally {
    await ds.destroy();
  }
}
