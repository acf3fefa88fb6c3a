import type { ValueTransformer } from 'typeorm';

/**
 * For `bigint` columns read as a JS number (byte sizes; exact up to 2^53): node-postgres returns
 * bigint as a string. `@Column({ type: 'bigint', transformer: BIGINT_AS_NUMBER })`.
 */
export const BIGINT_AS_NUMBER: ValueTransformer = { to: (v: number) => v, from: (v: string) => Number(v) };
