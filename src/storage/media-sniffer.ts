import { open, FileHandle } from 'node:fs/promises';
import { fileTypeFromFile, fileTypeFromTokenizer, type FileTypeResult } from 'file-type';
import { fromStream } from 'strtok3';
import type { ObjectStorage } from './object-storage.js';

/**
 * Decides a file's type from its bytes, never from its name. `file-type` recognises PDF, PNG,
 * JPEG, DOCX/XLSX (OOXML) and ODT/ODS (OpenDocument); for an OLE2 compound file it only says
 * "cfb", so legacy DOC/XLS are told apart here by their WordDocument / Workbook stream. Anything
 * else: null.
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

const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** Bounds on what the sniffer reads from hostile input. */
const MAX_CFB_SECTORS_WALKED = 100_000;

function result(kind: SniffedKind): SniffResult {
  return { kind, mediaType: ACCEPTED_MEDIA_TYPES[kind] };
}

/**
 * A file of which only the first bytes are on disk (the spool file of an upload staged while it
 * arrived): all of it is the object `key` in `storage`.
 */
export interface StagedBytes {
  key: string;
  size: number;
  storage: ObjectStorage;
}

/**
 * Positional reads of a file, clamped to its size: from the open file on disk, or, past the bytes
 * it holds (a staged upload), from storage.
 */
class Reader {
  constructor(
    private readonly fh: FileHandle,
    private readonly onDisk: number,
    readonly size: number,
    private readonly staged?: StagedBytes,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || offset >= this.size || length <= 0) return Buffer.alloc(0);
    const len = Math.min(length, this.size - offset);
    if (this.staged && offset + len > this.onDisk) {
      const parts: Buffer[] = [];
      for await (const chunk of await this.staged.storage.get(this.staged.key, { start: offset, end: offset + len - 1 })) parts.push(chunk as Buffer);
      return Buffer.concat(parts).subarray(0, len);
    }
    const buf = Buffer.alloc(len);
    const { bytesRead } = await this.fh.read(buf, 0, len, offset);
    return buf.subarray(0, bytesRead);
  }
}

/** What file-type names each accepted kind (an Illustrator file is a PDF with private data). */
const FILE_TYPE_KINDS: Record<string, SniffedKind> = { pdf: 'pdf', ai: 'pdf', png: 'png', jpg: 'jpeg', docx: 'docx', xlsx: 'xlsx', odt: 'odt', ods: 'ods' };

/**
 * The type of the file at `path`; with `staged`, `path` holds only its first bytes and whatever
 * more the decision needs is read from the staged object (a ZIP whose first entries do not yet say
 * what it is, the sectors of a compound file). The decision is the same as on the whole file.
 */
export async function sniffFile(path: string, staged?: StagedBytes): Promise<SniffResult | null> {
  let found = await fileTypeFromFile(path);
  if (staged && (!found || found.ext === 'zip')) found = await fileTypeOfObject(staged);
  if (!found) return null;
  if (found.ext === 'cfb') return sniffCompound(path, staged);
  const kind = FILE_TYPE_KINDS[found.ext];
  return kind ? result(kind) : null;
}

/**
 * file-type on the object's stream, told its size (without it, file-type skips no more than 1 MiB
 * of an entry): it reads what its detectors need, then the stream is cut.
 */
async function fileTypeOfObject(staged: StagedBytes): Promise<FileTypeResult | undefined> {
  const body = await staged.storage.get(staged.key);
  try {
    return await fileTypeFromTokenizer(await fromStream(body, { fileInfo: { size: staged.size } }));
  } finally {
    body.destroy();
  }
}

async function sniffCompound(path: string, staged?: StagedBytes): Promise<SniffResult | null> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const r = new Reader(fh, size, staged?.size ?? size, staged);
    const head = await r.read(0, 512);
    return head.length >= 512 && head.subarray(0, 8).equals(OLE2) ? await sniffCompoundFile(r) : null;
  } finally {
    await fh.close();
  }
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
