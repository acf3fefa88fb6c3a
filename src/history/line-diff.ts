import { diffArrays } from 'diff';

/**
 * The line diff of the text fields of revisions (purpose, scope, the quality policy text, the
 * objectives' texts): the edit script comes from the `diff` package (Myers' O(ND) algorithm); the
 * hunks with their unified-diff numbering are built here.
 *
 * The common head and tail are cut first; the remaining edit distance is bounded
 * (`maxEdits`, default 2,000 edits): beyond it the middle is reported as removed-then-added and
 * `exact` is false, so a pathological input costs O(maxEdits²) memory at most.
 */

export type LineOp = 'equal' | 'added' | 'removed';

export interface DiffLine {
  op: LineOp;
  text: string;
}

/** A unified-diff hunk: 1-based starts; a side with no lines has start = the line before (0 at the top). */
export interface LineHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface LineDiff {
  added: number;
  removed: number;
  /** False when the edit distance exceeded the bound and the changed middle is shown as replaced whole. */
  exact: boolean;
  hunks: LineHunk[];
}

export interface LineDiffOptions {
  /** Unchanged lines kept around each change (default 3). */
  context?: number;
  /** Give up on a minimal script beyond this many inserted + deleted lines (default 2000). */
  maxEdits?: number;
}

/** Lines of a text: CRLF, CR and LF end lines; a final line break does not start an empty line. */
export function splitLines(text: string | null | undefined): string[] {
  if (text === null || text === undefined || text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The shortest edit script turning `a` into `b` as one op per line, in order (equal lines once),
 * from the `diff` package (Myers' algorithm). Returns null when more than `maxEdits` edits would
 * be needed.
 */
export function myersOps(a: readonly number[], b: readonly number[], maxEdits: number): LineOp[] | null {
  if (a.length + b.length === 0) return [];
  const changes = diffArrays([...a], [...b], { maxEditLength: maxEdits });
  if (!changes) return null;
  const ops: LineOp[] = [];
  for (const c of changes) ops.push(...Array<LineOp>(c.count ?? c.value.length).fill(c.added ? 'added' : c.removed ? 'removed' : 'equal'));
  return ops;
}

/** Diffs two texts line by line into unified hunks. Identical texts give no hunks. */
export function diffLines(oldText: string | null | undefined, newText: string | null | undefined, opts: LineDiffOptions = {}): LineDiff {
  const context = Math.max(0, opts.context ?? 3);
  const maxEdits = Math.max(1, opts.maxEdits ?? 2000);
  const a = splitLines(oldText);
  const b = splitLines(newText);

  // Intern lines to integers: comparisons in the inner loop are then cheap.
  const ids = new Map<string, number>();
  const intern = (s: string) => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  };
  const ai = a.map(intern);
  const bi = b.map(intern);

  let head = 0;
  while (head < ai.length && head < bi.length && ai[head] === bi[head]) head++;
  let tail = 0;
  while (tail < ai.length - head && tail < bi.length - head && ai[ai.length - 1 - tail] === bi[bi.length - 1 - tail]) tail++;

  const middle = myersOps(ai.slice(head, ai.length - tail), bi.slice(head, bi.length - tail), maxEdits);
  const exact = middle !== null;
  const mid: LineOp[] =
    middle ?? [...Array<LineOp>(ai.length - head - tail).fill('removed'), ...Array<LineOp>(bi.length - head - tail).fill('added')];
  const ops: LineOp[] = [...Array<LineOp>(head).fill('equal'), ...mid, ...Array<LineOp>(tail).fill('equal')];

  // Lines with their positions.
  const lines: { op: LineOp; text: string; oldNo: number; newNo: number }[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === 'equal') lines.push({ op, text: a[i], oldNo: ++i, newNo: ++j });
    else if (op === 'removed') lines.push({ op, text: a[i], oldNo: ++i, newNo: j });
    else lines.push({ op, text: b[j], oldNo: i, newNo: ++j });
  }

  const added = lines.filter((l) => l.op === 'added').length;
  const removed = lines.filter((l) => l.op === 'removed').length;
  return { added, removed, exact, hunks: toHunks(lines, context) };
}

function toHunks(lines: { op: LineOp; text: string; oldNo: number; newNo: number }[], context: number): LineHunk[] {
  const changed = lines.map((l, idx) => (l.op === 'equal' ? -1 : idx)).filter((idx) => idx >= 0);
  if (!changed.length) return [];
  // Ranges [from, to] of lines to show: each change with its context, merged when they touch.
  const ranges: [number, number][] = [];
  for (const idx of changed) {
    const from = Math.max(0, idx - context);
    const to = Math.min(lines.length - 1, idx + context);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else ranges.push([from, to]);
  }
  return ranges.map(([from, to]) => {
    const slice = lines.slice(from, to + 1);
    const oldLines = slice.filter((l) => l.op !== 'added').length;
    const newLines = slice.filter((l) => l.op !== 'removed').length;
    const first = slice[0];
    // Start of each side: its first line in the hunk, or the line before when the side is empty.
    const oldStart = oldLines ? slice.find((l) => l.op !== 'added')!.oldNo : first.oldNo;
    const newStart = newLines ? slice.find((l) => l.op !== 'removed')!.newNo : first.newNo;
    return { oldStart, oldLines, newStart, newLines, lines: slice.map((l) => ({ op: l.op, text: l.text })) };
  });
}
