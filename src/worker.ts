import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { appLogger } from './common/logger.js';
import { loadConfigOrExit } from './bootstrap/load-config.js';
import { prepareRuntime } from './bootstrap/prepare.js';

/** Worker entry point (`npm run start:worker`): runs only the queue workers, no HTTP. */
async function main(): Promise<void> {
  const config = loadConfigOrExit('worker');
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
