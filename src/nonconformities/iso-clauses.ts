/**
 * The clauses of TCVN ISO 9001:2015 (ISO 9001:2015) that a finding or a nonconformity may name:
 * every clause and sub-clause from 4.1 to 10.3. Anything else is refused (400 naming the field).
 */
export const ISO_9001_CLAUSES: readonly string[] = [
  '4.1', '4.2', '4.3', '4.4', '4.4.1', '4.4.2',
  '5.1', '5.1.1', '5.1.2', '5.2', '5.2.1', '5.2.2', '5.3',
  '6.1', '6.1.1', '6.1.2', '6.2', '6.2.1', '6.2.2', '6.3',
  '7.1', '7.1.1', '7.1.2', '7.1.3', '7.1.4', '7.1.5', '7.1.5.1', '7.1.5.2', '7.1.6', '7.2', '7.3', '7.4',
  '7.5', '7.5.1', '7.5.2', '7.5.3', '7.5.3.1', '7.5.3.2',
  '8.1', '8.2', '8.2.1', '8.2.2', '8.2.3', '8.2.3.1', '8.2.3.2', '8.2.4',
  '8.3', '8.3.1', '8.3.2', '8.3.3', '8.3.4', '8.3.5', '8.3.6',
  '8.4', '8.4.1', '8.4.2', '8.4.3', '8.5', '8.5.1', '8.5.2', '8.5.3', '8.5.4', '8.5.5', '8.5.6', '8.6', '8.7', '8.7.1', '8.7.2',
  '9.1', '9.1.1', '9.1.2', '9.1.3', '9.2', '9.2.1', '9.2.2', '9.3', '9.3.1', '9.3.2', '9.3.3',
  '10.1', '10.2', '10.2.1', '10.2.2', '10.3',
];

const CLAUSE_SET = new Set(ISO_9001_CLAUSES);

export function isIsoClause(value: unknown): value is string {
  return typeof value === 'string' && CLAUSE_SET.has(value);
}

/** Sort key of a clause ("9.2.2" → [9, 2, 2]) so that 10.1 comes after 9.3. */
export function compareClauses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}
