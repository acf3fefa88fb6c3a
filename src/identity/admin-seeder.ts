import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { appLogger } from '../common/logger.js';
import { Database } from '../database/database.js';
import { Passwords } from './passwords.js';
import { User } from './user.entity.js';

/**
 * First start with an empty user table: creates the `admin` account, with ADMIN_PASSWORD or a
 * generated password printed once on the console (never logged again, never stored in clear).
 */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly db: Database,
    private readonly passwords: Passwords,
    private readonly audit: AuditService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdmin();
  }

  async ensureAdmin(): Promise<{ created: boolean; generatedPassword?: string }> {
    const generated = this.config.adminPassword ? undefined : randomBytes(12).toString('base64url');
    const password = this.config.adminPassword ?? generated!;
    const created = await this.db.transaction(async () => {
      await this.db.lock('e-iso:admin-seed');
      if ((await this.db.repo(User).count()) > 0) return false;
      const admin = await this.db.repo(User).save(
        this.db.repo(User).create({ username: 'admin', fullName: 'Quản trị hệ thống', passwordHash: await this.passwords.hash(password), isAdmin: true }),
      );
      await this.audit.record({ action: 'user.created', entityType: 'user', entityId: admin.id, agencyId: null, actorId: null, actorName: 'system', changes: { username: { old: null, new: 'admin' }, isAdmin: { old: null, new: true } } });
      return true;
    });
    if (created) {
      if (generated) {
        // Printed once, on purpose, to the console only.
        process.stdout.write(
          `\n==== e-ISO: administrator account created ====\n  username: admin\n  password: ${generated}\n  (shown only this once; change it after signing in: POST /api/v1/me/password)\n==============================================\n\n`,
        );
      } else {
        appLogger.write('info', 'administrator account "admin" created with the password from ADMIN_PASSWORD');
      }
    }
    return { created, generatedPassword: created ? generated : undefined };
  }
}
