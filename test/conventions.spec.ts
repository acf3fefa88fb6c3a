import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(root + dir).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(root + rel).isDirectory()) return files(rel);
    return /\.(ts|mjs|md)$/.test(name) ? [rel] : [];
  });
}

/**
 * Comments name rules and files, not tickets or documents outside the repository: a reader of the
 * code has the code, not the tracker nor the planning documents.
 */
describe('code conventions', () => {
  it('no comment in src/, test/, migrations/ or bench/ points to an issue number or to API.md / DOMAIN.md', () => {
    const self = 'test/conventions.spec.ts';
    const outside = new RegExp(['\\bissues? #?\\d+', '\\b(feature|later|this) issues?\\b', 'API\\.md', 'DOMAIN\\.md'].join('|'), 'i');
    const hits = ['src', 'test', 'migrations', 'bench']
      .flatMap(files)
      .filter((f) => f !== self)
      .flatMap((f) =>
        readFileSync(root + f, 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
          .filter((l) => outside.test(l.line)),
      )
      .map((l) => `${l.where}: ${l.line.trim()}`);
    expect(hits).toEqual([]);
  });
});
