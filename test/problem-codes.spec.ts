import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { DomainError, Errors } from '../src/common/errors.js';
import { problemResponseDescription } from '../src/common/openapi.js';
import { toProblem } from '../src/common/problem.js';
import { PROBLEM_CODE_NAMES, PROBLEM_CODES, type ProblemCode } from '../src/common/problem-codes.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const LIST_FILE = 'common/problem-codes.ts';

function sourceFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = prefix + name;
    if (statSync(dir + name).isDirectory()) return sourceFiles(`${dir}${name}/`, `${rel}/`);
    return name.endsWith('.ts') ? [rel] : [];
  });
}

/** Position of the code among the arguments of each `Errors` helper that takes one. */
const CODE_ARGUMENT: Record<string, number> = { badRequest: 0, unauthorized: 0, forbidden: 1, notFound: 1, conflict: 0, ruleViolated: 0 };

interface Thrown {
  code: string;
  where: string;
}

/** Every literal code given to an `Errors` helper or to `new DomainError` in src/. */
function thrownCodes(): Thrown[] {
  const out: Thrown[] = [];
  for (const file of sourceFiles(src)) {
    const sf = ts.createSourceFile(file, readFileSync(src + file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) => `src/${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      let arg: ts.Expression | undefined;
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.expression.getText() === 'Errors') {
        const i = CODE_ARGUMENT[n.expression.name.text];
        if (i !== undefined) arg = n.arguments[i];
      }
      if (ts.isNewExpression(n) && n.expression.getText() === 'DomainError') arg = n.arguments?.[0];
      if (arg && ts.isStringLiteral(arg)) out.push({ code: arg.text, where: where(arg) });
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

describe('problem codes: one list (src/common/problem-codes.ts)', () => {
  it('every code thrown in src/ is in the list', () => {
    const thrown = thrownCodes();
    expect(thrown.length).toBeGreaterThan(60);
    expect(thrown.filter((t) => !(t.code in PROBLEM_CODES)).map((t) => `${t.code} at ${t.where}`)).toEqual([]);
  });

  it('every listed code is used somewhere in src/ (thrown, or mapped by the filter), or marked reserved with a reason', () => {
    const text = sourceFiles(src)
      .filter((f) => f !== LIST_FILE)
      .map((f) => readFileSync(src + f, 'utf8'))
      .join('\n');
    const used = (c: string) => text.includes(`'${c}'`);
    const unused = PROBLEM_CODE_NAMES.filter((c) => !used(c) && !('reserved' in PROBLEM_CODES[c]));
    expect(unused).toEqual([]);
    // A reserved code that is used after all is no longer reserved.
    expect(PROBLEM_CODE_NAMES.filter((c) => 'reserved' in PROBLEM_CODES[c] && used(c))).toEqual([]);
  });

  it('each code has a status, a Vietnamese and an English title; codes are snake_case', () => {
    for (const [code, spec] of Object.entries(PROBLEM_CODES)) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect([400, 401, 403, 404, 408, 409, 412, 413, 415, 416, 422, 428, 429, 500, 503]).toContain(spec.status);
      expect(spec.vi.length).toBeGreaterThan(3);
      expect(spec.en.length).toBeGreaterThan(3);
      expect(spec.vi).toBe(spec.vi.normalize('NFC'));
    }
  });

  it('a domain error takes its status from the list; the helpers only build codes of their status', () => {
    expect(new DomainError('document_withdrawn', 'x').status).toBe(409);
    expect(Errors.conflict('revision_open', 'x').status).toBe(409);
    expect(Errors.forbidden().status).toBe(403);
    expect(Errors.notFound('Document').code).toBe('not_found');
    expect(Errors.ruleViolated('revision_incomplete', 'x').status).toBe(422);
    expect(Errors.rangeNotSatisfiable(10).headers).toEqual({ 'Content-Range': 'bytes */10' });
  });

  it('the filter takes the title from the list: Vietnamese by default, English on request; type is the stable URI of the code', () => {
    const err = Errors.conflict('document_withdrawn', 'The document was withdrawn.');
    expect(toProblem(err).problem).toMatchObject({ type: 'urn:e-iso:problem:document_withdrawn', title: 'Tài liệu đã bị thu hồi', status: 409, code: 'document_withdrawn' });
    expect(toProblem(err, undefined, 'en').problem.title).toBe('Document withdrawn');
  });

  it('OpenAPI error-response descriptions name the codes with their titles', () => {
    const d = problemResponseDescription(409, ['revision_open', 'document_withdrawn' as ProblemCode]);
    expect(d).toBe(
      'Conflicts with the current state. Codes: `revision_open` (An open revision exists; Tài liệu đang có bản dự thảo chưa hoàn tất), ' +
        '`document_withdrawn` (Document withdrawn; Tài liệu đã bị thu hồi).',
    );
    expect(problemResponseDescription(401, [])).toContain('`missing_token`');
    expect(problemResponseDescription(401, ['invalid_credentials'])).not.toContain('missing_token');
  });
});
