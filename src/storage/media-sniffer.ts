import { open, FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

/**
 * Decides a file's type from its bytes (magic numbers and container structure), never from its
 * name: PDF, PNG, JPEG; DOCX/XLSX (OOXML zip parts), ODT/ODS (OpenDocument `mimetype` entry),
 * DOC/XLS (OLE2 compound file with a WordDocument / Workbook stream). Anything else: null.
 */
export const ACCEPTED_MEDIA_TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  png: 'image/png',
  jpeg: 'image/jpeg',
} as const;

export type SniffedKind = keyof typeof ACCEPTED_MEDIA_TYPES;

/** File name extensions that fit each type (the first is the one given to a name that has none of them). */
export const KIND_EXTENSIONS: Record<SniffedKind, readonly string[]> = {
  pdf: ['pdf'],
  docx: ['docx'],
  xlsx: ['xlsx'],
  odt: ['odt'],
  ods: ['ods'],
  doc: ['doc'],
  xls: ['xls'],
  png: ['png'],
  jpeg: ['jpg', 'jpeg', 'jpe'],
};

export interface SniffResult {
  kind: SniffedKind;
  mediaType: string;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
/** Bounds on what the sniffer reads from hostile input. */
const MAX_CENTRAL_DIRECTORY = 16 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 100_000;
const MAX_CFB_SECTORS_WALKED = 100_000;

function result(kind: SniffedKind): SniffResult {
  return { kind, mediaType: ACCEPTED_MEDIA_TYPES[kind] };
}

/** Positional reads on an open file, clamped to its size. */
class Reader {
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || offset >= this.size || length <= 0) return Buffer.alloc(0);
    const len = Math.min(length, this.size - offset);
    const buf = Buffer.alloc(len);
    const { bytesRead } = await this.fh.read(buf, 0, len, offset);
    return buf.subarray(0, bytesRead);
  }
}

export async function sniffFile(path: string): Promise<SniffResult | null> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    return await sniff(new Reader(fh, size));
  } finally {
    await fh.close();
  }
}

async function sniff(r: Reader): Promise<SniffResult | null> {
  const head = await r.read(0, 512);
  if (head.length < 4) return null;
  if (head.subarray(0, 8).equals(PNG)) return result('png');
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return result('jpeg');
  if (head.toString('latin1', 0, 5) === '%PDF-') return result('pdf');
  if (head.readUInt32LE(0) === ZIP_LOCAL) return sniffZip(r);
  if (head.length >= 512 && head.subarray(0, 8).equals(OLE2)) return sniffCompoundFile(r);
  return null;
}

// ---- ZIP containers (OOXML, OpenDocument) ----

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

async function zipEntries(r: Reader): Promise<ZipEntry[] | null> {
  const tailLen = Math.min(r.size, 65_535 + 22);
  const tailStart = r.size - tailLen;
  const tail = await r.read(tailStart, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === ZIP_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || cdSize === 0xffffffff || count === 0xffff) {
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR) return null;
    const rec = await r.read(Number(tail.readBigUInt64LE(loc + 8)), 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD) return null;
    count = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY || count > MAX_ZIP_ENTRIES || cdOffset + cdSize > r.size) return null;
  const cd = await r.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length && entries.length < count) {
    if (cd.readUInt32LE(p) !== ZIP_CENTRAL) return null;
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    entries.push({
      name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      localOffset: cd.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The (small) content of an entry, stored or deflated. */
async function zipEntryText(r: Reader, e: ZipEntry, max = 256): Promise<string | null> {
  if (e.compressedSize > 4096) return null;
  const local = await r.read(e.localOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== ZIP_LOCAL) return null;
  const dataStart = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const raw = await r.read(dataStart, e.compressedSize);
  try {
    const bytes = e.method === 0 ? raw : e.method === 8 ? inflateRawSync(raw, { maxOutputLength: max }) : null;
    return bytes ? bytes.toString('latin1').trim() : null;
  } catch {
    return null;
  }
}

async function sniffZip(r: Reader): Promise<SniffResult | null> {
  const entries = await zipEntries(r);
  if (!entries) return null;
  const names = new Set(entries.map((e) => e.name));
  const mimetype = entries.find((e) => e.name === 'mimetype');
  if (mimetype && names.has('content.xml')) {
    const text = await zipEntryText(r, mimetype);
    if (text === ACCEPTED_MEDIA_TYPES.odt) return result('odt');
    if (text === ACCEPTED_MEDIA_TYPES.ods) return result('ods');
    return null;
  }
  if (names.has('[Content_Types].xml')) {
    const under = (prefix: string) => entries.some((e) => e.name.startsWith(prefix));
    if (under('word/')) return result('docx');
    if (under('xl/')) return result('xlsx');
  }
  return null;
}

// ---- OLE2 compound files (legacy .doc / .xls) ----

const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
const MAX_REGULAR_SECTOR = 0xfffffffa;

async function sniffCompoundFile(r: Reader): Promise<SniffResult | null> {
  const header = await r.read(0, 512);
  const shift = header.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const perSector = sectorSize / 4;
  const sectorOffset = (id: number) => (id + 1) * sectorSize;

  // The FAT sector ids: 109 in the header, the rest in the DIFAT chain.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const id = header.readUInt32LE(0x4c + i * 4);
    if (id <= MAX_REGULAR_SECTOR) fatSectors.push(id);
  }
  let difat = header.readUInt32LE(0x44);
  let walked = 0;
  while (difat <= MAX_REGULAR_SECTOR && walked++ < MAX_CFB_SECTORS_WALKED) {
    const sector = await r.read(sectorOffset(difat), sectorSize);
    if (sector.length < sectorSize) return null;
    for (let i = 0; i < perSector - 1; i++) {
      const id = sector.readUInt32LE(i * 4);
      if (id <= MAX_REGULAR_SECTOR) fatSectors.push(id);
    }
    difat = sector.readUInt32LE((perSector - 1) * 4);
  }

  const fatCache = new Map<number, Buffer>();
  const next = async (id: number): Promise<number> => {
    const index = Math.floor(id / perSector);
    const fatId = fatSectors[index];
    if (fatId === undefined) return ENDOFCHAIN;
    let sector = fatCache.get(fatId);
    if (!sector) {
      sector = await r.read(sectorOffset(fatId), sectorSize);
      if (sector.length < sectorSize) return ENDOFCHAIN;
      fatCache.set(fatId, sector);
    }
    return sector.readUInt32LE((id % perSector) * 4);
  };

  const streams = new Set<string>();
  let dir = header.readUInt32LE(0x30);
  walked = 0;
  while (dir <= MAX_REGULAR_SECTOR && dir !== FREESECT && walked++ < MAX_CFB_SECTORS_WALKED) {
    const sector = await r.read(sectorOffset(dir), sectorSize);
    if (sector.length < sectorSize) break;
    for (let off = 0; off + 128 <= sector.length; off += 128) {
      const nameBytes = sector.readUInt16LE(off + 64);
      const type = sector[off + 66];
      if (type === 2 && nameBytes >= 2 && nameBytes <= 64) streams.add(sector.toString('utf16le', off, off + nameBytes - 2));
    }
    if (streams.has('WordDocument')) return result('doc');
    if (streams.has('Workbook') || streams.has('Book')) return result('xls');
    dir = await next(dir);
  }
  return null;
}
