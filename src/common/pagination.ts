import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Errors } from './errors.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** `?limit=&cursor=` accepted by every list endpoint. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page\'s nextCursor.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Keyset cursors: an opaque base64url JSON array of the sort-key values of the last item.
 * Lists order by (sortKey, id) and continue strictly after the cursor.
 */
export const Cursor = {
  encode(values: unknown[]): string {
    return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
  },
  decode(cursor: string | undefined, arity: number): unknown[] | null {
    if (!cursor) return null;
    try {
      const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
    } catch {
      /* fall through */
    }
    throw Errors.validation([{ field: 'cursor', message: 'is not a cursor returned by this list' }]);
  },
};

/** Turns `limit + 1` fetched rows into a page; `key` gives the cursor values of the last row. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => unknown[], map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return {
    items: slice.map(map),
    nextCursor: more && slice.length > 0 ? Cursor.encode(key(slice[slice.length - 1])) : null,
  };
}

export function pageLimit(q: PageQuery): number {
  return q.limit ?? DEFAULT_LIMIT;
}
