/**
 * The blob cache in front of a BlobStore (src/store/blob-cache.ts): a blob its writer kept
 * after the commit (IMAP APPEND) is served from memory, as one read with get() is; a view
 * into a larger buffer is kept as a copy of its own; blobs past the entry limit are not
 * kept; a garbage collection that removed anything empties the cache.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CachedBlobStore } from '../../src/store/blob-cache.js';
import type { BlobStore } from '../../src/store/types.js';

function inner(): { store: BlobStore; reads: () => number; blobs: Map<string, Buffer> } {
  const blobs = new Map<string, Buffer>();
  let reads = 0;
  const store = {
    async get(id: string) {
      reads++;
      const b = blobs.get(id);
      if (!b) throw new Error(`no blob ${id}`);
      return b;
    },
    async getRange(id: string, start: number, end: number) {
      reads++;
      return (blobs.get(id) ?? Buffer.alloc(0)).subarray(start, end);
    },
    async collectGarbage() {
      return 1;
    },
  } as unknown as BlobStore;
  return { store, reads: () => reads, blobs };
}

test('a kept blob is served from memory; a view into a larger buffer is kept as a copy', async () => {
  const { store, reads, blobs } = inner();
  const cache = new CachedBlobStore(store);
  blobs.set('a', Buffer.from('hello'));
  cache.keep('a', Buffer.from('hello'));
  assert.equal((await cache.get('a')).toString(), 'hello');
  assert.equal((await cache.getRange('a', 1, 3)).toString(), 'el');
  assert.equal(reads(), 0, 'nothing read from the store');

  const command = Buffer.from('A1 APPEND {5}\r\nworld\r\n');
  cache.keep('b', command.subarray(15, 20));
  command.fill(0); // the caller's buffer, reused or not, no longer matters
  assert.equal((await cache.get('b')).toString(), 'world');
  assert.equal(reads(), 0);

  const large = Buffer.alloc(1024 * 1024 + 1, 1);
  blobs.set('c', large);
  cache.keep('c', large);
  await cache.get('c');
  assert.equal(reads(), 1, 'a blob past the entry limit is read from the store');

  await cache.collectGarbage(0);
  await cache.get('a');
  assert.equal(reads(), 2, 'after a collection that removed blobs, the cache starts empty');
});
