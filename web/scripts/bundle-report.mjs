#!/usr/bin/env node
// Prints the size of every built JavaScript chunk (raw and gzip) and what the first load of the
// public page (/cong-khai/{agencyCode}) transfers: the entry, its static imports and the public
// route's chunk with its static imports. Fails the build when that exceeds the budget (issue #12:
// ≤ 200 KB of JavaScript, gzip).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 200;
const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const raw = (file) => readFileSync(join(dist, file)).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** A chunk and everything it imports statically (what loads with it). */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) closure(dep, seen);
  return seen;
}

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const publicPage = Object.keys(manifest).find((k) => k.endsWith('PublicAgencyPage.tsx'));
if (!entry || !publicPage) throw new Error('bundle-report: entry or public page chunk not found in the manifest');

const rows = Object.entries(manifest)
  .filter(([, c]) => c.file.endsWith('.js'))
  .map(([key, c]) => ({ key, file: c.file, raw: raw(c.file), gzip: gz(c.file) }))
  .sort((a, b) => b.gzip - a.gzip);
console.log('\nJavaScript chunks (raw / gzip):');
for (const r of rows) console.log(`  ${r.file.padEnd(48)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)}  ${r.key}`);

const firstLoad = [...new Set([...closure(entry), ...closure(publicPage)])].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
const total = firstLoad.reduce((sum, f) => sum + gz(f), 0);
const css = [...new Set([...closure(entry), ...closure(publicPage)].flatMap((k) => manifest[k].css ?? []))].reduce((sum, f) => sum + gz(f), 0);
console.log(`\nPublic page first load: ${firstLoad.length} JS files, ${kb(total)} gzip (budget ${BUDGET_KB} KB); CSS ${kb(css)} gzip`);
const app = closure(entry);
for (const k of Object.keys(manifest).filter((k) => k.endsWith('AppLayout.tsx'))) closure(k, app);
console.log(`Signed-in shell first load: ${kb([...app].map((k) => manifest[k].file).filter((f) => f.endsWith('.js')).reduce((s, f) => s + gz(f), 0))} gzip (plus the screen's chunk)\n`);
if (total > BUDGET_KB * 1024) {
  console.error(`bundle-report: the public page loads ${kb(total)} of JavaScript (gzip), over the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
