import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ConfigError, describeConfig, loadConfig } from './config/app-config.js';
import { appLogger } from './common/logger.js';
import { prepareRuntime } from './bootstrap/prepare.js';

/** Worker entry point (`npm run start:worker`): runs only the queue workers, no HTTP. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  appLogger.setLevel(config.logLevel);
  appLogger.write('info', 'starting e-ISO worker', describeConfig(config));
  const runtime = await prepareRuntime(config, { role: 'worker' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(runtime.config, { workers: true }), { logger: appLogger });
  app.enableShutdownHooks();
  await app.init();
  appLogger.write('info', 'e-ISO worker running', { concurrency: config.workerConcurrency });
}

main().catch((err) => {
  appLogger.write('error', 'worker start-up failed', { err });
  process.exit(1);
});
