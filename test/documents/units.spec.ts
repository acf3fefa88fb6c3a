import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentValidator } from '../../src/documents/content-validator.js';
import { canonicalJson, revisionDigest } from '../../src/documents/revision-digest.js';
import { codeKey, DOCUMENT_CODE_PATTERN, TTHC_CODE_PATTERN } from '../../src/documents/document-types.js';
import { contentDisposition, etagListMatches, parseByteRange, sanitizeFilename } from '../../src/storage/http-files.js';
import { ACCEPTED_MEDIA_TYPES, sniffFile } from '../../src/storage/media-sniffer.js';
import { contentObjectKey, sha256OfContentKey } from '../../src/storage/object-keys.js';
import { compoundFile, docx, exe, jpeg, odf, pdf, png, pptx, xlsx, zip } from './samples.js';

describe('media sniffer: the type comes from the bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eiso-sniff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sniff = (name: string, bytes: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return sniffFile(p);
  };

  it.each([
    ['pdf', pdf()],
    ['png', png()],
    ['jpeg', jpeg()],
    ['docx', docx()],
    ['xlsx', xlsx()],
    ['odt', odf('text')],
    ['ods', odf('spreadsheet')],
    ['doc', compoundFile('WordDocument')],
    ['xls', compoundFile('Workbook')],
  ] as const)('recognises %s', async (kind, bytes) => {
    expect(await sniff(`x-${kind}.bin`, bytes)).toEqual({ kind, mediaType: ACCEPTED_MEDIA_TYPES[kind] });
  });

  it.each([
    ['an .exe renamed .pdf', exe()],
    ['plain text', Buffer.from('Quy trình cấp phép\n')],
    ['a zip that is no office file', zip([{ name: 'a.txt', data: 'x' }])],
    ['a pptx', pptx()],
    ['an OLE2 file with neither Word nor Excel stream (msi, msg)', compoundFile('SummaryInformation')],
    ['an odf with a foreign mimetype', zip([{ name: 'mimetype', data: 'application/x-evil' }, { name: 'content.xml', data: '<x/>' }])],
    ['a truncated zip (no central directory)', docx().subarray(0, 60)],
    ['html that mentions %PDF- later', Buffer.from('<html>%PDF-1.4</html>')],
    ['an empty file', Buffer.alloc(0)],
  ])('rejects %s', async (_label, bytes) => {
    expect(await sniff('bad.pdf', bytes)).toBeNull();
  });
});

describe('filenames and download headers', () => {
  it('keeps Vietnamese (NFC) and strips paths and control characters', () => {
    expect(sanitizeFilename('C:\\Users\\a\\Biểu mẫu 01.docx')).toBe('Biểu mẫu 01.docx');
    expect(sanitizeFilename('../../etc/Quy\u0000 trình\u202e.pdf')).toBe('Quy trình.pdf');
    expect(sanitizeFilename('Quy trình'.normalize('NFD') + '.pdf')).toBe('Quy trình.pdf'.normalize('NFC'));
    expect(sanitizeFilename('..', 'file.pdf')).toBe('file.pdf');
    expect(sanitizeFilename('a<b>:c|d?.pdf')).toBe('a_b__c_d_.pdf');
    const long = sanitizeFilename('đ'.repeat(400) + '.docx');
    expect([...long].length).toBe(255);
    expect(long.endsWith('.docx')).toBe(true);
  });

  it('puts an ASCII fallback and the RFC 5987 UTF-8 name in Content-Disposition', () => {
    expect(contentDisposition('Biểu mẫu "đăng ký".pdf')).toBe(
      `attachment; filename="Bieu mau _dang ky_.pdf"; filename*=UTF-8''Bi%E1%BB%83u%20m%E1%BA%ABu%20%22%C4%91%C4%83ng%20k%C3%BD%22.pdf`,
    );
  });

  it('parses one byte range, ignores others, flags unsatisfiable ones', () => {
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ kind: 'range', range: { start: 0, end: 9 } });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ kind: 'range', range: { start: 90, end: 99 } });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ kind: 'range', range: { start: 90, end: 99 } });
    expect(parseByteRange('bytes=50-500', 100)).toEqual({ kind: 'range', range: { start: 50, end: 99 } });
    expect(parseByteRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'none' });
    expect(parseByteRange('items=0-1', 100)).toEqual({ kind: 'none' });
    expect(parseByteRange(undefined, 100)).toEqual({ kind: 'none' });
  });

  it('matches ETag lists', () => {
    expect(etagListMatches('"a", "b"', '"b"')).toBe(true);
    expect(etagListMatches('W/"b"', '"b"')).toBe(true);
    expect(etagListMatches('*', '"b"')).toBe(true);
    expect(etagListMatches('"c"', '"b"')).toBe(false);
    expect(etagListMatches(undefined, '"b"')).toBe(false);
  });

  it('derives content-addressed keys', () => {
    const h = 'ab'.repeat(32);
    expect(contentObjectKey(h)).toBe(`objects/sha256/ab/ab/${h}`);
    expect(sha256OfContentKey(contentObjectKey(h))).toBe(h);
    expect(sha256OfContentKey('renditions/x.pdf')).toBeNull();
    expect(() => contentObjectKey('../x')).toThrow();
  });
});

