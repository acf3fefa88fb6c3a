import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { appLogger } from './logger.js';
import { RequestContext, RequestContexts } from './request-context.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Longest client request id kept (printable ASCII only). */
const CLIENT_ID_MAX = 128;

/**
 * The request's id and the client's own: a client's X-Request-Id that is a UUID is the request
 * id; anything else is kept apart (printable ASCII, at most 128 characters) as the client's id,
 * and the server generates the request id. So a client can correlate its logs but can never
 * choose, forge or inject the id that audit events and logs are keyed by.
 */
export function requestIds(incoming: string | undefined): { requestId: string; clientRequestId: string | null } {
  if (incoming && UUID.test(incoming)) return { requestId: incoming.toLowerCase(), clientRequestId: null };
  // eslint-disable-next-line no-control-regex
  const kept = incoming ? incoming.replace(/[^\x20-\x7e]/g, '').trim().slice(0, CLIENT_ID_MAX) : '';
  return { requestId: randomUUID(), clientRequestId: kept || null };
}

/**
 * Gives every request an id (see `requestIds`), returns it in the response header, keeps it in
 * the request context for logs and audit events, and logs one line per completed request.
 */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const { requestId, clientRequestId } = requestIds(req.header(REQUEST_ID_HEADER));
  res.setHeader(REQUEST_ID_HEADER, requestId);
  const started = process.hrtime.bigint();
  const ctx: RequestContext = {
    requestId,
    clientRequestId,
    clientIp: req.ip ?? req.socket.remoteAddress ?? null,
    userAgent: req.header('user-agent') ?? null,
    actorId: null,
    actorName: null,
    refusal: null,
  };
  RequestContexts.run(
    ctx,
    () => {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        appLogger.write(res.statusCode >= 500 && res.statusCode !== 503 ? 'error' : res.statusCode === 503 ? 'warn' : 'info', 'request', {
          requestId,
          ...(clientRequestId ? { clientRequestId } : {}),
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
