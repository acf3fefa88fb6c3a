import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Role } from '../../src/access/roles.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, Fixtures, TestAgency, TestUser, uniq } from '../support/fixtures.js';

export const API = '/api/v1';

/** Two sibling agencies with the usual cast in the first, and a drafter of the second. */
export interface Cast {
  agency: TestAgency;
  other: TestAgency;
  drafter: TestUser;
  secretary: TestUser;
  staff: TestUser;
  head: TestUser;
  otherDrafter: TestUser;
}

export async function cast(f: Fixtures): Promise<Cast> {
  const { province, department } = await f.agencyTree();
  const other = await f.agency({ level: 'department', parentId: province.id, name: 'Sở Tư pháp' });
  const roles = (r: Role[]) => ({ [department.id]: r });
  const [drafter, secretary, staff, head, otherDrafter] = await Promise.all([
    f.user(roles(['drafter']), { fullName: 'Lê Văn Soạn' }),
    f.user(roles(['iso_secretary']), { fullName: 'Phạm Thư Ký' }),
    f.user(roles(['staff']), { fullName: 'Nguyễn Cán Bộ' }),
    f.user(roles(['head']), { fullName: 'Trần Giám Đốc' }),
    f.user({ [other.id]: ['drafter'] }, { fullName: 'Đỗ Người Ngoài' }),
  ]);
  return { agency: department, other, drafter, secretary, staff, head, otherDrafter };
}

/** What a documents spec file works with: the app, fixtures and the cast. */
export interface DocumentsSuite {
  t: TestApp;
  f: Fixtures;
  c: Cast;
}

/** A test app (with `env` overrides) and its cast, for a spec file's beforeAll. */
export async function documentsSuite(env: Record<string, string | undefined> = {}): Promise<DocumentsSuite> {
  const t = await createTestApp(env);
  const f = new Fixtures(t);
  return { t, f, c: await cast(f) };
}

export { binary } from '../support/http.js';

export function code(prefix = 'QT'): string {
  return uniq(prefix).toUpperCase();
}

export async function createDocument(t: TestApp, user: TestUser, body: Record<string, unknown>): Promise<{ id: string; draftId: string; etag: string; body: any }> {
  const res = await t.http.post(`${API}/documents`).set(bearer(user.token)).send(body);
  if (res.status !== 201) throw new Error(`create document failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, draftId: res.body.openDraft.id, etag: res.body.openDraft.etag, body: res.body };
}

export { makeEffective } from '../support/lifecycle.js';

export async function uploadFile(t: TestApp, user: TestUser, revisionId: string, filename: string, bytes: Buffer, role?: 'source' | 'attachment') {
  const req = t.http.post(`${API}/revisions/${revisionId}/files${role ? `?role=${role}` : ''}`).set(bearer(user.token));
  return req.attach('file', bytes, { filename });
}

/** The app on a real port, for raw HTTP requests (streamed bodies). */
export async function listen(t: TestApp): Promise<number> {
  const server = t.app.getHttpServer();
  if (!server.listening) await t.app.listen(0, '127.0.0.1');
  return (server.address() as AddressInfo).port;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/**
 * POSTs a multipart upload whose file content is produced by `chunks` (never held in memory),
 * with a correct Content-Length when `fileSize` is given (else chunked), or a declared one.
 */
export function streamUpload(opts: {
  port: number;
  path: string;
  token: string;
  filename: string;
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>;
  fileSize?: number;
  declaredLength?: number;
  /** Text fields sent after the file part. */
  fieldsAfter?: Record<string, string>;
  /** More request headers (e.g. Repr-Digest). */
  headers?: Record<string, string>;
  /** false: the body ends with the closing boundary and no CRLF after it (RFC 2046 allows it). */
  finalCrlf?: boolean;
}): Promise<RawResponse> {
  const boundary = `----eiso${Date.now().toString(16)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${opts.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    'utf8',
  );
  const after = Object.entries(opts.fieldsAfter ?? {})
    .map(([name, value]) => `\r\n--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}`)
    .join('');
  const tail = Buffer.from(`${after}\r\n--${boundary}--${opts.finalCrlf === false ? '' : '\r\n'}`, 'utf8');
  const headers: Record<string, string> = { ...opts.headers, Authorization: `Bearer ${opts.token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` };
  if (opts.declaredLength !== undefined) headers['Content-Length'] = String(opts.declaredLength);
  else if (opts.fileSize !== undefined) headers['Content-Length'] = String(head.length + opts.fileSize + tail.length);
  async function* body() {
    yield head;
    for await (const c of opts.chunks as AsyncIterable<Buffer>) yield c;
    yield tail;
  }
  return new Promise((resolve, reject) => {
    // A connection of its own (agent: false): Node's global agent keeps idle sockets for 5 s, as long
    // as the server's keepAliveTimeout, and a request sent on one the server is closing is reset.
    const req = httpRequest({ host: '127.0.0.1', port: opts.port, path: opts.path, method: 'POST', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
      res.on('error', reject);
    });
    // The server may answer and close before the body is sent (413): the response is what counts.
    req.on('error', (err) => setTimeout(() => reject(err), 1000));
    Readable.from(body()).pipe(req);
  });
}

/** `total` bytes in chunks of `size`, starting with `prefix`; one shared buffer, never the whole body. */
export function* repeatedChunks(prefix: Buffer, total: number, size = 1024 * 1024): Generator<Buffer> {
  const first = Buffer.alloc(Math.min(size, total), 0x41);
  prefix.copy(first, 0);
  yield first;
  const shared = Buffer.alloc(size, 0x42);
  for (let left = total - first.length; left > 0; left -= size) yield shared.subarray(0, Math.min(size, left));
}
