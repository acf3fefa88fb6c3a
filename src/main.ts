import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigError, describeConfig, loadConfig } from './config/app-config.js';
import { appLogger } from './common/logger.js';
import { prepareRuntime } from './bootstrap/prepare.js';
import { createHttpApp } from './bootstrap/http-app.js';

/** API entry point: `npm start`. Runs the queue workers in-process unless RUN_WORKERS=false. */
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
  appLogger.write('info', 'starting e-ISO API', describeConfig(config));
  const runtime = await prepareRuntime(config, { role: 'api' });
  const app = await createHttpApp(runtime.config, { workers: config.runWorkers });
  const server = app.getHttpServer();
  server.on('close', () => void runtime.close());
  await app.listen(config.port, config.host);
  appLogger.write('info', 'e-ISO API listening', {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
    docs: `/api/docs`,
    workers: config.runWorkers,
  });
}

main().catch((err) => {
  appLogger.write('error', 'start-up failed', { err });
  process.exit(1);
});
