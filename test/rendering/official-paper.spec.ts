/**
 * Official papers and records (Decree 30/2020/NĐ-CP): unit-level, no database. Every assertion reads
 * the PDF back with pdfjs-dist, as a reader's software would.
 */
import { createHash } from 'node:crypto';
import { PDFDocument, PDFName } from 'pdf-lib';
import {
  OfficialPaperModel,
  officialPaperDigest,
  PAPER_LAYOUT_VERSION,
  PaperBlock,
  renderOfficialPaperPdf,
  WATERMARK_DRAFT,
} from '../../src/rendering/index.js';
import { romanNumeral } from '../../src/rendering/pdf/render-official-paper.js';
import { sampleAuditRecordPaper, sampleReportPaper } from '../../bench/support/sample-papers.js';
import { pageLabels as labels, PdfReadBack, readPdf, vietnameseAlphabet, watermarks } from './pdf-text.js';

const all = (pdf: PdfReadBack) => pdf.pages.map((p) => p.text).join(' ');

async function render(model: OfficialPaperModel) {
  const result = await renderOfficialPaperPdf(model);
  return { ...result, pdf: await readPdf(result.bytes) };
}

describe('renderOfficialPaperPdf: Decree 30 papers', () => {
  let signed: Awaited<ReturnType<typeof render>>;

  beforeAll(async () => {
    signed = await render(sampleReportPaper());
  });

  it('prints the agency block, the national header, the number and the place-and-date line', () => {
    const first = signed.pdf.pages[0].text;
    expect(first).toContain('ỦY BAN NHÂN DÂN HUYỆN ĐĂK HÀ ỦY BAN NHÂN DÂN XÃ ĐĂK BLÁ');
    expect(first).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc');
    expect(first).toContain('Số: 12/BC-UBND');
    expect(first).toContain('Đăk Blá, ngày 10 tháng 6 năm 2026');
    expect(first).toContain('BÁO CÁO Tình hình duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 6 tháng đầu năm 2026');
  });

  it('numbers headings I. / 1. and prints tables, facts, bullets and the empty-state text', () => {
    const text = all(signed.pdf);
    const order = ['I. KẾT QUẢ THỰC HIỆN', '1. Các chỉ số', 'Bảng 1. Số liệu trong kỳ báo cáo', '2. Thông tin chung', 'II. KHÓ KHĂN, VƯỚNG MẮC', 'III. ĐỀ XUẤT, KIẾN NGHỊ'];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).toContain('STT Nội dung Số lượng Đánh giá');
    expect(text).toContain('1 Số thủ tục hành chính thuộc thẩm quyền giải quyết (mục 1) 10 Đạt');
    expect(text).toContain('Ngày công bố HTQLCL: ngày 05 tháng 3 năm 2025');
    expect(text).toContain('Ghi chú: —');
    expect(text).toContain('- Một số công chức mới chưa được đào tạo về ISO.');
    expect(text).toContain('Không có đề xuất.');
  });

  it('prints the signature block (TM. / KT. / position / status / name) and Nơi nhận with its list', () => {
    const text = all(signed.pdf);
    expect(text).toContain('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH');
    expect(text).toContain('(Đã ký điện tử ngày 10/06/2026) Nguyễn Văn Phó');
    expect(text).toContain('Nơi nhận: - Sở Khoa học và Công nghệ; - UBND huyện Đăk Hà; - Lưu: VT.');
  });

  it('keeps the signature block and Nơi nhận together on one page', () => {
    const withSignature = signed.pdf.pages.filter((p) => p.text.includes('Nơi nhận:'));
    expect(withSignature).toHaveLength(1);
    expect(withSignature[0].text).toContain('Nguyễn Văn Phó');
    expect(withSignature[0].text).toContain('PHÓ CHỦ TỊCH');
  });

  it('prints Trang X/Y and the digest on every page; no watermark on a final paper; metadata', () => {
    expect(signed.warnings).toEqual([]);
    expect(signed.pdf.pages).toHaveLength(signed.pageCount);
    expect(labels(signed.pdf.pages)).toEqual(signed.pdf.pages.map((_, i) => [`${i + 1}/${signed.pageCount}`]));
    for (const p of signed.pdf.pages) expect(p.text).toContain(`SHA-256 ${signed.digest}`);
    expect(watermarks(signed.pdf).flat()).toEqual([]);
    expect(signed.digest).toBe(officialPaperDigest(sampleReportPaper()));
    const info = signed.pdf.info;
    expect(info.Title).toBe('BÁO CÁO - Tình hình duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 6 tháng đầu năm 2026');
    expect(info.Author).toBe('Ủy ban nhân dân xã Đăk Blá');
    expect(info.Subject).toBe('12/BC-UBND');
    expect(info.Creator).toBe(`e-ISO renderer, paper layout ${PAPER_LAYOUT_VERSION}`);
    expect(info.Keywords).toContain('HTQLCL');
    expect(info.Custom).toEqual(expect.objectContaining({ EisoPaperSha256: signed.digest, EisoPaperStatus: 'final', EisoPaperLayoutVersion: String(PAPER_LAYOUT_VERSION) }));
  });

  it('an unnumbered, undated, unsigned draft: blank number and date, "Chưa ký", BẢN NHÁP on every page', async () => {
    const draft = await render(sampleReportPaper({ signed: false, rows: 60 }));
    expect(draft.pageCount).toBeGreaterThan(1);
    const first = draft.pdf.pages[0].text;
    expect(first).toContain('Số: /BC-UBND');
    expect(first).toContain('Đăk Blá, ngày tháng năm 2026');
    expect(all(draft.pdf)).toContain('(Chưa ký) Nguyễn Văn Phó');
    expect(watermarks(draft.pdf)).toEqual(draft.pdf.pages.map(() => [WATERMARK_DRAFT]));
    expect(draft.pdf.info.Custom?.EisoPaperStatus).toBe('draft');
    // The blanks are kept on the page (not collapsed to one space): "/BC-UBND" stands well right of "Số:".
    const items = draft.pdf.pages[0].items;
    const so = items.find((i) => i.str === 'Số:')!;
    const symbol = items.find((i) => i.str === '/BC-UBND')!;
    expect(symbol.y).toBeCloseTo(so.y, 1);
    expect(symbol.x - so.x).toBeGreaterThan(30);
  });

  it('contains every Vietnamese letter intact in regular, bold, italic text, tables and signatures', async () => {
    // Words of 12 letters: a longer word would be broken across lines.
    const words = vietnameseAlphabet().match(/.{1,12}/gu)!;
    const abc = words.join(' ');
    const base = sampleReportPaper();
    const model: OfficialPaperModel = {
      ...base,
      place: `Xã ${abc}`,
      subtitle: abc,
      body: [
        { type: 'heading', text: abc },
        { type: 'paragraph', text: abc },
        { type: 'paragraph', text: abc, italic: true },
        { type: 'table', columns: [{ header: abc, width: 1 }], rows: [[abc], [{ text: abc, bold: true }]] },
        { type: 'facts', items: [{ label: abc, value: abc }] },
      ],
      signatures: [{ capacity: [], position: abc, fullName: abc, signedAt: '2026-06-10' }],
      recipients: [abc],
    };
    const { pdf, warnings } = await render(model);
    expect(warnings).toEqual([]);
    const text = all(pdf);
    expect(text.normalize('NFC')).toBe(text);
    // place (italic), subtitle (italic), heading (bold), paragraph, italic paragraph, table header (bold) and two cells,
    // fact label (bold) and value, signer's name (bold), recipient: 12; the position is printed upper case.
    for (const w of words.filter((x) => x !== x.toLocaleUpperCase('vi'))) expect({ w, n: text.split(w).length - 1 }).toEqual({ w, n: 12 });
    for (const w of words) expect(text).toContain(w.toLocaleUpperCase('vi'));
  });

  it('is deterministic: the same model gives the same bytes; any printed change gives another digest', async () => {
    const a = await renderOfficialPaperPdf(sampleReportPaper());
    const b = await renderOfficialPaperPdf(sampleReportPaper());
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const changed = sampleReportPaper();
    changed.recipients = [...changed.recipients!, 'Phòng Văn hóa - Xã hội'];
    const c = await renderOfficialPaperPdf(changed);
    expect(c.digest).not.toBe(a.digest);
    expect(createHash('sha256').update(c.bytes).digest('hex')).not.toBe(createHash('sha256').update(a.bytes).digest('hex'));
    const doc = await PDFDocument.load(a.bytes, { updateMetadata: false });
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-06-10T02:30:00.000Z');
    // Fixed subset names (pdf-lib would pick random ones): regular, bold and the oblique styles.
    const fontNames = doc.context.enumerateIndirectObjects().map(([, o]) => String((o as { get?: (k: PDFName) => unknown }).get?.(PDFName.of('BaseFont')) ?? '')).filter((n) => n.startsWith('/EISO'));
    expect([...new Set(fontNames)].sort()).toEqual(['/EISOAA+DejaVuSans', '/EISOAB+DejaVuSans-Bold', '/EISOAC+DejaVuSans-Oblique', '/EISOAD+DejaVuSans-BoldOblique']);
  });

  it('breaks a long table across pages with the header row repeated and every row printed once', async () => {
    const rows = Array.from({ length: 160 }, (_, i) => [String(i + 1), `Nội dung dòng ${i + 1}: cập nhật quy trình, biểu mẫu theo văn bản mới`, String(i)]);
    const model: OfficialPaperModel = {
      ...sampleReportPaper(),
      body: [{ type: 'table', columns: [{ header: 'STT', width: 0.6 }, { header: 'Nội dung chi tiết', width: 5 }, { header: 'Mã', width: 1 }], rows }],
    };
    const { pdf, pageCount } = await render(model);
    expect(pageCount).toBeGreaterThanOrEqual(4);
    const tablePages = pdf.pages.filter((p) => p.text.includes('Nội dung dòng'));
    expect(tablePages.length).toBeGreaterThanOrEqual(4);
    for (const p of tablePages) expect(p.text).toContain('STT Nội dung chi tiết Mã');
    const text = all(pdf);
    for (let i = 1; i <= 160; i++) expect(text.split(`Nội dung dòng ${i}:`).length - 1).toBe(1);
    expect(labels(pdf.pages)).toEqual(pdf.pages.map((_, i) => [`${i + 1}/${pageCount}`]));
  });

  it('numbers headings the Decree 30 way (I., 1., a)), decimally, explicitly or not at all', async () => {
    const blocks: PaperBlock[] = [
      { type: 'heading', text: 'Một' },
      { type: 'heading', text: 'Một một', level: 2 },
      { type: 'heading', text: 'Một một a', level: 3 },
      { type: 'heading', text: 'Một một b', level: 3 },
      { type: 'heading', text: 'Một hai', level: 2 },
      { type: 'heading', text: 'Hai' },
      { type: 'heading', text: 'Hai một', level: 2 },
      { type: 'heading', text: 'Phụ lục', number: null },
      { type: 'heading', text: 'Điều riêng', number: 'Điều 5.' },
    ];
    const roman = all((await render({ ...sampleReportPaper(), body: blocks })).pdf);
    for (const s of ['I. Một', '1. Một một', 'a) Một một a', 'b) Một một b', '2. Một hai', 'II. Hai', '1. Hai một', 'Phụ lục', 'Điều 5. Điều riêng']) expect(roman).toContain(s);
    expect(roman).not.toContain('III. Phụ lục');
    const decimal = all((await render({ ...sampleReportPaper(), body: blocks, numbering: 'decimal' })).pdf);
    for (const s of ['1. Một', '1.1. Một một', '1.1.1. Một một a', '1.1.2. Một một b', '1.2. Một hai', '2. Hai', '2.1. Hai một']) expect(decimal).toContain(s);
    const none = all((await render({ ...sampleReportPaper(), body: blocks.slice(0, 2), numbering: 'none' })).pdf);
    expect(none).toContain('Một Một một');
    expect([1, 4, 9, 14, 40, 90, 2026].map(romanNumeral)).toEqual(['I', 'IV', 'IX', 'XIV', 'XL', 'XC', 'MMXXVI']);
  });

  it('warns about what it cannot print as asked, and refuses a model that breaks its contract', async () => {
    const unsigned = { ...sampleReportPaper(), signatures: [{ position: 'Chủ tịch', fullName: 'Lê Văn Chủ' }] };
    expect((await renderOfficialPaperPdf(unsigned)).warnings).toEqual(['signature_missing: the final paper is not signed by Lê Văn Chủ']);
    const invalid = { ...sampleReportPaper(), signatures: [{ position: 'Chủ tịch', fullName: 'Lê Văn Chủ', signedAt: '2026-06-01', valid: false }] };
    const inv = await render(invalid);
    expect(inv.warnings).toEqual(['signature_invalid: the signature of Lê Văn Chủ is no longer valid']);
    expect(all(inv.pdf)).toContain('(Chữ ký ngày 01/06/2026 không còn hiệu lực)');
    const odd = await renderOfficialPaperPdf({ ...sampleReportPaper(), body: [{ type: 'paragraph', text: 'Ký hiệu ☃ và ب' }] });
    expect(odd.warnings).toEqual([expect.stringMatching(/^unsupported_characters: /)]);

    await expect(renderOfficialPaperPdf({ ...sampleReportPaper(), layoutVersion: PAPER_LAYOUT_VERSION + 1 })).rejects.toThrow(TypeError);
    await expect(renderOfficialPaperPdf({ ...sampleReportPaper(), agencies: [] })).rejects.toThrow(TypeError);
    await expect(renderOfficialPaperPdf({ ...sampleReportPaper(), title: ' ' })).rejects.toThrow(TypeError);
    await expect(renderOfficialPaperPdf({ ...sampleReportPaper(), date: 'ngày mai' })).rejects.toThrow(RangeError);
  });
});

