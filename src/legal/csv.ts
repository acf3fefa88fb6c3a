/**
 * A streaming RFC 4180 CSV reader: feed it text chunks as they arrive, it hands out records.
 * Quoted fields may hold delimiters, quotes ("") and line breaks; CRLF, LF and CR end records;
 * a leading UTF-8 BOM is dropped. The delimiter (",", ";" or tab, as Vietnamese-locale
 * spreadsheets export) is taken from the header line.
 */
export interface CsvRecord {
  fields: string[];
  /** 1-based line of the input where the record starts. */
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

export class CsvReader {
  private delimiter: string | null = null;
  private pending = '';
  private state = State.FieldStart;
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private afterCR = false;
  private quotedCR = false;
  private started = false;

  constructor(private readonly onRecord: (r: CsvRecord) => void) {}

  /** Feeds decoded text. */
  push(text: string): void {
    if (!this.started) {
      if (text.startsWith('\uFEFF')) text = text.slice(1);
      if (text.length) this.started = true;
    }
    if (this.delimiter === null) {
      // Only the new text is searched: a long first line arriving in many chunks stays linear.
      const end = text.search(/[\r\n]/);
      this.pending += text;
      if (end < 0) return;
      this.delimiter = detectDelimiter(this.pending.slice(0, this.pending.length - text.length + end));
      text = this.pending;
      this.pending = '';
    }
    this.scan(text);
  }

  /** Ends the input: flushes the last record. */
  end(): void {
    if (this.delimiter === null) {
      this.delimiter = detectDelimiter(this.pending);
      const text = this.pending;
      this.pending = '';
      this.scan(text);
    }
    if (this.state === State.Quoted) throw new CsvSyntaxError(this.recordLine, 'a quoted field is not closed');
    if (this.state !== State.FieldStart || this.fields.length) this.endRecord();
  }

  private scan(text: string): void {
    const d = this.delimiter!;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.afterCR) {
        this.afterCR = false;
        if (c === '\n') continue;
      }
      switch (this.state) {
        case State.FieldStart:
        case State.Unquoted: {
          if (this.state === State.FieldStart) {
            if (c === '"') {
              this.state = State.Quoted;
              break;
            }
            this.state = State.Unquoted;
          }
          if (c === d) this.endField();
          else if (c === '\n' || c === '\r') this.endLine(c);
          else {
            // Copy the run of ordinary characters at once.
            let j = i + 1;
            while (j < text.length && text[j] !== d && text[j] !== '\n' && text[j] !== '\r') j++;
            this.field += text.slice(i, j);
            i = j - 1;
          }
          break;
        }
        case State.Quoted: {
          const wasCR = this.quotedCR;
          this.quotedCR = false;
          if (c === '"') this.state = State.QuoteInQuoted;
          else if (c === '\r' || c === '\n') {
            // A line break inside the field: CRLF counts once, even split across chunks.
            if (c === '\r' || !wasCR) this.line++;
            this.quotedCR = c === '\r';
            this.field += c;
          } else {
            // Copy the run of ordinary characters at once.
            let j = i + 1;
            while (j < text.length && text[j] !== '"' && text[j] !== '\n' && text[j] !== '\r') j++;
            this.field += text.slice(i, j);
            i = j - 1;
          }
          break;
        }
        case State.QuoteInQuoted:
          if (c === '"') {
            this.field += '"';
            this.state = State.Quoted;
          } else if (c === d) this.endField();
          else if (c === '\n' || c === '\r') this.endLine(c);
          else throw new CsvSyntaxError(this.recordLine, 'unexpected text after a closing quote (write a quote inside a quoted field as "")');
          break;
      }
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
  }

  private endLine(c: string): void {
    this.endRecord();
    this.line++;
    this.recordLine = this.line;
    if (c === '\r') this.afterCR = true;
  }

  private endRecord(): void {
    this.fields.push(this.field);
    const fields = this.fields;
    this.field = '';
    this.fields = [];
    this.state = State.FieldStart;
    // Blank lines are not records.
    if (fields.length === 1 && fields[0] === '') return;
    this.onRecord({ fields, line: this.recordLine });
  }
}

function detectDelimiter(header: string): string {
  const count = (ch: string) => header.split(ch).length - 1;
  const candidates: [string, number][] = [
    [',', count(',')],
    [';', count(';')],
    ['\t', count('\t')],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0][1] > 0 ? candidates[0][0] : ',';
}
