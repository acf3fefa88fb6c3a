import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';
import { GuardedClient } from './guarded-client.js';
import { TypeOrmJsonLogger } from './typeorm-logger.js';

export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl' | 'nodeEnv'>, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    logger: new TypeOrmJsonLogger(),
    maxQueryExecutionTime: 2000,
    applicationName: 'e-iso',
    // GuardedClient: a connection dying between two owners must not end the process.
    extra: { max: 20, connectionTimeoutMillis: 5000, statement_timeout: 60_000, Client: GuardedClient },
    ...overrides,
  } as DataSourceOptions;
}