describe('renderOfficialPaperPdf: the record (controlled-copy) layout', () => {
  let rec: Awaited<ReturnType<typeof render>>;

  beforeAll(async () => {
    rec = await render(sampleAuditRecordPaper({ rows: 40 }));
  });

  it('prints the boxed header on every page: agency, kind and title, code, date, Trang X/Y', () => {
    expect(rec.pageCount).toBeGreaterThanOrEqual(3);
    for (const p of rec.pdf.pages) {
      expect(p.text).toContain('SỞ KHOA HỌC VÀ CÔNG NGHỆ');
      expect(p.text).toContain('BÁO CÁO ĐÁNH GIÁ NỘI BỘ Đánh giá nội bộ Hệ thống quản lý chất lượng năm 2026');
      expect(p.text).toContain('Mã hiệu: ĐGNB-2026-01');
      expect(p.text).toContain('Ngày: 20/11/2026');
      expect(p.text).toContain(`SHA-256 ${rec.digest}`);
    }
    expect(labels(rec.pdf.pages)).toEqual(rec.pdf.pages.map((_, i) => [`${i + 1}/${rec.pageCount}`]));
    // Not final: the draft stamp.
    expect(watermarks(rec.pdf)).toEqual(rec.pdf.pages.map(() => [WATERMARK_DRAFT]));
  });

  it('prints facts, the findings table (header repeated), decimal headings and the signature grid', () => {
    const text = all(rec.pdf);
    expect(text).toContain('1. Thông tin chung');
    expect(text).toContain('Phạm vi: Các quy trình giải quyết thủ tục hành chính');
    expect(text).toContain('2. Các phát hiện');
    expect(text).toContain('3. Kết luận');
    for (let i = 1; i <= 40; i++) expect(text).toContain(`Hồ sơ thủ tục hành chính số ${i} chưa được cập nhật`);
    for (const p of rec.pdf.pages.filter((pg) => pg.text.includes('Hồ sơ thủ tục hành chính số'))) expect(p.text).toContain('STT Điều khoản Loại Mô tả Tài liệu');
    expect(text).toContain('Người lập Trưởng đoàn đánh giá Phê duyệt');
    expect(text).toContain('Họ và tên Phạm Thị Thư Đinh Thị Đánh Giá Phạm Quốc Việt');
    expect(text).toContain('Chức vụ Thư ký ISO Chuyên gia đánh giá KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC');
    expect(text).toContain('Chữ ký Đã ký điện tử Đã ký điện tử Chưa ký');
    expect(text).toContain('Ngày ký 20/11/2026 20/11/2026');
    const grid = rec.pdf.pages.filter((p) => p.text.includes('Họ và tên'));
    expect(grid).toHaveLength(1);
    expect(grid[0].text).toContain('Ngày ký');
  });

  it('a final record has no watermark unless one is asked for', async () => {
    const final = await render({ ...sampleAuditRecordPaper(), final: true, signatures: [] });
    expect(watermarks(final.pdf).flat()).toEqual([]);
    const stamped = await render({ ...sampleAuditRecordPaper(), final: true, watermark: 'BẢN SAO', signatures: [] });
    expect(watermarks(stamped.pdf)).toEqual(stamped.pdf.pages.map(() => ['BẢN SAO']));
  });
});
