import { PDFDocument, StandardFonts } from 'pdf-lib';
import { WORKERS } from '../../src/queue/processors.js';
import type { TestApp } from '../support/app.js';
import { bearer, TestUser } from '../support/fixtures.js';
import { readPdf, PdfReadBack } from '../rendering/pdf-text.js';

export { pageLabels, watermarks } from '../rendering/pdf-text.js';
import { binary } from '../support/http.js';

export const API = '/api/v1';

export { binary };

export interface Fetched {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
  /** The JSON body (202, problems), when the response is JSON. */
  json: any;
}

export async function fetchBinary(t: TestApp, u: TestUser, path: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await t.http.get(`${API}${path}`).set(bearer(u.token)).set(headers).buffer(true).parse(binary);
  const type = String(res.headers['content-type'] ?? '');
  const bytes = res.body as Buffer;
  return { status: res.status, headers: res.headers as Record<string, string>, bytes, json: type.includes('json') && bytes.length ? JSON.parse(bytes.toString('utf8')) : null };
}

export const getRendition = (t: TestApp, u: TestUser, revisionId: string, headers: Record<string, string> = {}) => fetchBinary(t, u, `/revisions/${revisionId}/rendition`, headers);

/**
 * Polls `path` (flushing the outbox first) until it answers 200 with a PDF; fails with the last
 * answer after `timeoutMs`.
 */
export async function waitForPdf(t: TestApp, u: TestUser, path: string, timeoutMs = 30_000): Promise<Fetched & { pdf: PdfReadBack }> {
  const end = Date.now() + timeoutMs;
  let last: Fetched | null = null;
  while (Date.now() < end) {
    await t.flushOutbox();
    last = await fetchBinary(t, u, path);
    if (last.status === 200) return { ...last, pdf: await readPdf(new Uint8Array(last.bytes)) };
    if (last.status !== 202) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no PDF at ${path}: last answer ${last?.status} ${last?.json ? JSON.stringify(last.json) : ''}`);
}

export const waitForRendition = (t: TestApp, u: TestUser, revisionId: string, timeoutMs?: number) => waitForPdf(t, u, `/revisions/${revisionId}/rendition`, timeoutMs);

/** The BullMQ worker of the render queue (to hold renders back while a test looks at pending requests). */
export function renderWorker(t: TestApp): { pause(): Promise<void>; resume(): void } {
  const cls = WORKERS.find((w) => w.name === 'RenderWorker');
  if (!cls) throw new Error('no RenderWorker');
  const host = t.app.get(cls, { strict: false }) as unknown as { worker: { pause(doNotWaitActive?: boolean): Promise<void>; resume(): void } };
  return { pause: () => host.worker.pause(), resume: () => host.worker.resume() };
}

/** A real PDF of `pages` pages, each saying "Trang nguồn i/pages <tag>". */
export async function sourcePdf(pages: number, tag: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Source page ${i}/${pages} ${tag}`, { x: 72, y: 760, size: 16, font });
  }
  return Buffer.from(await doc.save());
}
