import { CsvRecord, CsvSyntaxError, readCsvRecords } from '../src/legal/csv.js';
import { parseDate, parseLegalFields } from '../src/legal/legal-fields.js';
import { canonicalLegalNumber, legalNumberKey, parseLegalNumber } from '../src/legal/legal-number.js';
import { parseLegalStatus, parseLegalType } from '../src/legal/legal-types.js';

const NOW = new Date('2025-06-01T00:00:00Z');

describe('legal numbers: normalisation and validation', () => {
  it('gives one key for spellings differing in case, accents, Unicode form, dashes and spaces', () => {
    const key = legalNumberKey('19/2014/QĐ-TTg');
    expect(key).toBe('19/2014/qd-ttg');
    for (const spelling of ['19/2014/qđ-ttg', '19/2014/QD-TTG', ' 19 / 2014 / QĐ - TTg ', '19/2014/QĐ\u2013TTg', '19/2014/Q\u0110-TTg'.normalize('NFD'), 'Số: 19/2014/QĐ-TTg', '19\uFF0F2014/QĐ-TTg']) {
      expect(legalNumberKey(spelling)).toBe(key);
    }
    expect(legalNumberKey('26/2014/TT-BKHCN')).not.toBe(legalNumberKey('26/2015/TT-BKHCN'));
    expect(legalNumberKey('19/2014/QĐ-TTg')).not.toBe(legalNumberKey('19/2014/QĐ-UBND'));
  });

  it('keeps the display form as written, NFC, without spaces', () => {
    expect(canonicalLegalNumber(' 19 / 2014 / QĐ-TTg ')).toBe('19/2014/QĐ-TTg');
    expect(canonicalLegalNumber('19/2014/qđ-ttg')).toBe('19/2014/qđ-ttg');
    expect(canonicalLegalNumber('19/2014/QĐ-TTg'.normalize('NFD'))).toBe('19/2014/QĐ-TTg'.normalize('NFC'));
    expect(canonicalLegalNumber('tcvn  iso 9001 : 2015')).toBe('TCVN ISO 9001:2015');
  });

  it.each([
    ['19/2014/QĐ-TTg', 2014],
    ['26/2014/TT-BKHCN', 2014],
    ['61/2018/NĐ-CP', 2018],
    ['15/2012/QH13', 2012],
    ['01/2015/TTLT-BNV-BTC', 2015],
    ['1211/2016/UBTVQH13', 2016],
    ['101/QĐ-BKHCN', null],
    ['1234/BKHCN-TĐC', null],
    ['123a/QĐ-UBND', null],
    ['05/CT-UBND', null],
    ['TCVN ISO 9001:2015', 2015],
  ])('accepts %s', (input, year) => {
    const r = parseLegalNumber(input, NOW);
    expect(r).toMatchObject({ ok: true, value: { year } });
  });

  it.each([
    ['', 'must not be empty'],
    ['hello world', 'is not a legal document number'],
    ['19/2014', 'is not a legal document number'],
    ['19/2014/', 'is not a legal document number'],
    ['/QĐ-TTg', 'is not a legal document number'],
    ['QĐ-TTg', 'is not a legal document number'],
    ['19-2014-QĐ-TTg', 'is not a legal document number'],
    ['19/2014/QĐ-TTg/x', 'is not a legal document number'],
    ['19/2014/-TTg', 'is not a legal document number'],
    ['19/2014/QĐ--TTg', 'is not a legal document number'],
    ['19/20145/QĐ-TTg', 'is not a legal document number'],
    ['19/2014/QĐ-TTg; DROP TABLE', 'is not a legal document number'],
    ['19/2014/Закон', 'is not a legal document number'],
    ['0/2014/QĐ-TTg', 'must not be numbered 0'],
    ['19/1890/QĐ-TTg', 'impossible year'],
    ['19/2099/QĐ-TTg', 'impossible year'],
    [`1/2014/${'A'.repeat(120)}`, 'at most 100'],
  ])('rejects %j', (input, message) => {
    const r = parseLegalNumber(input, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

describe('legal fields', () => {
  const valid = { number: '19/2014/QĐ-TTg', type: 'decision', issuer: 'Thủ tướng Chính phủ', title: 'Quyết định áp dụng', issuedOn: '2014-03-05', effectiveFrom: '2014-04-20' };

  it('accepts a valid document with status defaulting to in_force', () => {
    const { value, errors } = parseLegalFields(valid, { now: NOW });
    expect(errors).toEqual([]);
    expect(value).toMatchObject({ number: '19/2014/QĐ-TTg', numberKey: '19/2014/qd-ttg', status: 'in_force', type: 'decision' });
  });

  it('reports every bad field at once', () => {
    const { value, errors } = parseLegalFields({ number: 'abc', type: 'memo', issuer: ' ', title: 5, issuedOn: '2014-02-30', effectiveFrom: '20/04/2014', status: 'dead' }, { now: NOW });
    expect(value).toBeNull();
    expect(errors.map((e) => e.field).sort()).toEqual(['effectiveFrom', 'issuedOn', 'issuer', 'number', 'status', 'title', 'type']);
  });

  it('requires effectiveFrom on or after issuedOn, and the issue year to match the number', () => {
    expect(parseLegalFields({ ...valid, effectiveFrom: '2014-03-04' }).errors).toEqual([{ field: 'effectiveFrom', message: 'must not be before issuedOn' }]);
    expect(parseLegalFields({ ...valid, issuedOn: '2015-03-05', effectiveFrom: '2015-04-01' }).errors).toEqual([
      { field: 'issuedOn', message: 'must be in 2014, the year in the number' },
    ]);
  });

  it('ties TCVN numbers to the standard type', () => {
    expect(parseLegalFields({ ...valid, number: 'TCVN ISO 9001:2015' }).errors[0].field).toBe('type');
    expect(parseLegalFields({ ...valid, type: 'standard' }).errors[0].field).toBe('number');
    expect(parseLegalFields({ ...valid, number: 'TCVN ISO 9001:2015', type: 'standard', issuedOn: '2015-12-31', effectiveFrom: '2016-01-01' }).errors).toEqual([]);
  });

  it('accepts a type by its code or Vietnamese name always; status names and d/m/yyyy only when lenient (imports)', () => {
    const vn = { ...valid, type: 'Quyết định', status: 'Còn hiệu lực', issuedOn: '05/03/2014', effectiveFrom: '20/4/2014' };
    expect(parseLegalFields(vn).errors.map((e) => e.field).sort()).toEqual(['effectiveFrom', 'issuedOn', 'status']);
    expect(parseLegalFields({ ...valid, type: 'Quyết định' })).toMatchObject({ errors: [], value: { type: 'decision' } });
    expect(parseLegalFields(vn, { lenient: true })).toMatchObject({ errors: [], value: { type: 'decision', status: 'in_force', issuedOn: '2014-03-05', effectiveFrom: '2014-04-20' } });
    expect(parseLegalType('thong tu lien tich')).toBe('joint_circular');
    expect(parseLegalType('NGHỊ ĐỊNH')).toBe('decree');
    expect(parseLegalType('memo')).toBeNull();
    expect(parseLegalStatus('Bị thay thế')).toBe('replaced');
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2023-02-29')).toBeNull();
    expect(parseDate('1/2/2024', true)).toBe('2024-02-01');
  });

  it('collapses whitespace and removes control characters in text', () => {
    const { value } = parseLegalFields({ ...valid, title: ' Quyết định\r\n  về việc\u0000 áp dụng ', issuer: 'Thu\u0309 tướng' });
    expect(value?.title).toBe('Quyết định về việc áp dụng');
    expect(value?.issuer).toBe('Thủ tướng');
  });
});

describe('CSV reader (csv-parse)', () => {
  async function parse(chunks: string[]): Promise<CsvRecord[]> {
    const out: CsvRecord[] = [];
    for await (const rec of readCsvRecords(chunks)) out.push(rec);
    return out;
  }

  it('reads quoted fields with delimiters, quotes and line breaks, any line ending, split anywhere', async () => {
    const text = '\uFEFFa,b,c\r\n1,"x, ""y""\r\nz",3\n\n4,5,6\r7,8,9';
    const whole = await parse([text]);
    expect(whole).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', 'x, "y"\r\nz', '3'], line: 2 },
      { fields: ['4', '5', '6'], line: 5 },
      { fields: ['7', '8', '9'], line: 6 },
    ]);
    // Every split point gives the same records, and so does one character per chunk.
    for (let i = 1; i < text.length; i++) expect(await parse([text.slice(0, i), text.slice(i)])).toEqual(whole);
    expect(await parse([...text])).toEqual(whole);
    expect(await parse(['a\r\n\r\nb\r\n'])).toEqual([
      { fields: ['a'], line: 1 },
      { fields: ['b'], line: 3 },
    ]);
  });

  it('detects ";" and tab delimiters from the header', async () => {
    expect(await parse(['a;b\n"1;2";3\n'])).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1;2', '3'], line: 2 },
    ]);
    expect((await parse(['a\tb\n1\t2']))[1].fields).toEqual(['1', '2']);
    expect((await parse(['a;', 'b\n1;2']))[1].fields).toEqual(['1', '2']);
  });

  it('rejects unclosed quotes and text after a closing quote, naming the line', async () => {
    await expect(parse(['a,b\n"1,2\n'])).rejects.toBeInstanceOf(CsvSyntaxError);
    await expect(parse(['a,b\n"1"x,2\n'])).rejects.toThrow(/line 2/);
  });
});
