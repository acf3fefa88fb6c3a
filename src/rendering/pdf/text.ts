/**
 * Measuring, wrapping and drawing text with the embedded fonts. Rich text is a list of runs
 * (regular or bold, upright or italic — italic needs the oblique fonts embedded); wrapping is greedy on spaces, and a word wider than the line is broken between
 * characters. Widths are cached per (font, size, word): fontkit shaping is the costly part.
 */
import { Color, PDFFont, rgb } from 'pdf-lib';
import { FontSet, TextCleaner } from './fonts.js';
import { PageFrame } from './page-frame.js';

export type Align = 'left' | 'center' | 'right';

export interface Run {
  text: string;
  bold?: boolean;
  /** Drawn with the oblique font when the painter's font set has it (embedFonts with `italic`). */
  italic?: boolean;
}

/** Plain text (one regular run) or runs. `\n` starts a new line. */
export type RichText = string | Run[];

export const BLACK = rgb(0, 0, 0);

/** A piece of a word in one font. */
interface Segment {
  text: string;
  bold: boolean;
  italic?: boolean;
  width: number;
}

interface Word {
  segments: Segment[];
  width: number;
}

/** One character of a word being broken, with its style. */
interface Char {
  ch: string;
  bold: boolean;
  italic?: boolean;
}

/** One wrapped line: words separated by one space each. */
export interface TextLine {
  words: Word[];
  width: number;
}

/** Line height as a multiple of the font size, and the baseline below the line's top. */
export const LINE_HEIGHT = 1.4;
const BASELINE = 1.08;

export function lineHeightOf(size: number): number {
  return size * LINE_HEIGHT;
}

export class TextPainter {
  private readonly widths = new Map<string, number>();

  constructor(
    readonly fonts: FontSet,
    readonly cleaner: TextCleaner,
  ) {}

  font(bold: boolean | undefined, italic?: boolean): PDFFont {
    if (italic && this.fonts.italic) return bold ? this.fonts.boldItalic! : this.fonts.italic;
    return bold ? this.fonts.bold : this.fonts.regular;
  }

