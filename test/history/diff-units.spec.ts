/**
 * Pure parts of revision history: the Myers line diff, the structural content diff, file changes by
 * hash, CSV quoting and the Vietnamese summaries.
 */
import { diffContent, diffFiles, FileRef } from '../../src/history/content-diff.js';
import { csvField, csvRecord } from '../../src/history/csv-writer.js';
import { summarize, vietnamDateTime } from '../../src/history/history-entries.js';
import { diffLines, LineDiff, myersOps, splitLines } from '../../src/history/line-diff.js';
import { parseCsvText } from '../../src/legal/csv.js';

/** Applies a diff's hunks to the old text: must give the new text (the hunks are a faithful patch). */
function applyPatch(oldText: string, d: LineDiff): string {
  const a = splitLines(oldText);
  const out: string[] = [];
  let i = 0; // 0-based next old line to copy
  for (const h of d.hunks) {
    const start = h.oldLines ? h.oldStart - 1 : h.oldStart;
    while (i < start) out.push(a[i++]);
    for (const l of h.lines) {
      if (l.op === 'equal') {
        expect(a[i]).toBe(l.text);
        out.push(a[i++]);
      } else if (l.op === 'removed') {
        expect(a[i]).toBe(l.text);
        i++;
      } else out.push(l.text);
    }
  }
  while (i < a.length) out.push(a[i++]);
  return out.join('\n');
}

/** Length of a longest common subsequence (dynamic programming): what a minimal diff keeps. */
function lcs(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
  return dp[a.length][b.length];
}

