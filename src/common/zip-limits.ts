/**
 * Limits on ZIP containers (XLSX, DOCX, ODT) read by the server, checked on the central directory
 * before any entry is inflated: the number of entries, the total uncompressed size and the
 * compression ratio of each entry and of the whole archive. A "zip bomb" (a small file that
 * inflates to gigabytes) is refused before it costs memory or time; the readers then inflate
 * entries as streams and count the bytes they really get (a lying directory is caught too).
 */
import yauzl from 'yauzl';

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
  /** Largest uncompressed/compressed ratio of an entry over 1 MiB, and of the archive. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxUncompressedBytes: 512 * 1024 * 1024, maxRatio: 200 };

export class ZipLimitError extends Error {
  constructor(readonly reason: 'entries' | 'size' | 'ratio' | 'malformed', message: string) {
    super(message);
  }
}

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

/** The central directory of the ZIP file at `path`, refused (ZipLimitError) when it is over `limits`. */
export function inspectZip(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(new ZipLimitError('malformed', `not a readable ZIP file (${err?.message ?? 'no archive'})`));
      if (zip.entryCount > limits.maxEntries) {
        zip.close();
        return reject(new ZipLimitError('entries', `holds ${zip.entryCount} entries; at most ${limits.maxEntries} are accepted`));
      }
      const entries: ZipEntryInfo[] = [];
      let total = 0;
      let compressed = 0;
      const fail = (e: ZipLimitError) => {
        zip.close();
        reject(e);
      };
      zip.on('entry', (entry: yauzl.Entry) => {
        total += entry.uncompressedSize;
        compressed += entry.compressedSize;
        if (total > limits.maxUncompressedBytes) return fail(new ZipLimitError('size', `inflates to more than ${limits.maxUncompressedBytes} bytes`));
        if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) {
          return fail(new ZipLimitError('ratio', `an entry inflates more than ${limits.maxRatio} times (${entry.fileName.slice(0, 80)})`));
        }
        entries.push({ name: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => {
        if (total > 1024 * 1024 && total > limits.maxRatio * Math.max(1, compressed)) return reject(new ZipLimitError('ratio', `inflates more than ${limits.maxRatio} times`));
        resolve(entries);
      });
      zip.on('error', (e: Error) => reject(new ZipLimitError('malformed', `not a readable ZIP file (${e.message})`)));
      zip.readEntry();
    });
  });
}

/**
 * Streams the text of one entry (UTF-8) to `onChunk`, at most `maxBytes` inflated bytes
 * (ZipLimitError past that, whatever the directory claimed). Resolves false when the entry is absent.
 */
export function readZipEntry(path: string, name: string, maxBytes: number, onChunk: (chunk: Buffer) => void): Promise<boolean> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(new ZipLimitError('malformed', `not a readable ZIP file (${err?.message ?? 'no archive'})`));
      let found = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        found = true;
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) {
            zip.close();
            return reject(new ZipLimitError('malformed', `the entry ${name} cannot be read`));
          }
          let bytes = 0;
          stream.on('data', (c: Buffer) => {
            bytes += c.length;
            if (bytes > maxBytes) {
              stream.destroy();
              zip.close();
              reject(new ZipLimitError('size', `the entry ${name} inflates to more than ${maxBytes} bytes`));
              return;
            }
            onChunk(c);
          });
          stream.on('error', (se) => {
            zip.close();
            reject(new ZipLimitError('malformed', `the entry ${name} is corrupt (${se.message})`));
          });
          stream.on('end', () => {
            zip.close();
            resolve(true);
          });
        });
      });
      zip.on('end', () => {
        if (!found) resolve(false);
      });
      zip.on('error', (e: Error) => reject(new ZipLimitError('malformed', `not a readable ZIP file (${e.message})`)));
      zip.readEntry();
    });
  });
}
