#!/usr/bin/env node
// Runs the whole suite with node's own test runner (tsx loads TypeScript).
// Usage: npm test [-- FILTER...]  — a FILTER keeps test files whose path contains it.
// PostgreSQL: tests use it when 127.0.0.1:5432 answers; with CI=true its absence fails
// the run (see test/support/pg.ts), otherwise the skip is printed plainly.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = walk(join(root, 'test'), [])
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const args = [
  '--import', 'tsx',
  '--test',
  '--test-concurrency=3',
  '--test-timeout=240000', // a hang guard; the 50 MB SMTP tests need ~30 s each, more on a busy machine
  ...(process.env.CI ? ['--test-reporter=spec'] : []),
  ...files,
];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: process.env });
process.exit(r.status ?? 1);
