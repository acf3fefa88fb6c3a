/**
 * The renderer's fonts: DejaVu Sans regular and bold (npm package `dejavu-fonts-ttf`), which cover
 * every Vietnamese letter with precomposed glyphs, and on request (official papers: the place-and-date
 * line, "Nơi nhận") their oblique styles. They are embedded as subsets (only the glyphs
 * used) with a ToUnicode map, so text extraction returns the exact NFC text.
 *
 * Text is cleaned before it reaches pdf-lib: NFC (decomposed marks would be drawn unpositioned,
 * since pdf-lib ignores GPOS mark placement), control characters removed, tabs as spaces, and any
 * character the font lacks replaced by "?" with a warning (pdf-lib would draw .notdef boxes that
 * extract as garbage).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFFont } from 'pdf-lib';

const require = createRequire(import.meta.url);

export const FONT_FILES = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  italic: 'dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf',
  boldItalic: 'dejavu-fonts-ttf/ttf/DejaVuSans-BoldOblique.ttf',
} as const;

/**
 * Fixed BaseFont names with a subset tag. pdf-lib would otherwise name the font with a random
 * suffix; fixed names keep the output deterministic and tell viewers the font is a subset.
 */
const SUBSET_NAMES = {
  regular: 'EISOAA+DejaVuSans',
  bold: 'EISOAB+DejaVuSans-Bold',
  italic: 'EISOAC+DejaVuSans-Oblique',
  boldItalic: 'EISOAD+DejaVuSans-BoldOblique',
} as const;

export type FontStyle = keyof typeof FONT_FILES;

export type FontBytes = Record<FontStyle, Uint8Array>;

let fontBytes: Promise<FontBytes> | undefined;

/** Reads the TTF files once per process. */
export function loadFontBytes(): Promise<FontBytes> {
  fontBytes ??= (async () => {
    const styles = Object.keys(FONT_FILES) as FontStyle[];
    const files = await Promise.all(styles.map((style) => readFile(require.resolve(FONT_FILES[style]))));
    return Object.fromEntries(styles.map((style, i) => [style, new Uint8Array(files[i])])) as FontBytes;
  })().catch((err: unknown) => {
    fontBytes = undefined;
    throw err;
  });
  return fontBytes;
}

export interface FontSet {
  regular: PDFFont;
  bold: PDFFont;
  /** Present when embedded with `{ italic: true }`; italic runs are drawn upright without them. */
  italic?: PDFFont;
  boldItalic?: PDFFont;
}

/**
 * fontkit without the OpenType shaping engine: `layout` maps each code point to its glyph through
 * the cmap and nothing else. pdf-lib only uses the glyphs and their advance widths (it ignores GPOS
 * positions, so kerning and mark placement are never applied anyway); skipping GSUB/GPOS makes
 * measuring and drawing several times faster, and keeps one glyph per character, so the ToUnicode
 * map of the subset is exact (no ligature glyphs standing for two letters).
 */
const plainFontkit = {
  create(data: Uint8Array, postscriptName?: string) {
    const font = fontkit.create(data, postscriptName);
    const layout = (text: string) => ({ glyphs: font.glyphsForString(text) });
    Object.defineProperty(font, 'layout', { value: layout });
    return font;
  },
} as unknown as Parameters<PDFDocument['registerFontkit']>[0];

/** Embeds the subset fonts into a document: regular and bold, and with `italic` their oblique styles. */
export async function embedFonts(doc: PDFDocument, o: { italic?: boolean } = {}): Promise<FontSet> {
  const bytes = await loadFontBytes();
  doc.registerFontkit(plainFontkit);
  const embed = (style: FontStyle) => doc.embedFont(bytes[style], { subset: true, customName: SUBSET_NAMES[style] });
  const regular = await embed('regular');
  const bold = await embed('bold');
  if (!o.italic) return { regular, bold };
  return { regular, bold, italic: await embed('italic'), boldItalic: await embed('boldItalic') };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Makes text drawable with the embedded fonts and remembers what it had to replace.
 * Newlines are kept (they separate paragraphs/lines for the layout engine).
 */
export class TextCleaner {
  private readonly missing = new Set<string>();
  private readonly cache = new Map<string, string>();

  constructor(private readonly fonts: FontSet) {}

  clean(text: string): string {
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    const normalised = text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL, '');
    let out = '';
    for (const ch of normalised) {
      if (ch === '\n' || ch === ' ' || this.supports(ch)) out += ch;
      else {
        this.missing.add(ch);
        out += '?';
      }
    }
    if (this.cache.size < 10_000) this.cache.set(text, out);
    return out;
  }

  /** Characters replaced so far, as a warning, or undefined. */
  warning(): string | undefined {
    if (this.missing.size === 0) return undefined;
    const list = [...this.missing]
      .slice(0, 20)
      .map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
      .join(', ');
    return `unsupported_characters: ${this.missing.size} character(s) not in the font were printed as "?" (${list})`;
  }

  private supports(ch: string): boolean {
    this.supported ??= supportedBy(this.fonts);
    return this.supported.has(ch.codePointAt(0)!);
  }

  private supported: Set<number> | undefined;
}

/**
 * Code points every font of the set has glyphs for: the same files in every document, so computed
 * once per kind of set (upright only, or with the oblique styles, which lack some non-Latin scripts).
 */
const supportedCodePoints = new Map<string, Set<number>>();

function supportedBy(fonts: FontSet): Set<number> {
  const members = [fonts.regular, fonts.bold, fonts.italic, fonts.boldItalic].filter((f): f is PDFFont => f !== undefined);
  const key = String(members.length);
  let set = supportedCodePoints.get(key);
  if (!set) {
    set = new Set(members[0].getCharacterSet());
    for (const f of members.slice(1)) {
      const has = new Set(f.getCharacterSet());
      for (const cp of set) if (!has.has(cp)) set.delete(cp);
    }
    supportedCodePoints.set(key, set);
  }
  return set;
}
