import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import serveStatic from 'serve-static';
import { Errors } from '../common/errors.js';
import { appLogger } from '../common/logger.js';
import { sendProblem } from '../common/problem.js';
import { ROOT_ROUTES } from '../bootstrap/openapi.js';

/** Paths that always belong to the service, never to the web application's history fallback. */
const SERVICE_PATHS = ['/api/', '/api', ...ROOT_ROUTES.map((r) => `/${r.split('/')[0]}`)];

function isServicePath(path: string): boolean {
  return SERVICE_PATHS.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** Content-hashed bundles (Vite writes them under /assets/): cached for a year, never revalidated. */
const HASHED_ASSETS = '/assets/';

/**
 * Serves the built web application (web/dist) at `/`: hashed assets with a long immutable cache,
 * every other file and `index.html` with `no-cache` (revalidated, so a deployment shows at once),
 * and the history fallback (`/cong-khai/UBND-X`, `/tai-lieu/…` answer index.html) for HTML
 * navigations outside /api, /health and /metrics. Registered before the Nest routes; a missing
 * build leaves the service API-only (logged once).
 */
export function serveWebApp(app: NestExpressApplication, webDir: string): void {
  const indexFile = join(webDir, 'index.html');
  if (!existsSync(indexFile)) {
    appLogger.write('warn', 'web application not built: serving the API only', { webDir, hint: 'npm run build:web' });
    return;
  }
  const files = serveStatic(webDir, {
    index: false,
    fallthrough: true,
    redirect: false,
    setHeaders: (res, path) => {
      const immutable = path.startsWith(join(webDir, HASHED_ASSETS.slice(1)));
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // The service's own paths never look for a file: no stat of the disk per API request.
  app.use((req: Request, res: Response, next: NextFunction) => (isServicePath(req.path) ? next() : files(req, res, next)));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServicePath(req.path)) return next();
    // An asset that is not in this build (an old tab after a deployment): a 404, never the page.
    if (req.path.startsWith(HASHED_ASSETS)) return sendProblem(res, Errors.notFound('File'), req.path);
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }, (err) => err && next(err));
  });
}