describe('line diff (Myers)', () => {
  it('splits lines on CRLF, CR and LF without a trailing empty line', () => {
    expect(splitLines('a\r\nb\rc\nd\n')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitLines('')).toEqual([]);
    expect(splitLines(null)).toEqual([]);
    expect(splitLines('\n')).toEqual(['']);
  });

  it('finds no hunks in identical texts', () => {
    expect(diffLines('Mục đích\nPhạm vi', 'Mục đích\nPhạm vi')).toEqual({ added: 0, removed: 0, exact: true, hunks: [] });
  });

  it('gives the classic minimal script (ABCABBA → CBABAC: 5 edits)', () => {
    const a = 'ABCABBA'.split('').map((c) => c.charCodeAt(0));
    const b = 'CBABAC'.split('').map((c) => c.charCodeAt(0));
    const ops = myersOps(a, b, 100)!;
    expect(ops.filter((o) => o !== 'equal')).toHaveLength(5);
    expect(ops.filter((o) => o !== 'added')).toHaveLength(a.length);
    expect(ops.filter((o) => o !== 'removed')).toHaveLength(b.length);
  });

  it('shows a changed line in the middle with 3 lines of context, unified-diff numbering', () => {
    const old = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
    const neu = ['1', '2', '3', '4', 'năm', '6', '7', '8', '9'].join('\n');
    const d = diffLines(old, neu);
    expect(d).toMatchObject({ added: 1, removed: 1, exact: true });
    expect(d.hunks).toEqual([
      {
        oldStart: 2,
        oldLines: 7,
        newStart: 2,
        newLines: 7,
        lines: [
          { op: 'equal', text: '2' },
          { op: 'equal', text: '3' },
          { op: 'equal', text: '4' },
          { op: 'removed', text: '5' },
          { op: 'added', text: 'năm' },
          { op: 'equal', text: '6' },
          { op: 'equal', text: '7' },
          { op: 'equal', text: '8' },
        ],
      },
    ]);
  });

  it('keeps far-apart changes in separate hunks', () => {
    const old = Array.from({ length: 20 }, (_, i) => `dòng ${i + 1}`);
    const neu = ['mở đầu', ...old.slice(0, 15), ...old.slice(16)];
    const d = diffLines(old.join('\n'), neu.join('\n'));
    expect(d.hunks).toHaveLength(2);
    expect(d.hunks[0]).toMatchObject({ oldStart: 1, oldLines: 3, newStart: 1, newLines: 4 });
    expect(d.hunks[0].lines[0]).toEqual({ op: 'added', text: 'mở đầu' });
    expect(d.hunks[1].lines.filter((l) => l.op === 'removed')).toEqual([{ op: 'removed', text: 'dòng 16' }]);
    expect(applyPatch(old.join('\n'), d)).toBe(neu.join('\n'));
  });

  it('numbers a pure insertion from the line before it (no context)', () => {
    expect(diffLines('a\nb', 'a\nx\nb', { context: 0 }).hunks).toEqual([{ oldStart: 1, oldLines: 0, newStart: 2, newLines: 1, lines: [{ op: 'added', text: 'x' }] }]);
    expect(diffLines('a\nx\nb', 'a\nb', { context: 0 }).hunks).toEqual([{ oldStart: 2, oldLines: 1, newStart: 1, newLines: 0, lines: [{ op: 'removed', text: 'x' }] }]);
  });

  it('handles empty sides: everything added, everything removed', () => {
    expect(diffLines('', 'a\nb')).toMatchObject({ added: 2, removed: 0, hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 2 }] });
    expect(diffLines('a\nb', null)).toMatchObject({ added: 0, removed: 2, hunks: [{ oldStart: 1, oldLines: 2, newStart: 0, newLines: 0 }] });
  });

  it('is minimal and a faithful patch on random texts', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: rnd(30) }, () => 'xyzw'[rnd(4)]);
      const b = a.flatMap((l) => (rnd(4) === 0 ? [] : rnd(5) === 0 ? [l, 'xyzw'[rnd(4)]] : [l]));
      const d = diffLines(a.join('\n'), b.join('\n'), { context: rnd(4) });
      expect(d.exact).toBe(true);
      expect(d.added + d.removed).toBe(a.length + b.length - 2 * lcs(a, b));
      expect(applyPatch(a.join('\n'), d)).toBe(b.join('\n'));
    }
  });

  it('beyond the edit bound reports the middle replaced whole, still a faithful patch', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`);
    const text = (xs: string[]) => ['đầu', ...xs, 'cuối'].join('\n');
    const d = diffLines(text(a), text(b), { maxEdits: 10 });
    expect(d).toMatchObject({ exact: false, added: 50, removed: 50 });
    expect(applyPatch(text(a), d)).toBe(text(b));
    expect(diffLines(text(a), text(b)).exact).toBe(true);
  });

  it('stays bounded on texts with nothing in common (20,000 lines each)', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `cũ ${i}`).join('\n');
    const b = Array.from({ length: 20_000 }, (_, i) => `mới ${i}`).join('\n');
    // The edit bound gives up on an exact script instead of exploring 40,000 edits.
    const d = diffLines(a, b);
    expect(d).toMatchObject({ exact: false, added: 20_000, removed: 20_000 });
    expect(applyPatch(a, d)).toBe(b);
  });

  it('finds the exact script on long texts with scattered edits (5,000 lines)', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `Dòng số ${i} của văn bản`);
    const b = a.map((l, i) => (i % 100 === 0 ? `${l} (sửa)` : l));
    const d = diffLines(a.join('\n'), b.join('\n'));
    expect(d).toMatchObject({ exact: true, added: 50, removed: 50 });
    expect(applyPatch(a.join('\n'), d)).toBe(b.join('\n'));
  });
});

const LEGAL_A = '11111111-1111-4111-8111-111111111111';
const LEGAL_B = '22222222-2222-4222-8222-222222222222';
const LEGAL_C = '33333333-3333-4333-8333-333333333333';
const legal = new Map([
  [LEGAL_A, { number: '61/2018/NĐ-CP', title: 'Nghị định về cơ chế một cửa' }],
  [LEGAL_B, { number: '19/2014/QĐ-TTg', title: 'Quyết định áp dụng TCVN ISO 9001' }],
  [LEGAL_C, { number: '107/2021/NĐ-CP', title: 'Nghị định sửa đổi Nghị định 61' }],
]);
const step = (no: number, action: string, days = 1) => ({ no, action, responsible: 'Bộ phận một cửa', duration: { value: days, unit: 'working_days' } });

describe('content diff', () => {
  const oldProc = {
    purpose: 'Quy định trình tự cấp phép.\nÁp dụng thống nhất.',
    scope: 'Sở Khoa học và Công nghệ.',
    fee: '50.000 đồng',
    statutoryTimeLimit: { value: 10, unit: 'working_days' },
    definitions: [{ term: 'TTHC', meaning: 'Thủ tục hành chính' }],
    legalBases: [{ legalDocumentId: LEGAL_A, articles: 'Điều 5' }, { legalDocumentId: LEGAL_B }],
    dossier: [{ name: 'Đơn đề nghị', copies: 1 }],
    steps: [step(1, 'Tiếp nhận hồ sơ'), step(2, 'Thẩm định', 3), step(3, 'Trả kết quả')],
    records: [{ name: 'Sổ theo dõi', keeper: 'Văn phòng', retention: '05 năm' }],
  };
  const newProc = {
    purpose: 'Quy định trình tự cấp giấy phép.\nÁp dụng thống nhất.',
    scope: 'Sở Khoa học và Công nghệ.',
    statutoryTimeLimit: { value: 8, unit: 'working_days' },
    definitions: [{ term: 'tthc', meaning: 'Thủ tục hành chính' }],
    legalBases: [{ legalDocumentId: LEGAL_A, articles: 'Điều 5, Điều 6' }, { legalDocumentId: LEGAL_C }],
    dossier: [{ name: 'Đơn đề nghị', copies: 2 }, { name: 'Bản sao CCCD' }],
    steps: [step(1, 'Tiếp nhận hồ sơ'), step(2, 'Thẩm định hồ sơ', 2), step(4, 'Lưu hồ sơ')],
    records: [{ name: 'Sổ theo dõi', keeper: 'Văn phòng', retention: '05 năm' }],
  };

  it('procedures: scalar fields, steps by number, legal bases with numbers, other lists, line diffs', () => {
    const d = diffContent('procedure', oldProc, newProc, legal);
    expect(d.fields).toEqual([
      { field: 'fee', old: '50.000 đồng', new: null },
      { field: 'purpose', old: oldProc.purpose, new: newProc.purpose },
      { field: 'statutoryTimeLimit', old: { value: 10, unit: 'working_days' }, new: { value: 8, unit: 'working_days' } },
    ]);
    const steps = d.lists.find((l) => l.field === 'steps')!;
    expect(steps.matchedBy).toBe('no');
    expect(steps.added).toEqual([{ key: '4', item: step(4, 'Lưu hồ sơ') }]);
    expect(steps.removed).toEqual([{ key: '3', item: step(3, 'Trả kết quả') }]);
    expect(steps.unchanged).toBe(1);
    expect(steps.changed).toEqual([
      {
        key: '2',
        old: step(2, 'Thẩm định', 3),
        new: step(2, 'Thẩm định hồ sơ', 2),
        fields: [
          { field: 'action', old: 'Thẩm định', new: 'Thẩm định hồ sơ' },
          { field: 'duration', old: { value: 3, unit: 'working_days' }, new: { value: 2, unit: 'working_days' } },
        ],
      },
    ]);
    expect(d.legalBases).toEqual({
      added: [{ legalDocumentId: LEGAL_C, number: '107/2021/NĐ-CP', title: 'Nghị định sửa đổi Nghị định 61', articles: null }],
      removed: [{ legalDocumentId: LEGAL_B, number: '19/2014/QĐ-TTg', title: 'Quyết định áp dụng TCVN ISO 9001', articles: null }],
      changed: [{ legalDocumentId: LEGAL_A, number: '61/2018/NĐ-CP', title: 'Nghị định về cơ chế một cửa', articles: { old: 'Điều 5', new: 'Điều 5, Điều 6' } }],
      unchanged: 0,
    });
    // Terms match ignoring case; names too.
    expect(d.lists.find((l) => l.field === 'definitions')).toMatchObject({ added: [], removed: [], changed: [{ key: 'tthc', fields: [{ field: 'term', old: 'TTHC', new: 'tthc' }] }] });
    const dossier = d.lists.find((l) => l.field === 'dossier')!;
    expect(dossier.added.map((x) => x.key)).toEqual(['Bản sao CCCD']);
    expect(dossier.changed).toMatchObject([{ key: 'Đơn đề nghị', fields: [{ field: 'copies', old: 1, new: 2 }] }]);
    expect(d.lists.find((l) => l.field === 'records')).toMatchObject({ added: [], removed: [], changed: [], unchanged: 1 });
    expect(d.text.map((t) => t.field)).toEqual(['purpose']);
    expect(d.text[0].hunks[0].lines).toEqual([
      { op: 'removed', text: 'Quy định trình tự cấp phép.' },
      { op: 'added', text: 'Quy định trình tự cấp giấy phép.' },
      { op: 'equal', text: 'Áp dụng thống nhất.' },
    ]);
  });

  it('pairs repeated step numbers in order and keyless items by position', () => {
    const d = diffContent('procedure', { steps: [step(1, 'a'), step(1, 'b'), { action: 'x' }] }, { steps: [step(1, 'a'), step(1, 'c'), { action: 'y' }] }, legal);
    const steps = d.lists.find((l) => l.field === 'steps')!;
    expect(steps.unchanged).toBe(1);
    expect(steps.changed.map((c) => [c.key, c.fields.map((f) => f.field)])).toEqual([
      ['1', ['action']],
      ['#1', ['action']],
    ]);
  });

  it('quality objectives: matched by no, with line diffs of the changed texts', () => {
    const o = (no: number, actions: string) => ({ no, objective: `Mục tiêu ${no}`, indicator: 'Tỷ lệ', target: '100%', method: 'Thống kê', responsibleUnit: 'Văn phòng', deadline: 'Quý IV', actions });
    const d = diffContent('quality_objectives', { year: 2025, objectives: [o(1, 'Rà soát\nBáo cáo'), o(2, 'x')] }, { year: 2025, objectives: [o(1, 'Rà soát\nBáo cáo quý'), o(3, 'y')] }, legal);
    expect(d.fields).toEqual([]);
    expect(d.legalBases).toBeNull();
    const objectives = d.lists[0];
    expect(objectives).toMatchObject({ field: 'objectives', matchedBy: 'no', added: [{ key: '3' }], removed: [{ key: '2' }], changed: [{ key: '1' }] });
    expect(d.text).toHaveLength(1);
    expect(d.text[0]).toMatchObject({ field: 'objectives[no=1].actions', added: 1, removed: 1 });
  });

  it('quality policy: the text gets a line diff', () => {
    const d = diffContent('quality_policy', { text: 'Chính sách\nCam kết' }, { text: 'Chính sách\nCam kết cải tiến' }, legal);
    expect(d.fields).toEqual([{ field: 'text', old: 'Chính sách\nCam kết', new: 'Chính sách\nCam kết cải tiến' }]);
    expect(d.text[0]).toMatchObject({ field: 'text', added: 1, removed: 1 });
    expect(d.lists).toEqual([]);
  });

  it('equal contents (keys in any order) give no differences', () => {
    /** The same value with every object's keys in reverse order. */
    const reversed = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
    const d = diffContent('procedure', oldProc, reversed(oldProc) as typeof oldProc, legal);
    expect(d.fields).toEqual([]);
    expect(d.text).toEqual([]);
    expect(d.lists.every((l) => !l.added.length && !l.removed.length && !l.changed.length)).toBe(true);
  });
});

describe('file changes by hash', () => {
  const f = (id: string, role: string, filename: string, sha: string): FileRef => ({ id, role, filename, mediaType: 'application/pdf', size: 10, sha256: sha.repeat(64).slice(0, 64) });

  it('tells unchanged, renamed, replaced, added and removed files apart', () => {
    const old = [f('o1', 'source', 'Quy trình.docx', 'a'), f('o2', 'attachment', 'Phụ lục.pdf', 'b'), f('o3', 'attachment', 'Mẫu 1.pdf', 'c'), f('o4', 'attachment', 'Cũ.pdf', 'd')];
    const neu = [f('n1', 'source', 'Quy trình v2.docx', 'e'), f('n2', 'attachment', 'Phụ lục.pdf', 'b'), f('n3', 'attachment', 'Mẫu 01.pdf', 'c'), f('n5', 'attachment', 'Mới.pdf', 'g')];
    const d = diffFiles(old, neu);
    expect(d.unchanged.map((x) => x.id)).toEqual(['n2']);
    expect(d.renamed).toEqual([{ sha256: neu[2].sha256, old: old[2], new: neu[2] }]);
    expect(d.replaced).toEqual([{ role: 'source', old: old[0], new: neu[0] }]);
    expect(d.removed.map((x) => x.id)).toEqual(['o4']);
    expect(d.added.map((x) => x.id)).toEqual(['n5']);
  });

  it('an attachment with the same name and other bytes is replaced; duplicates pair one to one', () => {
    const d = diffFiles([f('o1', 'attachment', 'A.pdf', 'a'), f('o2', 'attachment', 'B.pdf', 'a')], [f('n1', 'attachment', 'A.pdf', 'z'), f('n2', 'attachment', 'B.pdf', 'a')]);
    expect(d.unchanged.map((x) => x.id)).toEqual(['n2']);
    expect(d.replaced).toEqual([expect.objectContaining({ role: 'attachment', old: expect.objectContaining({ id: 'o1' }), new: expect.objectContaining({ id: 'n1' }) })]);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
  });
});

describe('CSV writer', () => {
  it('quotes commas, quotes and line breaks (RFC 4180) and neutralises formulas', () => {
    expect(csvField('Nguyễn Văn An')).toBe('Nguyễn Văn An');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('nói "không"')).toBe('"nói ""không"""');
    expect(csvField('dòng 1\ndòng 2')).toBe('"dòng 1\ndòng 2"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    expect(csvField(2)).toBe('2');
    expect(csvRecord(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });

  it('reads back through an RFC 4180 reader', async () => {
    const fields = ['Trả lại, vì "thiếu" căn cứ\nbổ sung Điều 5', 'Phạm Thị Thư', ''];
    const records = (await parseCsvText(csvRecord(['a', 'b', 'c']) + csvRecord(fields))).map((r) => r.fields);
    expect(records).toEqual([['a', 'b', 'c'], fields]);
  });
});

describe('history summaries', () => {
  it('says in Vietnamese what happened', () => {
    expect(summarize('revision.returned', { state: { old: 'pending_approval', new: 'draft' }, comment: 'Bổ sung căn cứ' })).toBe(
      'Trạng thái: Chờ phê duyệt → Dự thảo; Ý kiến: Bổ sung căn cứ',
    );
    expect(summarize('revision.updated', { documentId: 'x', version: 3, 'content.steps': {}, changeSummary: {} })).toBe('Nội dung sửa: Các bước thực hiện, Tóm tắt sửa đổi');
    expect(summarize('file.added', { filename: 'Mẫu.pdf', role: 'attachment', size: 12, sha256: 'ab' })).toBe('"Mẫu.pdf" (tệp đính kèm, 12 byte) SHA-256 ab');
    expect(vietnamDateTime(new Date('2025-03-09T01:15:02.123Z'))).toBe('2025-03-09 08:15:02');
  });
});
