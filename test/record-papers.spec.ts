/**
 * Record papers through the real stack: a paper kind registered by a provider of a test module (as a
 * feature module registers its kinds), requests committed with the caller's transaction, the render
 * queue, content-addressed storage, and the HTTP side (202 then 200, ETag/304/Range, the file name,
 * 503 after every attempt failed). PDFs are read back with pdfjs-dist.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Controller, Get, Injectable, Module, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IdParam } from '../src/common/params.js';
import { ContentStore } from '../src/documents/content-store.js';
import { RecordPaperKind, RecordPapers, RecordPapersModule, recordPaperJobId } from '../src/record-papers/index.js';
import type { RecordPaper, RecordPaperProvider } from '../src/record-papers/index.js';
import { RenderRecordPaperJob } from '../src/record-papers/render-record-paper.job.js';
import { officialPaperDigest, PAPER_LAYOUT_VERSION } from '../src/rendering/index.js';
import { sampleAuditRecordPaper } from '../bench/support/sample-papers.js';
import { contentObjectKey } from '../src/storage/object-keys.js';
import { ObjectStorage } from '../src/storage/object-storage.js';
import { fetchBinary, renderWorker, waitForPdf } from './renditions/helpers.js';
import { createTestApp, type TestApp } from './support/app.js';
import { Fixtures, TestAgency, TestUser } from './support/fixtures.js';

interface Sheet {
  agencyId: string;
  title: string;
  rows: number;
  final: boolean;
  /** A model the renderer refuses (every attempt fails). */
  broken?: boolean;
}

/** A paper kind of the test: sheets kept in memory, printed in the record layout. */
@Injectable()
@RecordPaperKind('test.sheet')
class TestSheets implements RecordPaperProvider {
  readonly sheets = new Map<string, Sheet>();

  async build(id: string): Promise<RecordPaper | null> {
    const s = this.sheets.get(id);
    if (!s) return null;
    const base = sampleAuditRecordPaper({ rows: s.rows });
    return {
      agencyId: s.agencyId,
      filename: `Biên bản ${s.title}.pdf`,
      model: { ...base, title: s.title, final: s.final, date: s.broken ? 'không phải là ngày' : base.date },
    };
  }
}

@Controller('test-papers')
class TestPapersController {
  constructor(private readonly papers: RecordPapers) {}

