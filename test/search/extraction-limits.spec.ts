import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtractionRefused, extractText, MAX_PDF_BYTES } from '../../src/search/text-extraction.js';

/** A PDF too large for the in-memory parser is refused before it is read (final, no retry). */
describe('text extraction limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eiso-extract-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a PDF over MAX_PDF_BYTES without reading it into memory', async () => {
    const path = join(dir, 'large.pdf');
    writeFileSync(path, '%PDF-1.7\n');
    truncateSync(path, MAX_PDF_BYTES + 1); // sparse: nothing is written, nothing may be read
    const before = process.memoryUsage().rss;
    await expect(extractText(path, 'pdf')).rejects.toBeInstanceOf(ExtractionRefused);
    expect(process.memoryUsage().rss - before).toBeLessThan(MAX_PDF_BYTES / 2);
  });
});
