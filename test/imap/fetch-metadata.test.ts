/** The FETCH metadata cache (src/server/imap/fetch/metadata.ts): parsed once per message
 *  bytes, re-parsed when the stored metadata differs, only FETCH's parts kept, and bounded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedMetadata, parsedMetadata } from '../../src/server/imap/fetch/metadata.js';

const meta = (size: number, pad = ''): string => JSON.stringify({ size, bodyStart: 0, pad, envelope: {}, body: {}, text: 'search text' });
const octets = (json: string): number => Buffer.byteLength(json);

test('FETCH metadata: the same blob parses once; different metadata for it is parsed anew', () => {
  const json = meta(10);
  assert.equal(cachedMetadata('cache-test-a', octets(json)), null);
  const a = parsedMetadata('cache-test-a', octets(json), json);
  assert.equal(cachedMetadata('cache-test-a', octets(json)), a);
  assert.deepEqual(Object.keys(a).sort(), ['body', 'bodyStart', 'envelope', 'size'], 'the search text is not kept');
  const other = meta(12345);
  assert.equal(cachedMetadata('cache-test-a', octets(other)), null, 'stored metadata of another length is not taken from the cache');
  const b = parsedMetadata('cache-test-a', octets(other), other);
  assert.notEqual(b, a);
  assert.equal(b.size, 12345);
  assert.equal(cachedMetadata('cache-test-a', octets(other)), b);
  assert.equal(parsedMetadata('cache-test-b', octets(json), json).size, 10);
});

test('FETCH metadata: the cache drops the least recently used entries past its budget', () => {
  const big = (i: number) => meta(i, 'x'.repeat(200_000));
  const first = parsedMetadata('evict-0', octets(big(0)), big(0));
  assert.equal(cachedMetadata('evict-0', octets(big(0))), first);
  // 40 × 200 kB is twice the 4 MB budget: the first entry must have gone
  for (let i = 1; i <= 40; i++) parsedMetadata(`evict-${i}`, octets(big(i)), big(i));
  assert.equal(cachedMetadata('evict-0', octets(big(0))), null);
  assert.notEqual(cachedMetadata('evict-40', octets(big(40))), null);
});
