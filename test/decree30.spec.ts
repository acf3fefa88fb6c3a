/** Decree 30/2020/NĐ-CP helpers (src/common/decree30.ts): numbers, dates, capacities, Nơi nhận. */
import {
  formatPaperNumber,
  numberLine,
  onBehalfOf,
  paperKindHeading,
  paperSymbol,
  parsePaperNumber,
  placeDateLine,
  recipientLines,
  signatureStatus,
  signingCapacity,
} from '../src/common/decree30.js';
import { canonicalLegalNumber, parseLegalNumber } from '../src/legal/legal-number.js';

describe('Decree 30 helpers', () => {
  it('parses paper numbers and symbols, with a leading zero below 10 in the display form', () => {
    expect(parsePaperNumber('15/QĐ-UBND')).toEqual({ ok: true, value: { number: 15, year: null, symbol: 'QĐ-UBND', kind: 'quyet_dinh', issuer: 'UBND', display: '15/QĐ-UBND' } });
    expect(parsePaperNumber('Số: 5/BC-UBND')).toEqual({ ok: true, value: expect.objectContaining({ number: 5, kind: 'bao_cao', issuer: 'UBND', display: '05/BC-UBND' }) });
    expect(parsePaperNumber('12 / KH – SKHCN')).toEqual({ ok: true, value: expect.objectContaining({ symbol: 'KH-SKHCN', kind: 'ke_hoach', display: '12/KH-SKHCN' }) });
    expect(parsePaperNumber('01/2026/QĐ-UBND')).toEqual({ ok: true, value: expect.objectContaining({ number: 1, year: 2026, display: '01/2026/QĐ-UBND' }) });
    expect(parsePaperNumber('45/TTr-VP')).toEqual({ ok: true, value: expect.objectContaining({ kind: 'to_trinh', issuer: 'VP' }) });
    // A công văn has no kind in its symbol.
    expect(parsePaperNumber('1234/UBND-VP')).toEqual({ ok: true, value: expect.objectContaining({ kind: null, issuer: 'UBND', symbol: 'UBND-VP' }) });
    // NFD input is normalised.
    expect(parsePaperNumber('15/Q\u0110-UBND'.normalize('NFD'))).toEqual({ ok: true, value: expect.objectContaining({ kind: 'quyet_dinh' }) });
  });

  it('refuses what is not a paper number, naming the problem', () => {
    expect(parsePaperNumber('')).toEqual({ ok: false, message: 'must not be empty' });
    expect(parsePaperNumber('QĐ-UBND')).toEqual({ ok: false, message: expect.stringContaining('15/QĐ-UBND') });
    expect(parsePaperNumber('0/QĐ-UBND')).toEqual({ ok: false, message: 'must not be numbered 0' });
    expect(parsePaperNumber('15/QĐ')).toEqual({ ok: false, message: 'must name the issuing agency after the kind, e.g. 15/QĐ-UBND' });
    expect(parsePaperNumber('15/1890/QĐ-UBND')).toEqual({ ok: false, message: 'has an impossible year 1890' });
    expect(parsePaperNumber('12/BC-UBND', { expectKind: 'quyet_dinh' })).toEqual({ ok: false, message: 'must be the number of a quyết định (…/QĐ-…), e.g. 15/QĐ-UBND' });
    expect(parsePaperNumber('15/QĐ-UBND', { expectKind: 'quyet_dinh' }).ok).toBe(true);
    expect(parsePaperNumber('x'.repeat(101)).ok).toBe(false);
  });

  it('formats numbers, symbols and the number line, blank while not numbered', () => {
    expect(paperSymbol('bao_cao', 'UBND')).toBe('BC-UBND');
    expect(paperSymbol('quyet_dinh', 'SKHCN', 'VP')).toBe('QĐ-SKHCN-VP');
    expect(paperSymbol(null, 'UBND', 'VP')).toBe('UBND-VP');
    expect(formatPaperNumber(12, 'BC-UBND')).toBe('12/BC-UBND');
    expect(formatPaperNumber(5, 'QĐ-UBND')).toBe('05/QĐ-UBND');
    expect(formatPaperNumber(1, 'QĐ-UBND', 2026)).toBe('01/2026/QĐ-UBND');
    expect(numberLine(12, 'BC-UBND')).toBe('Số: 12/BC-UBND');
    expect(numberLine(null, 'BC-UBND')).toBe('Số:       /BC-UBND');
    expect(paperKindHeading('bien_ban')).toBe('BIÊN BẢN');
    expect(paperKindHeading('quyet_dinh')).toBe('QUYẾT ĐỊNH');
  });

  it('writes the place-and-date line, with blank day and month when undated', () => {
    expect(placeDateLine('Đăk Blá', '2026-06-10')).toBe('Đăk Blá, ngày 10 tháng 6 năm 2026');
    expect(placeDateLine('Kon Tum', '2026-02-03T20:00:00Z')).toBe('Kon Tum, ngày 04 tháng 02 năm 2026');
    expect(placeDateLine('Đăk Blá', null, 2026)).toBe('Đăk Blá, ngày       tháng       năm 2026');
    expect(placeDateLine(null, '2026-12-25')).toBe('ngày 25 tháng 12 năm 2026');
  });

  it('writes signing capacities: TM., KT., TL., TUQ., Q.', () => {
    expect(signingCapacity({ mode: 'head', collective: 'Ủy ban nhân dân', headTitle: 'Chủ tịch' })).toEqual({ capacity: ['TM. ỦY BAN NHÂN DÂN'], position: 'CHỦ TỊCH' });
    expect(signingCapacity({ mode: 'deputy', collective: 'Ủy ban nhân dân', headTitle: 'Chủ tịch' })).toEqual({
      capacity: ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH'],
      position: 'PHÓ CHỦ TỊCH',
    });
    expect(signingCapacity({ mode: 'deputy', headTitle: 'Giám đốc', signerTitle: 'Phó Giám đốc thường trực' })).toEqual({ capacity: ['KT. GIÁM ĐỐC'], position: 'PHÓ GIÁM ĐỐC THƯỜNG TRỰC' });
    expect(signingCapacity({ mode: 'by_order', headTitle: 'Giám đốc', signerTitle: 'Chánh Văn phòng' })).toEqual({ capacity: ['TL. GIÁM ĐỐC'], position: 'CHÁNH VĂN PHÒNG' });
    expect(signingCapacity({ mode: 'by_authorization', headTitle: 'Giám đốc', signerTitle: 'Trưởng phòng' })).toEqual({ capacity: ['TUQ. GIÁM ĐỐC'], position: 'TRƯỞNG PHÒNG' });
    expect(signingCapacity({ mode: 'acting', headTitle: 'Giám đốc' })).toEqual({ capacity: [], position: 'Q. GIÁM ĐỐC' });
    expect(() => signingCapacity({ mode: 'by_order', headTitle: 'Giám đốc' })).toThrow(RangeError);
    expect(onBehalfOf('Giám đốc')).toBe('KT. GIÁM ĐỐC');
  });

  it('prints the signature status and the Nơi nhận list', () => {
    expect(signatureStatus('2026-06-10T09:30:00+07:00')).toBe('Đã ký điện tử ngày 10/06/2026');
    expect(signatureStatus(null)).toBe('Chưa ký');
    expect(signatureStatus('2026-06-10', false)).toBe('Chữ ký ngày 10/06/2026 không còn hiệu lực');
    expect(recipientLines(['Sở KH&CN', '- UBND huyện;', ' ', 'Lưu: VT'])).toEqual(['- Sở KH&CN;', '- UBND huyện;', '- Lưu: VT.']);
    expect(recipientLines([])).toEqual([]);
  });

  it('legal numbers share the spelling rules (dashes, slashes, "Số:")', () => {
    expect(canonicalLegalNumber('Số: 19 / 2014 / QĐ–TTg')).toBe('19/2014/QĐ-TTg');
    expect(parseLegalNumber('01/2015/TTLT-BNV-BTC').ok).toBe(true);
    expect(parseLegalNumber('TCVN ISO 9001:2015').ok).toBe(true);
  });
});
