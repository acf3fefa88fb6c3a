/**
 * Bench helpers shared by the scripts: scenarios in child processes, an s3rver in its own process,
 * sample PDFs and aligned result rows.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** Bytes in MiB, one decimal. */
export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * Runs `script` (the caller's own file) again in a child process with `--child` and `args`, and
 * resolves with the one message the child sends (its results), so that each scenario's memory is its own.
 */
export function runChild<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(script, ['--child', ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as T));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`scenario ${args.join(' ')} exited with ${code}`)));
  });
}

/** An s3rver (bench/s3-server.ts) in its own process, storing under `dir`. */
export async function startS3(dir: string, bucket = 'eiso-bench'): Promise<{ endpoint: string; pid: number; stop(): void }> {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), '..', 's3-server.js'), [dir, bucket], { stdio: 'ignore' });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { endpoint: string }) => resolve(m.endpoint));
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  return { endpoint, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** A text PDF of `pages` A4 pages ("<heading>, page p of n" and 45 lines each), as a source to append. */
export async function textPdf(pages: number, heading: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 1; p <= pages; p++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`${heading}, page ${p} of ${pages}`, { x: 72, y: 780, size: 14, font });
    for (let l = 0; l < 45; l++) page.drawText(`Line ${l + 1}: the quick brown fox jumps over the lazy dog ${p * 100 + l}`, { x: 72, y: 750 - l * 15, size: 10, font });
  }
  return doc.save();
}

/** One row of a results table: the first cell padded to its width on the right, the others on the left. */
export function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' ');
}
