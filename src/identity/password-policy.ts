import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Password policy for new and changed passwords. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;
/** zxcvbn's score (0–4) a new password must reach: 3 = "safely unguessable" for online attacks. */
export const PASSWORD_MIN_SCORE = 3;

const POLICY = `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long and not a common or easily guessed password`;

/**
 * zxcvbn-ts with its maintained common dictionary: the ~49,000 most common passwords from public
 * breach corpora, and keyboard patterns. A password that is on the list, or is built from one
 * (`password1234`, `P@ssw0rd!`, `qwertyuiop123`), scores below PASSWORD_MIN_SCORE.
 */
let estimator: ZxcvbnFactory | null = null;
function zxcvbn(): ZxcvbnFactory {
  if (!estimator) {
    // Loaded on first use (about 4 MB of dictionaries), not when the process starts.
    const require = createRequire(import.meta.url);
    const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    estimator = new Factory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  }
  return estimator;
}

/**
 * Why a new password is refused (null when it is acceptable): too short or long, or common /
 * easily guessed. `related` are the user's own words (username, full name) that must not carry it.
 */
export function passwordProblem(password: string, related: (string | null | undefined)[] = []): string | null {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) return POLICY;
  const inputs = related.filter((s): s is string => typeof s === 'string' && s.length > 0).flatMap((s) => [s, ...s.split(/\s+/)]);
  const result = zxcvbn().check(password, inputs);
  return result.score < PASSWORD_MIN_SCORE ? POLICY : null;
}

/**
 * class-validator: a string satisfying `passwordProblem`; the DTO's `username` and `fullName`
 * (when it has them) count as the user's own words.
 */
export function IsAcceptablePassword(options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAcceptablePassword',
      target: object.constructor,
      propertyName: String(propertyName),
      options: { message: POLICY, ...options },
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          if (typeof value !== 'string') return false;
          const o = args.object as { username?: unknown; fullName?: unknown };
          return passwordProblem(value, [typeof o.username === 'string' ? o.username : null, typeof o.fullName === 'string' ? o.fullName : null]) === null;
        },
      },
    });
}
