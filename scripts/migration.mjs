#!/usr/bin/env node
// npm run migration:generate -- Name | migration:create -- Name | migration:run | migration:revert | migration:show
// Runs the TypeORM CLI against the compiled DataSource (dist/src/database/data-source.js), which
// shares its options with the app. Generated/created files land in migrations/ as TypeScript.
import { spawnSync } from 'node:child_process';

const [command, name] = process.argv.slice(2);
const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const ds = ['-d', 'dist/src/database/data-source.js'];
const args = {
  generate: () => ['migration:generate', ...ds, '--pretty', `migrations/${need(name)}`],
  create: () => ['migration:create', `migrations/${need(name)}`],
  run: () => ['migration:run', ...ds],
  revert: () => ['migration:revert', ...ds],
  show: () => ['migration:show', ...ds],
}[command];
if (!args) {
  console.error('usage: scripts/migration.mjs generate|create <Name> | run | revert | show');
  process.exit(2);
}
const r = spawnSync('npx', ['typeorm', ...args()], { stdio: 'inherit' });
process.exit(r.status ?? 1);

function need(n) {
  if (!n || !/^[A-Za-z][A-Za-z0-9]*$/.test(n)) {
    console.error('give the migration a name: npm run migration:generate -- AddSomething');
    process.exit(2);
  }
  return n;
}
