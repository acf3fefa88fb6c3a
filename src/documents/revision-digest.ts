import { createHash } from 'node:crypto';
import { canonicalJson, compareCodeUnits } from '../common/canonical-json.js';

/** What a revision's digest covers: everything a signature on it vouches for. */
export interface RevisionDigestInput {
  content: unknown;
  changeSummary: string | null;
  files: { role: string; sha256: string; filename: string }[];
}

/** Re-exported: callers of the revision digest use the same serialisation. */
export { canonicalJson };

const compare = compareCodeUnits;

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
