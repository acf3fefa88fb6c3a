import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateBy, ValidateNested, ArrayMaxSize } from 'class-validator';
import type { ValidationOptions } from 'class-validator';

/**
 * Field decorators for structured records (revision content): one decorator per field gives the
 * validation (class-validator, with the messages clients see in `errors[].message`) and the
 * OpenAPI schema (@nestjs/swagger), from the same bounds. Every field is optional: drafts are
 * partial, completeness is a separate rule checked at submit. Classes built from them are
 * validated with `validateRecord` (src/common/validation.ts).
 */

type Doc = { description?: string; example?: unknown };

function apply(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const d of decorators) d(target, key);
  };
}

/** Per-item errors of a list field, as `{index, message}`; expanded to `field[index]` paths. */
export type ItemCheck = (value: unknown) => { index: number; message: string }[];

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Fails a list whose items fail `check`; the error names each bad item's path. */
function EachItem(name: string, check: ItemCheck, opts: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    { name, validator: { validate: (v: unknown) => !Array.isArray(v) || check(v).length === 0, defaultMessage: () => 'has invalid items' } },
    { ...opts, context: { items: check } },
  );
}

/** A string of at most `max` characters, optionally matching `pattern`. */
export function Text(max: number, doc: Doc & { pattern?: RegExp; patternMessage?: string } = {}): PropertyDecorator {
  const { pattern, patternMessage, ...rest } = doc;
  return apply(
    ApiPropertyOptional({ type: String, maxLength: max, ...(pattern ? { pattern: pattern.source } : {}), ...rest }),
    IsOptional(),
    IsString({ message: 'must be a string' }),
    MaxLength(max, { message: `must be at most ${max} characters` }),
    ...(pattern ? [Matches(pattern, { message: patternMessage ?? 'has an invalid format' })] : []),
  );
}

/** An integer between `min` and `max`. */
export function Integer(min: number, max: number, doc: Doc = {}): PropertyDecorator {
  const between = `must be between ${min} and ${max}`;
  return apply(
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max, ...doc }),
    IsOptional(),
    IsInt({ message: 'must be an integer' }),
    Min(min, { message: between }),
    Max(max, { message: between }),
  );
}

/** A number greater than 0 and at most `max`. */
export function PositiveNumber(max: number, doc: Doc = {}): PropertyDecorator {
  return apply(
    ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: max, ...doc }),
    IsOptional(),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' }),
    ValidateBy({ name: 'positive', validator: { validate: (v: unknown) => typeof v === 'number' && v > 0, defaultMessage: () => 'must be greater than 0' } }),
    Max(max, { message: `must be at most ${max}` }),
  );
}

/** One of `values`. */
export function OneOf(values: readonly string[], doc: Doc = {}): PropertyDecorator {
  return apply(ApiPropertyOptional({ enum: values, ...doc }), IsOptional(), IsIn(values, { message: `must be one of ${values.join(', ')}` }));
}

/** A UUID (stored in lower case). */
export function Uuid(doc: Doc = {}): PropertyDecorator {
  return apply(
    ApiPropertyOptional({ type: String, format: 'uuid', ...doc }),
    IsOptional(),
    IsUUID('all', { message: 'must be a UUID' }),
    Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value)),
  );
}

/** A nested record of class `of`. */
export function Nested(of: () => new () => object, doc: Doc = {}): PropertyDecorator {
  return apply(
    // Nest recognises a lazy type by its function name: an arrow assigned to `type`.
    ApiPropertyOptional({ type: () => of(), ...doc }),
    IsOptional(),
    IsObject({ message: 'must be an object' }),
    ValidateNested(),
    Type(of),
  );
}

/** A list of at most `max` records of class `of`. */
export function ListOf(of: () => new () => object, max: number, doc: Doc = {}): PropertyDecorator {
  return apply(
    ApiPropertyOptional({ type: () => of(), isArray: true, maxItems: max, ...doc }),
    IsOptional(),
    IsArray({ message: 'must be an array' }),
    ArrayMaxSize(max, { message: `must have at most ${max} items` }),
    EachItem('objectItems', (v) => (v as unknown[]).flatMap((item, index) => (isPlainObject(item) ? [] : [{ index, message: 'must be an object' }]))),
    ValidateNested({ each: true }),
    Type(of),
  );
}

/** A list of at most `max` strings, each at most `itemMax` characters and matching `pattern`. */
export function ListOfText(max: number, itemMax: number, doc: Doc & { pattern?: RegExp; patternMessage?: string } = {}): PropertyDecorator {
  const { pattern, patternMessage, ...rest } = doc;
  const check: ItemCheck = (v) =>
    (v as unknown[]).flatMap((item, index) => {
      if (typeof item !== 'string') return [{ index, message: 'must be a string' }];
      if (item.length > itemMax) return [{ index, message: `must be at most ${itemMax} characters` }];
      if (pattern && !pattern.test(item)) return [{ index, message: patternMessage ?? 'has an invalid format' }];
      return [];
    });
  return apply(
    ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: itemMax, ...(pattern ? { pattern: pattern.source } : {}) }, maxItems: max, ...rest }),
    IsOptional(),
    IsArray({ message: 'must be an array' }),
    ArrayMaxSize(max, { message: `must have at most ${max} items` }),
    EachItem('textItems', check),
  );
}