  /** Width of cleaned text in points. */
  measure(text: string, size: number, bold = false, italic = false): number {
    const key = `${bold ? 'b' : 'r'}${italic ? 'i' : ''}${size}|${text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      w = this.font(bold, italic).widthOfTextAtSize(text, size);
      if (this.widths.size > 50_000) this.widths.clear();
      this.widths.set(key, w);
    }
    return w;
  }

  /** Wraps rich text into lines no wider than `width`. Empty text gives no lines. */
  wrap(text: RichText, size: number, width: number, bold = false, italic = false): TextLine[] {
    const runs: Run[] = typeof text === 'string' ? [{ text, bold, italic }] : text.map((r) => ({ text: r.text, bold: r.bold ?? bold, italic: r.italic ?? italic }));
    const lines: TextLine[] = [];
    for (const hardLine of this.splitHardLines(runs)) {
      const words = this.words(hardLine, size);
      if (words.length === 0) {
        lines.push({ words: [], width: 0 });
        continue;
      }
      this.fill(words, size, width, lines);
    }
    while (lines.length > 0 && lines[lines.length - 1].words.length === 0) lines.pop();
    return lines;
  }

  /**
   * Wraps into at most `maxLines` lines; if the text is longer, the last line is cut and ends
   * with "…". For fixed-size places such as the page header.
   */
  wrapClamped(text: RichText, size: number, width: number, maxLines: number, bold = false): TextLine[] {
    const lines = this.wrap(text, size, width, bold);
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1];
    const flat = last.words.map((w) => w.segments.map((s) => s.text).join('')).join(' ');
    const lastBold = last.words[0]?.segments[0]?.bold ?? bold;
    let cut = flat;
    while (cut.length > 0 && this.measure(`${cut}…`, size, lastBold) > width) cut = cut.slice(0, -1);
    kept[maxLines - 1] = this.wrap(`${cut.trimEnd()}…`, size, width + 1, lastBold)[0] ?? { words: [], width: 0 };
    return kept;
  }

  /** The largest size ≤ `size` (and ≥ `min`) at which `text` fits on one line of `width`. */
  fitSize(text: string, size: number, width: number, bold = false, min = 4): number {
    const w = this.measure(this.cleaner.clean(text), size, bold);
    if (w <= width) return size;
    return Math.max(min, Math.floor(((size * width) / w) * 10) / 10);
  }

  /**
   * Draws lines from `top` (the top of the first line) downwards; returns the y below the last.
   */
  drawLines(
    frame: PageFrame,
    lines: TextLine[],
    o: { x: number; top: number; width: number; size: number; align?: Align; color?: Color; lineHeight?: number },
  ): number {
    const lh = o.lineHeight ?? lineHeightOf(o.size);
    let top = o.top;
    for (const line of lines) {
      this.drawLine(frame, line, { ...o, baseline: top - o.size * BASELINE - (lh - lineHeightOf(o.size)) / 2 });
      top -= lh;
    }
    return top;
  }

  drawLine(
    frame: PageFrame,
    line: TextLine,
    o: { x: number; baseline: number; width: number; size: number; align?: Align; color?: Color },
  ): void {
    const space = this.measure(' ', o.size);
    let x = o.x;
    if (o.align === 'center') x += (o.width - line.width) / 2;
    else if (o.align === 'right') x += o.width - line.width;
    // Consecutive segments in the same font become one text-showing operation.
    let pending = '';
    let pendingBold = false;
    let pendingItalic = false;
    let pendingX = x;
    const flush = () => {
      if (pending.length > 0) {
        frame.text(pending, { x: pendingX, y: o.baseline, size: o.size, font: this.font(pendingBold, pendingItalic), color: o.color ?? BLACK });
      }
      pending = '';
    };
    line.words.forEach((word, wi) => {
      if (wi > 0) {
        if (pending.length > 0) pending += ' ';
        x += space;
      }
      for (const seg of word.segments) {
        if (pending.length > 0 && (seg.bold !== pendingBold || Boolean(seg.italic) !== pendingItalic)) flush();
        if (pending.length === 0) {
          pendingX = x;
          pendingBold = seg.bold;
          pendingItalic = Boolean(seg.italic);
        }
        pending += seg.text;
        x += seg.width;
      }
    });
    flush();
  }

  private splitHardLines(runs: Run[]): Run[][] {
    const out: Run[][] = [[]];
    for (const run of runs) {
      const parts = this.cleaner.clean(run.text).split('\n');
      parts.forEach((part, i) => {
        if (i > 0) out.push([]);
        if (part.length > 0) out[out.length - 1].push({ text: part, bold: run.bold, italic: run.italic });
      });
    }
    return out;
  }

  /** Words of one hard line; a word may span runs ("Điều" bold + "5" regular without a space). */
  private words(runs: Run[], size: number): Word[] {
    const words: Word[] = [];
    let current: Segment[] = [];
    const endWord = () => {
      if (current.length > 0) words.push({ segments: current, width: current.reduce((a, s) => a + s.width, 0) });
      current = [];
    };
    for (const run of runs) {
      const bold = run.bold ?? false;
      const italic = run.italic ?? false;
      const pieces = run.text.split(/( +)/);
      for (const piece of pieces) {
        if (piece.length === 0) continue;
        if (piece.startsWith(' ')) {
          endWord();
          continue;
        }
        current.push(italic ? { text: piece, bold, italic, width: this.measure(piece, size, bold, true) } : { text: piece, bold, width: this.measure(piece, size, bold) });
      }
    }
    endWord();
    return words;
  }

  /** Greedy line filling; words wider than the line are broken between characters. */
  private fill(words: Word[], size: number, width: number, lines: TextLine[]): void {
    const space = this.measure(' ', size);
    let line: TextLine = { words: [], width: 0 };
    const push = () => {
      if (line.words.length > 0) lines.push(line);
      line = { words: [], width: 0 };
    };
    const queue = [...words];
    while (queue.length > 0) {
      const word = queue.shift()!;
      const needed = line.words.length === 0 ? word.width : line.width + space + word.width;
      if (needed <= width + 0.01) {
        line.width = needed;
        line.words.push(word);
        continue;
      }
      if (line.words.length > 0) {
        push();
        queue.unshift(word);
        continue;
      }
      // The word alone is wider than the line: cut it.
      const [head, tail] = this.breakWord(word, size, width);
      line.words.push(head);
      line.width = head.width;
      push();
      if (tail) queue.unshift(tail);
    }
    push();
  }

  private breakWord(word: Word, size: number, width: number): [Word, Word | undefined] {
    const chars: Char[] = [];
    for (const seg of word.segments) for (const ch of seg.text) chars.push({ ch, bold: seg.bold, italic: seg.italic });
    // Binary search for the longest prefix that fits (at least one character).
    let lo = 1;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.widthOf(chars.slice(0, mid), size) <= width) lo = mid;
      else hi = mid - 1;
    }
    const head = this.toWord(chars.slice(0, lo), size);
    const rest = chars.slice(lo);
    return [head, rest.length > 0 ? this.toWord(rest, size) : undefined];
  }

  private widthOf(chars: Char[], size: number): number {
    return this.toWord(chars, size).width;
  }

  private toWord(chars: Char[], size: number): Word {
    const segments: Segment[] = [];
    for (const c of chars) {
      const last = segments[segments.length - 1];
      if (last && last.bold === c.bold && last.italic === c.italic) last.text += c.ch;
      else segments.push(c.italic ? { text: c.ch, bold: c.bold, italic: true, width: 0 } : { text: c.ch, bold: c.bold, width: 0 });
    }
    for (const s of segments) s.width = this.measure(s.text, size, s.bold, Boolean(s.italic));
    return { segments, width: segments.reduce((a, s) => a + s.width, 0) };
  }
}
