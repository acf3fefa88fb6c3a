import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { ValidateIf, validateSync } from 'class-validator';
import type { ItemCheck } from './fields.js';
import { Errors, FieldError } from './errors.js';
import { normalizeText } from './text.js';

/** Trims and NFC-normalises every incoming string (body, query, params) before validation. */
@Injectable()
export class NormalizeTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const nul = findNul(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    // PostgreSQL text cannot hold NUL: refuse it here with the field, instead of failing in SQL.
    if (nul !== null) throw Errors.validation([{ field: nul || metadata.type, message: 'must not contain NUL (\\u0000) characters' }]);
    return normalizeText(value);
  }
}

/** The path of the first string holding a NUL character, or null. */
function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${path}[${i}]`);
      if (hit !== null) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) return path ? `${path}.${k}` : k;
      const hit = findNul(v, path ? `${path}.${k}` : k);
      if (hit !== null) return hit;
    }
  }
  return null;
}

/** Constraint messages a client reads without the property name in front. */
function messageOf(e: ValidationError, name: string, message: string): string {
  if (name === 'whitelistValidation') return 'is not a known property';
  if (name === 'nestedValidation') return 'must be an object';
  return message.startsWith(`${e.property} `) ? message.slice(e.property.length + 1) : message;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const path = parent ? (isIndex ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    if (e.constraints) {
      for (const [name, message] of Object.entries(e.constraints)) {
        // A list constraint that names its bad items (src/common/fields.ts): one error per item.
        const items = (e.contexts?.[name] as { items?: ItemCheck } | undefined)?.items;
        if (items && Array.isArray(e.value)) out.push(...items(e.value).map((i) => ({ field: `${path}[${i.index}]`, message: i.message })));
        else out.push({ field: path, message: messageOf(e, name, message) });
      }
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

/** The errors in the order of the members of the value they describe (as the client wrote them). */
function inInputOrder(errors: ValidationError[], value: unknown): ValidationError[] {
  if (!value || typeof value !== 'object') return errors;
  const keys = Object.keys(value);
  const at = (e: ValidationError) => {
    const i = keys.indexOf(e.property);
    return i < 0 ? keys.length : i;
  };
  return [...errors]
    .sort((a, b) => at(a) - at(b))
    .map((e) => (e.children?.length ? { ...e, children: inInputOrder(e.children, (value as Record<string, unknown>)[e.property]) } : e));
}

/** The value with null members of objects left out (null means absent); null list items stay (and fail). */
function withoutNullMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullMembers);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, withoutNullMembers(v)]),
  );
}

/**
 * Validates a JSON value against a record class declared with the field decorators of
 * src/common/fields.ts (revision content): every bad field is reported with its path under `root`
 * (`content.steps[0].duration.value`), unknown members are refused, null members count as absent.
 * Returns the normalised value (transforms applied) when there is no error.
 */
export function validateRecord<T extends object>(cls: new () => T, value: unknown, root: string): { errors: FieldError[]; value?: T } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { errors: [{ field: root, message: 'must be an object' }] };
  const plain = withoutNullMembers(value) as object;
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
  });
  if (errors.length) return { errors: flattenValidationErrors(inInputOrder(errors, plain), root) };
  return { errors: [], value: instanceToPlain(instance) as T };
}

/** Rejects unknown properties, converts query strings, and reports every bad field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => Errors.validation(flattenValidationErrors(errors)),
  });
}

/**
 * For PATCH fields that may be left out but have no null value (a name, a flag): unlike
 * `@IsOptional()`, which lets `null` through to the service (and the NOT NULL column), `null` is
 * validated like any other value and refused with the field named.
 */
export const Omittable = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);
