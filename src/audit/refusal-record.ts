import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { appLogger } from '../common/logger.js';
import { RequestContext, RequestContexts } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { AuditService } from './audit.service.js';

/** Refusals recorded per actor (or anonymous address) per minute; more are counted and noted in the next record. */
export const REFUSALS_RECORDED_PER_MINUTE = 20;
const WINDOW_MS = 60_000;

/**
 * The security record of refused attempts: every 403, and every 404 that hid an object which
 * exists (AccessService notes those), becomes an `access.denied` audit event with its outcome,
 * written after the response went out, in its own transaction (the refused change rolled back,
 * its record stays). The answer the caller got is unchanged, so nothing about the object's
 * existence leaks; the event lands in the chain of the object's agency (system events when the
 * refusal had no agency), where that agency's auditors read it. At most
 * REFUSALS_RECORDED_PER_MINUTE per actor a minute; the rest are counted into the next record.
 */
@Injectable()
export class RefusalRecord {
  private readonly windows = new Map<string, { start: number; recorded: number; suppressed: number }>();

  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  /** Express middleware, after the request context: watches each response's status. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const ctx = RequestContexts.current();
      if (ctx) res.once('finish', () => void this.afterResponse(req, res, ctx));
      next();
    };
  }

  /** Admits one more record for `who` in the current window; how many were left out before it. */
  private admit(who: string): { ok: boolean; suppressed: number } {
    const now = Date.now();
    let w = this.windows.get(who);
    if (!w || now - w.start >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.windows.clear();
      w = { start: now, recorded: 0, suppressed: w?.suppressed ?? 0 };
      this.windows.set(who, w);
    }
    if (w.recorded >= REFUSALS_RECORDED_PER_MINUTE) {
      w.suppressed++;
      return { ok: false, suppressed: 0 };
    }
    w.recorded++;
    const suppressed = w.suppressed;
    w.suppressed = 0;
    return { ok: true, suppressed };
  }

  private async afterResponse(req: Request, res: Response, ctx: RequestContext): Promise<void> {
    const refusal = ctx.refusal;
    const status = res.statusCode;
    if (status !== 403 && !(status === 404 && refusal?.outcome === 'hidden')) return;
    const admitted = this.admit(ctx.actorId ?? `address:${ctx.clientIp ?? 'unknown'}`);
    if (!admitted.ok) return;
    const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : null;
    try {
      await RequestContexts.run(ctx, () =>
        this.db.transaction(() =>
          this.audit.record({
            action: 'access.denied',
            entityType: 'request',
            entityId: null,
            agencyId: refusal?.agencyId ?? null,
            changes: {
              outcome: status === 403 ? 'forbidden' : 'hidden',
              status,
              method: req.method,
              path: req.originalUrl.split('?')[0].slice(0, 500),
              route,
              entity: refusal?.entity ?? null,
              permission: refusal?.permission ?? null,
              ...(admitted.suppressed ? { notRecordedBefore: admitted.suppressed } : {}),
            },
          }),
        ),
      );
    } catch (err) {
      appLogger.write('warn', 'could not record a refused request', { err: (err as Error).message, status, path: req.originalUrl.split('?')[0] });
    }
  }
}
