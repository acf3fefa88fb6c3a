#!/usr/bin/env node
// npm run openapi           writes openapi.json (the committed contract) from the controllers
// npm run openapi -- --check exits 1 when openapi.json is not what the code describes
// Builds the document in Nest's preview mode: no database, Redis or storage is needed.
import 'reflect-metadata';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocumentOffline, serializeOpenApi } from '../src/bootstrap/openapi.js';
import { loadConfig } from '../src/config/app-config.js';

const file = resolve(process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'openapi.json');
const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'openapi-generation-only-'.repeat(2), SCHEDULES_ENABLED: 'false', DATA_DIR: 'dist/openapi-data' });
const text = serializeOpenApi(await buildOpenApiDocumentOffline(config));
if (process.argv.includes('--check')) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current !== text) {
    process.stderr.write(`${file} is out of date: run \`npm run openapi\` and commit it.\n`);
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date.\n`);
} else {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
