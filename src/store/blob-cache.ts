/**
 * Recently read blobs kept in memory, in front of either backend's BlobStore: IMAP clients
 * fetch the same message again and again (headers for a list, then the body, then a part),
 * and each read cost a statement that loaded the whole value (SQLite's substr() reads the
 * whole blob too). Blobs are content-addressed and never change (types.ts BlobId: the
 * SHA-256 of the bytes), so a cached copy is always exact; only blobs read whole with get()
 * or handed to keep() after their commit, and no larger than MAX_ENTRY, are kept, least
 * recently used dropped first past BUDGET octets (Buffers live outside the JavaScript heap:
 * the collector does not walk them).
 * Garbage collection empties the cache when it removes anything, so a collected blob is not
 * served from memory by this process afterwards. Buffers handed out are shared: callers
 * must not write to them (none does: FETCH and POP3 only cut and send them).
 */
import type { BlobId, BlobStore, BlobWriter } from './types.js';

/** Octets of cached blobs at most. */
const BUDGET = 32 * 1024 * 1024;
/** Largest blob kept (types.ts BlobStore.cachedUpTo). */
const MAX_ENTRY = 1024 * 1024;

export class CachedBlobStore implements BlobStore {
  readonly inlineLimit?: number;
  readonly cachedUpTo = MAX_ENTRY;
  private readonly cache = new Map<BlobId, Buffer>();
  private used = 0;

  constructor(private readonly inner: BlobStore) {
    this.inlineLimit = inner.inlineLimit;
  }

  put(data: Uint8Array): Promise<BlobId> {
    return this.inner.put(data);
  }

  createWriter(): BlobWriter {
    return this.inner.createWriter();
  }

  async get(id: BlobId): Promise<Buffer> {
    const hit = this.cache.get(id);
    if (hit) {
      this.cache.delete(id); // most recently used last
      this.cache.set(id, hit);
      return hit;
    }
    const data = await this.inner.get(id);
    if (data.length <= MAX_ENTRY && !this.cache.has(id)) this.remember(id, data);
    return data;
  }

  async getRange(id: BlobId, start: number, end: number): Promise<Buffer> {
    const hit = this.cache.get(id);
    if (!hit) return this.inner.getRange(id, start, end);
    const from = Math.min(Math.max(0, start), hit.length);
    return hit.subarray(from, Math.max(from, Math.min(end, hit.length)));
  }

  has(id: BlobId): Promise<boolean> {
    return this.inner.has(id);
  }

  async collectGarbage(graceMs: number): Promise<number> {
    const removed = await this.inner.collectGarbage(graceMs);
    if (removed > 0) {
      this.cache.clear();
      this.used = 0;
    }
    return removed;
  }

  /** A blob just committed, from bytes its writer holds (an IMAP APPEND: clients read back
   *  what they saved, and imaptest's FETCHes met a fresh message more often than not). A
   *  view into a larger buffer is copied, so the cache holds no more than it counts. */
  keep(id: BlobId, data: Buffer): void {
    if (data.length > MAX_ENTRY || this.cache.has(id)) return;
    this.remember(id, data.byteOffset === 0 && data.buffer.byteLength === data.length ? data : Buffer.from(data));
  }

  private remember(id: BlobId, data: Buffer): void {
    this.cache.set(id, data);
    this.used += data.length;
    for (const [k, b] of this.cache) {
      if (this.used <= BUDGET) break;
      this.cache.delete(k);
      this.used -= b.length;
    }
  }
}
