import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
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
