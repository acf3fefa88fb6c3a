import { Global, Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AccessService } from './access.service.js';

/** Global: every module asks AccessService. It keeps agencies' paths true through the cache listener (IdentityModule). */
@Global()
@Module({ imports: [IdentityModule], providers: [AccessService], exports: [AccessService] })
export class AccessModule {}