  @Get(':id')
  async get(@IdParam('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.papers.respond(req, res, 'test.sheet', id);
  }
}

@Module({ imports: [RecordPapersModule], providers: [TestSheets], controllers: [TestPapersController] })
class TestPapersModule {}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('record papers: PDFs of records rendered by the queue', () => {
  let t: TestApp;
  let f: Fixtures;
  let agency: TestAgency;
  let user: TestUser;
  let sheets: TestSheets;
  let papers: RecordPapers;

  beforeAll(async () => {
    t = await createTestApp({}, { modules: [TestPapersModule] });
    f = new Fixtures(t);
    agency = (await f.agencyTree()).department;
    user = await f.user({ [agency.id]: ['iso_secretary'] });
    sheets = t.app.get(TestSheets);
    papers = t.app.get(RecordPapers);
  });
  afterAll(() => t.close());

  const sheet = (o: Partial<Sheet> = {}) => {
    const id = randomUUID();
    sheets.sheets.set(id, { agencyId: agency.id, title: `Họp xem xét của lãnh đạo ${id.slice(0, 8)}`, rows: 5, final: false, ...o });
    return id;
  };
  const rows = (id: string) =>
    t.db.query<{ id: string; status: string; digest: string; round: number; job_id: string; final: boolean; attempts: number; last_error: string | null; sha256: string | null }[]>(
      `SELECT id, status, digest, round, job_id, final, attempts, last_error, sha256 FROM record_papers WHERE kind = 'test.sheet' AND entity_id = $1 ORDER BY requested_at, id`,
      [id],
    );
  const outbox = (jobId: string) => t.db.query<unknown[]>(`SELECT 1 FROM job_outbox WHERE job_id = $1`, [jobId]);
  const get = (id: string, headers: Record<string, string> = {}) => fetchBinary(t, user, `/test-papers/${id}`, headers);
  const digestOf = async (id: string) => officialPaperDigest((await sheets.build(id))!.model);

  it('a first read asks for the PDF (202, Retry-After); then it is served with ETag, 304, Range and a Vietnamese file name', async () => {
    const id = sheet();
    const first = await get(id);
    expect(first.status).toBe(202);
    expect(first.headers['retry-after']).toBe('2');
    expect(first.headers['cache-control']).toBe('no-store');
    const digest = await digestOf(id);
    expect(first.json).toEqual({ status: 'pending', kind: 'test.sheet', entityId: id, digest, layoutVersion: PAPER_LAYOUT_VERSION, attempts: 0, error: null, retryAfterSeconds: 2 });
    expect(await rows(id)).toEqual([expect.objectContaining({ status: 'pending', digest, round: 0, job_id: recordPaperJobId('test.sheet', id, digest, 0), final: false })]);

    const got = await waitForPdf(t, user, `/test-papers/${id}`);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers.etag).toBe(`"${sha256(got.bytes)}"`);
    const title = sheets.sheets.get(id)!.title;
    expect(got.headers['content-disposition']).toBe(`attachment; filename="Bien ban ${title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd')}.pdf"; filename*=UTF-8''${encodeURIComponent(`Biên bản ${title}.pdf`)}`);
    const text = got.pdf.pages.map((p) => p.text).join(' ');
    expect(text).toContain(title);
    expect(text).toContain(`SHA-256 ${digest}`);
    expect(got.pdf.info.Custom?.EisoPaperSha256).toBe(digest);
    expect(got.pdf.pages[0].text).toContain(`Trang 1/${got.pdf.pages.length}`);
    expect(await rows(id)).toEqual([expect.objectContaining({ status: 'ready', sha256: sha256(got.bytes), attempts: 0 })]);

    expect((await get(id, { 'If-None-Match': got.headers.etag })).status).toBe(304);
    const part = await get(id, { Range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.bytes.equals(got.bytes.subarray(0, 100))).toBe(true);
    expect(await papers.status('test.sheet', id)).toEqual(expect.objectContaining({ status: 'ready', digest, sha256: sha256(got.bytes), final: false, pageCount: got.pdf.pages.length }));
    // The stored object is not an orphan to the sweeper.
    await t.db.query(`UPDATE stored_objects SET created_at = now() - interval '2 hours' WHERE sha256 = $1`, [sha256(got.bytes)]);
    await t.app.get(ContentStore).sweepUnreferencedRows({ minAgeMs: 3600_000 });
    expect(await t.app.get(ObjectStorage).stat(contentObjectKey(sha256(got.bytes)))).not.toBeNull();
    expect((await get(id)).status).toBe(200);
  });

  it('request() commits with the caller\'s transaction, is idempotent, and does nothing once rendered', async () => {
    const id = sheet();
    const digest = await digestOf(id);
    const jobId = recordPaperJobId('test.sheet', id, digest, 0);
    await expect(
      t.db.transaction(async () => {
        await papers.request('test.sheet', id);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await rows(id)).toEqual([]);
    expect(await outbox(jobId)).toEqual([]);

    const worker = renderWorker(t);
    await worker.pause();
    try {
      const asked = await t.db.transaction(() => papers.request('test.sheet', id));
      expect(asked).toEqual(expect.objectContaining({ status: 'pending', digest, final: false }));
      await t.db.transaction(() => papers.request('test.sheet', id));
      expect(await rows(id)).toHaveLength(1);
      expect(await outbox(jobId)).toHaveLength(1);
      expect(await papers.request('test.sheet', randomUUID())).toBeNull();
    } finally {
      worker.resume();
    }
    await waitForPdf(t, user, `/test-papers/${id}`);
    expect(await papers.request('test.sheet', id)).toEqual(expect.objectContaining({ status: 'ready' }));
    expect(await rows(id)).toEqual([expect.objectContaining({ status: 'ready', round: 0 })]);
  });

  it('a changed record gets a new PDF; the old draft PDF is pruned, a final one is kept and frozen by the database', async () => {
    const id = sheet();
    const v1 = await waitForPdf(t, user, `/test-papers/${id}`);
    sheets.sheets.get(id)!.title = `${sheets.sheets.get(id)!.title} (sửa đổi)`;
    expect((await get(id)).status).toBe(202);
    const v2 = await waitForPdf(t, user, `/test-papers/${id}`);
    expect(sha256(v2.bytes)).not.toBe(sha256(v1.bytes));
    expect(v2.pdf.pages[0].text).toContain('(sửa đổi)');
    expect((await rows(id)).map((r) => r.status)).toEqual(['ready']);

    // Closed: the final paper.
    sheets.sheets.get(id)!.final = true;
    const final = await waitForPdf(t, user, `/test-papers/${id}`);
    const [row] = await rows(id);
    expect(row).toEqual(expect.objectContaining({ status: 'ready', final: true, sha256: sha256(final.bytes) }));
    const watermarks = final.pdf.pages.flatMap((p) => p.items.filter((i) => i.rotated));
    expect(watermarks).toEqual([]);
    const refused = async (sql: string) => {
      try {
        await t.db.query(sql, [row.id]);
        return null;
      } catch (err) {
        return (err as { driverError?: { code?: string } }).driverError?.code;
      }
    };
    expect(await refused(`DELETE FROM record_papers WHERE id = $1`)).toBe('P0001');
    expect(await refused(`UPDATE record_papers SET warnings = '["x"]' WHERE id = $1`)).toBe('P0001');
    expect(await rows(id)).toHaveLength(1);
  });

  it('a job for a digest the record has left is moot; asked again later it gets a new round', async () => {
    const id = sheet();
    const worker = renderWorker(t);
    await worker.pause();
    const job = t.app.get(RenderRecordPaperJob);
    const original = sheets.sheets.get(id)!.title;
    try {
      const d1 = await digestOf(id);
      await papers.request('test.sheet', id);
      sheets.sheets.get(id)!.title = `${original} - bản 2`;
      expect(await job.handle({ kind: 'test.sheet', entityId: id, digest: d1, layoutVersion: PAPER_LAYOUT_VERSION, round: 0 })).toBe('moot');
      expect(await rows(id)).toEqual([expect.objectContaining({ digest: d1, status: 'moot' })]);
      // Back to the first text: the moot request is asked again under a new job id.
      sheets.sheets.get(id)!.title = original;
      expect((await get(id)).status).toBe(202);
      expect(await rows(id)).toEqual([expect.objectContaining({ digest: d1, status: 'pending', round: 1, job_id: recordPaperJobId('test.sheet', id, d1, 1) })]);
      // The old round's job and a job of another layout do nothing.
      expect(await job.handle({ kind: 'test.sheet', entityId: id, digest: d1, layoutVersion: PAPER_LAYOUT_VERSION, round: 0 })).toBe('moot');
      expect(await job.handle({ kind: 'test.sheet', entityId: id, digest: d1, layoutVersion: PAPER_LAYOUT_VERSION + 1, round: 1 })).toBe('moot');
    } finally {
      worker.resume();
    }
    await waitForPdf(t, user, `/test-papers/${id}`);
    expect(await rows(id)).toEqual([expect.objectContaining({ status: 'ready', round: 1 })]);
  });

  it('a failing render is retried with its error shown; after the last attempt 503 record_paper_failed; asked again after the cool-down', async () => {
    const id = sheet({ broken: true });
    const worker = renderWorker(t);
    await worker.pause();
    try {
      expect((await get(id)).status).toBe(202);
      const digest = await digestOf(id);
      const job = t.app.get(RenderRecordPaperJob);
      const data = { kind: 'test.sheet', entityId: id, digest, layoutVersion: PAPER_LAYOUT_VERSION, round: 0 };
      const attempt = (attemptsMade: number) => ({ attemptsMade, opts: { attempts: 5 } }) as never;
      await expect(job.handle(data, attempt(0))).rejects.toThrow(/Not a date/);
      const retrying = await get(id);
      expect(retrying.status).toBe(202);
      expect(retrying.json).toMatchObject({ status: 'pending', attempts: 1, error: expect.stringContaining('Not a date') });
      expect(await papers.status('test.sheet', id)).toEqual(expect.objectContaining({ status: 'pending', attempts: 1 }));

      await expect(job.handle(data, attempt(4))).rejects.toThrow();
      const failed = await get(id);
      expect(failed.status).toBe(503);
      expect(failed.headers['content-type']).toContain('application/problem+json');
      expect(failed.json).toMatchObject({ code: 'record_paper_failed', attempts: 2, error: expect.stringContaining('Not a date') });
      expect(Number(failed.headers['retry-after'])).toBeGreaterThan(500);
      expect(await papers.status('test.sheet', id)).toEqual(expect.objectContaining({ status: 'failed', attempts: 2 }));

      await t.db.query(`UPDATE record_papers SET updated_at = now() - interval '11 minutes' WHERE kind = 'test.sheet' AND entity_id = $1`, [id]);
      const again = await get(id);
      expect(again.status).toBe(202);
      expect(await rows(id)).toEqual([expect.objectContaining({ status: 'pending', round: 1, attempts: 0, last_error: null, job_id: recordPaperJobId('test.sheet', id, digest, 1) })]);
    } finally {
      worker.resume();
    }
  });

  it('a pending request whose job was lost is queued again by the sweep', async () => {
    const id = sheet();
    const worker = renderWorker(t);
    await worker.pause();
    try {
      await papers.request('test.sheet', id);
      const [row] = await rows(id);
      await t.db.query(`DELETE FROM job_outbox WHERE job_id = $1`, [row.job_id]);
      await t.db.query(`UPDATE record_papers SET updated_at = now() - interval '5 minutes' WHERE id = $1`, [row.id]);
      expect(await papers.resendLost()).toBeGreaterThanOrEqual(1);
      expect(await outbox(row.job_id)).toHaveLength(1);
    } finally {
      worker.resume();
    }
    await waitForPdf(t, user, `/test-papers/${id}`);
  });

  it('a record that does not exist is 404', async () => {
    const res = await get(randomUUID());
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'not_found' });
  });
});
