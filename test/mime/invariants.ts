/** Structural invariants every ParsedMessage must satisfy, whatever the input. */
import assert from 'node:assert/strict';
import type { MimePart, ParsedMessage } from '../../src/mime/types.js';

export function checkInvariants(raw: Buffer, p: ParsedMessage): void {
  assert.equal(p.size, raw.length);
  assert.ok(p.bodyStart >= 0 && p.bodyStart <= p.size);
  const walk = (part: MimePart, lo: number, hi: number): void => {
    assert.ok(lo <= part.headerStart && part.headerStart <= part.bodyStart, `${part.path} header`);
    assert.ok(part.bodyStart <= part.bodyEnd && part.bodyEnd <= hi, `${part.path} body`);
    assert.equal(part.size, part.bodyEnd - part.bodyStart);
    assert.ok(part.lines >= 0);
    if (part.children) {
      assert.ok(part.children.length > 0, `${part.path} has children`);
      let prev = part.bodyStart;
      for (const c of part.children) {
        walk(c, prev, part.bodyEnd);
        prev = c.bodyEnd;
      }
    }
    if (part.message) {
      assert.equal(part.message.headerStart, part.bodyStart);
      walk(part.message.body, part.bodyStart, part.bodyEnd);
    }
  };
  walk(p.body, 0, p.size);
  assert.equal(p.body.bodyStart, p.bodyStart);
}
