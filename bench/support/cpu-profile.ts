/**
 * Prints the heaviest functions of a V8 CPU profile (`node --cpu-prof`, e.g. the API under a bench
 * with BENCH_CPU_PROF=<dir>): self time and total time, by function and file.
 *
 *   node dist/bench/support/cpu-profile.js <file.cpuprofile> [--top=40] [--filter=text] [--last=ms]
 *
 * --last=ms: only the samples of the profile's last `ms` milliseconds (e.g. the final load phase).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: cpu-profile <file.cpuprofile> [--top=N] [--filter=text]');
const top = Number(process.argv.find((a) => a.startsWith('--top='))?.split('=')[1] ?? 40);
const filter = process.argv.find((a) => a.startsWith('--filter='))?.split('=')[1];
const last = Number(process.argv.find((a) => a.startsWith('--last='))?.split('=')[1] ?? 0);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
if (last > 0) {
  // Sample i was taken at startTime + sum(timeDeltas[0..i]) µs.
  let at = profile.startTime;
  const from = profile.endTime - last * 1000;
  const keep = profile.timeDeltas.map((d) => (at += d) >= from);
  profile.samples = profile.samples.filter((_s, i) => keep[i]);
  profile.startTime = Math.max(profile.startTime, from);
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const total = new Map<string, number>();
for (const id of profile.samples) {
  const n = byId.get(id)!;
  self.set(label(n), (self.get(label(n)) ?? 0) + 1);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + 1);
  }
}
const n = profile.samples.length;
const ms = (profile.endTime - profile.startTime) / 1000;
const idle = [...self].filter(([l]) => l.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
process.stdout.write(`${n} samples over ${ms.toFixed(0)} ms, ${((100 * (n - idle)) / n).toFixed(1)}% busy\n`);
const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [l, v] of [...m].filter(([l]) => !filter || l.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`  ${((100 * v) / n).toFixed(1).padStart(5)}%  ${l}\n`);
  }
};
print('self', self);
print('total', total);
