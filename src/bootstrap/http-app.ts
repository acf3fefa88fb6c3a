import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from '../app.module.js';
import { Errors } from '../common/errors.js';
import { appLogger } from '../common/logger.js';
import { problemErrorMiddleware, sendProblem } from '../common/problem.js';
import { requestContextMiddleware } from '../common/request-id.middleware.js';
import { createValidationPipe, NormalizeTextPipe } from '../common/validation.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../health/metrics.service.js';
import { API_PREFIX, createOpenApiDocument, ROOT_ROUTES } from './openapi.js';
import { serveWebApp } from '../web/web-app.js';

/**
 * Routes that also take another media type as a raw body, which their handler streams itself
 * (never through a body parser): method, path under the API prefix, media types.
 */
const RAW_BODY_ROUTES: readonly { method: string; path: string; types: readonly string[] }[] = [
  { method: 'POST', path: `/${API_PREFIX}/legal-documents/import`, types: ['text/csv'] },
];

function rawBodyAllowed(req: Request, type: string): boolean {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  return RAW_BODY_ROUTES.some((r) => r.method === req.method && r.path === path && r.types.includes(type));
}

/** Conservative browser hardening for an API that serves JSON and files. */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
}

/** JSON bodies only, except multipart uploads and RAW_BODY_ROUTES; anything else with a body is 415. */
function requireJsonBodies(req: Request, res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !['GET', 'HEAD'].includes(req.method)) {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json' && !type.endsWith('+json') && type !== 'multipart/form-data' && !rawBodyAllowed(req, type)) {
      sendProblem(res, Errors.unsupportedMediaType(`Send JSON (application/json)${type ? `, not ${type}` : ''}.`), req.originalUrl.split('?')[0]);
      return;
    }
  }
  next();
}

/** Creates the HTTP app with every cross-cutting concern configured; the caller listens. */
export async function createHttpApp(config: AppConfig, opts: { workers: boolean }): Promise<NestExpressApplication> {
  appLogger.setLevel(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, opts), {
    bodyParser: false,
    logger: appLogger,
    abortOnError: false,
  });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  if (config.corsOrigins.length) {
    app.enableCors({
      origin: config.corsOrigins,
      credentials: false,
      exposedHeaders: ['ETag', 'Location', 'Content-Disposition', 'Content-Range', 'Retry-After', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  app.use(securityHeaders);
  app.enableShutdownHooks();

  const metrics = app.get(MetricsService);
  app.use(requestContextMiddleware);
  app.use(metrics.middleware());
  // /api/v1/health/* and /api/v1/metrics reach the root routes.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    for (const r of ROOT_ROUTES) {
      if (req.url === `/${API_PREFIX}/${r}` || req.url.startsWith(`/${API_PREFIX}/${r}?`)) req.url = req.url.slice(API_PREFIX.length + 1);
    }
    next();
  });
  serveWebApp(app, config.webDir);
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: config.limits.jsonBodyBytes, type: ['application/json', 'application/*+json'] });
  app.setGlobalPrefix(API_PREFIX, { exclude: ROOT_ROUTES });
  app.useGlobalPipes(new NormalizeTextPipe(), createValidationPipe());

  const doc = createOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json', yamlDocumentUrl: 'api/docs-yaml' });

  await app.init();
  // After init so it follows Nest's routes: errors raised by body parsing and other middleware.
  app.use(problemErrorMiddleware);
  return app;
}
