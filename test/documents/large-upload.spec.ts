import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../support/app.js';
import { Fixtures } from '../support/fixtures.js';
import { API, cast, Cast, code, createDocument, listen, repeatedChunks, streamUpload } from './helpers.js';

const SIZE = Number(process.env.EISO_LARGE_UPLOAD_MB ?? 200) * 1024 * 1024;
/**
 * RSS may grow by a fixed amount (buffers, heap before GC), never with the file: measured ~40 MB for 50-400 MB files
 * alone, 110 MB once in a full run at load 5 (GC later); a file buffered whole would add at least its 200 MB.
 */
const MAX_RSS_GROWTH = 128 * 1024 * 1024;
const PREFIX = Buffer.from('%PDF-1.7\n% large upload test\n');

/** Peak RSS growth over a baseline while `fn` runs, sampled every 20 ms. */
async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

describe('documents: a 200 MB upload keeps memory flat', () => {
  let t: TestApp;
  let c: Cast;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'eiso-large-'));
    t = await createTestApp({ DATA_DIR: dataDir });
    c = await cast(new Fixtures(t));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('streams 200 MB in and out through S3 with RSS growth far below the file size', async () => {
    const expected = createHash('sha256');
    for (const chunk of repeatedChunks(PREFIX, SIZE)) expected.update(chunk);
    const sha256 = expected.digest('hex');
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'manual', code: code('ST'), title: 'Sổ tay chất lượng (bản quét)' });
    const port = await listen(t);

    const up = await peakRssGrowth(() =>
      streamUpload({ port, path: `${API}/revisions/${d.draftId}/files?role=source`, token: c.drafter.token, filename: 'Sổ tay chất lượng.pdf', chunks: repeatedChunks(PREFIX, SIZE), fileSize: SIZE }),
    );
    expect(up.result.status).toBe(201);
    expect(up.result.body).toMatchObject({ size: SIZE, sha256, mediaType: 'application/pdf', filename: 'Sổ tay chất lượng.pdf' });
    expect(up.growth).toBeLessThan(MAX_RSS_GROWTH);

    const down = await peakRssGrowth(
      () =>
        new Promise<{ status: number; sha256: string; size: number }>((resolve, reject) => {
          httpGet({ host: '127.0.0.1', port, path: `${API}/revisions/${d.draftId}/files/${up.result.body.id}`, headers: { Authorization: `Bearer ${c.drafter.token}` } }, (res) => {
            const hash = createHash('sha256');
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              hash.update(chunk);
              size += chunk.length;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, sha256: hash.digest('hex'), size }));
            res.on('error', reject);
          }).on('error', reject);
        }),
    );
    expect(down.result).toEqual({ status: 200, sha256, size: SIZE });
    expect(down.growth).toBeLessThan(MAX_RSS_GROWTH);
    process.stdout.write(`${SIZE / 1048576} MB upload: RSS +${(up.growth / 1048576).toFixed(1)} MB; download: RSS +${(down.growth / 1048576).toFixed(1)} MB\n`);
  }, 300_000);
});
