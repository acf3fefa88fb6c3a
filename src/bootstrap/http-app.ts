import { createServer } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication, type NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import { RefusalRecord } from '../audit/refusal-record.js';
import { bodyDeadline, refuseDeclaredOversizeJson, verifyJsonDepth } from '../common/body-limits.js';
import { Errors } from '../common/errors.js';
import { appLogger } from '../common/logger.js';
import { problemErrorMiddleware, sendProblem } from '../common/problem.js';
import { requestContextMiddleware } from '../common/request-id.middleware.js';
import { createValidationPipe, NormalizeTextPipe } from '../common/validation.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../health/metrics.service.js';
import { SOCKET_HIGH_WATER_MARK } from '../storage/http-files.js';
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

/**
 * Conservative browser hardening for an API that serves JSON and files. API answers carry tokens
 * and personal data: `Cache-Control: no-store` unless a handler says otherwise (file downloads
 * are `private, no-cache`, see serveObject).
 */
function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  if (req.path.startsWith(`/${API_PREFIX}/`) || ROOT_ROUTES.some((r) => req.path === `/${r}`)) res.setHeader('Cache-Control', 'no-store');
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

/**
 * Express under Nest, with a larger buffer on each connection (both directions): a download's
 * chunks are handed to the socket without a pause per chunk, an upload is read in larger steps.
 */
class TransferExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    if (!options?.httpsOptions) this.httpServer = createServer({ highWaterMark: SOCKET_HIGH_WATER_MARK }, this.getInstance());
  }
}

/** Creates the HTTP app with every cross-cutting concern configured; the caller listens. */
export async function createHttpApp(config: AppConfig, opts: AppModuleOptions): Promise<NestExpressApplication> {
  appLogger.setLevel(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, opts), new TransferExpressAdapter(), {
    bodyParser: false,
    logger: appLogger,
    abortOnError: false,
  });
  // Which proxies' X-Forwarded-For to believe (by default none: a client cannot choose its address).
  app.set('trust proxy', config.trustProxy);
  // Headers must arrive within the body timeout; bodies are timed by bodyDeadline (uploads by rate).
  const server = app.getHttpServer();
  server.headersTimeout = config.limits.bodyTimeoutSeconds * 1000;
  server.requestTimeout = 0;
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
  app.use(app.get(RefusalRecord).middleware());
  app.use(bodyDeadline({ bodySeconds: config.limits.bodyTimeoutSeconds, minUploadBytesPerSecond: config.limits.minUploadBytesPerSecond }));
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
  app.use(refuseDeclaredOversizeJson(config.limits.jsonBodyBytes));
  // `verify` runs on the raw text before JSON.parse (Nest's type omits it, its adapter passes it on).
  const jsonOptions = { limit: config.limits.jsonBodyBytes, type: ['application/json', 'application/*+json'], verify: verifyJsonDepth };
  app.useBodyParser('json', jsonOptions as NestExpressBodyParserOptionsFor<'json'>);
  app.setGlobalPrefix(API_PREFIX, { exclude: ROOT_ROUTES });
  app.useGlobalPipes(new NormalizeTextPipe(), createValidationPipe());

  const doc = createOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json', yamlDocumentUrl: 'api/docs-yaml' });

  await app.init();
  // After init so it follows Nest's routes: errors raised by body parsing and other middleware.
  app.use(problemErrorMiddleware);
  return app;
}
