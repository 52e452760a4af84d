/** A session's \Recent UIDs (src/server/imap/recent-uids.ts): many claims, then expunges. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentUids } from '../../src/server/imap/recent-uids.js';

test('has and size over many intervals, and after the messages below them are expunged', () => {
  let uids: number[] = [];
  const recent = new RecentUids(() => uids);
  // a busy mailbox: this session claims every third new message, the others go elsewhere
  for (let u = 1; u <= 300; u++) {
    uids.push(u);
    if (u % 3 === 0) recent.addAbove(u - 1, u);
  }
  for (let u = 1; u <= 301; u++) assert.equal(recent.has(u), u % 3 === 0 && u <= 300, `uid ${u}`);
  assert.equal(recent.size, 100);
  // two claims that meet form one interval
  uids.push(301, 302);
  recent.addAbove(300, 302);
  assert.ok(recent.has(301) && recent.has(302) && recent.has(300));
  assert.equal(recent.size, 102);
  // expunge everything up to 250: what was recent above it still is
  uids = uids.filter((u) => u > 250);
  uids.push(303);
  recent.addAbove(302, 303);
  assert.equal(recent.size, 20); // 252, 255 … 300 (17), 301, 302, 303
  for (const u of [252, 255, 300, 301, 303]) assert.ok(recent.has(u), `uid ${u}`);
  for (const u of [251, 253, 254]) assert.ok(!recent.has(u), `uid ${u}`);
});