describe('codes', () => {
  it('accepts document codes with letters (Vietnamese too), digits, ".", "-", "/"', () => {
    for (const c of ['QT-01', 'QT.TTHC-05', 'BM.01/QT-01', 'QT-ĐT-01']) expect(DOCUMENT_CODE_PATTERN.test(c)).toBe(true);
    for (const c of ['-QT', 'QT 01', 'QT_01', 'QT#1', '']) expect(DOCUMENT_CODE_PATTERN.test(c)).toBe(false);
    expect(codeKey('QT-ĐT-01')).toBe(codeKey('qt-đt-01'));
    expect(codeKey('QT-ĐT-01')).not.toBe(codeKey('QT-DT-01'));
  });
  it('validates TTHC codes', () => {
    for (const c of ['1.001193', '1.001612.000.00.00.H01', '2.000415']) expect(TTHC_CODE_PATTERN.test(c)).toBe(true);
    for (const c of ['1001193', '1.00119', '1.001612.000.00.00', 'x.001193']) expect(TTHC_CODE_PATTERN.test(c)).toBe(false);
  });
});

describe('revision digest', () => {
  it('is independent of key order and file order, and changes with any covered field', () => {
    const files = [
      { role: 'source', sha256: 'b'.repeat(64), filename: 'a.pdf' },
      { role: 'attachment', sha256: 'a'.repeat(64), filename: 'b.pdf' },
    ];
    const a = revisionDigest({ content: { purpose: 'x', steps: [{ no: 1, action: 'y' }] }, changeSummary: 's', files });
    const b = revisionDigest({ content: { steps: [{ action: 'y', no: 1 }], purpose: 'x' }, changeSummary: 's', files: [...files].reverse() });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(revisionDigest({ content: { purpose: 'x', steps: [{ no: 1, action: 'y' }] }, changeSummary: 't', files })).not.toBe(a);
    expect(revisionDigest({ content: { purpose: 'x', steps: [{ no: 1, action: 'y' }] }, changeSummary: 's', files: files.slice(1) })).not.toBe(a);
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: 'đ' }] })).toBe('{"a":[2,{"c":"đ","d":null}],"b":1}');
  });
});

