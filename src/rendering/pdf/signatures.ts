/**
 * Signatures on printed copies, two ways:
 * - `signatureGrid`: the table of ISO controlled copies and records (a column per signer: heading,
 *   name, position, signature status, date), as on a revision cover (Soạn thảo | Kiểm tra | Phê duyệt);
 * - `signatureArea`: Decree 30 signature blocks at the end of an official paper (capacity lines such
 *   as "TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH", the position, the electronic signature status, the
 *   name) with "Nơi nhận:" and its list on the left; kept together on one page.
 */
import type { FlowLayout } from './layout.js';
import { PageFrame } from './page-frame.js';
import { lineHeightOf, RichText, TextLine, TextPainter } from './text.js';

export interface SignatureGridColumn {
  heading: string;
  /** Names (several signers of one column on separate lines). */
  name: string;
  /** Capacity and position lines, e.g. "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC". */
  position: string;
  /** "Đã ký điện tử", "Chưa ký", ... */
  signature: string;
  /** The signing date, short form; empty when not signed. */
  date: string;
}

/** Họ và tên | Chức vụ | Chữ ký | Ngày ký rows, one column per signer. */
export function signatureGrid(layout: FlowLayout, columns: SignatureGridColumn[]): void {
  layout.table({
    columns: [{ header: '', width: 1.1 }, ...columns.map((c) => ({ header: c.heading, width: 2, align: 'center' as const }))],
    rows: [
      [{ text: 'Họ và tên', bold: true }, ...columns.map((c) => ({ text: c.name, bold: true }))],
      [{ text: 'Chức vụ', bold: true }, ...columns.map((c) => c.position)],
      [{ text: 'Chữ ký', bold: true }, ...columns.map((c) => c.signature)],
      [{ text: 'Ngày ký', bold: true }, ...columns.map((c) => c.date)],
    ],
    size: 9.5,
    padding: 5,
  });
}

/** One Decree 30 signature block. */
export interface SignatureBlockText {
  /** Capacity lines above the position ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), upper case. */
  capacity: string[];
  /** e.g. "PHÓ CHỦ TỊCH", upper case; may be empty. */
  position: string;
  /** Printed in the signing space: "(Đã ký điện tử ngày 10/06/2026)", "(Chưa ký)". */
  status: string;
  /** The signer's name; empty prints nothing. */
  fullName: string;
}

export interface SignatureAreaOptions {
  blocks: SignatureBlockText[];
  /** "Nơi nhận" lines as printed ("- Sở KH&CN;" ... "- Lưu: VT."); none: no list. */
  recipients?: string[] | null;
}

const CAPACITY_SIZE = 10.5;
const STATUS_SIZE = 9.5;
const RECIPIENTS_HEAD_SIZE = 10;
const RECIPIENTS_SIZE = 9;
/** Space left for the handwritten signature and seal on a printed copy (holds the status line). */
const SIGNING_SPACE = 46;

interface Piece {
  lines: TextLine[];
  size: number;
  align: 'left' | 'center';
  /** Space before this piece. */
  gap: number;
}

interface Column {
  x: number;
  width: number;
  pieces: Piece[];
}

function heightOf(c: Column): number {
  return c.pieces.reduce((h, p) => h + p.gap + p.lines.length * lineHeightOf(p.size), 0);
}

function drawColumn(painter: TextPainter, frame: PageFrame, c: Column, top: number): void {
  let y = top;
  for (const p of c.pieces) {
    y -= p.gap;
    y = painter.drawLines(frame, p.lines, { x: c.x, top: y, width: c.width, size: p.size, align: p.align });
  }
}

function blockColumn(painter: TextPainter, b: SignatureBlockText, x: number, width: number): Column {
  const wrap = (text: RichText, size: number, bold = false, italic = false) => painter.wrap(text, size, width, bold, italic);
  const heading = [...b.capacity, b.position].filter((l) => l.trim().length > 0).join('\n');
  const statusLines = wrap(b.status, STATUS_SIZE, false, true);
  const statusHeight = statusLines.length * lineHeightOf(STATUS_SIZE);
  const around = Math.max(4, (SIGNING_SPACE - statusHeight) / 2);
  return {
    x,
    width,
    pieces: [
      { lines: wrap(heading, CAPACITY_SIZE, true), size: CAPACITY_SIZE, align: 'center', gap: 0 },
      { lines: statusLines, size: STATUS_SIZE, align: 'center', gap: around },
      { lines: b.fullName ? wrap(b.fullName, CAPACITY_SIZE, true) : [], size: CAPACITY_SIZE, align: 'center', gap: around },
    ],
  };
}

function recipientsColumn(painter: TextPainter, lines: string[], x: number, width: number): Column {
  return {
    x,
    width,
    pieces: [
      { lines: painter.wrap([{ text: 'Nơi nhận:', bold: true, italic: true }], RECIPIENTS_HEAD_SIZE, width), size: RECIPIENTS_HEAD_SIZE, align: 'left', gap: 0 },
      ...lines.map((l) => ({ lines: painter.wrap(l, RECIPIENTS_SIZE, width), size: RECIPIENTS_SIZE, align: 'left' as const, gap: 1 })),
    ],
  };
}

/**
 * The signature area: one block on the right with "Nơi nhận" on the left (the usual paper); several
 * blocks side by side with "Nơi nhận" below them on the left (minutes, joint papers). Each row is
 * kept on one page (a page break first when it does not fit).
 */
export function signatureArea(layout: FlowLayout, o: SignatureAreaOptions): void {
  const painter = layout.painter;
  const left = layout.margins.left;
  const width = layout.contentWidth;
  const recipients = o.recipients?.length ? o.recipients : null;
  const rows: Column[][] = [];
  if (o.blocks.length <= 1) {
    const leftW = width * 0.46;
    const row: Column[] = [];
    if (recipients) row.push(recipientsColumn(painter, recipients, left, leftW - 10));
    if (o.blocks.length === 1) row.push(blockColumn(painter, o.blocks[0], left + leftW, width - leftW));
    rows.push(row);
  } else {
    for (let i = 0; i < o.blocks.length; i += 3) {
      const chunk = o.blocks.slice(i, i + 3);
      const colW = width / Math.max(2, chunk.length);
      // Two blocks: left and right halves; three: thirds.
      rows.push(chunk.map((b, j) => blockColumn(painter, b, left + (chunk.length === 1 ? width - colW : j * colW), colW - 6)));
    }
    if (recipients) rows.push([recipientsColumn(painter, recipients, left, width * 0.46 - 10)]);
  }
  layout.spacer(10);
  for (const row of rows) {
    const height = Math.max(0, ...row.map(heightOf));
    if (height <= layout.contentHeight) {
      layout.ensureSpace(height);
      const frame = layout.currentFrame();
      const top = layout.y;
      for (const c of row) drawColumn(painter, frame, c, top);
      layout.advance(height + 10);
      continue;
    }
    // Taller than a page (a very long "Nơi nhận"): let its lines flow.
    for (const c of row) {
      for (const p of c.pieces) {
        if (p.gap) layout.spacer(p.gap);
        for (const line of p.lines) {
          layout.ensureSpace(lineHeightOf(p.size));
          const frame = layout.currentFrame();
          painter.drawLines(frame, [line], { x: c.x, top: layout.y, width: c.width, size: p.size, align: p.align });
          layout.advance(lineHeightOf(p.size));
        }
      }
    }
  }
}
