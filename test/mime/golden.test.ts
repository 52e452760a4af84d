/**
 * Golden MIME fixtures (STYLE.md habit 8): every test/fixtures/mime/<name>.eml is parsed and
 * compared with <name>.json: the ParsedMessage plus, for review, the bytes each section
 * range serves (BODY[n.MIME] and BODY[n], first 60 bytes). On mismatch the actual output is
 * written to <name>.actual.json beside it and the test fails. `UPDATE_GOLDEN=1 npm test --
 * test/mime/golden` rewrites the goldens (review the diff before committing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MimeParser, parseMessage } from '../../src/mime/parse.js';
import { sectionRange } from '../../src/mime/sections.js';
import type { MimePart, ParsedMessage } from '../../src/mime/types.js';
import { checkInvariants } from './invariants.js';

const dir = new URL('../fixtures/mime/', import.meta.url).pathname;
const names = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();

function excerpt(raw: Buffer, r: { start: number; end: number } | null): string | null {
  if (!r) return null;
  const s = raw.subarray(r.start, Math.min(r.end, r.start + 60)).toString('latin1');
  return r.end - r.start > 60 ? `${s}…(${r.end - r.start})` : s;
}

function sections(raw: Buffer, parsed: ParsedMessage): Record<string, string | null> {
  const out: Record<string, string | null> = {
    HEADER: excerpt(raw, sectionRange(parsed, 'HEADER')),
    TEXT: excerpt(raw, sectionRange(parsed, 'TEXT')),
  };
  const walk = (p: MimePart): void => {
    if (p.path !== '' && !(p.children && p.message === undefined && out[p.path] !== undefined)) {
      for (const s of [p.path, `${p.path}.MIME`, `${p.path}.HEADER`, `${p.path}.TEXT`]) {
        const r = sectionRange(parsed, s);
        if (r) out[s] = excerpt(raw, r);
      }
    }
    for (const c of p.children ?? []) walk(c);
    if (p.message) walk(p.message.body);
  };
  walk(parsed.body);
  return out;
}

test('at least 40 fixtures', () => {
  assert.ok(names.length >= 40, `${names.length} fixtures`);
});

for (const name of names) {
  test(`golden ${name}`, () => {
    const raw = readFileSync(join(dir, name));
    const parsed = parseMessage(raw);
    checkInvariants(raw, parsed);
    // Fed one byte at a time, the streaming parser reaches the same result.
    const bytewise = new MimeParser();
    for (let i = 0; i < raw.length; i++) bytewise.write(raw.subarray(i, i + 1));
    assert.deepEqual(bytewise.end(), parsed);
    const actual = `${JSON.stringify({ parsed, sections: sections(raw, parsed) }, null, 2)}\n`;
    const goldenPath = join(dir, name.replace(/\.eml$/, '.json'));
    const actualPath = join(dir, name.replace(/\.eml$/, '.actual.json'));
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath, actual);
    const expected = existsSync(goldenPath) ? readFileSync(goldenPath, 'utf8') : '';
    if (actual !== expected) {
      writeFileSync(actualPath, actual);
      assert.fail(`${name}: structure differs from ${goldenPath}; actual output in ${actualPath}`);
    } else if (existsSync(actualPath)) rmSync(actualPath);
  });
}
