/**
 * The SHA-256 of a file the user picked, as the `Repr-Digest` header of its upload
 * (`sha-256=:<base64>:`, RFC 9530). With it the API stores the bytes under their content key as
 * they arrive (no server-side copy afterwards) and refuses them if what arrives is not what the
 * browser read (a file changed on disk meanwhile, or damaged on the way).
 *
 * The file is read as a stream and hashed chunk by chunk (hash-wasm, loaded only when a file is
 * uploaded), so a large file never sits in memory whole.
 */

/** `sha-256=:<base64>:` of the file's bytes; `onProgress` gets the percent read so far. */
export async function reprDigestOf(file: Blob, onProgress?: (percent: number) => void): Promise<string> {
  const { createSHA256 } = await import('hash-wasm');
  const hasher = await createSHA256();
  hasher.init();
  const reader = file.stream().getReader();
  let read = 0;
  let shown = -1;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    hasher.update(value);
    read += value.byteLength;
    const percent = file.size > 0 ? Math.floor((read / file.size) * 100) : 100;
    if (onProgress && percent !== shown) onProgress((shown = percent));
  }
  return `sha-256=:${base64Of(hasher.digest('binary'))}:`;
}

function base64Of(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}
