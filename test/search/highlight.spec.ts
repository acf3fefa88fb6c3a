import { highlightTerms, searchTerms } from '../../src/documents/document-search.js';

describe('title and code highlights (highlightTerms)', () => {
  const mark = (text: string, q: string) => highlightTerms(text, searchTerms(q));

  it('marks the folded words where they are, written as they are', () => {
    expect(mark('Quy trình cấp giấy phép xây dựng', 'cap giay')).toBe('Quy trình <mark>cấp</mark> <mark>giấy</mark> phép xây dựng');
    expect(mark('Đăng ký hộ kinh doanh', 'DANG ky')).toBe('<mark>Đăng</mark> <mark>ký</mark> hộ kinh doanh');
  });

  it('marks every occurrence, and joins marks that touch', () => {
    expect(mark('Cấp lại, cấp đổi', 'cap')).toBe('<mark>Cấp</mark> lại, <mark>cấp</mark> đổi');
    expect(mark('khaikhai', 'khai')).toBe('<mark>khaikhai</mark>');
  });

  it('finds a code with its punctuation, as a substring', () => {
    expect(mark('QT-015.BM.03', 'bm.03')).toBe('QT-015.<mark>BM.03</mark>');
  });

  it('is null when a word is not there', () => {
    expect(mark('Sổ tay chất lượng', 'so tay quy')).toBeNull();
  });

  it('escapes HTML inside and outside the marks', () => {
    expect(mark('<b>Mẫu & "tờ khai"</b>', 'to khai')).toBe('&lt;b&gt;Mẫu &amp; &quot;<mark>tờ</mark> <mark>khai</mark>&quot;&lt;/b&gt;');
    expect(mark('a<b', 'a<b')).toBe('<mark>a&lt;b</mark>');
  });

  it('gives the same answer again (characters folded once are kept)', () => {
    const title = 'Thủ tục thẩm định, phê duyệt — Sở Tài nguyên và Môi trường';
    const first = mark(title, 'tham dinh moi truong');
    expect(first).toBe('Thủ tục <mark>thẩm</mark> <mark>định</mark>, phê duyệt — Sở Tài nguyên và <mark>Môi</mark> <mark>trường</mark>');
    expect(mark(title, 'tham dinh moi truong')).toBe(first);
  });
});
