import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from '../access/principal.js';

export const IS_PUBLIC = 'eiso:public';

/** The route needs no access token (login, refresh, health, /public). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Marks a route that checks its own `Authorization` header (GET /metrics and its METRICS_TOKEN): the guard leaves it alone. */
export const OWN_CREDENTIALS = 'eiso:own-credentials';
export const OwnCredentials = (): MethodDecorator & ClassDecorator => SetMetadata(OWN_CREDENTIALS, true);

/** The signed-in user of the request. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest().principal;
});
