/**
 * Rendering throughput of the controlled-copy renderer (src/rendering):
 *   - procedure20:  a procedure whose rendition is about 20 pages (cover, tracking page, a long
 *                   step table), rendered repeatedly;
 *   - stamp200text: a small procedure plus a 200-page text source PDF, copied and stamped;
 *   - stamp200scan: the same with a 200-page "scanned" source (one 150 dpi grey image per page).
 * Each scenario runs in its own Node process, like a render worker, so its peak RSS is its own.
 * Prints figures; never passes or fails.
 *
 *   npm run bench:render
 *   npm run bench:render -- --iterations=10
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { concatTransformationMatrix, drawObject, PDFDocument, PDFName, popGraphicsState, pushGraphicsState } from 'pdf-lib';
import { renderRevisionPdf } from '../src/rendering/index.js';
import { sampleProcedureModel } from './support/sample-models.js';
import { arg } from './api-process.js';
import { mib, row, runChild, textPdf } from './support/processes.js';

type Scenario = 'procedure20' | 'stamp200text' | 'stamp200scan';
const SCENARIOS: Scenario[] = ['procedure20', 'stamp200text', 'stamp200scan'];

interface ScenarioResult {
  scenario: Scenario;
  iterations: number;
  pages: number;
  sourceMiB: number;
  outputMiB: number;
  msPerRender: number;
  pagesPerSecond: number;
  peakRssMiB: number;
  warnings: string[];
}

/** Steps giving a ~20-page procedure rendition (found once, outside the timing). */
async function stepsFor20Pages(): Promise<number> {
  let steps = 100;
  for (let i = 0; i < 6; i++) {
    const { pageCount } = await renderRevisionPdf(sampleProcedureModel({ steps }));
    if (pageCount === 20) break;
    steps = Math.max(10, Math.round((steps * 20) / pageCount) + (pageCount < 20 ? 1 : -1));
  }
  return steps;
}

/** A scan-like page: 150 dpi grey image (white paper, dark "text lines"), Flate-compressed. */
function scanImage(page: number, width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height, 255);
  let seed = page * 7919;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let line = 0; line < 55; line++) {
    const top = 150 + line * 28;
    let x = 150;
    while (x < width - 150) {
      const word = 20 + Math.floor(rand() * 90);
      for (let y = top; y < top + 14 && y < height; y++) {
        for (let i = x; i < Math.min(x + word, width - 150); i++) raw[y * width + i] = 40 + Math.floor(rand() * 60);
      }
      x += word + 12;
    }
  }
  return deflateSync(raw, { level: 6 });
}

async function scanSource(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const [w, h] = [1240, 1754];
  for (let p = 1; p <= pages; p++) {
    const page = doc.addPage([595.28, 841.89]);
    const image = doc.context.stream(scanImage(p, w, h), {
      Type: 'XObject',
      Subtype: 'Image',
      Width: w,
      Height: h,
      ColorSpace: 'DeviceGray',
      BitsPerComponent: 8,
      Filter: 'FlateDecode',
    });
    const ref = doc.context.register(image);
    page.node.setXObject(PDFName.of('Scan'), ref);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(595.28, 0, 0, 841.89, 0, 0), drawObject('Scan'), popGraphicsState());
  }
  return doc.save();
}

/** Child process: runs one scenario and sends its result. */
async function runScenario(scenario: Scenario, iterations: number, sourceFile: string | undefined, steps: number): Promise<ScenarioResult> {
  const source = sourceFile ? new Uint8Array(readFileSync(sourceFile)) : undefined;
  const model = () => ({ ...sampleProcedureModel({ steps }), sourcePdf: source ?? null });
  const warm = await renderRevisionPdf(model());
  const t0 = performance.now();
  let pages = 0;
  let outputBytes = 0;
  for (let i = 0; i < iterations; i++) {
    const r = await renderRevisionPdf(model());
    pages += r.pageCount;
    outputBytes = r.bytes.length;
  }
  const elapsed = performance.now() - t0;
  return {
    scenario,
    iterations,
    pages: warm.pageCount,
    sourceMiB: mib(source?.length ?? 0),
    outputMiB: mib(outputBytes),
    msPerRender: Math.round(elapsed / iterations),
    pagesPerSecond: Math.round((pages / elapsed) * 1000 * 10) / 10,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    warnings: warm.warnings,
  };
}

async function main(): Promise<void> {
  if (arg('child')) {
    const result = await runScenario(arg('scenario') as Scenario, Number(arg('iterations')), arg('source'), Number(arg('steps')));
    process.send!(result, () => process.exit(0));
    return;
  }
  const iterations = Number(arg('iterations') ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'eiso-bench-render-'));
  try {
    const steps20 = await stepsFor20Pages();
    writeFileSync(join(dir, 'text.pdf'), await textPdf(200, 'Decision annex'));
    writeFileSync(join(dir, 'scan.pdf'), await scanSource(200));
    const plan: Record<Scenario, string[]> = {
      procedure20: [`--steps=${steps20}`],
      stamp200text: ['--steps=3', `--source=${join(dir, 'text.pdf')}`],
      stamp200scan: ['--steps=3', `--source=${join(dir, 'scan.pdf')}`],
    };
    console.log(`Rendering bench: ${iterations} timed renders per scenario after one warm-up, one process per scenario`);
    console.log('scenario       pages  source MiB  output MiB  ms/render  pages/s  peak RSS MiB');
    for (const scenario of SCENARIOS) {
      const r = await runChild<ScenarioResult>(fileURLToPath(import.meta.url), [`--scenario=${scenario}`, `--iterations=${iterations}`, ...plan[scenario]]);
      console.log(row([scenario, r.pages, r.sourceMiB, r.outputMiB, r.msPerRender, r.pagesPerSecond, r.peakRssMiB], [13, 6, 11, 11, 10, 8, 13]));
      if (r.warnings.length > 0) console.log(`  warnings: ${r.warnings.join('; ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
