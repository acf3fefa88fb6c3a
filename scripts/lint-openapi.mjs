#!/usr/bin/env node
// npm run lint:openapi          lints openapi.json with Spectral (spectral:oas) and Redocly (recommended)
// npm run lint:openapi -- --json prints every finding as JSON (test/openapi-lint.spec.ts reads it)
// Exits 1 when either linter reports an error (warnings are printed, they do not fail).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import spectralRulesets from '@stoplight/spectral-rulesets';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const args = process.argv.slice(2);
const file = resolve(args.find((a) => !a.startsWith('--')) ?? 'openapi.json');
const text = readFileSync(file, 'utf8');

const SPECTRAL_SEVERITY = ['error', 'warn', 'info', 'hint'];
const spectral = new spectralCore.Spectral();
spectral.setRuleset({ extends: [[spectralRulesets.oas, 'recommended']] });
const spectralFindings = (await spectral.run(new spectralCore.Document(text, spectralParsers.Json, file))).map((r) => ({
  linter: 'spectral',
  severity: SPECTRAL_SEVERITY[r.severity] ?? 'error',
  rule: String(r.code),
  where: r.path.join('.'),
  message: r.message,
}));

const config = await createConfig({ extends: ['recommended'] });
const redoclyFindings = (await lintFromString({ source: text, absoluteRef: file, config })).map((p) => ({
  linter: 'redocly',
  severity: p.severity === 'warn' ? 'warn' : p.severity,
  rule: p.ruleId,
  where: p.location?.[0]?.pointer ?? '',
  message: p.message,
}));

const findings = [...spectralFindings, ...redoclyFindings];
const errors = findings.filter((f) => f.severity === 'error');
if (args.includes('--json')) {
  process.stdout.write(JSON.stringify(findings) + '\n');
} else {
  for (const f of findings) process.stdout.write(`${f.linter} ${f.severity} ${f.rule} ${f.where}: ${f.message}\n`);
  process.stdout.write(`${file}: ${errors.length} error(s), ${findings.length - errors.length} warning(s)\n`);
}
process.exit(errors.length ? 1 : 0);
