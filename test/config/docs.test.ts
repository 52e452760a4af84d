import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configReference } from '../../src/config/render.js';
import { allKeys } from '../../src/config/keys.js';

test('docs/config.md is generated from the schema and up to date (run `npm run docs`)', () => {
  const page = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
  assert.equal(page, configReference(), 'docs/config.md is stale: run `npm run docs` and commit it');
});

test('every key has a doc string and appears in the reference with its variable', () => {
  const page = configReference();
  const keys = allKeys();
  assert.ok(keys.length >= 40, `only ${keys.length} keys`);
  for (const k of keys) {
    assert.ok(k.description.length > 10, k.key);
    assert.ok(page.includes(`| \`${k.key}\` |`), k.key);
    assert.ok(page.includes(k.env), k.env);
  }
});
