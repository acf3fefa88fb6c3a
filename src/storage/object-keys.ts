/** Keys of content-addressed objects: `objects/sha256/ab/cd/<sha256>` (the hash names the bytes). */
export const CONTENT_PREFIX = 'objects/sha256/';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(s: string): boolean {
  return SHA256_HEX.test(s);
}

export function contentObjectKey(sha256: string): string {
  if (!isSha256Hex(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
  return `${CONTENT_PREFIX}${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** The hash a content key names, or null for keys outside the content-addressed space. */
export function sha256OfContentKey(key: string): string | null {
  if (!key.startsWith(CONTENT_PREFIX)) return null;
  const hash = key.slice(key.lastIndexOf('/') + 1);
  return isSha256Hex(hash) && contentObjectKey(hash) === key ? hash : null;
}

/** Keys of uploads being staged in S3 before they are copied to their content key (swept when left over). */
export const STAGING_PREFIX = 'uploads/';
