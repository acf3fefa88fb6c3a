/**
 * Controlled-copy PDF renderer (src/rendering, docs/RENDERING.md): unit-level, no database. Every assertion reads the PDF
 * back with pdfjs-dist, as a reader's software would.
 */
import fontkit from '@pdf-lib/fontkit';
import { degrees, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, StandardFonts } from 'pdf-lib';
import {
  LAYOUT_VERSION,
  loadFontBytes,
  renditionJobId,
  renderRevisionPdf,
  RenditionModel,
  RevisionState,
  WATERMARK_CONTROLLED,
  WATERMARK_DRAFT,
  WATERMARK_NOT_YET_EFFECTIVE,
  WATERMARK_OBSOLETE,
} from '../../src/rendering/index.js';
import {
  sampleDigest,
  sampleProcedureModel,
  sampleQualityObjectivesModel,
  sampleQualityPolicyModel,
} from '../../bench/support/sample-models.js';
import { PAGE_LABEL, PdfPageText, readPdf, vietnameseAlphabet } from './pdf-text.js';

async function sourcePdf(pages: number, o: { rotate?: number } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Source page ${i} of ${pages}`, { x: 72, y: 760, size: 18, font });
    if (o.rotate) page.setRotation(degrees(o.rotate));
  }
  return doc.save();
}

function expectEveryPageHeader(pages: PdfPageText[], expected: string[]): void {
  pages.forEach((page, i) => {
    for (const e of expected) expect({ page: i + 1, has: page.text.includes(e) }).toEqual({ page: i + 1, has: true });
    expect([...page.text.matchAll(PAGE_LABEL)].map((m) => m[1])).toEqual([`${i + 1}/${pages.length}`]);
  });
}

describe('renderRevisionPdf: controlled copy of a revision', () => {
  let model: RenditionModel;
  let pages: PdfPageText[];
  let info: Record<string, unknown> & { Custom?: Record<string, string> };
  let pageCount: number;
  let warnings: string[];
  let bytes: Uint8Array;

  beforeAll(async () => {
    model = sampleProcedureModel({ state: 'effective', steps: 12 });
    ({ bytes, pageCount, warnings } = await renderRevisionPdf(model));
    ({ pages, info } = await readPdf(bytes));
  });

  it('renders without warnings and reports its page count', () => {
    expect(warnings).toEqual([]);
    expect(pages.length).toBe(pageCount);
    expect(pageCount).toBeGreaterThanOrEqual(4);
  });

  it('prints the cover: Decree 30 block, type, title, code, TTHC code, revision, Vietnamese dates', () => {
    const cover = pages[0].text;
    expect(cover).toContain('ỦY BAN NHÂN DÂN TỈNH KON TUM SỞ KHOA HỌC VÀ CÔNG NGHỆ');
    expect(cover).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc');
    expect(cover).toContain('QUY TRÌNH Quy trình cấp Giấy chứng nhận đăng ký hoạt động thử nghiệm');
    expect(cover).toContain('Mã số: QT.TTHC-05');
    expect(cover).toContain('Mã thủ tục hành chính: 1.001193');
    expect(cover).toContain('Lần ban hành: 02');
    expect(cover).toContain('Ban hành ngày 05 tháng 3 năm 2014');
    expect(cover).toContain('Có hiệu lực từ ngày 15 tháng 3 năm 2014');
    expect(cover).toContain('Tình trạng: Đang có hiệu lực');
  });

  it('prints the sign-off grid with names, positions, the KT. capacity and dates', () => {
    const cover = pages[0].text;
    expect(cover).toContain('Soạn thảo Kiểm tra Phê duyệt');
    expect(cover).toContain('Họ và tên Nguyễn Thị Hương Trần Văn Đức Phạm Quốc Việt');
    expect(cover).toContain('Chức vụ Chuyên viên Thư ký ISO KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC');
    expect(cover).toContain('Chữ ký Đã ký điện tử Đã ký điện tử Đã ký điện tử');
    expect(cover).toContain('Ngày ký 20/02/2014 27/02/2014 05/03/2014');
  });

  it('prints the revision tracking page with every revision', () => {
    const tracking = pages[1].text;
    expect(tracking).toContain('TRANG THEO DÕI SỬA ĐỔI');
    expect(tracking).toContain('Lần Ngày Mục/Trang Nội dung sửa đổi');
    expect(tracking).toContain('01 01/06/2012 Toàn bộ Ban hành lần đầu');
    expect(tracking).toContain('02 05/03/2014 Mục 3; Mục 5.4, bước 3 Cập nhật căn cứ pháp lý theo Nghị định số 61/2018/NĐ-CP; rút ngắn thời gian thẩm định');
  });

  it('lays out the procedure as numbered sections with exact Vietnamese text', () => {
    const all = pages.slice(2).map((p) => p.text).join(' ');
    const sections = ['1. MỤC ĐÍCH', '2. PHẠM VI', '3. TÀI LIỆU VIỆN DẪN', '4. ĐỊNH NGHĨA, VIẾT TẮT', '5. NỘI DUNG QUY TRÌNH', '6. BIỂU MẪU', '7. HỒ SƠ CẦN LƯU'];
    const positions = sections.map((s) => all.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(all).toContain('Quy định trình tự, thủ tục, trách nhiệm và thời gian giải quyết hồ sơ đề nghị cấp Giấy chứng nhận');
    expect(all).toContain('Nghị định số 107/2016/NĐ-CP ngày 01 tháng 7 năm 2016 của Chính phủ');
    expect(all).toContain('(Điều 5, Điều 18) [đã được sửa đổi, bổ sung]');
    expect(all).toContain('5.2. Thời hạn giải quyết 10 ngày làm việc');
    expect(all).toContain('5.3. Phí, lệ phí Không');
    expect(all).toContain('Bước Nội dung công việc Trách nhiệm Thời gian Biểu mẫu/Kết quả');
    expect(all).toContain('BM.01/QT-05 Đơn đề nghị cấp Giấy chứng nhận');
    expect(all).toContain('Giấy chứng nhận đã cấp (bản lưu) Văn thư Vĩnh viễn');
    // 12 steps: 4 of 4 hours + 8 of half a working day = 6 working days.
    expect(all).toContain('Tổng thời gian thực hiện các bước: 6 ngày làm việc (thời hạn giải quyết theo quy định: 10 ngày làm việc)');
  });

  it('prints agency, code, revision, effective date and Trang X/N in the header of every page', () => {
    expectEveryPageHeader(pages, ['SỞ KHOA HỌC VÀ CÔNG NGHỆ', 'Mã hiệu: QT.TTHC-05', 'Lần ban hành: 02', 'Ngày hiệu lực: 15/03/2014']);
  });

  it('stamps every page with the diagonal watermark of its state, semi-transparent', async () => {
    for (const page of pages) {
      const marks = page.items.filter((i) => i.str === WATERMARK_CONTROLLED);
      expect(marks).toHaveLength(1);
      expect(marks[0].rotated).toBe(true);
    }
    const doc = await PDFDocument.load(bytes);
    for (const page of doc.getPages()) {
      const gs = page.node.Resources()!.lookup(PDFName.of('ExtGState'), PDFDict);
      const alphas = gs.values().map((v) => doc.context.lookup(v, PDFDict).lookup(PDFName.of('ca'), PDFNumber)?.asNumber());
      expect(alphas.some((a) => a !== undefined && a > 0 && a < 0.5)).toBe(true);
    }
  });

  it('writes title, subject, producer, creator, dates and the revision digest into the metadata', () => {
    expect(info.Title).toBe('QT.TTHC-05 - Quy trình cấp Giấy chứng nhận đăng ký hoạt động thử nghiệm');
    expect(info.Subject).toBe('Quy trình QT.TTHC-05, lần ban hành 02 (Đang có hiệu lực)');
    expect(info.Producer).toBe('e-ISO');
    expect(info.Creator).toBe(`e-ISO renderer, layout ${LAYOUT_VERSION}`);
    expect(info.Author).toBe('Sở Khoa học và Công nghệ');
    expect(info.CreationDate).toBe("D:20140315010000Z");
    expect(info.Custom).toMatchObject({
      EisoRevisionSha256: model.revision.digest,
      EisoRevisionState: 'effective',
      EisoLayoutVersion: String(LAYOUT_VERSION),
    });
  });

  it('embeds subset TrueType fonts (not the whole 750 KB files)', async () => {
    const doc = await PDFDocument.load(bytes);
    const fonts = doc.context
      .enumerateIndirectObjects()
      .map(([, obj]) => obj)
      .filter((obj): obj is PDFDict => obj instanceof PDFDict && obj.lookup(PDFName.of('Type')) === PDFName.of('FontDescriptor'));
    expect(fonts.map((f) => f.lookup(PDFName.of('FontName'))!.toString()).sort()).toEqual(['/EISOAA+DejaVuSans', '/EISOAB+DejaVuSans-Bold']);
    for (const f of fonts) {
      const file = doc.context.lookup(f.get(PDFName.of('FontFile2')));
      expect(file).toBeInstanceOf(PDFRawStream);
      expect((file as PDFRawStream).contents.length).toBeLessThan(120_000);
    }
    expect(bytes.length).toBeLessThan(250_000);
  });

  it('gives identical bytes for an identical model, different bytes for another state', async () => {
    const again = await renderRevisionPdf(sampleProcedureModel({ state: 'effective', steps: 12 }));
    expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
    const superseded = await renderRevisionPdf(sampleProcedureModel({ state: 'superseded', steps: 12 }));
    expect(Buffer.from(superseded.bytes).equals(Buffer.from(bytes))).toBe(false);
  });
});

describe('renderRevisionPdf: watermark by state', () => {
  const expected: Record<RevisionState, string> = {
    draft: WATERMARK_DRAFT,
    in_review: WATERMARK_DRAFT,
    pending_approval: WATERMARK_DRAFT,
    approved: WATERMARK_NOT_YET_EFFECTIVE,
    effective: WATERMARK_CONTROLLED,
    superseded: WATERMARK_OBSOLETE,
    obsolete: WATERMARK_OBSOLETE,
  };
  const all = [WATERMARK_DRAFT, WATERMARK_NOT_YET_EFFECTIVE, WATERMARK_CONTROLLED, WATERMARK_OBSOLETE];

  it.each(Object.entries(expected))('%s → %s on every page and no other stamp', async (state, mark) => {
    const { bytes } = await renderRevisionPdf(sampleQualityPolicyModel(state as RevisionState));
    const { pages } = await readPdf(bytes);
    for (const page of pages) {
      const stamps = page.items.filter((i) => i.rotated).map((i) => i.str);
      expect(stamps).toEqual([mark]);
      for (const other of all.filter((m) => m !== mark)) expect(page.text).not.toContain(other);
    }
  });
});

describe('renderRevisionPdf: Vietnamese text survives subsetting and extraction', () => {
  it('extracts every Vietnamese letter exactly (NFC), regular and bold', async () => {
    const alphabet = vietnameseAlphabet();
    const words = alphabet.match(/.{1,12}/gu)!;
    const model = sampleQualityPolicyModel('draft');
    model.document.title = `Chữ: ${words.join(' ')}`;
    model.content = { type: 'quality_policy', text: words.join(' ') };
    const { bytes, warnings } = await renderRevisionPdf(model);
    expect(warnings).toEqual([]);
    const { pages } = await readPdf(bytes);
    const cover = pages[0].text;
    const body = pages[2].text;
    for (const w of words) {
      expect(cover).toContain(w); // bold title
      expect(body).toContain(w); // regular paragraph
    }
    expect(body.normalize('NFC')).toBe(body);
  });

  it('extracts ligature-prone words and typographic punctuation unchanged', async () => {
    const model = sampleQualityPolicyModel('draft');
    model.content = { type: 'quality_policy', text: 'office affine “trích dẫn” – — … ≥ 98% § 7.5.3' };
    const { pages } = await readPdf((await renderRevisionPdf(model)).bytes);
    expect(pages[2].text).toContain('office affine “trích dẫn” – — … ≥ 98% § 7.5.3');
  });

  it('uses fonts in which no two characters share a glyph, so the subset ToUnicode map is exact', async () => {
    const { regular, bold } = await loadFontBytes();
    for (const bytes of [regular, bold]) {
      const font = fontkit.create(Buffer.from(bytes));
      const owner = new Map<number, number>();
      const shared: string[] = [];
      for (const cp of font.characterSet) {
        const id = font.glyphForCodePoint(cp).id;
        if (owner.has(id)) shared.push(`U+${cp.toString(16)} ~ U+${owner.get(id)!.toString(16)}`);
        else owner.set(id, cp);
      }
      expect(shared).toEqual([]);
      expect([...vietnameseAlphabet()].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!))).toEqual([]);
    }
  });

  it('normalises decomposed input to NFC before drawing', async () => {
    const model = sampleQualityPolicyModel('draft');
    model.content = { type: 'quality_policy', text: 'Chi\u0301nh sa\u0301ch châ\u0301t lươ\u0323ng' };
    const { pages } = await readPdf((await renderRevisionPdf(model)).bytes);
    expect(pages[2].text).toContain('Chính sách chất lượng');
  });

  it('prints characters missing from the font as "?" with a warning instead of broken glyphs', async () => {
    const model = sampleQualityPolicyModel('draft');
    model.content = { type: 'quality_policy', text: 'Mục tiêu 한 đạt 漢字' };
    const { bytes, warnings } = await renderRevisionPdf(model);
    expect(warnings).toEqual(['unsupported_characters: 3 character(s) not in the font were printed as "?" (U+D55C, U+6F22, U+5B57)']);
    const { pages } = await readPdf(bytes);
    expect(pages[2].text).toContain('Mục tiêu ? đạt ??');
  });
});

describe('renderRevisionPdf: tables across pages', () => {
  it('breaks a 60-step table across pages and repeats the header row on each page with steps', async () => {
    const { bytes } = await renderRevisionPdf(sampleProcedureModel({ steps: 60 }));
    const { pages } = await readPdf(bytes);
    const header = 'Bước Nội dung công việc Trách nhiệm Thời gian Biểu mẫu/Kết quả';
    const stepPages = pages.filter((p) => p.items.some((i) => /^B\d+$/.test(i.str)));
    expect(stepPages.length).toBeGreaterThanOrEqual(3);
    for (const page of stepPages) {
      expect(page.text).toContain(header);
      const firstStep = page.text.search(/ B\d+ /);
      expect(page.text.indexOf(header)).toBeLessThan(firstStep);
    }
    const steps = stepPages.flatMap((p) => p.items.filter((i) => /^B\d+$/.test(i.str)).map((i) => Number(i.str.slice(1))));
    expect(steps).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('splits a single row taller than a page instead of letting it overflow the page', async () => {
    const model = sampleProcedureModel({ steps: 3 });
    const long = Array.from({ length: 450 }, (_, i) => `đoạn${i + 1}`).join(' ');
    if (model.content?.type !== 'procedure') throw new Error('procedure expected');
    model.content.steps[1] = { ...model.content.steps[1], action: long };
    const { bytes } = await renderRevisionPdf(model);
    const { pages } = await readPdf(bytes);
    const where = (word: string) => pages.findIndex((p) => p.items.some((i) => i.str.split(' ').includes(word)));
    const first = where('đoạn1');
    const last = where('đoạn450');
    expect(first).toBeGreaterThan(0);
    expect(last).toBeGreaterThan(first);
    // Every word printed once, in order, and never below the bottom margin (62 pt) or into the header.
    const words = pages.flatMap((p) => p.items.flatMap((i) => i.str.split(' ').filter((w) => /^đoạn\d+$/.test(w))));
    expect(words).toEqual(long.split(' '));
    for (const p of pages.slice(first, last + 1)) {
      const rows = p.items.filter((i) => /đoạn\d+/.test(i.str));
      expect(Math.min(...rows.map((i) => i.y))).toBeGreaterThanOrEqual(62);
      expect(Math.max(...rows.map((i) => i.y))).toBeLessThan(p.height - 100);
      expect(p.text).toContain('Bước Nội dung công việc');
    }
  });

  it('lays out quality objectives as a table with the header repeated', async () => {
    const { bytes } = await renderRevisionPdf(sampleQualityObjectivesModel('effective', 30));
    const { pages } = await readPdf(bytes);
    const objectivePages = pages.filter((p) => p.text.includes('Tỷ lệ hồ sơ giải quyết đúng hạn'));
    expect(objectivePages.length).toBeGreaterThanOrEqual(2);
    for (const p of objectivePages) expect(p.text).toContain('STT Mục tiêu chất lượng Chỉ số / Chỉ tiêu Hoạt động thực hiện');
    expect(pages[2].text).toContain('MỤC TIÊU CHẤT LƯỢNG NĂM 2025');
    expect(pages[0].text).toContain('MỤC TIÊU CHẤT LƯỢNG NĂM 2025');
  });
});

describe('renderRevisionPdf: source files', () => {
  it('appends the source PDF pages, each with the header band and watermark, without covering them', async () => {
    const base = await renderRevisionPdf(sampleProcedureModel({ steps: 3 }));
    const model = { ...sampleProcedureModel({ steps: 3 }), sourcePdf: await sourcePdf(5) };
    const { bytes, pageCount, warnings } = await renderRevisionPdf(model);
    expect(warnings).toEqual([]);
    expect(pageCount).toBe(base.pageCount + 5);
    const { pages } = await readPdf(bytes);
    expect(pages).toHaveLength(pageCount);
    const appended = pages.slice(base.pageCount);
    appended.forEach((p, i) => {
      expect(p.text).toContain(`Source page ${i + 1} of 5`);
      expect(p.items.filter((it) => it.rotated).map((it) => it.str)).toEqual([WATERMARK_CONTROLLED]);
      // The page grew by the header band above its own content.
      expect(p.height).toBeCloseTo(841.89 + 34, 1);
      const sourceText = p.items.find((it) => it.str.startsWith('Source page'))!;
      const header = p.items.filter((it) => it.str.includes('Mã hiệu'));
      expect(header.length).toBeGreaterThan(0);
      expect(Math.min(...header.map((h) => h.y))).toBeGreaterThan(841.89);
      expect(sourceText.y).toBeLessThan(841.89);
    });
    expectEveryPageHeader(pages, ['SỞ KHOA HỌC VÀ CÔNG NGHỆ', 'Mã hiệu: QT.TTHC-05', 'Lần ban hành: 02', 'Ngày hiệu lực: 15/03/2014']);
  });

  it('accepts a loader for the source PDF and stamps rotated pages upright', async () => {
    const model = { ...sampleProcedureModel({ steps: 3, state: 'draft' }), sourcePdf: async () => sourcePdf(2, { rotate: 90 }) };
    const { bytes, pageCount } = await renderRevisionPdf(model);
    const { pages } = await readPdf(bytes);
    const appended = pages.slice(pageCount - 2);
    for (const p of appended) {
      expect(p.rotate).toBe(90);
      expect(p.text).toContain('Mã hiệu: QT.TTHC-05');
      // Visually the page is 841.89 wide; the band (34 pt) went to the visual top (user-space left).
      expect(p.width).toBeCloseTo(595.28 + 34, 1);
      const header = p.items.find((it) => it.str.includes('Mã hiệu'))!;
      expect(header.x).toBeLessThan(34);
    }
  });

  it('renders without the pages and with a warning when the source PDF is malformed', async () => {
    const valid = await sourcePdf(3);
    const cases: [string, Uint8Array][] = [
      ['random bytes', new Uint8Array(4096).map((_, i) => (i * 7919) % 251)],
      ['empty', new Uint8Array(0)],
      ['header only', new TextEncoder().encode('%PDF-1.7\n%garbage\n')],
      ['truncated', valid.slice(0, 200)],
    ];
    const base = await renderRevisionPdf(sampleProcedureModel({ steps: 3 }));
    for (const [name, bytes] of cases) {
      const result = await renderRevisionPdf({ ...sampleProcedureModel({ steps: 3 }), sourcePdf: bytes });
      expect({ name, warnings: result.warnings }).toEqual({ name, warnings: [expect.stringMatching(/^source_pdf_unreadable: /)] });
      const { pages } = await readPdf(result.bytes);
      expect(pages.length).toBe(result.pageCount);
      expect(result.pageCount).toBeGreaterThanOrEqual(base.pageCount);
      expect(pages.map((p) => p.text).join(' ')).toContain('Tệp nguồn PDF của lần ban hành này không đọc được');
    }
  });

  it('rejects when the source loader fails (storage down is retried, not rendered around)', async () => {
    const model = { ...sampleProcedureModel({ steps: 3 }), sourcePdf: () => Promise.reject(new Error('S3 unavailable')) };
    await expect(renderRevisionPdf(model)).rejects.toThrow('S3 unavailable');
  });

  it('lists non-PDF source files and attachments with their SHA-256', async () => {
    const model: RenditionModel = {
      ...sampleProcedureModel({ state: 'effective' }),
      document: { type: 'form', code: 'BM.01/QT-05', title: 'Đơn đề nghị cấp Giấy chứng nhận' },
      content: null,
      attachments: [
        { filename: 'Đơn đề nghị.docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', sha256: sampleDigest('docx'), size: 48_213, role: 'source' },
        { filename: 'Hướng dẫn.xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', sha256: sampleDigest('xlsx'), size: 2_500_000 },
      ],
    };
    const { bytes } = await renderRevisionPdf(model);
    const { pages } = await readPdf(bytes);
    const last = pages[pages.length - 1].text;
    expect(pages[0].text).toContain('BIỂU MẪU Đơn đề nghị cấp Giấy chứng nhận');
    expect(last).toContain('TỆP KÈM THEO');
    expect(last).toContain('Đơn đề nghị.docx (tệp nguồn)');
    expect(last).toContain('Hướng dẫn.xlsx');
    expect(last).toContain('47,1 KB');
    const compact = last.replace(/ /g, '');
    expect(compact).toContain(sampleDigest('docx'));
    expect(compact).toContain(sampleDigest('xlsx'));
  });
});

describe('renderRevisionPdf: model contract', () => {
  it('refuses a model built for another layout version or without a SHA-256 digest', async () => {
    await expect(renderRevisionPdf({ ...sampleProcedureModel(), layoutVersion: LAYOUT_VERSION + 1 })).rejects.toThrow(/layout/);
    const bad = sampleProcedureModel();
    bad.revision.digest = 'abc';
    await expect(renderRevisionPdf(bad)).rejects.toThrow(/SHA-256/);
  });

  it('names the render job after the revision, its state and the layout version', () => {
    expect(renditionJobId('6f1c0d9e-5b1a-4c55-9a53-0d2f1b7e9a10', 'effective')).toBe(`render_6f1c0d9e-5b1a-4c55-9a53-0d2f1b7e9a10_effective_${LAYOUT_VERSION}`);
  });

  it('warns about an invalid sign-off and an effective revision without approval', async () => {
    const model = sampleProcedureModel({ state: 'effective' });
    model.signOffs = model.signOffs.filter((s) => s.meaning !== 'approved').map((s) => (s.meaning === 'checked' ? { ...s, valid: false } : s));
    const { bytes, warnings } = await renderRevisionPdf(model);
    expect(warnings).toEqual([
      'sign_off_invalid: the Kiểm tra sign-off of Trần Văn Đức is no longer valid',
      'sign_off_missing: a revision in state effective has no approval sign-off',
    ]);
    const { pages } = await readPdf(bytes);
    expect(pages[0].text).toContain('Chữ ký Đã ký điện tử Chữ ký không còn hiệu lực');
  });

  it('numbers a draft with no dates and a first revision', async () => {
    const model = sampleProcedureModel({ state: 'draft', number: 1 });
    model.history = [];
    model.revision.changeSummary = null;
    const { bytes } = await renderRevisionPdf(model);
    const { pages } = await readPdf(bytes);
    expect(pages[0].text).toContain('Chưa ban hành');
    expect(pages[0].text).toContain('Ngày hiệu lực: —');
    expect(pages[1].text).toContain('01 Ban hành lần đầu');
    expectEveryPageHeader(pages, ['Lần ban hành: 01']);
  });
});
