/**
 * Writes docs/config.md from the configuration schema (`npm run docs`). With --check it only
 * compares and exits 1 when the checked-in page is stale (test/config/docs.test.ts does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { configReference } from '../src/config/render.js';

const path = new URL('../docs/config.md', import.meta.url);
const text = configReference();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('docs/config.md is stale: run `npm run docs`');
    process.exit(1);
  }
  console.log('docs/config.md is up to date');
} else {
  writeFileSync(path, text);
  console.log('wrote docs/config.md');
}
