/**
 * Drawing in the page's *visual* coordinates: origin at the bottom-left corner of the page as a
 * reader sees it, whatever its /Rotate and crop box. Generated pages are unrotated with the origin
 * at (0, 0), so the frame is the identity there; copied source pages may be rotated (scans often
 * are), and their header and watermark must still read upright.
 */
import { Color, degrees, PDFFont, PDFPage } from 'pdf-lib';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FrameTextOptions {
  x: number;
  y: number;
  size: number;
  font: PDFFont;
  color?: Color;
  opacity?: number;
  /** Counter-clockwise rotation in degrees, in the visual frame, about (x, y). */
  rotate?: number;
}

export interface FrameRectOptions extends Box {
  fill?: Color;
  border?: Color;
  borderWidth?: number;
  opacity?: number;
}

/** /Rotate normalised to 0, 90, 180 or 270 (invalid values are rounded to a quarter turn). */
export function pageRotation(page: PDFPage): 0 | 90 | 180 | 270 {
  const angle = page.getRotation().angle;
  const quarter = Math.round((((angle % 360) + 360) % 360) / 90) % 4;
  return (quarter * 90) as 0 | 90 | 180 | 270;
}

export class PageFrame {
  /** Visual width and height (what a reader sees). */
  readonly width: number;
  readonly height: number;
  private readonly box: Box;
  private readonly rotation: 0 | 90 | 180 | 270;

  constructor(readonly page: PDFPage) {
    this.box = page.getCropBox();
    this.rotation = pageRotation(page);
    const sideways = this.rotation === 90 || this.rotation === 270;
    this.width = sideways ? this.box.height : this.box.width;
    this.height = sideways ? this.box.width : this.box.height;
  }

  text(text: string, o: FrameTextOptions): void {
    const p = this.map(o.x, o.y);
    this.page.drawText(text, {
      x: p.x,
      y: p.y,
      size: o.size,
      font: o.font,
      color: o.color,
      opacity: o.opacity,
      rotate: degrees((o.rotate ?? 0) + this.rotation),
    });
  }

  rect(o: FrameRectOptions): void {
    const p = this.map(o.x, o.y);
    this.page.drawRectangle({
      x: p.x,
      y: p.y,
      width: o.width,
      height: o.height,
      color: o.fill,
      borderColor: o.border,
      borderWidth: o.border ? (o.borderWidth ?? 0.5) : 0,
      opacity: o.fill ? o.opacity : undefined,
      borderOpacity: o.border ? o.opacity : undefined,
      rotate: degrees(this.rotation),
    });
  }

  line(x1: number, y1: number, x2: number, y2: number, thickness: number, color: Color): void {
    this.page.drawLine({ start: this.map(x1, y1), end: this.map(x2, y2), thickness, color });
  }

  /** Visual (vx, vy) to the page's user space. */
  private map(vx: number, vy: number): { x: number; y: number } {
    const { x, y, width, height } = this.box;
    switch (this.rotation) {
      case 0:
        return { x: x + vx, y: y + vy };
      case 90:
        return { x: x + width - vy, y: y + vx };
      case 180:
        return { x: x + width - vx, y: y + height - vy };
      case 270:
        return { x: x + vy, y: y + height - vx };
    }
  }
}

/**
 * Grows the page by `band` points at its visual top (crop box and, if needed, media box), so a
 * header can be printed there without covering any of the page's own content.
 */
export function extendVisualTop(page: PDFPage, band: number): void {
  const crop = page.getCropBox();
  const grown = { ...crop };
  switch (pageRotation(page)) {
    case 0:
      grown.height += band;
      break;
    case 90:
      grown.x -= band;
      grown.width += band;
      break;
    case 180:
      grown.y -= band;
      grown.height += band;
      break;
    case 270:
      grown.width += band;
      break;
  }
  const media = page.getMediaBox();
  const x0 = Math.min(media.x, grown.x);
  const y0 = Math.min(media.y, grown.y);
  const x1 = Math.max(media.x + media.width, grown.x + grown.width);
  const y1 = Math.max(media.y + media.height, grown.y + grown.height);
  page.setMediaBox(x0, y0, x1 - x0, y1 - y0);
  page.setCropBox(grown.x, grown.y, grown.width, grown.height);
}
