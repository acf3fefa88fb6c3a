/**
 * Text extraction of PDFs for search: a Vietnamese text PDF of 10, 50, 200 and 400 pages (~300
 * words a page, DejaVu Sans subset with its ToUnicode map, as the renderer embeds it) is extracted
 * by the search module's `extractText` in a child process of its own, so each size's memory is its
 * own. Prints the time, pages per second, the peak RSS of the child and the heap peak above the
 * idle child while extracting: a flat memory shows as a peak that does not grow with the pages
 * (pdfjs reads the file from memory, so the file's own bytes are the part that grows). Never passes
 * or fails.
 *
 *   npm run bench:extract -- [--pages=10,50,200,400]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { loadFontBytes } from '../src/rendering/index.js';
import { extractText } from '../src/search/text-extraction.js';
import { arg } from './api-process.js';
import { mib, row, runChild } from './support/processes.js';

const WORDS = (
  'hồ sơ thủ tục giấy phép xây dựng đất đai môi trường hộ tịch khai sinh kết hôn chứng thực bản sao thẩm định phê duyệt tiếp nhận ' +
  'trả kết quả bộ phận một cửa ủy ban nhân dân cấp tỉnh cấp huyện cấp xã lệ phí thời hạn giải quyết ngày làm việc văn bản quy phạm ' +
  'pháp luật nghị định thông tư quyết định trách nhiệm lãnh đạo chuyên viên phòng ban kiểm tra hiện trường biên bản báo cáo kế hoạch'
).split(' ');

interface Result {
  pages: number;
  fileMiB: number;
  ms: number;
  pagesPerSecond: number;
  chars: number;
  state: string;
  idleRssMiB: number;
  peakRssMiB: number;
  heapPeakAboveIdleMiB: number;
  /** "kiểm tra hiện trường" is on every page: found in the text as extracted (NFC). */
  diacriticsIntact: boolean;
}

/** A PDF of `pages` A4 pages of Vietnamese text, 45 lines of ~7 words each. */
async function vietnamesePdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont((await loadFontBytes()).regular, { subset: true });
  let w = 0;
  for (let p = 1; p <= pages; p++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Phụ lục, trang ${p}/${pages}: kiểm tra hiện trường`, { x: 60, y: 790, size: 13, font });
    for (let l = 0; l < 45; l++) {
      const line: string[] = [];
      for (let k = 0; k < 7; k++) line.push(WORDS[(w++ * 7919) % WORDS.length]);
      page.drawText(line.join(' '), { x: 60, y: 765 - l * 15.5, size: 10, font });
    }
  }
  return doc.save();
}

async function child(file: string, pages: number): Promise<Result> {
  global.gc?.();
  const idleRss = process.memoryUsage().rss;
  const idleHeap = process.memoryUsage().heapUsed;
  let heapPeak = idleHeap;
  let rssPeak = idleRss;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    rssPeak = Math.max(rssPeak, m.rss);
  }, 5);
  const t0 = performance.now();
  const r = await extractText(file, 'pdf');
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const m = process.memoryUsage();
  heapPeak = Math.max(heapPeak, m.heapUsed);
  rssPeak = Math.max(rssPeak, m.rss);
  const { size } = await import('node:fs').then((fs) => fs.statSync(file));
  return {
    pages: r.pages ?? pages,
    fileMiB: mib(size),
    ms: Math.round(ms),
    pagesPerSecond: Math.round(((r.pages ?? pages) / ms) * 1000),
    chars: r.text?.length ?? 0,
    state: r.state,
    idleRssMiB: mib(idleRss),
    peakRssMiB: mib(rssPeak),
    heapPeakAboveIdleMiB: mib(heapPeak - idleHeap),
    diacriticsIntact: (r.text ?? '').includes('kiểm tra hiện trường'),
  };
}

async function main(): Promise<void> {
  if (arg('child')) {
    const result = await child(arg('file')!, Number(arg('pages')));
    process.send!(result, () => process.exit(0));
    return;
  }
  const sizes = (arg('pages') ?? '10,50,200,400').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'eiso-bench-extract-'));
  try {
    console.log(`Text extraction of Vietnamese PDFs (one child process per size; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    console.log(row(['pages', 'file MiB', 'ms', 'pages/s', 'chars', 'state', 'idle RSS', 'peak RSS', 'heap peak +MiB', 'diacritics'], [6, 9, 7, 8, 10, 8, 9, 9, 15, 11]));
    for (const pages of sizes) {
      const file = join(dir, `p${pages}.pdf`);
      writeFileSync(file, await vietnamesePdf(pages));
      const r = await runChild<Result>(fileURLToPath(import.meta.url), [`--file=${file}`, `--pages=${pages}`]);
      console.log(
        row(
          [r.pages, r.fileMiB, r.ms, r.pagesPerSecond, r.chars, r.state, r.idleRssMiB, r.peakRssMiB, r.heapPeakAboveIdleMiB, r.diacriticsIntact ? 'intact' : 'LOST'],
          [6, 9, 7, 8, 10, 8, 9, 9, 15, 11],
        ),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
