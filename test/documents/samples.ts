import { crc32, deflateRawSync } from 'node:zlib';

/** Small real-format files built in memory for upload and sniffing tests. */

interface ZipInput {
  name: string;
  data: Buffer | string;
  deflate?: boolean;
}

/** A minimal ZIP archive (stored or deflated entries, UTF-8 names). */
export function zip(entries: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const body = e.deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** `[Content_Types].xml` as Office writes it: the main part's content type names the kind of document. */
function contentTypes(mainPart: string, mainType: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="${mainPart}" ContentType="${mainType}"/></Types>`
  );
}

export function docx(text = 'Biểu mẫu'): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: contentTypes('/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'), deflate: true },
    { name: '_rels/.rels', data: '<Relationships/>', deflate: true },
    { name: 'word/document.xml', data: `<w:document><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`, deflate: true },
  ]);
}

/** A DOCX whose first entry is `first` (stored): its type shows only after it. */
export function docxWithFirstEntry(first: { name: string; data: Buffer }): Buffer {
  return zip([
    first,
    { name: '[Content_Types].xml', data: contentTypes('/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'), deflate: true },
    { name: '_rels/.rels', data: '<Relationships/>', deflate: true },
    { name: 'word/document.xml', data: '<w:document><w:body><w:p><w:r><w:t>Biểu mẫu</w:t></w:r></w:p></w:body></w:document>', deflate: true },
  ]);
}

export function xlsx(): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: contentTypes('/xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'), deflate: true },
    { name: 'xl/workbook.xml', data: '<workbook/>', deflate: true },
  ]);
}

export function pptx(): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: contentTypes('/ppt/presentation.xml', 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml'), deflate: true },
    { name: 'ppt/presentation.xml', data: '<p:presentation/>', deflate: true },
  ]);
}

export function odf(kind: 'text' | 'spreadsheet'): Buffer {
  return zip([
    { name: 'mimetype', data: `application/vnd.oasis.opendocument.${kind}` },
    { name: 'content.xml', data: '<office:document-content/>', deflate: true },
    { name: 'META-INF/manifest.xml', data: '<manifest:manifest/>', deflate: true },
  ]);
}

/** A minimal OLE2 compound file holding one stream with this name ("WordDocument", "Workbook"): three sectors, FAT then directory. */
export function compoundFile(streamName: string): Buffer {
  return compoundFileWithDirectoryAt(streamName, 1, 0);
}

/**
 * An OLE2 compound file of `totalBytes` (512-byte sectors) whose one directory sector, holding a
 * stream named `streamName`, is sector `dirSector`: placed far in, it is read from past the file's
 * first megabyte.
 */
export function compoundFileWithDirectoryAt(streamName: string, dirSector: number, totalBytes: number): Buffer {
  const sector = 512;
  const perSector = sector / 4;
  const fatCount = Math.ceil((dirSector + 1) / perSector);
  if (fatCount > 109) throw new Error('the directory sector is too far for the header DIFAT');
  const buf = Buffer.alloc(Math.max(totalBytes, (dirSector + 2) * sector), 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(buf, 0);
  buf.writeUInt16LE(0x3e, 0x18);
  buf.writeUInt16LE(3, 0x1a);
  buf.writeUInt16LE(0xfffe, 0x1c);
  buf.writeUInt16LE(9, 0x1e);
  buf.writeUInt16LE(6, 0x20);
  buf.writeUInt32LE(fatCount, 0x2c);
  buf.writeUInt32LE(dirSector, 0x30);
  buf.writeUInt32LE(4096, 0x38);
  buf.writeUInt32LE(0xfffffffe, 0x3c);
  buf.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0; i < 109; i++) buf.writeUInt32LE(i < fatCount ? i : 0xffffffff, 0x4c + i * 4);
  // FAT sectors 0 … fatCount-1: themselves FAT sectors, the directory sector ends its chain, the rest free.
  const fatEntry = (id: number) => (Math.floor(id / perSector) + 1) * sector + (id % perSector) * 4;
  for (let id = 0; id < fatCount * perSector; id++) buf.writeUInt32LE(id < fatCount ? 0xfffffffd : id === dirSector ? 0xfffffffe : 0xffffffff, fatEntry(id));
  const dir = (dirSector + 1) * sector;
  const entry = (index: number, name: string, type: number) => {
    const off = dir + index * 128;
    const n = Buffer.from(name + '\0', 'utf16le');
    n.copy(buf, off);
    buf.writeUInt16LE(n.length, off + 64);
    buf[off + 66] = type;
    buf.writeUInt32LE(0xffffffff, off + 68);
    buf.writeUInt32LE(0xffffffff, off + 72);
    buf.writeUInt32LE(index === 0 ? 1 : 0xffffffff, off + 76);
  };
  entry(0, 'Root Entry', 5);
  entry(1, streamName, 2);
  return buf;
}

export function pdf(text = 'Quy trình'): Buffer {
  return Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'utf8');
}

export function png(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000d49484452', 'hex'), Buffer.alloc(17)]);
}

export function jpeg(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0', 'latin1'), Buffer.alloc(32), Buffer.from([0xff, 0xd9])]);
}

/** A Windows executable header (what an .exe renamed .pdf starts with). */
export function exe(): Buffer {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.write('This program cannot be run in DOS mode.', 0x40, 'latin1');
  return b;
}
