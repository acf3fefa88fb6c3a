/** Vietnamese text handling: NFC storage and accent-insensitive folding. */

export function nfc(s: string): string {
  return s.normalize('NFC');
}

/** Keys whose string values are secrets: normalised to NFC but never trimmed. */
export const UNTRIMMED_KEYS: ReadonlySet<string> = new Set(['password', 'newPassword', 'currentPassword']);

/** Trims and NFC-normalises every string in a JSON value (recursively), except secrets. */
export function normalizeText<T>(value: T, key?: string): T {
  if (typeof value === 'string') {
    const n = value.normalize('NFC');
    return (key && UNTRIMMED_KEYS.has(key) ? n : n.trim()) as T;
  }
  if (Array.isArray(value)) return value.map((v) => normalizeText(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeText(v, k);
    return out as T;
  }
  return value;
}

/**
 * Folds text for accent- and case-insensitive comparison the way PostgreSQL's
 * `unaccent(lower(...))` does for Vietnamese: "Quy trình Cấp phép" -> "quy trinh cap phep".
 */
export function foldVietnamese(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .normalize('NFC');
}

/** Removes control characters (C0, DEL, C1) and bidi overrides. */
export function stripControlChars(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** Escapes LIKE's wildcards (`%`, `_`) and its escape character, for a pattern that matches `s` literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}
