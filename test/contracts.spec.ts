import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = fileURLToPath(new URL('./contracts/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.types.ts'))
  .map((f) => dir + f);

/**
 * Contracts the compiler checks (job payloads, problem codes): test/contracts/*.types.ts hold calls
 * that must compile and calls marked `@ts-expect-error` that must not. Type-checking them with the
 * project's compiler options fails when a contract is broken either way (ts-jest only transpiles).
 */
describe('compile-time contracts', () => {
  it('test/contracts/*.types.ts type-check: the allowed calls compile, every @ts-expect-error line fails', () => {
    const config = ts.readConfigFile(root + 'tsconfig.json', ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
    expect(diagnostics).toEqual([]);
    // The files are not vacuous: each holds calls that must fail.
    for (const f of files) expect(readFileSync(f, 'utf8').match(/@ts-expect-error/g)?.length ?? 0).toBeGreaterThan(3);
  }, 120_000);
});
