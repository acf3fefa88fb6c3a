import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id password hashing (OWASP parameters: 19 MiB, t=2, p=1). */
@Injectable()
export class Passwords {
  private dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return argon2.hash(password.normalize('NFC'), { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password.normalize('NFC'));
    } catch {
      return false;
    }
  }

  /** Spends the same time as a real check, for users that do not exist. */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash('not-a-real-password-' + Math.random());
    await this.verify(await this.dummy, password);
    return false;
  }
}

/** The policy's bounds, also imported from here by the workflow's DTOs (password re-confirmation). */
export { PASSWORD_MAX, PASSWORD_MIN } from './password-policy.js';
