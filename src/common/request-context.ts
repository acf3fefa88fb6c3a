import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request facts that deeper layers (logging, audit) need without threading them through calls. */
export interface RequestContext {
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  actorId: string | null;
  actorName: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const RequestContexts = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  setActor(id: string, name: string | null): void {
    const ctx = storage.getStore();
    if (ctx) {
      ctx.actorId = id;
      ctx.actorName = name;
    }
  },
};
