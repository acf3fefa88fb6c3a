import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { ValidateIf, validateSync } from 'class-validator';
import type { ItemCheck } from './fields.js';
import { Errors, FieldError } from './errors.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from './body-limits.js';
import { normalizeText, UNTRIMMED_KEYS } from './text.js';

/** Keys whose text may span lines (tab, CR and LF allowed): free-text remarks, and everything under `content`. */
const MULTILINE_KEYS = new Set(['comment', 'reason', 'note', 'changeSummary', 'description']);
const MULTILINE_SUBTREES = new Set(['content']);

/**
 * Why a string may not be stored, or null: NUL anywhere (PostgreSQL text cannot hold it); other
 * C0/C1 control characters, DEL and bidirectional embedding/override/isolate controls (U+202A–
 * U+202E, U+2066–U+2069: text that displays differently from what it is) in every field but
 * secrets; tab and line breaks only in multi-line fields.
 */
export function forbiddenTextProblem(s: string, opts: { multiline: boolean; secret: boolean }): string | null {
  // eslint-disable-next-line no-control-regex
  if (s.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (opts.secret) return null;
  // eslint-disable-next-line no-control-regex
  const m = /[\u0001-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.exec(opts.multiline ? s.replace(/[\t\r\n]/g, ' ') : s);
  if (!m) return null;
  const c = m[0];
  const code = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === '\t' || c === '\n' || c === '\r') return 'must be a single line (no tab or line break)';
  if (c >= '\u202a') return `must not contain bidirectional control characters (${code})`;
  return `must not contain control characters (${code})`;
}

/**
 * The first field of an incoming value whose text is refused (see forbiddenTextProblem), walked
 * iteratively; 400 `json_too_deep` past MAX_JSON_DEPTH (the body parser refuses deeper bodies
 * first; this also covers values that did not come through it).
 */
function findForbiddenText(value: unknown, root: string): FieldError | null {
  const stack: { v: unknown; path: string; key: string; multiline: boolean; depth: number }[] = [{ v: value, path: root, key: root, multiline: false, depth: 0 }];
  while (stack.length) {
    const { v, path, key, multiline, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = forbiddenTextProblem(v, { multiline: multiline || MULTILINE_KEYS.has(key), secret: UNTRIMMED_KEYS.has(key) });
      if (problem) return { field: path, message: problem };
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw jsonTooDeep();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[${i}]`, key, multiline, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, child] = entries[i];
      const childPath = path ? `${path}.${k}` : k;
      if (k.includes('\u0000')) return { field: childPath, message: 'must not contain NUL (\\u0000) characters' };
      stack.push({ v: child, path: childPath, key: k, multiline: multiline || MULTILINE_SUBTREES.has(k), depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Refuses text that must not be stored (control and bidi characters, see forbiddenTextProblem)
 * with the field named, then trims and NFC-normalises every incoming string (body, query,
 * params) before validation.
 */
@Injectable()
export class NormalizeTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const bad = findForbiddenText(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    if (bad !== null) throw Errors.validation([{ field: bad.field || metadata.type, message: bad.message }]);
    return normalizeText(value);
  }
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
