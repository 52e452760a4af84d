/** The FETCH metadata cache (src/server/imap/fetch/metadata.ts): parsed once per message
 *  bytes, re-parsed when the stored metadata differs, and bounded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsedMetadata } from '../../src/server/imap/fetch/metadata.js';

const meta = (size: number, pad = ''): string => JSON.stringify({ size, pad, envelope: {}, body: {} });

test('FETCH metadata: the same blob parses once; different metadata for it is parsed anew', () => {
  const a = parsedMetadata({ blobId: 'cache-test-a', metadata: meta(10) });
  assert.equal(parsedMetadata({ blobId: 'cache-test-a', metadata: meta(10) }), a);
  const b = parsedMetadata({ blobId: 'cache-test-a', metadata: meta(12345) });
  assert.notEqual(b, a);
  assert.equal(b.size, 12345);
  assert.equal(parsedMetadata({ blobId: 'cache-test-b', metadata: meta(10) }).size, 10);
});

test('FETCH metadata: the cache drops the least recently used entries past its budget', () => {
  const first = parsedMetadata({ blobId: 'evict-0', metadata: meta(0, 'x'.repeat(200_000)) });
  assert.equal(parsedMetadata({ blobId: 'evict-0', metadata: meta(0, 'x'.repeat(200_000)) }), first);
  // 40 × 200 kB is twice the 4 MB budget: the first entry must have gone
  for (let i = 1; i <= 40; i++) parsedMetadata({ blobId: `evict-${i}`, metadata: meta(i, 'x'.repeat(200_000)) });
  assert.notEqual(parsedMetadata({ blobId: 'evict-0', metadata: meta(0, 'x'.repeat(200_000)) }), first);
});
