import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { appLogger } from './logger.js';
import { RequestContext, RequestContexts } from './request-context.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const VALID_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when well-formed, else a UUID), returns it
 * in the response header, keeps it in the request context for logs and audit events, and logs
 * one line per completed request.
 */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header(REQUEST_ID_HEADER);
  const requestId = incoming && VALID_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  const started = process.hrtime.bigint();
  const ctx: RequestContext = { requestId, clientIp: req.ip ?? req.socket.remoteAddress ?? null, userAgent: req.header('user-agent') ?? null, actorId: null, actorName: null };
  RequestContexts.run(
    ctx,
    () => {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        appLogger.write(res.statusCode >= 500 && res.statusCode !== 503 ? 'error' : res.statusCode === 503 ? 'warn' : 'info', 'request', {
          requestId,
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          durationMs: Math.round(ms * 10) / 10,
          userId: ctx.actorId ?? undefined,
        });
      });
      next();
    },
  );
}
