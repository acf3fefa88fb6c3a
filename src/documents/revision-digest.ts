import { createHash } from 'node:crypto';

/** What a revision's digest covers: everything a signature on it vouches for. */
export interface RevisionDigestInput {
  content: unknown;
  changeSummary: string | null;
  files: { role: string; sha256: string; filename: string }[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * JSON with object keys sorted (recursively, by UTF-16 code units), arrays in order, no spaces,
 * `undefined` members dropped: the same value always serialises to the same bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
    return JSON.stringify(value ?? null);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => compare(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The canonical serialisation the digest is computed over (exposed for verification and tests). */
export function revisionDigestPayload(input: RevisionDigestInput): string {
  const files = input.files
    .map((f) => ({ role: f.role, sha256: f.sha256, filename: f.filename.normalize('NFC') }))
    .sort((a, b) => compare(a.role, b.role) || compare(a.sha256, b.sha256) || compare(a.filename, b.filename));
  return canonicalJson({ content: input.content ?? {}, changeSummary: input.changeSummary ?? null, files });
}

/**
 * SHA-256 (hex) of the revision's canonical serialisation: content, change summary and its files
 * (role, SHA-256, name, sorted). Sign-offs and renditions record it, so a later check proves the
 * signed revision is exactly the one stored.
 */
export function revisionDigest(input: RevisionDigestInput): string {
  return createHash('sha256').update(revisionDigestPayload(input), 'utf8').digest('hex');
}
