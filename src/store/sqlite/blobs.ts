/**
 * The SQLite backend's blobs in two tiers: up to `inlineLimit` bytes in the database's
 * blobs table, larger ones as files (blob-fs). A small blob then costs no file, no
 * fdatasync and no folder fsync: message append writes it in the transaction of its rows
 * (one WAL fsync for a whole group commit), and a put() shares a grouped INSERT. The tier
 * follows from the size alone, so the same bytes always land in the same tier and content
 * addressing still deduplicates; reads look in the table first (most mail is small), then
 * in the files. Garbage collection sweeps both tiers.
 */
import type { BlobId, BlobStore, BlobWriter } from '../types.js';
import type { FsBlobStore } from '../blob-fs/index.js';
import type { SqlBlobStore } from '../blob-sql/index.js';

export class TieredBlobStore implements BlobStore {
  readonly inlineLimit: number;

  constructor(private readonly small: SqlBlobStore, private readonly files: FsBlobStore) {
    this.inlineLimit = small.inlineLimit;
  }

  put(data: Uint8Array): Promise<BlobId> {
    return data.length <= this.inlineLimit ? this.small.put(data) : this.files.put(data);
  }

  /** A streamed blob is large (the SMTP spool streams past 1 MiB): it goes to the files. */
  createWriter(): BlobWriter {
    return this.files.createWriter();
  }

  async get(id: BlobId): Promise<Buffer> {
    return this.either(id, (s) => s.get(id));
  }

  async getRange(id: BlobId, start: number, end: number): Promise<Buffer> {
    return this.either(id, (s) => s.getRange(id, start, end));
  }

  async has(id: BlobId): Promise<boolean> {
    return (await this.small.has(id)) || this.files.has(id);
  }

  async collectGarbage(graceMs: number): Promise<number> {
    return (await this.small.collectGarbage(graceMs)) + (await this.files.collectGarbage(graceMs));
  }

  /** Runs `read` on the table tier, and on the files when the table has no such blob. */
  private async either<T>(id: BlobId, read: (s: BlobStore) => Promise<T>): Promise<T> {
    try {
      return await read(this.small);
    } catch (err) {
      if ((err as { reason?: string }).reason !== 'not-found') throw err;
      return read(this.files);
    }
  }
}
