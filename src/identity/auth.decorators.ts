import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import type { Principal } from '../access/principal.js';

export const IS_PUBLIC = 'eiso:public';

/**
 * The route needs no access token (login, refresh, health, /public). The OpenAPI document says so
 * too: `security: []` on the operation (the document's default is the bearer token).
 */
export function Public(): MethodDecorator & ClassDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      SetMetadata(IS_PUBLIC, true)(target, key!, descriptor);
      const operation = Reflect.getMetadata(DECORATORS.API_OPERATION, descriptor.value) as object | undefined;
      Reflect.defineMetadata(DECORATORS.API_OPERATION, { ...operation, security: [] }, descriptor.value);
      return descriptor;
    }
    SetMetadata(IS_PUBLIC, true)(target as new () => unknown);
    Reflect.defineMetadata(DECORATORS.API_SECURITY, [], target);
    return target;
  }) as MethodDecorator & ClassDecorator;
}

/** Marks a route that checks its own `Authorization` header (GET /metrics and its METRICS_TOKEN): the guard leaves it alone. */
export const OWN_CREDENTIALS = 'eiso:own-credentials';
export const OwnCredentials = (): MethodDecorator & ClassDecorator => SetMetadata(OWN_CREDENTIALS, true);

/** The signed-in user of the request. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest().principal;
});
