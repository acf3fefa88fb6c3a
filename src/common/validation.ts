import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
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

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const path = parent ? (isIndex ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    if (e.constraints) {
      for (const [name, message] of Object.entries(e.constraints)) {
        const text = name === 'whitelistValidation' ? 'is not a known property' : message.startsWith(`${e.property} `) ? message.slice(e.property.length + 1) : message;
        out.push({ field: path, message: text });
      }
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
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
