/**
 * Rendering throughput of the official-paper renderer (renderOfficialPaperPdf), one process per
 * scenario like a render worker, so each peak RSS is its own:
 *   - report20:   a Decree 30 report whose figures table makes it about 20 pages;
 *   - record100:  an internal-audit report (record layout) with about 100 pages of findings.
 * Prints figures; never passes or fails.
 *
 *   npm run bench:paper
 *   npm run bench:paper -- --iterations=10
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { renderOfficialPaperPdf } from '../src/rendering/index.js';
import { sampleAuditRecordPaper, sampleReportPaper } from './support/sample-papers.js';
import { arg } from './api-process.js';
import { mib, row, runChild } from './support/processes.js';

type Scenario = 'report20' | 'record100';
const SCENARIOS: Record<Scenario, () => ReturnType<typeof sampleReportPaper>> = {
  report20: () => sampleReportPaper({ rows: 560 }),
  record100: () => sampleAuditRecordPaper({ rows: 1300 }),
};

interface Result {
  pages: number;
  outputMiB: number;
  msPerRender: number;
  pagesPerSecond: number;
  peakRssMiB: number;
}

async function runScenario(scenario: Scenario, iterations: number): Promise<Result> {
  const warm = await renderOfficialPaperPdf(SCENARIOS[scenario]());
  const t0 = performance.now();
  let pages = 0;
  for (let i = 0; i < iterations; i++) pages += (await renderOfficialPaperPdf(SCENARIOS[scenario]())).pageCount;
  const elapsed = performance.now() - t0;
  return {
    pages: warm.pageCount,
    outputMiB: mib(warm.bytes.length),
    msPerRender: Math.round(elapsed / iterations),
    pagesPerSecond: Math.round((pages / elapsed) * 1000 * 10) / 10,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function main(): Promise<void> {
  if (arg('child')) {
    const result = await runScenario(arg('scenario') as Scenario, Number(arg('iterations')));
    process.send!(result, () => process.exit(0));
    return;
  }
  const iterations = Number(arg('iterations') ?? 5);
  console.log(`Official-paper bench: ${iterations} timed renders per scenario after one warm-up, one process per scenario`);
  console.log('scenario     pages  output MiB  ms/render  pages/s  peak RSS MiB');
  for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
    const r = await runChild<Result>(fileURLToPath(import.meta.url), [`--scenario=${scenario}`, `--iterations=${iterations}`]);
    console.log(row([scenario, r.pages, r.outputMiB, r.msPerRender, r.pagesPerSecond, r.peakRssMiB], [11, 6, 11, 10, 8, 13]));
  }
}

await main();
