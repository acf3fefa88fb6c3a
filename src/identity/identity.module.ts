import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AdminSeeder } from './admin-seeder.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { CacheInvalidation, PrincipalCache } from './live-caches.js';
import { LoginLocksController } from './login-locks.controller.js';
import { LoginLocksService } from './login-locks.service.js';
import { Passwords } from './passwords.js';
import { PeopleModule } from './people.js';
import { FailureThrottle } from './throttle.js';
import { Tokens } from './tokens.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [JwtModule.register({}), PeopleModule],
  controllers: [AuthController, UsersController, LoginLocksController],
  providers: [Passwords, Tokens, FailureThrottle, UsersService, AuthService, LoginLocksService, AdminSeeder, CacheInvalidation, PrincipalCache, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, UsersService, Passwords, FailureThrottle, CacheInvalidation, PeopleModule],
})
export class IdentityModule {}