describe('content validator (pure rules)', () => {
  const v = new ContentValidator(undefined as never);
  const step = (no: number, value: number, unit: string) => ({ no, action: 'Tiếp nhận', responsible: 'Bộ phận một cửa', duration: { value, unit } });

  it('reports shape errors with field paths', () => {
    const { errors } = v.shapeErrors('procedure', {
      purpose: 5,
      steps: [{ no: 1, duration: { value: -1, unit: 'weeks' } }],
      legalBases: [{ legalDocumentId: 'nope' }],
      extra: true,
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'content.purpose', message: 'must be a string' },
        { field: 'content.steps[0].duration.value', message: 'must be greater than 0' },
        { field: 'content.steps[0].duration.unit', message: 'must be one of working_days, days, hours' },
        { field: 'content.legalBases[0].legalDocumentId', message: 'must be a UUID' },
        { field: 'content.extra', message: 'is not a known property' },
      ]),
    );
  });

  it('one declaration per type: unknown members at any depth, null items, lists of lists and bad list items are named by path, in input order', () => {
    const { errors } = v.shapeErrors('procedure', {
      steps: [null, 5, [{ action: 'x' }], { action: 'Tiếp nhận', duration: { value: 1, unit: 'hours', per: 'day' }, formCodes: ['BM.01/QT-01', 'BM 02', 7] }],
      zzz: 1,
      purpose: 'x'.repeat(20_001),
      records: 'none',
    });
    expect(errors).toEqual([
      { field: 'content.steps[0]', message: 'must be an object' },
      { field: 'content.steps[1]', message: 'must be an object' },
      { field: 'content.steps[2]', message: 'must be an object' },
      { field: 'content.zzz', message: 'is not a known property' },
      { field: 'content.purpose', message: 'must be at most 20000 characters' },
      { field: 'content.records', message: 'must be an array' },
    ]);
    const nested = v.shapeErrors('procedure', { steps: [{ duration: { value: 1, unit: 'hours', per: 'day' }, formCodes: ['BM.01/QT-01', 'BM 02', 7] }] });
    expect(nested.errors).toEqual([
      { field: 'content.steps[0].duration.per', message: 'is not a known property' },
      { field: 'content.steps[0].formCodes[1]', message: 'must be a document code (letters, digits, ".", "-", "/")' },
      { field: 'content.steps[0].formCodes[2]', message: 'must be a string' },
    ]);
    expect(v.shapeErrors('quality_policy', { text: 'Chính sách', description: 'x' }).errors).toEqual([{ field: 'content.description', message: 'is not a known property' }]);
    expect(v.shapeErrors('form', { text: 'x' }).errors).toEqual([{ field: 'content.text', message: 'is not a known property' }]);
    expect(v.shapeErrors('quality_objectives', { year: 1999, objectives: [{ no: 1.5 }] }).errors).toEqual([
      { field: 'content.year', message: 'must be between 2000 and 2100' },
      { field: 'content.objectives[0].no', message: 'must be an integer' },
    ]);
    expect(v.shapeErrors('procedure', 'text').errors).toEqual([{ field: 'content', message: 'must be an object' }]);
  });

  it('normalises on save: null members count as absent, legal document ids are stored in lower case', () => {
    const id = 'AB8C3D2E-0000-4000-8000-00000000000A';
    const { errors, content } = v.shapeErrors('procedure', { purpose: null, fee: 'Không', legalBases: [{ legalDocumentId: id, articles: null }], statutoryTimeLimit: { value: 5, unit: 'working_days' } });
    expect(errors).toEqual([]);
    expect(content).toEqual({ fee: 'Không', legalBases: [{ legalDocumentId: id.toLowerCase() }], statutoryTimeLimit: { value: 5, unit: 'working_days' } });
    // The same legal document twice is refused (a rule the declaration cannot state).
    expect(v.shapeErrors('procedure', { legalBases: [{ legalDocumentId: id }, { legalDocumentId: id.toLowerCase() }] }).errors).toEqual([
      { field: 'content.legalBases[1].legalDocumentId', message: 'is already cited at legalBases[0]' },
    ]);
  });

  it('a step or time limit without its value or unit is incomplete at submit', () => {
    const content = { purpose: 'p', scope: 's', statutoryTimeLimit: { unit: 'working_days' }, steps: [{ no: 1, action: 'a', responsible: 'r', duration: { value: 2 } }] };
    expect(v.completeness('procedure', content, []).map((f) => [f.rule, f.field])).toEqual([
      ['procedure.step_duration_required', 'content.steps[0].duration'],
      ['procedure.time_limit_incomplete', 'content.statutoryTimeLimit'],
    ]);
  });

  it('step-time rule: the steps may not exceed the statutory limit (8 h per working day); the message names both totals', () => {
    const content = { purpose: 'p', scope: 's', statutoryTimeLimit: { value: 2, unit: 'working_days' }, steps: [step(1, 1, 'working_days'), step(2, 9, 'hours')] };
    const failed = v.completeness('procedure', content, []);
    expect(failed).toHaveLength(1);
    expect(failed[0].rule).toBe('procedure.steps_exceed_time_limit');
    expect(failed[0].message).toContain('2.13 working days (17 h)');
    expect(failed[0].message).toContain('2 working days (16 h)');
    const ok = { ...content, steps: [step(1, 1, 'working_days'), step(2, 8, 'hours')] };
    expect(v.completeness('procedure', ok, [])).toEqual([]);
  });

  it('quality objectives need the year and objectives with indicator and target', () => {
    const failed = v.completeness('quality_objectives', { objectives: [{ no: 1, objective: 'Giải quyết đúng hạn', indicator: '', target: '' }] }, [], { year: 2026 });
    expect(failed.map((f) => f.rule).sort()).toEqual(['quality_objectives.indicator_required', 'quality_objectives.target_required', 'quality_objectives.year_required']);
    expect(v.completeness('quality_objectives', { year: 2026, objectives: [] }, [], { year: 2026 }).map((f) => f.rule)).toEqual(['quality_objectives.objectives_required']);
  });

  it('file-based types need a source file; from revision 2 a change summary', () => {
    expect(v.completeness('form', {}, [{ role: 'attachment' }]).map((f) => f.rule)).toEqual(['revision.source_file_required']);
    expect(v.completeness('form', {}, [{ role: 'source' }])).toEqual([]);
    expect(v.completeness('form', {}, [{ role: 'source' }], { number: 2, changeSummary: ' ' }).map((f) => f.rule)).toEqual(['revision.change_summary_required']);
  });
});
