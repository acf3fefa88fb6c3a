import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request facts that deeper layers (logging, audit) need without threading them through calls. */
/** An access refusal decided on an object that exists (403, or 404 to hide it), for the security record. */
export interface Refusal {
  outcome: 'forbidden' | 'hidden';
  agencyId: string | null;
  permission: string | null;
  entity: string;
}

export interface RequestContext {
  requestId: string;
  /** The client's own X-Request-Id when it was not a UUID (and so not used as the request id). */
  clientRequestId: string | null;
  clientIp: string | null;
  userAgent: string | null;
  actorId: string | null;
  actorName: string | null;
  /** The last access refusal of this request (see AccessService.assert), if any. */
  refusal: Refusal | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const RequestContexts = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  /** Notes that access to an existing object was refused (read after the response by the security record). */
  noteRefusal(refusal: Refusal): void {
    const ctx = storage.getStore();
    if (ctx) ctx.refusal = refusal;
  },
  setActor(id: string, name: string | null): void {
    const ctx = storage.getStore();
    if (ctx) {
      ctx.actorId = id;
      ctx.actorName = name;
    }
  },
};
