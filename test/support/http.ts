/** supertest: collect the body as a Buffer whatever its type (`.buffer(true).parse(binary)`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- superagent's parser hands over its raw response stream
export function binary(res: any, cb: (err: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
}
