import 'reflect-metadata';
import { appLogger } from './common/logger.js';
import { createHttpApp } from './bootstrap/http-app.js';
import { loadConfigOrExit } from './bootstrap/load-config.js';
import { prepareRuntime } from './bootstrap/prepare.js';
import { MetricsService } from './health/metrics.service.js';

/** API entry point: `npm start`. Runs the queue workers in-process unless RUN_WORKERS=false. */
async function main(): Promise<void> {
  const config = loadConfigOrExit('API');
  const runtime = await prepareRuntime(config, { role: 'api' });
  const app = await createHttpApp(runtime.config, { workers: config.runWorkers });
  app.getHttpServer().on('close', () => void runtime.close());
  await app.listen(config.port, config.host);
  if (config.metrics.port !== null) {
    const metrics = await app.get(MetricsService).listen({ port: config.metrics.port, host: config.metrics.host, token: config.metrics.token });
    app.getHttpServer().on('close', () => metrics.close());
    appLogger.write('info', 'metrics listening', { url: `http://${config.metrics.host}:${config.metrics.port}/metrics`, token: config.metrics.token !== null });
  }
  appLogger.write('info', 'e-ISO API listening', {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
    docs: '/api/docs',
    workers: config.runWorkers,
  });
}

main().catch((err) => {
  appLogger.write('error', 'start-up failed', { err });
  process.exit(1);
});
