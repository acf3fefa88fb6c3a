import { Errors } from '../common/errors.js';

/** The request header in which a client may announce the SHA-256 of the file it uploads. */
export const REPR_DIGEST_HEADER = 'Repr-Digest';

/**
 * The `sha-256` member of a `Repr-Digest` header (RFC 9530: a structured-field dictionary of
 * byte sequences, `sha-256=:<base64>:`) as lowercase hex; null when there is no header or it
 * names no SHA-256 (other algorithms are ignored, as the RFC asks). For an upload the digest is
 * that of the file's bytes (the representation the upload creates), not of the multipart framing.
 * A `sha-256` member that is not 32 bytes of base64 is a 400.
 */
export function reprDigestSha256(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header.join(',') : header;
  for (const member of text.split(',')) {
    const eq = member.indexOf('=');
    if (eq < 0 || member.slice(0, eq).trim().toLowerCase() !== 'sha-256') continue;
    const m = /^:([A-Za-z0-9+/]+={0,2}):(?:;.*)?$/.exec(member.slice(eq + 1).trim());
    const bytes = m ? Buffer.from(m[1], 'base64') : null;
    if (!bytes || bytes.length !== 32) {
      throw Errors.validation([{ field: REPR_DIGEST_HEADER, message: 'sha-256 must be the 32-byte digest as a byte sequence, e.g. sha-256=:<base64>:' }]);
    }
    return bytes.toString('hex');
  }
  return null;
}

/** `sha-256=:<base64>:` for a hex SHA-256 (the header a client sends). */
export function reprDigestOf(sha256Hex: string): string {
  return `sha-256=:${Buffer.from(sha256Hex, 'hex').toString('base64')}:`;
}
