/**
 * Delivery fills a message row's summary columns from the parsed message it has at hand
 * (mail/deliver.ts: NewMessage.summary); rows written otherwise (a migration, a copy from an
 * older row) get them from the stored metadata JSON. Both must give the same columns, or
 * SEARCH SUBJECT, SENT* and SORT would depend on how a message arrived: checked for every
 * golden MIME fixture.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseMessage } from '../../src/mime/parse.js';
import { summaryOf, summaryOfJson } from '../../src/mime/summary.js';

const dir = new URL('../fixtures/mime/', import.meta.url).pathname;

test('summary fields from the parsed message equal those from its stored JSON, for every fixture', () => {
  const names = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  assert.ok(names.length > 50);
  for (const name of names) {
    const parsed = parseMessage(readFileSync(dir + name));
    assert.deepEqual(summaryOf(parsed), summaryOfJson(JSON.stringify(parsed)), name);
  }
});
